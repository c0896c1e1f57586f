"""Run `fn(i)` for i in range(n) on several cores, results in order.

Workers are forked, so they inherit everything `fn` closes over (the catalog,
the Jinja environment) without pickling it; only indexes go out and results
come back. Order is preserved, so output never depends on scheduling and a
parallel build is byte-identical to a serial one. Where fork is unavailable, or
for small inputs where starting processes costs more than it saves, it runs serially.

Workers start with the default signal handling, whatever the parent installed: `serve`
turns SIGTERM into KeyboardInterrupt, and a worker that inherited that raised it when the
pool stopped it (with SIGTERM), possibly holding the task queue's lock, so that the next
pool waited for ever (issue 25).
"""
from __future__ import annotations

import gc
import os
import pickle
import signal
import traceback
from typing import Callable, Generic, Iterator, TypeVar

T = TypeVar("T")
Progress = Callable[[int], None]  # called with how many items just finished

_TASK: Callable[[int], object] | None = None
MIN_PER_JOB = 16  # below this, a process costs more than it saves


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Blocked while the pool forks, so a worker never runs the parent's handler before _worker_start.
_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def _worker_start() -> None:
    """Pool initializer: SIGTERM kills the worker (the pool's way of stopping it) and Ctrl-C,
    which reaches the whole process group, is left to the parent, which stops the pool."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def _pool(jobs: int):
    """A forked pool whose workers never run the parent's signal handlers (module docstring)."""
    import multiprocessing  # here: a build that forks no pool (an edit, nothing changed) need not load it

    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)  # for this thread only: others still see them
    try:
        return multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_start)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


def _run_chunk(indexes: range) -> list:
    assert _TASK is not None
    try:
        return [_TASK(i) for i in indexes]
    except Exception as exc:
        # The traceback does not cross to the parent (only the exception, pickled): keep where it
        # went, so that e.g. a template error can still name its file and line (output/theme.py).
        exc.worker_frames = [(f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__)]
        raise


def _chunks(n: int, jobs: int) -> list[range]:
    """The tasks, in order: chunks of at most 256 items, getting smaller towards the end.

    Small chunks keep both cores busy to the end and the progress bar moving; each is at most
    an eighth of what is left per process ("guided" scheduling), so the last ones are a few
    items each and no process waits long for another to finish a big chunk.
    """
    out, start = [], 0
    while start < n:
        size = max(MIN_PER_JOB // 2, min(256, (n - start) // (jobs * 8)), 1)
        out.append(range(start, min(start + size, n)))
        start += size
    return out


def map_indexed(fn: Callable[[int], T], n: int, jobs: int = 1, progress: Progress | None = None) -> list[T]:
    return list(imap_indexed(fn, n, jobs, progress))


def imap_indexed(fn: Callable[[int], T], n: int, jobs: int = 1, progress: Progress | None = None,
                 meanwhile: Callable[[], object] | None = None, collect: bool = True) -> Iterator[T]:
    """map_indexed, yielding each result as soon as it (and all before it) are done.

    A caller that writes results out as they come never holds all of them (the
    pages of a large site are hundreds of MB of text). `meanwhile` runs in this
    process once the workers have their tasks (before the first result is
    yielded): serial work that does not need the results overlaps theirs.

    `collect=False`: the caller keeps the results and makes no cyclic garbage while they come, so
    this process's cyclic garbage collector pauses once the workers are forked (they keep theirs):
    each collection the results' allocations set off would walk every result kept so far (0.6 s of
    the summary step's parent at 10,000 summaries). Work done here (one job) is not paused.
    """
    global _TASK
    if jobs <= 1 or n < 2 * MIN_PER_JOB or "fork" not in _start_methods():
        if meanwhile:
            meanwhile()
        for i in range(n):
            yield fn(i)
            if progress and (i % 64 == 63 or i == n - 1):
                progress(i % 64 + 1)
        return
    chunks = _chunks(n, jobs)
    _TASK = fn
    # Workers share the parent's heap copy-on-write: frozen, the cyclic collector in a worker does not
    # walk (and so copy) the catalog and environment it inherited. Left frozen if it already was
    # (persist.build_site freezes a command-line build's session for good).
    thaw = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        with _pool(jobs) as pool:
            paused = not collect and gc.isenabled()
            if paused:  # (after the fork: the workers collect as before)
                gc.disable()
            try:
                parts = pool.imap(_run_chunk, chunks)
                if meanwhile:
                    meanwhile()
                for part in parts:
                    if progress:
                        progress(len(part))
                    yield from part
            finally:
                if paused:
                    gc.enable()
    finally:
        _TASK = None
        if thaw:
            gc.unfreeze()


def die_with_parent() -> None:
    """A forked process ends if the one that started it is killed (Linux; elsewhere it finishes alone)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Forked(Generic[T]):
    """`fn()` worked out by one forked process while this one goes on; `result()` waits for it.

    For serial work that reads much of what this process holds and gives back something far
    smaller (the related index reads every summary's text): the child inherits it all without
    pickling, and only the result comes back (pickled, through a pipe). Where fork is missing,
    or when the child fails (an exception, killed, out of memory), `result()` calls `fallback()`
    here instead, so the caller gets the same value either way. `close()` stops a child whose
    result is not wanted any more (the build failed meanwhile); it is harmless after result().
    """

    def __init__(self, fn: Callable[[], T], fallback: Callable[[], T] | None = None, fork: bool = True) -> None:
        """`fork=False`: no process; `result()` calls `fallback()` (the caller decided it is not worth one)."""
        self.fallback = fallback or fn
        self.pid: int | None = None
        self.fd = -1
        if not fork or not hasattr(os, "fork") or "fork" not in _start_methods():
            return
        r, w = os.pipe()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)  # as _pool: see _worker_start
        try:
            pid = os.fork()
        except OSError:  # (no memory for another process): worked out here
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.close(r)
            os.close(w)
            return
        if pid == 0:  # the child: never returns
            status = 1
            try:
                os.close(r)
                _worker_start()
                die_with_parent()
                gc.disable()  # it makes no garbage, and a collection would copy the inherited heap
                data = pickle.dumps(fn(), protocol=pickle.HIGHEST_PROTOCOL)
                with open(w, "wb") as out:
                    out.write(data)
                status = 0
            except BaseException:  # noqa: BLE001 - the parent falls back; the traceback helps
                traceback.print_exc()
            finally:
                os._exit(status)  # not the parent's atexit handlers or buffered output
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        os.close(w)
        self.pid, self.fd = pid, r

    def result(self) -> T:
        pid, self.pid = self.pid, None
        if pid is None:
            return self.fallback()
        with open(self.fd, "rb") as pipe:  # (closes it)
            data = pipe.read()
        if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
            return self.fallback()
        return pickle.loads(data)

    def close(self) -> None:
        pid, self.pid = self.pid, None
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(self.fd)
        os.waitpid(pid, 0)
