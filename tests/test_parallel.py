"""Parallel rendering (--jobs) gives byte-identical output to a serial build."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from site_builder import parallel
from site_builder.config import SiteConfig
from site_builder.pipeline import build

from .conftest import CONTENT


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_map_indexed_keeps_order_across_processes():
    parent = os.getpid()
    out = parallel.map_indexed(lambda i: (i * i, os.getpid() != parent), 200, jobs=2)
    assert [v for v, _ in out] == [i * i for i in range(200)]
    assert any(forked for _, forked in out)  # really ran in workers


def test_forked_gives_the_value_computed_in_a_child():
    parent = os.getpid()
    job = parallel.Forked(lambda: (os.getpid(), list(range(100_000))), fallback=lambda: (parent, []))
    pid, values = job.result()
    assert pid != parent and values == list(range(100_000))  # (more than a pipe's buffer)
    job.close()  # harmless after result()
    assert parallel.Forked(lambda: os.getpid(), fork=False).result() == parent


def test_forked_falls_back_when_the_child_fails_and_close_stops_it():
    import time

    parent = os.getpid()

    def fails():
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return "made here"

    assert parallel.Forked(fails).result() == "made here"
    slow = parallel.Forked(lambda: time.sleep(60))
    pid = slow.pid
    slow.close()  # killed and waited for at once, not after a minute
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_serial_when_one_job_or_little_work():
    parent = os.getpid()
    assert parallel.map_indexed(lambda i: os.getpid(), 100, jobs=1) == [parent] * 100
    assert parallel.map_indexed(lambda i: os.getpid(), 3, jobs=2) == [parent] * 3


def test_meanwhile_runs_once_in_this_process_while_workers_have_their_tasks():
    parent = os.getpid()
    for jobs, n in ((2, 200), (1, 200), (2, 3)):  # forked, serial, too little to fork
        calls: list[int] = []
        results = parallel.imap_indexed(lambda i: i + 1, n, jobs, meanwhile=lambda: calls.append(os.getpid()))
        assert calls == []  # a generator: nothing starts before it is asked for a result
        assert next(results) == 1
        assert calls == [parent]  # ran before the first result came back, here
        assert list(results) == list(range(2, n + 1)) and calls == [parent]


def test_collect_false_pauses_only_this_processes_collector_while_results_come():
    import gc

    parent = os.getpid()
    assert gc.isenabled()
    for jobs, n, paused in ((2, 200, True), (1, 200, False), (2, 3, False)):  # forked; serial and too little: here
        seen: list[bool] = []
        results = parallel.imap_indexed(lambda i: (os.getpid() != parent, gc.isenabled()), n, jobs, collect=False)
        for forked, collecting in results:
            assert collecting  # the workers (or this process, running the work itself) still collect
            seen.append(gc.isenabled())
        assert seen == [not paused] * n
        assert gc.isenabled()  # on again at the end
    results = parallel.imap_indexed(lambda i: i, 200, 2, collect=False)
    next(results)
    assert not gc.isenabled()
    results.close()  # a caller that stops early: collecting again
    assert gc.isenabled()


def forking_sample(tmp_path: Path, monkeypatch) -> SiteConfig:
    """The sample content in tmp_path, and a config for it; every stage forks even for a handful of items."""
    monkeypatch.setattr(parallel, "MIN_PER_JOB", 1)  # the sample site is small
    config = SiteConfig()
    config.search = False
    config.mathjax.self_host = False
    shutil.copytree(CONTENT, tmp_path / "content")
    return config


def test_parallel_build_is_byte_identical(tmp_path: Path, monkeypatch):
    config = forking_sample(tmp_path, monkeypatch)
    serial = build(tmp_path / "content", tmp_path / "serial", config, tmp_path, use_cache=False, jobs=1)
    forked = build(tmp_path / "content", tmp_path / "forked", config, tmp_path, use_cache=False, jobs=2)
    assert serial.pages == forked.pages and serial.render_warnings == forked.render_warnings
    assert tree(tmp_path / "serial") == tree(tmp_path / "forked")


def recorded_steps(site_root: Path, output: Path) -> dict[str, tuple]:
    """The page cache a build saved: page -> (base, its steps with digests), whatever their numbering."""
    from site_builder.cache import BuildCache

    cache = BuildCache.open(site_root)
    cache.load_tables()
    data = cache.old
    table = data["page_steps"]
    return {Path(where).relative_to(output).as_posix(): (base, frozenset(table[i] for i in ids))
            for where, (base, ids) in data["pages"].items()}


def test_parallel_build_records_the_same_page_steps(tmp_path: Path, monkeypatch):
    # Workers number the steps they send back each on their own; the saved cache must not show it.
    config = forking_sample(tmp_path, monkeypatch)
    runs = {}
    for jobs in (1, 2):
        root = tmp_path / f"root{jobs}"
        root.mkdir()
        build(tmp_path / "content", root / "site", config, root, jobs=jobs)
        runs[jobs] = recorded_steps(root, root / "site")
    assert len(runs[1]) > 20 and all(steps for _, steps in runs[1].values())
    assert runs[1] == runs[2]


def test_progress_bar_appears_only_for_long_builds(monkeypatch, capsys):
    from site_builder.commands import progress

    quick = progress.RichProgress()
    quick.stage("pages", 10)(10)
    assert quick.bar is None  # a build under DELAY seconds shows nothing

    monkeypatch.setattr(progress, "DELAY", 0.0)
    slow = progress.RichProgress()
    advance = slow.stage("summaries", 100)
    advance(40)
    late = slow.stage("pages", None)  # a stage that starts after the bar is up
    late(7)
    assert slow.bar is not None
    tasks = {t.description: t.completed for t in slow.bar.tasks}
    slow.stop()
    assert tasks == {"summaries": 40, "pages": 7}


SIGTERM_SCRIPT = """
import signal, sys, threading
from site_builder.parallel import map_indexed

