"""SQLite files that keep a build's state between runs, read and written entry by entry.

The build cache (cache.py) and the command line's session (incremental/stored.py)
each live in one SQLite file under `.site-builder-cache/`. A full build writes a
file from nothing beside the old one and renames it into place (`NewFile`); an
incremental build changes a few rows of it in one transaction (`Db.commit`),
which SQLite makes atomic: a process killed at any moment leaves the file as the
last commit left it (the commit appended to the file's write-ahead log, unsynced:
see Db.open). Nothing here knows what the rows mean.

Two files written by one build carry the same `generation` in their `meta`
table; whoever takes them up checks it, so a pair left half-replaced (a build
killed between the two) is never taken up as one.
"""
from __future__ import annotations

import os
import pickle
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

FORMAT = 3  # of every file below; a file of another format is not taken up
CHECKPOINT_ABOVE = 2 << 20  # bytes of write-ahead log past which a build copies it into the file (Db.open)
_PICKLE = pickle.HIGHEST_PROTOCOL
_MISSING = object()


class StoreError(RuntimeError):
    """A store that cannot answer (a row it must have is missing, the file is damaged):
    the build that asked falls back to a full one."""


def dumps(value: Any) -> bytes:
    return pickle.dumps(unshared(value), protocol=_PICKLE)


