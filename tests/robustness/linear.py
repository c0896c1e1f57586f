"""Run a piece of work in a forked child and fail the test when it does not finish in time.

The linear-time tests give each crafted input a size at which quadratic code would
take minutes and linear code a fraction of a second, and a limit (seconds) far
above the linear time, so a loaded machine does not make them flaky. A regex
cannot be interrupted from Python, hence the child process: it is killed at the
limit and the test fails then, instead of after the minutes the regression costs.
"""
from __future__ import annotations

import os
import time
import traceback
from typing import Callable

DEFAULT_LIMIT = 15.0  # seconds; everything measured here takes well under one


def finishes_within(work: Callable[[], object], limit: float = DEFAULT_LIMIT) -> float:
    """Seconds `work()` took in a forked child; AssertionError if it failed or ran past `limit`."""
    read_end, write_end = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: run, report an exception through the pipe, never return into pytest
        os.close(read_end)
        status = 0
        try:
            work()
        except BaseException:  # noqa: BLE001 - everything goes back to the parent
            os.write(write_end, traceback.format_exc().encode("utf-8", "replace")[-4000:])
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            elapsed = time.perf_counter() - started
            if done:
                break
            if elapsed > limit:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                raise AssertionError(f"still running after {limit:g} s: not linear in its input")
            time.sleep(0.005)
        error = os.read(read_end, 8192).decode("utf-8", "replace")
    finally:
        os.close(read_end)
    assert os.waitstatus_to_exitcode(status) == 0, error or f"child exited with {status}"
    return elapsed
