"""Folders the tool makes beside an output folder while it works on it.

A build's staging tree, a search index being made and a deploy's new copy are
written next to the folder they will replace (same file system: swapped in by a
rename). Each lives in a folder of its own, `.<output>.<kind>-<pid>-<random>`,
made with `mkdtemp` (never a fixed name: two builds, or a folder of the user's
with that name, cannot collide) and holding a marker with the owner's pid
beside the tree it stages. A killed build leaves such a folder; the next one
removes it, and nothing else: unmarked folders, and marked ones whose owner is
still running, are left alone. The marker sits outside the staged tree, so it
is never published.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .confine import Folder

MARKER = ".site-builder-scratch"
# The marker search-index folders carried before this module (their kind is "pagefind").
_OLD_MARKERS = (".site-builder-search-index",)


def prefix(output: Path) -> str:
    """The start of every scratch folder's name for `output` (they sit in its parent folder)."""
    return f".{output.name}."


def make(output: Path, kind: str) -> Path:
    """A new empty scratch folder for `output`, marked as this process's."""
    # The pid in the name too: a kill between the folder and its marker leaves it known.
    scratch = Path(tempfile.mkdtemp(prefix=f"{prefix(output)}{kind}-{os.getpid()}-", dir=output.parent))
    try:
        Folder(scratch).write(MARKER, str(os.getpid()).encode("ascii"))
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return scratch


def remove_stale(output: Path) -> None:
    """Remove the scratch folders killed builds left beside `output` (only ours: marked, owner gone)."""
    start = prefix(output)
    try:
        entries = list(os.scandir(output.parent))
    except OSError:
        return
    for entry in entries:
        if not (entry.name.startswith(start) and entry.is_dir(follow_symlinks=False)):
            continue
        owner = _owner(entry.path, entry.name[len(start):])
        if owner is None:
            continue  # not a folder this code made
        if owner != os.getpid() and _alive(owner):
            continue  # another build's, still running
        shutil.rmtree(entry.path, ignore_errors=True)


def is_scratch_path(path: str, output: Path) -> bool:
    """Whether `path` is in a folder named like one of `output`'s scratch folders (the preview
    server's watcher ignores them: they are the build's own writing)."""
    parent = str(output.parent).rstrip(os.sep) + os.sep
    return path.startswith(parent) and path[len(parent):].startswith(prefix(output))


def _owner(path: str, suffix: str) -> int | None:
    """The pid of the process that made a scratch folder, or None if it is not one of ours: its
    marker says; a build killed before writing the marker left its pid in the name
    (`<kind>-<pid>-<random>`) and nothing in the folder but, at most, that marker begun."""
    kind, _, rest = suffix.partition("-")
    if not kind or not rest:
        return None
    for marker in (MARKER, *_OLD_MARKERS):
        try:
            return int((Path(path) / marker).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    pid = rest.split("-", 1)[0]
    try:
        if pid.isdigit() and set(os.listdir(path)) <= {MARKER, *_OLD_MARKERS}:
            return int(pid)
    except OSError:
        pass
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
