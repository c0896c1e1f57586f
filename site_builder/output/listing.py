"""What the output folder held when the last build left it, and whether it still does.

A build that finds nothing changed, and an incremental one, rely on the
published files being exactly those the last build wrote: a file edited or
deleted by hand, or one added, must make the next build a full one. The last
build's `Listing` names every file and folder of the output with its stat
(size, mtime and inode of a file; mtime and inode of a folder, which change when
an entry is added, removed or renamed in it). `unchanged` checks it with one
`stat` per file and folder (no directory is listed), about half the cost of
walking the folder tree again.
"""
from __future__ import annotations

import functools
import os
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Listing:
    """Every file and folder of an output folder, with their stats."""

    files: list[str]  # relative paths
    stats: array  # size, mtime_ns, inode per file
    dirs: list[str]  # relative paths ("" is the output folder itself)
    dir_stats: array  # mtime_ns, inode per folder

    # Kept as two values: the names change only when files are added or removed (a full build),
    # the stats with every build that replaces a file.
    def names(self) -> tuple[list[str], list[str]]:
        return self.files, self.dirs

    def stat_values(self) -> tuple[bytes, bytes]:
        return self.stats.tobytes(), self.dir_stats.tobytes()

    @classmethod
    def of(cls, names: tuple[list[str], list[str]], stats: tuple[bytes, bytes]) -> "Listing":
        return cls(names[0], array("q", stats[0]), names[1], array("q", stats[1]))

    def unchanged(self, output: Path) -> bool:
        root = str(output.resolve())
        if not self.dirs:  # there was no output folder
            return not os.path.lexists(root)
        stat = os.stat
        now = array("q")
        add = now.extend
        try:
            for rel in self.files:
                st = stat(f"{root}/{rel}")
                add((st.st_size, st.st_mtime_ns, st.st_ino))
            if now != self.stats:
                return False
            del now[:]
            for rel in self.dirs:
                st = stat(f"{root}/{rel}" if rel else root)
                add((st.st_mtime_ns, st.st_ino))
        except OSError:  # a file or folder gone
            return False
        return now == self.dir_stats

    def checking(self, output: Path) -> Callable[[], bool]:
        """`unchanged(output)`, worked out by a forked process while this one goes on (the
        stats wait on the kernel, and a build has another core); call the result for the answer."""
        if not hasattr(os, "fork"):
            return functools.partial(self.unchanged, output)
        try:
            read, write = os.pipe()
            pid = os.fork()
        except OSError:  # no process to spare: here
            return functools.partial(self.unchanged, output)
        if pid == 0:  # the child only stats and answers: nothing the parent opened is used
            answer = b"0"
            try:
                answer = b"1" if self.unchanged(output) else b"0"
            finally:
                os.write(write, answer)
                os._exit(0)
        os.close(write)
        answered: list[bool] = []

        def answer() -> bool:
            if not answered:
                try:
                    answered.append(os.read(read, 1) == b"1")
                finally:
                    os.close(read)
                    os.waitpid(pid, 0)
            return answered[0]
        return answer

    def patched(self, output: Path, replaced: list[str], added: list[str] = (), removed: list[str] = ()) -> "Listing":
        """The listing after `replaced` (relative paths of files that were there) were replaced.

        `added` and `removed`: files and folders (a folder's path ends in '/') put in or taken out,
        as a search index's delta is (output/search_delta.py). A replaced file not in the listing (a
        new one) makes it walk the folder instead."""
        root = str(output.resolve())
        files, dirs = self.files, self.dirs
        stats, dir_stats = array("q", self.stats), array("q", self.dir_stats)
        if added or removed:
            gone = set(removed)
            files, dirs = list(files), list(dirs)
            # The few entries that go are deleted where they are (a search delta's 30 files among 20,000:
            # copying the kept ones, stats and all, took 20-40 ms of an edit).
            for i in reversed([i for i, rel in enumerate(files) if rel in gone] if gone else []):
                del files[i], stats[3 * i:3 * i + 3]
            for i in reversed([i for i, rel in enumerate(dirs) if f"{rel}/" in gone] if gone else []):
                del dirs[i], dir_stats[2 * i:2 * i + 2]
            try:
                for rel in added:
                    st = os.stat(f"{root}/{rel}")
                    if rel.endswith("/"):
                        dirs.append(rel[:-1])
                        dir_stats.extend((st.st_mtime_ns, st.st_ino))
                    else:
                        files.append(rel)
                        stats.extend((st.st_size, st.st_mtime_ns, st.st_ino))
            except OSError:
                return listing(output)
            # Their folders' stats change too.
            replaced = [*replaced, *(f"{rel.rstrip('/')}/" for rel in {*added, *removed}
                                     if rel.rstrip("/").rpartition("/")[0] + "/" not in {*added, *removed})]
        try:  # (list.index: a few files among thousands, no dict of all of them needed)
            for rel in (r for r in replaced if not r.endswith("/")):
                i = files.index(rel)
                st = os.stat(f"{root}/{rel}")
                stats[3 * i:3 * i + 3] = array("q", (st.st_size, st.st_mtime_ns, st.st_ino))
            for rel in {rel.rstrip("/").rpartition("/")[0] for rel in replaced}:
                i = dirs.index(rel)
                st = os.stat(f"{root}/{rel}" if rel else root)
                dir_stats[2 * i:2 * i + 2] = array("q", (st.st_mtime_ns, st.st_ino))
        except ValueError:  # not in the listing: a new file or folder
            return listing(output)
        return Listing(files, stats, dirs, dir_stats)


def listing(output: Path) -> Listing:
    """Every file and folder below `output` with its stat (symlinked folders are not entered)."""
    root = str(output.resolve())
    files: list[str] = []
    stats = array("q")
    dirs: list[str] = []
    dir_stats = array("q")
    if not os.path.isdir(root):
        return Listing(files, stats, dirs, dir_stats)
    todo = [""]
    while todo:
        rel = todo.pop()
        path = f"{root}/{rel}" if rel else root
        try:
            st = os.stat(path)
            with os.scandir(path) as it:
                entries = sorted(it, key=_name)
        except OSError:  # vanished meanwhile
            continue
        dirs.append(rel)
        dir_stats.extend((st.st_mtime_ns, st.st_ino))
        prefix = f"{rel}/" if rel else ""
        for entry in entries:
            if entry.is_dir():
                if not entry.is_symlink():
                    todo.append(prefix + entry.name)
                continue
            try:
                est = entry.stat()
            except OSError:
                continue
            files.append(prefix + entry.name)
            stats.extend((est.st_size, est.st_mtime_ns, est.st_ino))
    return Listing(files, stats, dirs, dir_stats)


def _name(entry: os.DirEntry) -> str:
    return entry.name
