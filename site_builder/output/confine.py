"""The one place that proves a write lands inside the folder it is meant for.

Every writer (pages, feeds, sitemap, JSON, static copies, the page cache's hard
links, the incremental path's replacements, deploys and imports) names its file
by a relative path and hands it to a `Folder`. A path is refused (UnsafePath)
unless it is plain (no `..`, `.`, empty or absolute parts, no NUL, no part over
255 bytes) and its folder, with every symlink resolved, is inside the root. A
file is never opened through a symlink: a new file is created with O_NOFOLLOW,
and a replaced one is written beside and renamed over (which replaces a link,
never its target).

Values from the input are slugged before they get here (catalog/slugs.py); this
check is the last line, and a value that reaches it unslugged is a bug, reported
as a failed build, never a file written elsewhere.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import stat
from pathlib import Path
from typing import BinaryIO, Callable

NAME_MAX = 255  # bytes in one file name on every common file system
_NEW = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class UnsafePath(Exception):
    """A path that would leave its folder (or cannot be a file name at all)."""


def check_rel(rel: str) -> str:
    """`rel` if it is a plain relative POSIX path; else UnsafePath saying why."""
    if not isinstance(rel, str) or not rel:
        raise UnsafePath(f"empty output path {rel!r}")
    if "\x00" in rel:
        raise UnsafePath(f"output path {rel!r} holds a NUL character")
    if rel.startswith("/"):
        raise UnsafePath(f"output path {rel!r} is absolute")
    for part in rel.split("/"):
        if part in ("", ".", ".."):
            raise UnsafePath(f"output path {rel!r} has a '{part}' part: it could leave the output folder")
        if len(part.encode("utf-8", "surrogatepass")) > NAME_MAX:
            raise UnsafePath(f"output path {rel[:80]!r}... has a part over {NAME_MAX} bytes (too long for a file name)")
    return rel


def preallocate(fd: int, size: int) -> None:
    """Give a new file of `size` bytes its blocks before it is written (where the file system can).

    File systems such as ext4 allocate written data lazily; renaming a file whose blocks are not
    yet allocated over another makes the rename allocate them and start their writeback (ext4's
    auto_da_alloc): 25 ms for the 51.6 MB JSON export of 10,000 summaries, in the rename an edit
    waits for. Allocated here, by whoever writes the file (a thread, for the export), the rename
    is a rename. Where preallocation is not supported, the file is simply written as it was.
    """
    if size > 0 and hasattr(os, "posix_fallocate"):
        try:
            os.posix_fallocate(fd, 0, size)
        except OSError:
            pass


class Folder:
    """A folder that writes are confined to; folders already proved inside it are remembered."""

    def __init__(self, root: Path | str) -> None:
        self.root = os.path.realpath(root)
        self._inside = {""}

    def folder(self, rel: str) -> str:
        """The absolute path of the folder `rel` ("" for the root), once proved to be inside the root.

        Its parent is proved first (once), so only `rel`'s own last part needs a look: one lstat,
        and a full resolution only when it is a symlink (a page per folder made this a visible cost).
        """
        path = f"{self.root}/{rel}" if rel else self.root
        if rel not in self._inside:
            check_rel(rel)
            self.folder(rel.rpartition("/")[0])
            try:
                is_link = stat.S_ISLNK(os.lstat(path).st_mode)
            except FileNotFoundError:  # made later by us (mkdir never follows a link)
                is_link = False
            if is_link:
                real = os.path.realpath(path)
                if real != self.root and not real.startswith(self.root + "/"):
                    raise UnsafePath(f"output path {rel!r} leads out of {self.root} (through a symlink, to {real})")
            self._inside.add(rel)
        return path

    def path(self, rel: str) -> str:
        """The absolute path of the file `rel`, once proved to be inside the root."""
        check_rel(rel)
        parent, _, name = rel.rpartition("/")
        return f"{self.folder(parent)}/{name}"

    def open_new(self, rel: str):
        """A binary file object for writing `rel`, created or truncated, never through a symlink."""
        return os.fdopen(self._open_new(rel), "wb")

    def _open_new(self, rel: str) -> int:
        dest = self.path(rel)
        try:
            fd = os.open(dest, _NEW, 0o666)
        except FileNotFoundError:
            os.makedirs(self.folder(rel.rpartition("/")[0]), exist_ok=True)
            fd = os.open(dest, _NEW, 0o666)
        except OSError as exc:
            if os.path.islink(dest):
                raise UnsafePath(f"output file {dest} is a symlink; not written through") from exc
            raise
        return fd

    def write(self, rel: str, data: bytes) -> None:
        """Write `rel` (see open_new): open, write, close, nothing else (a file object's fstat and
        ioctl were two more system calls for each of a site's ten thousand pages)."""
        fd = self._open_new(rel)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)

    def stage(self, rel: str, data: bytes | Callable[[BinaryIO], object]) -> tuple[str, str]:
        """Write the new bytes of `rel` beside it: (the temporary file, the file it will replace).
        `os.replace(*staged)` then puts it in place; a reader sees old or new bytes, never half.
        `data` may be a function that writes them to the file it is given."""
        dest = self.path(rel)
        head, _, name = dest.rpartition("/")
        tmp = f"{head}/.{name[:200]}.{os.getpid()}.tmp"
        try:
            with open(tmp, "xb") as f:
                if callable(data):
                    data(f)
                else:
                    preallocate(f.fileno(), len(data))
                    f.write(data)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return tmp, dest

    def replace(self, rel: str, data: bytes) -> str:
        """Replace `rel` by `data` atomically (see stage); returns its path."""
        tmp, dest = self.stage(rel, data)
        os.replace(tmp, dest)
        return dest

    def link(self, src: Path | str, rel: str) -> None:
        """Hard-link an existing file as `rel` (an unchanged page reused from the published site)."""
        os.link(src, self.path(rel), follow_symlinks=False)

    def copy(self, src: Path | str, rel: str) -> None:
        with open(src, "rb") as fin, self.open_new(rel) as fout:
            shutil.copyfileobj(fin, fout, 1024 * 1024)

    def mkdir(self, rel: str) -> None:
        """Make the folder `rel` (its parent must exist); one that exists already is fine."""
        try:
            os.mkdir(self.folder(rel))
        except FileExistsError:
            pass