def interrupt(signum, frame):  # what `serve` installs so that `kill` stops it like Ctrl-C
    raise KeyboardInterrupt

signal.signal(signal.SIGTERM, interrupt)

def builds():  # serve rebuilds in a thread of its own
    for k in range(60):
        assert map_indexed(lambda i: i * i, 64, jobs=2) == [i * i for i in range(64)]
    print("done", flush=True)

thread = threading.Thread(target=builds)
thread.start()
thread.join()
"""


def test_workers_do_not_inherit_a_sigterm_handler(tmp_path):
    # Issue 25: the pool stops its workers with SIGTERM; a worker that ran serve's handler instead of
    # dying raised KeyboardInterrupt while holding the task queue's lock, and the next pool waited forever.
    import signal
    import subprocess
    import sys

    from .conftest import ROOT

    proc = subprocess.Popen([sys.executable, "-c", SIGTERM_SCRIPT], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the script and its stuck workers
        out, err = proc.communicate()
        raise AssertionError(f"map_indexed hung after a SIGTERM handler was installed:\n{err[-2000:]}")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # any worker left behind
        except ProcessLookupError:
            pass
    assert proc.returncode == 0 and out == "done\n", err
    assert "KeyboardInterrupt" not in err


def test_chunks_cover_every_item_once_in_order_and_shrink_at_the_end(monkeypatch):
    from site_builder import parallel

    for minimum in (16, 1):  # 1: as the server's tests set it (every stage forks however few its items)
        monkeypatch.setattr(parallel, "MIN_PER_JOB", minimum)
        for n in (1, 7, 40, 1000, 12_700):
            chunks = parallel._chunks(n, 2)
            assert [i for c in chunks for i in c] == list(range(n))
            sizes = [len(c) for c in chunks]
            assert max(sizes) <= 256 and sizes == sorted(sizes, reverse=True)  # never growing
    assert len(parallel._chunks(12_700, 2)[-2]) < 256  # the last ones are small
