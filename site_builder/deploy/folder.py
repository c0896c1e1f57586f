"""Deploy into a directory, e.g. a web server's document root.

The new tree is assembled in a staging folder beside the target (unchanged files
hard-linked from the current target, new and changed ones copied from the build),
then swapped with the target in one step with renameat2(RENAME_EXCHANGE), so a
reader sees either the whole old site or the whole new one. Where the kernel or
file system lacks that call, two renames are used (the target is missing for an
instant, but never half old, half new).
"""
from __future__ import annotations

import filecmp
import os
import shutil
from pathlib import Path

from ..output import scratch
from ..output.confine import Folder
from ..output.swap import swap_in
from ..output.target import MARKER, MARKER_TEXT, OutputRefused, check_replaceable
from .changes import Changes, compare, site_files



class FolderDeployError(Exception):
    pass


def _same(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and filecmp.cmp(a, b, shallow=False)


def plan(site: Path, target: Path) -> Changes:
    new, old = site_files(site), site_files(target)
    new.pop(MARKER, None)  # the marker is the target's own, written by every deploy (not a change)
    old.pop(MARKER, None)
    # Fingerprint = "same bytes as the deployed file?", so compare() sees changed files as different.
    return compare({p: (p in old and _same(new[p], old[p])) for p in new}, {p: True for p in old})


def check_target(site: Path, target: Path, keep: list[Path], force: bool = False) -> None:
    """Refuse targets where deleting "files that are gone" would delete the user's own files.

    A non-empty folder that was never a deploy target (no marker, no site of ours) is
    refused too, unless `force`: then its other files are deleted.
    """
    site_r, target_r = site.resolve(), target.resolve()
    if target_r.exists() and not target_r.is_dir():
        raise FolderDeployError(f"{target}: exists and is not a directory")
    if target_r == site_r or site_r in target_r.parents or target_r in site_r.parents:
        raise FolderDeployError(f"{target}: must not be the built site folder, inside it, or around it")
    for path in [Path.home(), Path.cwd(), *keep]:
        path = path.resolve()
        if target_r == path or target_r in path.parents:
            raise FolderDeployError(f"{target}: holds {path}; deploying would delete it. Choose a folder of its own")
    try:
        check_replaceable(target, what="--to", force_hint=", or give --force to replace its files with the site")
    except OutputRefused as exc:
        if not force or not target_r.is_dir():  # --force allows a foreign folder, never the checks above
            raise FolderDeployError(str(exc)) from exc
        if target_r.parent == target_r or target_r == Path.home().resolve():
            raise FolderDeployError(str(exc)) from exc


def deploy(site: Path, target: Path, *, keep: list[Path] = (), dry_run: bool = False, force: bool = False) -> Changes:
    check_target(site, target, list(keep), force)
    changes = plan(site, target)
    if dry_run:
        return changes
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch.remove_stale(target)  # left by an interrupted deploy (only folders marked as ours)
    own = scratch.make(target, "deploy")
    staging = own / "site"
    staging.mkdir()
    out = Folder(staging)  # every file proved to land inside the staging folder
    try:
        if target.is_dir():
            shutil.copymode(target, staging)
        for rel in changes.unchanged:
            dest = out.path(rel)
            os.makedirs(out.folder(rel.rpartition("/")[0]), exist_ok=True)
            try:
                os.link(target / rel, dest, follow_symlinks=False)
            except OSError:  # another file system or no hard links: copy instead
                out.copy(target / rel, rel)
                shutil.copystat(target / rel, dest)
        for rel in changes.added + changes.changed:
            out.copy(site / rel, rel)
            shutil.copystat(site / rel, out.path(rel))
        out.write(MARKER, MARKER_TEXT.encode("utf-8"))  # the target is a deploy target from now on
        swap_in(staging, target)
    finally:
        shutil.rmtree(own, ignore_errors=True)  # after the swap it holds the old site
    return changes


