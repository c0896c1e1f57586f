"""The page cache's recorded reads in the cache file, read and changed row by row.

A full build writes, beside each page's recorded steps (cache.py), two indexes
for the incremental build of the command line, which must not load them all:
  mentions  identity of a catalog object (or a page) -> the steps that mention it
  readers   per chunk of steps: step -> the pages (`recorded` row numbers) that read it
`StoredDeps` answers the questions incremental/dependencies.Dependencies answers
in memory (which steps mention these objects, which pages read these steps) from
them, and keeps them current as the incremental build re-renders pages.
"""
from __future__ import annotations

import pickle
from array import array
from bisect import insort
from collections.abc import Callable, Iterable
from typing import Any

from ..store import Db, NewFile, dumps
from .dependencies import mentions

_ID = "I"


def index_rows(f: NewFile, steps: list[tuple[tuple, str]], page_ids: Iterable[frozenset[int]], chunk: int) -> None:
    """Write the `mentions` and `readers` tables of a new cache file (pages numbered in `page_ids` order)."""
    by_key: dict[tuple, array] = {}
    for i, (step, _) in enumerate(steps):
        for key in mentions(step):
            found = by_key.get(key)
            if found is None:
                found = by_key[key] = array(_ID)
            found.append(i)
    f.create("mentions")
    f.rows("mentions", ((repr(k), v.tobytes()) for k, v in by_key.items()))
    del by_key  # (each index let go once written: this runs in the cache writer, as large as the build)
    readers: dict[int, array] = {}
    for n, ids in enumerate(page_ids):
        for i in ids:
            found = readers.get(i)
            if found is None:
                found = readers[i] = array(_ID)
            found.append(n)
    chunks: dict[int, dict[int, bytes]] = {}
    for i in sorted(readers):
        chunks.setdefault(i // chunk, {})[i] = readers.pop(i).tobytes()
    f.create("readers", "chunk INTEGER PRIMARY KEY, value BLOB")
    f.rows("readers", ((c, dumps(v)) for c, v in chunks.items()))


class StoredSteps:
    """The list of recorded (step, digest) entries, a chunk of rows loaded when one of its entries is read."""

    def __init__(self, db: Db, chunk: int) -> None:
        self.db, self.chunk = db, chunk
        self.length = db.meta("steps", 0)
        self.stored = self.length  # entries the file has
        self.chunks: dict[int, list] = {}
        self.dirty: set[int] = set()

    def __len__(self) -> int:
        return self.length

    def _chunk(self, c: int) -> list:
        found = self.chunks.get(c)
        if found is None:
            row = self.db.conn.execute("SELECT value FROM steps WHERE chunk=?", (c,)).fetchone()
            found = self.chunks[c] = pickle.loads(row[0]) if row is not None else []
        return found

    def __getitem__(self, i: int) -> tuple[tuple, str]:
        if not 0 <= i < self.length:
            raise IndexError(i)
        return self._chunk(i // self.chunk)[i % self.chunk]

    def append(self, entry: tuple[tuple, str]) -> None:
        c = self.length // self.chunk
        self._chunk(c).append(entry)
        self.dirty.add(c)
        self.length += 1

    def since(self, start: int) -> list[tuple[int, tuple]]:
        return [(i, self[i][0]) for i in range(start, self.length)]

    def flush(self, conn: Any) -> None:
        conn.executemany("INSERT OR REPLACE INTO steps VALUES (?, ?)", [(c, dumps(self.chunks[c])) for c in self.dirty])
        self.db.set_meta("steps", self.length)
        self.dirty.clear()


class StoredRecorded:
    """Output file -> (base digest, step ids) of each cached page, a row at a time (cache.new["pages"])."""

    def __init__(self, db: Db) -> None:
        self.db = db
        self.rows: dict[str, tuple[int, tuple[str, frozenset[int]] | None]] = {}  # where -> (n, value or None)
        self.dirty: set[str] = set()
        self.next_n: int | None = None

    def _row(self, where: str) -> tuple[int, tuple[str, frozenset[int]] | None] | None:
        found = self.rows.get(where)
        if found is None:
            row = self.db.conn.execute("SELECT n, base, steps FROM recorded WHERE key=?", (where,)).fetchone()
            if row is None:
                return None
            found = self.rows[where] = (row[0], (row[1], frozenset(array(_ID, row[2]))))
        return found

    def number(self, where: str) -> int:
        found = self._row(where)
        if found is None:
            if self.next_n is None:
                self.next_n = (self.db.conn.execute("SELECT max(n) FROM recorded").fetchone()[0] or 0) + 1
            found = self.rows[where] = (self.next_n, None)
            self.next_n += 1
        return found[0]

    def get(self, where: str, default: Any = None) -> Any:
        found = self._row(where)
        return default if found is None or found[1] is None else found[1]

    def pop(self, where: str, default: Any = None) -> Any:
        found = self._row(where)
        if found is None or found[1] is None:
            return default
        self.rows[where] = (found[0], None)
        self.dirty.add(where)
        return found[1]

    def __setitem__(self, where: str, value: tuple[str, frozenset[int]]) -> None:
        self.rows[where] = (self.number(where), value)
        self.dirty.add(where)

    def __contains__(self, where: str) -> bool:
        return self.get(where) is not None

    def flush(self, conn: Any) -> None:
        for where in self.dirty:
            n, value = self.rows[where]
            if value is None:
                conn.execute("DELETE FROM recorded WHERE n=?", (n,))
            else:
                conn.execute("INSERT OR REPLACE INTO recorded VALUES (?, ?, ?, ?)",
                             (n, where, value[0], array(_ID, sorted(value[1])).tobytes()))
        self.dirty.clear()


class StoredDeps:
    """incremental/dependencies.Dependencies, answered from the cache file's indexes.

    `shown(identity)` gives the paths of the pages whose data holds that object (from the session file).
    """

    def __init__(self, db: Db, steps: StoredSteps, recorded: StoredRecorded, chunk: int,
                 shown: Callable[[tuple], Iterable[str]]) -> None:
        self.db, self.steps, self.recorded, self.chunk, self.shown = db, steps, recorded, chunk, shown
        self.by_key: dict[str, array] = {}
        self.keys_dirty: set[str] = set()
        self.readers: dict[int, dict[int, array]] = {}
        self.readers_raw: dict[int, bytes] = {}  # chunk -> its row as read
        self.readers_dirty: set[int] = set()
        self._indexed = len(steps)

    def _mentioning(self, key: tuple) -> array:
        name = repr(key)
        found = self.by_key.get(name)
        if found is None:
            row = self.db.conn.execute("SELECT value FROM mentions WHERE key=?", (name,)).fetchone()
            found = self.by_key[name] = array(_ID, row[0]) if row is not None else array(_ID)
        return found

    def _chunk(self, c: int) -> dict[int, array]:
        found = self.readers.get(c)
        if found is None:
            row = self.db.conn.execute("SELECT value FROM readers WHERE chunk=?", (c,)).fetchone()
            found = self.readers[c] = {i: array(_ID, b) for i, b in pickle.loads(row[0]).items()} if row else {}
            if row is not None:
                self.readers_raw[c] = row[0]
        return found

    def _readers(self, i: int) -> array | None:
        return self._chunk(i // self.chunk).get(i)

    def steps_of(self, identities: Iterable[tuple]) -> set[int]:
        """Live steps (read by some page) that mention any of `identities`."""
        out: set[int] = set()
        for key in identities:
            out.update(self._mentioning(key))
        return {i for i in out if self._readers(i)}

    def readers_of(self, steps: Iterable[int]) -> set[str]:
        numbers: set[int] = set()
        for i in steps:
            numbers.update(self._readers(i) or ())
        if not numbers:
            return set()
        marks = ",".join("?" * len(numbers))
        return {where for (where,) in self.db.conn.execute(f"SELECT key FROM recorded WHERE n IN ({marks})",
                                                            sorted(numbers))}

    def pages_showing(self, identities: Iterable[tuple]) -> set[str]:
        out: set[str] = set()
        for key in identities:
            out.update(self.shown(key))
        return out

    def add_page(self, where: str, ids: Iterable[int]) -> None:
        n = self.recorded.number(where)
        for i in ids:
            c = i // self.chunk
            chunk = self._chunk(c)
            found = chunk.get(i)
            if found is None:
                found = chunk[i] = array(_ID)
            if n not in found:
                # In order (as a full build writes them): a page rendered again that reads the same steps
                # leaves the chunk's bytes as they were, and flush() does not write it.
                insort(found, n)
                self.readers_dirty.add(c)

    def remove_page(self, where: str, ids: Iterable[int]) -> None:
        n = self.recorded.number(where)
        for i in ids:
            c = i // self.chunk
            found = self._chunk(c).get(i)
            if found is not None and n in found:
                found.remove(n)
                self.readers_dirty.add(c)

    def index_steps(self) -> None:
        """Index the steps appended since the last call."""
        for i, step in self.steps.since(self._indexed):
            for key in mentions(step):
                self._mentioning(key).append(i)
                self.keys_dirty.add(repr(key))
        self._indexed = len(self.steps)

    def flush(self, conn: Any) -> None:
        conn.executemany("INSERT OR REPLACE INTO mentions VALUES (?, ?)",
                         [(k, self.by_key[k].tobytes()) for k in self.keys_dirty])
        rows = [(c, b) for c in self.readers_dirty
                if (b := dumps({i: a.tobytes() for i, a in self.readers[c].items()})) != self.readers_raw.get(c)]
        conn.executemany("INSERT OR REPLACE INTO readers VALUES (?, ?)", rows)
        self.readers_raw.update(rows)
        self.keys_dirty.clear()
        self.readers_dirty.clear()
