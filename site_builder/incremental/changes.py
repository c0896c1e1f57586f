"""What changed under the content folder since a snapshot: by stat, and by hash when the stat cannot vouch."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import digest

# A file modified this close to the snapshot may change again within the clock's resolution
# without its stat showing it, so its bytes are compared instead (git's "racy" files).
RACY_NS = 2_000_000_000


@dataclass
class Snapshot:
    """The content folder's files as they were when it was taken."""

    taken_ns: int
    stats: dict[str, tuple[int, int, int]]  # relative path -> (size, mtime, inode)
    hashes: dict[str, str] = field(default_factory=dict)  # relative path -> content hash, for racy files


def take(folder: Path) -> Snapshot:
    taken = time.time_ns()
    stats: dict[str, tuple[int, int, int]] = {}
    top = str(folder)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        prefix = dirpath[len(top):].lstrip(os.sep).replace(os.sep, "/")  # os.path.relpath per file is slow
        prefix = prefix + "/" if prefix else ""
        for name in filenames:
            st = os.stat(os.path.join(dirpath, name))
            stats[prefix + name] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return _hashed(folder, Snapshot(taken, stats))


def snapshot_of(folder: Path, files: list[tuple[str, int, int, int]], taken: int) -> Snapshot:
    """The snapshot `take` gives, from a walk already made (cache.tree_state([folder]), begun at `taken`)."""
    top = len(str(folder)) + 1
    return _hashed(folder, Snapshot(taken, {path[top:].replace(os.sep, "/"): (size, mtime, ino)
                                            for path, size, mtime, ino in files}))


def _hashed(folder: Path, snap: Snapshot) -> Snapshot:
    taken, stats = snap.taken_ns, snap.stats
    for rel, (_, mtime, _) in stats.items():
        if mtime >= taken - RACY_NS:
            snap.hashes[rel] = digest((folder / rel).read_bytes())
    return snap


@dataclass
class Changes:
    """Files changed, added and removed between two snapshots."""

    changed: list[str]
    added: list[str]
    removed: list[str]

    def __bool__(self) -> bool:
        return bool(self.changed or self.added or self.removed)


def compare(folder: Path, old: Snapshot, new: Snapshot) -> Changes:
    changed = []
    for rel, st in new.stats.items():
        before = old.stats.get(rel)
        if before is None:
            continue
        if before != st:
            changed.append(rel)
        elif rel in old.hashes and new.hashes.get(rel, digest((folder / rel).read_bytes())) != old.hashes[rel]:
            changed.append(rel)
    return Changes(sorted(changed), sorted(new.stats.keys() - old.stats.keys()),
                   sorted(old.stats.keys() - new.stats.keys()))
