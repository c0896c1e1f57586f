"""Killing a real build (SIGKILL) at several moments leaves the previous site intact."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.robustness.inputs import md_record

RECORDS = 300


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def start_build(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "site_builder", "build", "--content", str(root / "content"), "--output", str(root / "out"),
         "--config", str(root / "site.yaml"), "--quiet", "--ignore-cache", "--jobs", "1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def write_records(content: Path, body, count: int = RECORDS) -> None:
    """`count` Markdown records of a generated site; `body(n)` is the text of the n-th."""
    for n in range(count):
        (content / f"r{n:03}.md").write_text(md_record(f"Generated Paper {n}", body(n), year=str(1990 + n % 30),
                                                       authors=f"[Author {n % 50}]", keywords=f"[topic{n % 20}]"),
                                             encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("atomic")
    content = root / "content"
    content.mkdir()
    write_records(content, lambda n: f"Summary number {n} of a generated site, with math $x_{{{n}}}$.\n\n"
                  + "A paragraph of text. " * 40)
    (root / "site.yaml").write_text("title: Atomic\nsearch: false\n", encoding="utf-8")
    first = start_build(root)
    assert first.wait(timeout=300) == 0
    return root, snapshot(root / "out")


def staged_trees(root: Path) -> list[Path]:
    """The build's staging tree: `<tree>` in its own scratch folder `.out.staging-<pid>-<random>/`."""
    return [p for p in root.glob(".out.staging-*/site") if p.is_dir()]


def staging_has_files(root: Path) -> bool:
    try:
        return any(p.is_file() for staging in staged_trees(root) for p in staging.rglob("*.html"))
    except FileNotFoundError:  # swapped into place (or a folder of it moved) while it was being listed
        return False


MOMENTS = {
    "while reading": lambda root: True,
    "staging folder created": lambda root: bool(staged_trees(root)),
    "staging half written": staging_has_files,
}


def sigkill_at(proc: subprocess.Popen, moment: str, reached, poll: float = 0.005) -> None:
    """SIGKILL the build as soon as `reached()` is true; fails if the build ends first."""
    deadline = time.monotonic() + 120
    try:
        while not reached():
            if proc.poll() is not None:
                pytest.fail(f"the build finished before the moment '{moment}'; make it slower")
            assert time.monotonic() < deadline
            time.sleep(poll)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_sigkill_leaves_the_previous_site_intact(site, moment):
    root, before = site
    sigkill_at(start_build(root), moment, lambda: MOMENTS[moment](root))
    assert snapshot(root / "out") == before
    assert len(before) > RECORDS  # a complete site: a page per paper and more


def test_the_next_build_removes_what_a_killed_one_left_and_nothing_else(site):
    """The staging folder has a name of its own and a marker: the build after a kill removes the one
    it left, while folders of the user's beside the output stay, even with names like the tool's."""
    root, before = site
    mine = root / ".out.staging"  # the fixed name earlier versions used: now never touched
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    lookalike = root / ".out.staging-123-abc"  # named like ours, but not marked
    lookalike.mkdir()
    (lookalike / "keep.txt").write_text("keep", encoding="utf-8")
    try:
        sigkill_at(start_build(root), "staging half written", lambda: staging_has_files(root))
        assert [p for p in staged_trees(root) if lookalike not in p.parents]  # the kill left one
        assert start_build(root).wait(timeout=300) == 0
        assert [p for p in root.glob(".out.*") if p.name != ".out.staging-123-abc"] == [mine]
        assert (mine / "notes.txt").read_text(encoding="utf-8") == "mine"
        assert (lookalike / "keep.txt").read_text(encoding="utf-8") == "keep"
        assert snapshot(root / "out") == before
    finally:
        shutil.rmtree(mine, ignore_errors=True)
        shutil.rmtree(lookalike, ignore_errors=True)