class Utf8:
    """A non-ASCII str that pickles as its UTF-8 bytes (and unpickles as the same str).

    Pickle's own way of writing a str asks CPython for its UTF-8 form, which CPython
    then keeps inside the str for as long as it lives: pickling a site's texts
    (summaries' HTML and plain text, search records) at a session save would hold
    every non-ASCII one twice until the build ends (about 100 MB at 10,000 summaries).
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __reduce__(self) -> tuple:
        return str, (self.text.encode("utf-8", "surrogatepass"), "utf-8", "surrogatepass")


class Call:
    """Pickles as `fn(*args)` with its args `unshared`: an object rebuilt by its constructor
    (a frozen dataclass, say) whose texts are then written as `Utf8`."""

    __slots__ = ("fn", "args")

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.fn, self.args = fn, args

    def __reduce__(self) -> tuple:
        return self.fn, tuple(_text(a) for a in self.args)


def dumps_rebuilt(obj: Any) -> bytes:
    """A dataclass (every field given to its constructor) pickled as a call of its class with its
    fields, its texts as `Utf8`: pickle.loads gives an equal object and the object keeps no UTF-8 copy."""
    from dataclasses import fields

    return pickle.dumps(Call(type(obj), *(getattr(obj, f.name) for f in fields(obj))), protocol=_PICKLE)


TEXT_ABOVE = 64  # characters: shorter texts are left to pickle (their UTF-8 copies are small)


def _text(v: Any) -> Any:
    return Utf8(v) if type(v) is str and len(v) > TEXT_ABOVE and not v.isascii() else v


def unshared(value: Any) -> Any:
    """`value` to pickle instead of itself: its long non-ASCII texts (it, or an item or a value of
    it, one level down) as `Utf8`. It unpickles as `value` does."""
    kind = type(value)
    if kind is str:
        return _text(value)
    if kind is tuple or kind is list:
        if any(type(v) is str and len(v) > TEXT_ABOVE for v in value):
            return kind(map(_text, value))
        return value
    if kind is dict:
        if any(type(v) is str and len(v) > TEXT_ABOVE for v in value.values()):
            return {k: _text(v) for k, v in value.items()}
    return value


class Db:
    """One open store file: a `meta` table of named values, and keyed tables."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path, self.conn = path, conn
        self._meta: dict[str, Any] = {}
        self._meta_raw: dict[str, bytes] = {}  # the pickles read: a value set again to the same is not written
        self._meta_set: dict[str, Any] = {}
        self.tables: list[Table] = []  # flushed by commit()
        self._checkpoint: threading.Thread | None = None

    @classmethod
    def open(cls, path: Path) -> "Db | None":
        """The file at `path` for reading and changing; None if there is none or it is not a store of this format."""
        if not path.is_file():
            return None
        try:
            conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return None
        db = cls(path, conn)
        try:
            # Write-ahead log (set by NewFile.install; the file says so itself): a commit appends the changed
            # pages to `<file>-wal` and is not synced (NORMAL), so a killed process leaves the last commit whole
            # or not there, and power lost may lose the last commits, never the file's consistency. The log is
            # copied into the file (synced) when it grows past SQLite's bound. A WAL must never be read with
            # another file of the same name: `remove` (before a new file is renamed in) deletes it.
            conn.execute("PRAGMA synchronous=NORMAL")
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                raise StoreError("not a write-ahead-log file")
            conn.execute("PRAGMA wal_autocheckpoint=0")  # (not in a commit: see _start_checkpoint)
            # A log copied in is started again from its beginning by the next commit, which then also cuts
            # the file short: its size keeps saying how much is waiting to be copied (else, once past the
            # bound, every later build would start a checkpoint, two syncs, for an edit's few pages).
            conn.execute("PRAGMA journal_size_limit=0")
            if db.meta("format") != FORMAT:
                raise StoreError("another format")
        except (sqlite3.Error, StoreError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError,
                ValueError):
            db.close()
            return None
        db._start_checkpoint()
        return db

    def _start_checkpoint(self) -> None:
        """Copy the write-ahead log into the file (SQLite's checkpoint: two syncs) in a thread, while the
        build that opened the file works, if the log has grown past CHECKPOINT_ABOVE; not in a commit
        (SQLite's own way, which would make the edit that crosses the bound wait for the disk). The
        next commit then writes the log from its start again. A checkpoint cut short (the process
        ended) is safe, and done again by a later build."""
        try:
            size = os.stat(f"{self.path}-wal").st_size
        except OSError:
            return
        if size < CHECKPOINT_ABOVE:
            return
        path = self.path

        def checkpoint() -> None:
            try:
                conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None)
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                finally:
                    conn.close()  # (not the file's last connection: this Db's is open until it is joined)
            except sqlite3.Error:
                pass

        if size > 16 * CHECKPOINT_ABOVE:  # (checkpoints cut short again and again: this one is waited for)
            checkpoint()
            return
        self._checkpoint = threading.Thread(target=checkpoint, name="checkpoint", daemon=True)
        self._checkpoint.start()

    # -- named values ----------------------------------------------------
    def meta(self, name: str, default: Any = None) -> Any:
        if name in self._meta_set:
            return self._meta_set[name]
        value = self._meta.get(name, _MISSING)
        if value is _MISSING:
            row = self.conn.execute("SELECT value FROM meta WHERE name=?", (name,)).fetchone()
            value = self._meta[name] = default if row is None else pickle.loads(row[0])
            if row is not None:
                self._meta_raw[name] = row[0]
        return value

    def set_meta(self, name: str, value: Any) -> None:
        """Written by the next commit()."""
        self._meta_set[name] = value

    def table(self, name: str, **codec: Any) -> "Table":
        t = Table(self, name, **codec)
        self.tables.append(t)
        return t

    # -- writing ---------------------------------------------------------
    def commit(self, extra: Callable[[sqlite3.Connection], None] | None = None) -> None:
        """Write every changed row and value in one transaction (all of it, or none if killed)."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for t in self.tables:
                t.flush()
            if extra is not None:
                extra(conn)
            changed = [(k, b) for k, v in self._meta_set.items() if (b := dumps(v)) != self._meta_raw.get(k)]
            conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", changed)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self._meta.update(self._meta_set)
        self._meta_raw.update(changed)
        self._meta_set.clear()

    def close(self) -> None:
        if _leaving:
            _left_open.append(self.conn)  # (a checkpoint still running is cut short by the process's end)
            return
        if self._checkpoint is not None:
            self._checkpoint.join()
        try:
            self.conn.close()
        except sqlite3.Error:
            pass


_left_open: list[sqlite3.Connection] = []  # (kept here, so that nothing closes them before the process ends)
_leaving = False


def leaving_open(on: bool) -> None:
    """For a process that ends (os._exit) right after its build: while on, Db.close() does not close.

    The last connection to a file that closes copies the write-ahead log into the file and syncs
    both (two waits on the disk per file, at every command-line build, under a shared machine's
    load up to 0.1-0.2 s); left open until the process ends, the log stays beside the file and the
    next build reads it (SQLite's recovery) and appends to it, until it grows past SQLite's bound
    and a commit copies it in. A process that ends however it ends leaves its commits whole.
    """
    global _leaving
    _leaving = on


class Table(MutableMapping):
    """A table of (key TEXT, value BLOB) read row by row; what is set or deleted is written by Db.commit.

    A value is taken as changed only when a different object is set for its key:
    values must be replaced, never changed in place.
    """

    def __init__(self, db: Db, name: str, dumps: Callable[[Any], bytes] = dumps,
                 loads: Callable[[bytes], Any] = pickle.loads) -> None:
        self.db, self.name, self.dumps, self.loads = db, name, dumps, loads
        self.loaded: dict[str, Any] = {}
        self.set: dict[str, Any] = {}
        self.deleted: set[str] = set()
        self._get = f"SELECT value FROM {name} WHERE key=?"

    def _load(self, key: str) -> Any:
        if key in self.set:
            return self.set[key]
        if key in self.deleted:
            return _MISSING
        value = self.loaded.get(key, _MISSING)
        if value is _MISSING:
            row = self.db.conn.execute(self._get, (key,)).fetchone()
            if row is None:
                return _MISSING
            value = self.loaded[key] = self.loads(row[0])
        return value

    def get(self, key: str, default: Any = None) -> Any:
        value = self._load(key)
        return default if value is _MISSING else value

    def __getitem__(self, key: str) -> Any:
        value = self._load(key)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._load(key) is not _MISSING

    def __setitem__(self, key: str, value: Any) -> None:
        self.deleted.discard(key)
        if self.loaded.get(key, _MISSING) is value:
            self.set.pop(key, None)  # the very value loaded: nothing to write
        else:
            self.set[key] = value

    def __delitem__(self, key: str) -> None:
        if self._load(key) is _MISSING:
            raise KeyError(key)
        self.set.pop(key, None)
        self.deleted.add(key)

    def __iter__(self) -> Iterator[str]:
        stored = [k for (k,) in self.db.conn.execute(f"SELECT key FROM {self.name}")]
        yield from (k for k in stored if k not in self.deleted)
        yield from (k for k in self.set if k not in self.loaded and k not in stored)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def flush(self) -> None:
        conn = self.db.conn
        if self.deleted:
            conn.executemany(f"DELETE FROM {self.name} WHERE key=?", [(k,) for k in self.deleted])
        if self.set:
            conn.executemany(f"INSERT OR REPLACE INTO {self.name} VALUES (?, ?)",
                             [(k, self.dumps(v)) for k, v in self.set.items()])
        for k in self.deleted:
            self.loaded.pop(k, None)
        self.loaded.update(self.set)
        self.set.clear()
        self.deleted.clear()


PAGE_SIZE = 16384  # bytes: a new store file's page size (NewFile)


class NewFile:
    """A store file written from nothing beside `path`, put in its place by `install()`.

    Written without a journal (nothing to roll back to: until installed it is not taken up);
    the incremental builds that change it later use SQLite's write-ahead log (see Db.open).
    """

    def __init__(self, path: Path, owner: int | None = None, *, resume: bool = False) -> None:
        """`owner`: the process whose id names the file beside `path` (this one's by default; a
        forked writer names it after the build that will finish it). `resume`: go on writing the
        file an earlier NewFile of the same owner left (committed, not installed)."""
        self.path = path
        self.tmp = temp_name(path, owner)
        if resume:
            if not self.tmp.is_file():
                raise StoreError(f"{self.tmp} is not there to be written on")
            self._connect()
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{path.name}.*.tmp"):  # left by a build killed while writing
            pid = old.name[len(path.name) + 1:-4]
            if pid.isdigit() and not _running(int(pid)):
                _remove(old)
        _remove(self.tmp)
        self._connect(new=True)
        self.conn.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB)")

    def _connect(self, new: bool = False) -> None:
        self.conn = sqlite3.connect(self.tmp, isolation_level=None)
        if new:  # (fixed by the file's first table)
            # Most rows are pickles of several KB (a summary's HTML, a chunk of steps): in pages of 16 KB
            # SQLite writes them with a quarter of the calls and overflow pages (a third less CPU than 4 KB).
            self.conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        self.conn.execute("PRAGMA journal_mode=OFF")
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("BEGIN")

    def leave(self) -> None:
        """Commit what is written and close the file, not installed: `NewFile(path, owner, resume=True)`
        goes on with it (in another process: a forked writer hands its part over that way). What is
        written is put on disk now, so that install()'s sync has only the rest to write."""
        self.conn.execute("COMMIT")
        self.conn.close()
        _sync(self.tmp)

    def create(self, name: str, columns: str = "key TEXT PRIMARY KEY, value BLOB") -> None:
        self.conn.execute(f"CREATE TABLE {name} ({columns})")

    def rows(self, name: str, rows: Iterable[tuple]) -> None:
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return
        marks = ", ".join("?" * len(first))
        self.conn.executemany(f"INSERT INTO {name} VALUES ({marks})", _chain(first, rows))

    def meta(self, values: dict[str, Any]) -> None:
        self.rows("meta", ((k, dumps(v)) for k, v in values.items()))

    def install(self) -> None:
        """Commit, then replace the old file. The old file goes first, then its WAL: a WAL left
        beside a new file of the same name would be read as the new file's (a build killed in
        between leaves no file, so a full build, which comes back here)."""
        self.meta({"format": FORMAT})
        self.conn.execute("COMMIT")
        self.conn.execute("PRAGMA journal_mode=WAL")  # kept by the file (see Db.open)
        self.conn.close()
        # On disk before it is put in place (as an edit's commit will want it: its sync would otherwise
        # write out the whole new file, in the first edit after a full build).
        _sync(self.tmp)
        remove(self.path)
        os.replace(self.tmp, self.path)

    def abandon(self) -> None:
        try:
            self.conn.close()
        finally:
            _remove(self.tmp)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(path: Path, owner: int | None = None) -> Path:
    """Where a NewFile for `path` is written by the process `owner` (this one by default), until installed."""
    return path.with_name(f"{path.name}.{os.getpid() if owner is None else owner}.tmp")


def remove(path: Path) -> None:
    """A store file and its companions (an old journal or WAL must never pair with a new file)."""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
              path.with_name(path.name + "-journal")):
        _remove(p)


def _remove(p: Path) -> None:
    try:
        os.unlink(p)
    except FileNotFoundError:
        pass


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's
        return True
    return True


def _chain(first: tuple, rest: Iterator[tuple]) -> Iterator[tuple]:
    yield first
    yield from rest
