"""Killing a real incremental rebuild (SIGKILL) while it writes the search index leaves the
published site as it was; the next build removes what the killed one left and gives the site
a clean build gives. (The full build's own kill test is test_atomic_output.py.)"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.config import load_config
from site_builder.pipeline import build
from tests.conftest import ROOT
from tests.output.test_search_delta import search_view
from tests.robustness.test_atomic_output import sigkill_at, snapshot, write_records

def run_build(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "site_builder", "build", "--content", str(root / "content"), "--output", str(root / "out"),
         "--config", str(root / "site.yaml"), "--jobs", "1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def age(folder: Path) -> None:
    """Inputs edited long ago: a file edited within the last seconds is not trusted by its stat."""
    past = time.time() - 60
    for p in folder.rglob("*"):
        os.utime(p, (past, past))


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".out.pagefind-"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("atomic-search")
    content = root / "content"
    content.mkdir()
    write_records(content, lambda n: f"Summary number {n} of a generated site about topic{n % 20}.\n\n"
                  + "A paragraph of words to index. " * 60)
    (root / "site.yaml").write_text("title: Atomic search\nmathjax:\n  self_host: false\n", encoding="utf-8")
    age(content)
    first = run_build(root)
    assert first.wait(timeout=300) == 0
    return root


def index_folder_made(root: Path) -> bool:
    return bool(leftovers(root))


def index_being_written(root: Path) -> bool:
    """Pagefind has begun writing the delta bundle (or the whole index) in the folder beside the site."""
    return any(any((root / name).rglob("*.pf_fragment")) for name in leftovers(root))


MOMENTS = {"index folder made": index_folder_made, "index being written": index_being_written}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_sigkill_while_the_index_is_written(site, moment):
    root = site
    before = snapshot(root / "out")
    edited = root / "content" / f"r{list(MOMENTS).index(moment):03}.md"
    with open(edited, "a", encoding="utf-8") as f:
        f.write(f"\nA sentence added before the moment '{moment}': quokkas{len(moment)}.\n")
    age(root / "content")

    sigkill_at(run_build(root), moment, lambda: MOMENTS[moment](root), poll=0.002)
    assert snapshot(root / "out") == before  # not one page replaced, the old index in place
    assert leftovers(root)  # what the killed build was writing (removed by the next one)

    again = run_build(root)
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0
    assert "incremental" in out  # the left folder is beside the site, which is as the last build left it
    assert leftovers(root) == []
    reference = root.parent / f"{root.name}-ref-{len(moment)}"
    build(root / "content", reference, load_config(root / "site.yaml"), root / "no-cache-here", use_cache=False)
    # Every file but the index as a clean build has it; the index (the edit in its delta bundle,
    # output/search_delta.py) finds what the clean build's finds.
    ours, clean = snapshot(root / "out"), snapshot(reference)
    assert {k: v for k, v in ours.items() if not k.startswith("pagefind/")} == \
        {k: v for k, v in clean.items() if not k.startswith("pagefind/")}
    assert search_view(root / "out") == search_view(reference)
    shutil.rmtree(reference)


def test_a_folder_killed_before_its_marker_is_removed_by_its_dead_owners_pid(site):
    """A kill between making the folder and writing its marker leaves it empty (or with the marker
    begun); the pid in its name says whose it was. A live owner's, or one holding anything else, stays."""
    from site_builder.output.search import remove_stale_indexes

    root = site
    dead = 999_999_999
    empty = root / f".out.pagefind-{dead}-abc"
    empty.mkdir()
    begun = root / f".out.pagefind-{dead}-def"
    begun.mkdir()
    (begun / ".site-builder-search-index").write_bytes(b"")
    live = root / f".out.pagefind-{os.getppid()}-ghi"
    live.mkdir()
    other = root / f".out.pagefind-{dead}-jkl"
    other.mkdir()
    (other / "notes.txt").write_text("not ours", encoding="utf-8")
    try:
        remove_stale_indexes(root / "out")
        assert not empty.exists() and not begun.exists()
        assert live.is_dir() and (other / "notes.txt").is_file()
    finally:
        for folder in (live, other):
            shutil.rmtree(folder, ignore_errors=True)


def test_only_marked_folders_are_removed(site, tmp_path):
    from site_builder.output.search import remove_stale_indexes

    root = site
    foreign = root / ".out.pagefind-not-ours"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("someone else's", encoding="utf-8")
    ours = root / ".out.pagefind-dead"
    ours.mkdir()
    (ours / ".site-builder-search-index").write_text("999999999", encoding="utf-8")  # no such process
    busy = root / ".out.pagefind-busy"
    busy.mkdir()
    (busy / ".site-builder-search-index").write_text(str(os.getppid()), encoding="utf-8")  # a live process
    try:
        remove_stale_indexes(root / "out")
        assert not ours.exists()
        assert (foreign / "keep.txt").is_file() and busy.is_dir()
    finally:
        shutil.rmtree(foreign, ignore_errors=True)
        shutil.rmtree(busy, ignore_errors=True)


def test_a_kill_between_the_delta_and_its_manifest_gives_a_full_build(site):
    """A build killed after moving the new delta folder into the index but before replacing parts.json
    leaves a folder the last build did not record: the next build is a full one and writes the clean
    build's index (it never copies a delta folder)."""
    root = site
    (root / "out" / "pagefind" / "delta-0123456789abcdef0123").mkdir()
    (root / "out" / "pagefind" / "delta-0123456789abcdef0123" / "pagefind-entry.json").write_text("{}")
    again = run_build(root)
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0 and "incremental" not in out
    reference = root.parent / f"{root.name}-ref-stray"
    build(root / "content", reference, load_config(root / "site.yaml"), root / "no-cache-here", use_cache=False)
    assert snapshot(root / "out") == snapshot(reference)
    shutil.rmtree(reference)
