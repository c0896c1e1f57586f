"""Killing a real build (SIGKILL) at several moments leaves the previous site intact."""
from __future__ import annotations

import hashlib
import os
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


def staging_has_files(root: Path) -> bool:
    staging = root / ".out.staging"
    try:
        return staging.is_dir() and any(p.is_file() for p in staging.rglob("*.html"))
    except FileNotFoundError:  # swapped into place (or a folder of it moved) while it was being listed
        return False


MOMENTS = {
    "while reading": lambda root: True,
    "staging folder created": lambda root: (root / ".out.staging").is_dir(),
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
