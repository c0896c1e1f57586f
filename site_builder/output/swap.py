"""Put a fully written folder in place of another in one step.

Linux's renameat2(RENAME_EXCHANGE) swaps two paths atomically, so a reader (or a
build killed at any moment) sees either the whole old folder or the whole new
one. Where the kernel or file system lacks that call, two renames are used: the
target is then missing for an instant, but never half old, half new.
"""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

RENAME_EXCHANGE = 2
AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False when the system cannot (then the caller falls back)."""
    import ctypes  # (here: loading it is ~10 ms, and only a whole new folder is swapped in)

    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(staging: Path, target: Path) -> None:
    """Replace `target` by `staging`; afterwards `staging` no longer exists."""
    if not target.exists():
        os.rename(staging, target)
        return
    if exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old tree
        return
    # The old tree goes to a new empty folder of our own (rename replaces an empty folder), never to
    # a fixed name that could be someone else's.
    old = Path(tempfile.mkdtemp(prefix=f"{staging.name}.old-", dir=staging.parent))
    os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)
