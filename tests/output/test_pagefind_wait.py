"""pagefind._wait: the indexer's end, awaited with a deadline (a process file descriptor where there is one)."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

import pytest

from site_builder.output.pagefind import _wait


def test_returns_the_end_of_a_process_soon_after_it_ends():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.2); raise SystemExit(3)"])
    started = time.monotonic()
    pid, status, usage = _wait(proc.pid, 10.0)
    waited = time.monotonic() - started
    assert pid == proc.pid and os.waitstatus_to_exitcode(status) == 3 and usage.ru_utime >= 0
    assert waited < 2.0
    proc.returncode = 3  # (reaped here)


def test_a_process_still_running_at_the_deadline_is_a_timeout():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with pytest.raises(TimeoutError):
            _wait(proc.pid, 0.3)
    finally:
        proc.kill()
        proc.wait()


def test_works_with_descriptors_past_1024_open():
    """select() cannot watch a descriptor past 1024; a build with many open files must still wait."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(2048, hard), hard))
    opened = []
    try:
        r, w = os.pipe()
        opened += [r, w]
        while opened[-1] < 1100:
            opened.append(os.dup(r))
        proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(0)"], close_fds=True)
        pid, status, _ = _wait(proc.pid, 10.0)
        assert pid == proc.pid and os.waitstatus_to_exitcode(status) == 0
        proc.returncode = 0
    finally:
        for fd in opened:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
