"""Debouncing: a burst of changes is one batch; a change after a quiet moment is the next."""
from __future__ import annotations

import threading
import time

from watchfiles import Change

from site_builder.server.watch import ChangeQueue


def collect(queue: ChangeQueue) -> tuple[threading.Thread, list]:
    batches: list = []
    reader = threading.Thread(target=lambda: [batches.append(b) for b in iter(queue.next_batch, None)])
    reader.start()
    return reader, batches


def test_a_burst_is_one_batch_and_later_changes_the_next(tmp_path):
    queue = ChangeQueue(quiet=0.1)
    reader, batches = collect(queue)
    for name in ["a.md", "b.md", "a.md", "c.md"]:
        queue.add([(Change.modified, str(tmp_path / name))])
        time.sleep(0.02)  # closer together than `quiet`
    time.sleep(0.3)
    queue.add([(Change.deleted, str(tmp_path / "d.md"))])
    time.sleep(0.3)
    queue.close()
    reader.join(timeout=2)
    assert batches == [{str(tmp_path / n) for n in ["a.md", "b.md", "c.md"]}, {str(tmp_path / "d.md")}]


def test_temporary_files_of_a_save_do_not_count(tmp_path):
    """sed -i and many editors write a temporary file and rename it over the real one."""
    real = tmp_path / "note.md"
    real.write_text("saved")
    queue = ChangeQueue(quiet=0.05)
    reader, batches = collect(queue)
    queue.add([(Change.added, str(tmp_path / "sedX1")), (Change.modified, str(tmp_path / "sedX1")),
               (Change.deleted, str(tmp_path / "sedX1")), (Change.added, str(real))])
    time.sleep(0.2)
    queue.close()
    reader.join(timeout=2)
    assert batches == [{str(real)}]


def test_close_wakes_a_waiting_reader():
    queue = ChangeQueue()
    result = []
    reader = threading.Thread(target=lambda: result.append(queue.next_batch()))
    reader.start()
    queue.close()
    reader.join(timeout=2)
    assert result == [None]


def test_a_save_right_after_the_watch_starts_is_seen(tmp_path):
    """`serve` prints its address once the watches exist: a save made at once must not be lost
    (the watcher thread used to register them some time after it started)."""
    from site_builder.server.watch import Watcher

    for n in range(5):
        folder = tmp_path / f"site{n}"
        folder.mkdir()
        queue = ChangeQueue(quiet=0.01)
        watcher = Watcher([folder], queue)
        watcher.start_watching()
        try:
            assert watcher.ready.is_set()
            (folder / "a.md").write_text("saved at once\n", encoding="utf-8")
            got: list = []
            reader = threading.Thread(target=lambda: got.append(queue.next_batch()), daemon=True)
            reader.start()
            reader.join(timeout=10)
            assert got and str(folder / "a.md") in got[0]
        finally:
            queue.close()
            watcher.stop()


def test_the_output_and_its_scratch_folders_are_left_out_but_not_lookalike_names(tmp_path):
    """The server ignores what the build writes: the output folder (`site`) and its scratch folders
    (`.site.staging-…`). A folder whose name only starts like the output's (`site-notes`, the content
    of some sites) is watched."""
    from functools import partial

    from site_builder.output import scratch
    from site_builder.server.watch import _Filter

    output = tmp_path / "site"
    keep = _Filter([output, partial(scratch.is_scratch_path, output=output)])
    for left_out in [output, output / "index.html", tmp_path / ".site.staging-1-x" / "site" / "a.html",
                     tmp_path / ".site.pagefind-2-y" / "pagefind" / "x.pf_meta"]:
        assert not keep(Change.modified, str(left_out)), left_out
    for watched in [tmp_path / "site-notes" / "paper.md", tmp_path / "sites" / "a.md",
                    tmp_path / ".sites.staging-1-x" / "a.md", tmp_path / "content" / ".site.md"]:
        assert keep(Change.modified, str(watched)), watched
