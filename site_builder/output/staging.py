"""Fill the staging folder cheaply: unchanged files are hard links to the current output.

The staging folder is still a complete new site that replaces the output by a
rename (so a killed build leaves the old site intact), but a file whose bytes
are the same as the one already published is linked (os.link), not rewritten.
A linked file is never opened for writing: changed files are new files, so the
published site is never modified in place. A file is taken as unchanged only if
the cache says it wrote those exact bytes there and the published file still has
the size, mtime and inode it had then (so a hand-edited output is rewritten).
Only files of the new site are linked; anything else (deleted pages, files a
later step such as the search index makes) is simply not carried over.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..cache import BuildCache, output_digest, stat_key
from .confine import Folder
from .pagecache import Published


@dataclass
class FillStats:
    """Files written and files linked while filling the staging folder."""

    written: int = 0
    linked: int = 0


class _Dirs:
    """mkdir each folder once (pathlib's mkdir per file was a visible cost), inside `folder` only.

    Safe in several processes at once: a folder another one made is simply there.
    """

    def __init__(self, folder: Folder):
        self.folder, self.made = folder, {""}

    def ensure(self, rel: str) -> None:
        parent = rel.rpartition("/")[0]
        if parent not in self.made:
            self.ensure(parent)  # its parent first: then one plain mkdir each, no probing
            self.folder.mkdir(parent)
            self.made.add(parent)


class Stager:
    """Puts files into the (empty) staging folder one at a time, as they are produced.

    Pages are handed over as soon as they are rendered, so a build never holds
    the whole site's HTML in memory; the hashes are recorded in the cache.
    """

    def __init__(self, staging: Path, output: Path, cache: BuildCache | None) -> None:
        self.staging, self.output, self.cache = staging, output, cache
        self.stats = FillStats()
        self.folder = Folder(staging)  # every file goes through it: proved inside the staging folder
        self.dirs = _Dirs(self.folder)
        self.published = cache.old["outputs"] if cache is not None else {}
        self.hashes: dict[str, str] = {}

    def _link_if_unchanged(self, rel: str, h: str) -> bool:
        if not self.published:  # nothing published (a cold build)
            return False
        old = self.published.get(str(self.output / rel))
        if old is None or old[0] != h:
            return False
        self.dirs.ensure(rel)
        try:
            if stat_key(os.stat(self.output / rel)) != old[1]:
                return False
            self.folder.link(self.output / rel, rel)
        except OSError:  # gone, or a file system without hard links: write it
            return False
        return True

    def put(self, rel: str, text: str | bytes) -> tuple[str, bool]:
        """Write one file (or link the published one if it has these bytes): its hash, and whether linked.

        Changes nothing in this object but the file system (and its own note of the folders it
        made), so forked workers call it for the files they render, making folders as they go
        (a cold build's mkdirs overlap the rendering); the parent then `note`s the result.
        """
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        h = output_digest(data)
        if self._link_if_unchanged(rel, h):  # (makes the folder first)
            return h, True
        self.folder.write(rel, data)  # the folder is usually there already (make_folders)
        return h, False

    def make_folders(self, rels: list[str]) -> None:
        """Make the folders of these files ahead of time (the parent, while workers render into them)."""
        for rel in rels:
            self.dirs.ensure(rel)

    def note(self, rel: str, h: str, linked: bool) -> None:
        self.hashes[rel] = h
        if linked:
            self.stats.linked += 1
        else:
            self.stats.written += 1

    def text(self, rel: str, value: "str | bytes | Published") -> None:
        if isinstance(value, Published):  # a page the cache proved unchanged: reuse the published file
            if not self._link_if_unchanged(rel, value.hash):
                raise RuntimeError(f"{self.output / rel} changed while the site was being built; build again")
            self.note(rel, value.hash, True)
            return
        self.note(rel, *self.put(rel, value))

    def copy(self, rel: str, src: Path) -> None:
        h = self.hashes[rel] = _source_hash(src, self.cache)
        self.dirs.ensure(rel)
        if self._link_if_unchanged(rel, h):
            self.stats.linked += 1
            return
        self.folder.copy(src, rel)
        self.stats.written += 1

    def done(self) -> FillStats:
        if self.cache is not None:
            self.cache.pending_outputs = self.hashes  # recorded with their final stat after the swap
        return self.stats


def _source_hash(src: Path, cache: BuildCache | None) -> str:
    """A copied file's hash, from the cache when its stat vouches for it."""
    st = os.stat(src)
    key = f"copy:{src}"
    if cache is not None:
        old = cache.old["reads"].get(key)
        if old is not None and cache.trusted_stat(old[0], st):
            cache.put("reads", key, old)
            return old[1]
    h = output_digest(src.read_bytes())
    if cache is not None:
        cache.put("reads", key, (stat_key(st), h))
    return h


def record_outputs(output: Path, cache: BuildCache | None) -> None:
    """After the swap: remember what each published file is, to link it next time."""
    if cache is None:
        return
    put, root = cache.new["outputs"].__setitem__, str(output)  # (no Path per file: 13,000 at 10,000 summaries)
    for rel, h in cache.pending_outputs.items():
        where = f"{root}/{rel}"  # = str(output / rel): the stager's names are plain relative paths
        try:
            put(where, (h, stat_key(os.stat(where))))
        except OSError:
            pass
