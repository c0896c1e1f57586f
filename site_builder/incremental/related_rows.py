"""The related-papers index (catalog/related.py) in the session store, a row per entry and per term.

`RelatedIndex.update` after a one-summary edit reads the edited entry's term
counts and vector, the document frequency of the terms that moved, and the
posting lists and queriers of the terms whose champion list moved: a small part
of an index of tens of MB. `StoredRelatedIndex` is a RelatedIndex whose
per-entry and per-term containers read their rows when first asked for and
remember what they read; `save` writes those rows back (an update changes only
rows it has read). An update that needs everything (one that redoes every list)
reads everything, and is then saved whole.

Tables: ri_entries (i, url, term ids, counts, vector, results and the entry's
_cut, _kth, _next_s, _next_j), ri_terms (id, term, document frequency, idf),
ri_chunks (a posting list in runs of at most 2 * CHUNK entries, each keyed by
its first entry: an edit that moves an entry in a list of thousands rewrites
one or two runs, not the list), ri_lists (id, queriers) and ri_holders (id,
the entries that use the term). Only rows whose bytes changed are written back. A term's holders
are found when an update first needs them (a scan of the entries' term ids, in
SQLite) and kept from then on: a full build does not work them out, and the
first edit after it reads a few terms' holders, not every entry.
"""
from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterator, MutableMapping, MutableSequence
from typing import Any

from bisect import bisect_right

from ..catalog.related import _ID, CHAMPIONS, RelatedIndex, _champions, _find
from ..store import Db, NewFile, StoreError

META = "related"


# -- writing a whole index -------------------------------------------------------
ENTRY_COLUMNS = ("i INTEGER PRIMARY KEY, url TEXT UNIQUE, terms BLOB, tfs BLOB, vt BLOB, vw BLOB, results BLOB, "
                 "cut REAL, kth REAL, next_s REAL, next_j INTEGER")


def write_index(f: NewFile, index: RelatedIndex) -> None:
    f.create("ri_entries", ENTRY_COLUMNS)
    f.rows("ri_entries", _entry_rows(index, range(len(index.urls))))
    f.create("ri_terms", "id INTEGER PRIMARY KEY, term TEXT UNIQUE, df INTEGER, idf REAL")
    f.rows("ri_terms", ((i, t, index.df.get(t, 0), index.idf.get(t)) for i, t in enumerate(index.vocab)))
    f.create("ri_lists", "id INTEGER PRIMARY KEY, queriers BLOB")
    f.rows("ri_lists", _list_rows(index, range(len(index.vocab))))
    _create_chunks(f.conn)
    f.rows("ri_chunks", _chunk_rows(index.vocab, index.postings, index._tid))
    f.create("ri_holders", "id INTEGER PRIMARY KEY, holders BLOB")
    holders = index._holders  # (made only if an update in memory needed them: else found when first needed)
    if holders is not None:
        f.rows("ri_holders", ((i, h.tobytes()) for i, h in enumerate(holders)))
    f.meta({META: _sizes(index, len(index.urls), len(index.vocab))})


def _entry_rows(index: Any, ids: Any, tid: Any = None) -> Iterator[tuple]:
    tid = (tid or index._tid).__getitem__
    cut, kth, next_s, next_j = index._cut, index._kth, index._next_s, index._next_j
    for i in ids:
        vec = index.vectors[i]
        yield (i, index.urls[i], index._terms[i].tobytes(), index._tfs[i].tobytes(),
               array(_ID, map(tid, vec)).tobytes(), array("d", vec.values()).tobytes(),
               array(_ID, index.results[i]).tobytes(), _real(cut[i]), _real(kth[i]), _real(next_s[i]), next_j[i])


def _real(x: float) -> float | None:
    return None if x != x else x  # (SQLite keeps NaN as NULL: read back as NaN)


def _nan(x: float | None) -> float:
    return _NAN if x is None else x


_NAN = float("nan")


def _list_rows(index: Any, ids: Any) -> Iterator[tuple]:
    vocab, queriers = index.vocab, index.queriers
    for i in ids:
        asking = queriers.get(vocab[i])
        if asking:
            yield i, _queriers_bytes(asking)


def _queriers_bytes(asking: Any) -> bytes | None:
    return array(_ID, sorted(asking)).tobytes() if asking else None


CHUNK = 128  # entries of a posting list per ri_chunks row as written whole (split past 2 * CHUNK)


def _create_chunks(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE ri_chunks (id INTEGER PRIMARY KEY, term INTEGER, w0 REAL, i0 INTEGER, pw BLOB, pi BLOB)")
    conn.execute("CREATE INDEX ri_chunks_at ON ri_chunks (term, w0, i0)")


def _chunk_rows(vocab: Any, postings: Any, tid: Any) -> Iterator[tuple]:
    n = 0
    for t, (ws, ids) in postings.items():
        k = tid[t]
        for start in range(0, len(ids), CHUNK):
            n += 1
            yield n, k, ws[start], ids[start], ws[start:start + CHUNK].tobytes(), ids[start:start + CHUNK].tobytes()


def _sizes(index: RelatedIndex, n: int, terms: int) -> dict[str, Any]:
    return {"k": index.k, "n": n, "terms": terms}


# -- taking it up ------------------------------------------------------------------
class StoredRelatedIndex(RelatedIndex):
    """A RelatedIndex whose rows are read from the store when first needed (see the module doc)."""

    def __init__(self, db: Db) -> None:  # noqa: super().__init__ builds an index; this one is read
        meta = db.meta(META)
        if meta is None:
            raise StoreError("no related index in the session store")
        self.db = db
        self.k, self.jobs = meta["k"], 1
        self.entries = _Entries(db, meta["n"], self)
        self.terms = _Terms(db, meta["terms"])
        self.lists = _Lists(db, self.terms)
        self.urls = _Field(self.entries, "url")
        self.position = _Position(self.entries)
        self.vocab = _Vocab(self.terms)
        self._tid = _Tid(self.terms)
        self._terms, self._tfs = _Field(self.entries, "terms"), _Field(self.entries, "tfs")
        self.vectors, self.results = _Field(self.entries, "vector"), _Field(self.entries, "results")
        self.df, self.idf = _TermValue(self.terms, "df", 0), _TermValue(self.terms, "idf", None)
        self.chunks = _Chunks(db)
        self.postings, self.queriers = _Postings(self.lists, self.chunks), _ListValue(self.lists, "queriers")
        self.champions = _Champions(self.lists, self)
        self._holders = _Holders(self.lists)
        self._cut, self._kth = _Field(self.entries, "cut"), _Field(self.entries, "kth")
        self._next_s, self._next_j = _Field(self.entries, "next_s"), _Field(self.entries, "next_j")

    def _holders_index(self) -> Any:
        return self._holders

    # The posting lists in chunks (RelatedIndex's hooks): the champion list before the update is
    # made from the head of the list when the term is first touched.
    def _touch(self, t: str) -> int:
        k = self.terms.id_of(t)
        if k is None:
            raise StoreError(f"no term {t!r} in the stored related index")
        if k not in self.chunks.keys:
            self.chunks.load(k)
            head = self.chunks.head(k)
            self.lists.champions[k] = head if head else _GONE
        return k

    def _unpost(self, t: str, negw: float, i: int) -> None:
        self.chunks.remove(self._touch(t), negw, i)

    def _post(self, t: str, negw: float, i: int) -> None:
        self.chunks.insert(self._touch(t), negw, i)

    def _head(self, t: str) -> dict[int, float]:
        return self.chunks.head(self._touch(t))

    def _drop(self, t: str) -> None:
        self.lists.champions[self._touch(t)] = _GONE

    def _count(self, fresh: dict[int, dict[str, int]]) -> set[str]:
        """RelatedIndex._count, the holders of every term that enters or leaves an entry found first
        (one scan for all of them, from the rows as stored: before this update)."""
        ids = []
        for i, c in fresh.items():
            for t in self._counts(i).keys() ^ c.keys():
                k = self.terms.id_of(t)
                if k is not None:
                    ids.append(k)
        self.lists.load_holders(ids)
        return super()._count(fresh)

    def _counts(self, i: int) -> dict[str, int]:
        terms = self._terms[i]
        self.terms.by_ids(terms)  # one query for the entry's terms
        return dict(zip(map(self.vocab.__getitem__, terms), self._tfs[i]))

    def save(self, conn: sqlite3.Connection) -> None:
        """Write back every row read (an update changes no other), or everything if it was replaced whole."""
        whole = not isinstance(self.postings, _Postings) or not isinstance(self.vectors, _Field)
        if whole:  # _recompute_all rebuilt the containers in memory
            self._write_whole(conn)
            return
        self.entries.save(conn)
        self.terms.save(conn)
        self.lists.save(conn)
        self.chunks.save(conn)
        self._save_meta()

    def _save_meta(self) -> None:
        meta = _sizes(self, self.entries.n, self.terms.count)
        if meta != self.db.meta(META):
            self.db.set_meta(META, meta)

    def _write_whole(self, conn: sqlite3.Connection) -> None:
        n, count = self.entries.n, self.terms.count
        vocab = [self.vocab[i] for i in range(count)]
        tid = {t: i for i, t in enumerate(vocab)}
        # Every row made before any is deleted: some are still read from the old ones.
        entries = list(_entry_rows(self, range(n), tid))
        terms = [(i, t, self.df.get(t, 0), self.idf.get(t)) for i, t in enumerate(vocab)]
        lists = list(_list_rows(_Plain(vocab, self.postings, self.queriers), range(count)))
        chunks = list(_chunk_rows(vocab, self.postings, tid))
        for table, rows in (("ri_entries", entries), ("ri_terms", terms), ("ri_lists", lists), ("ri_chunks", chunks)):
            conn.execute(f"DELETE FROM {table}")
            if rows:
                conn.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)
        self.lists.save_holders(conn)  # (the holders of a term change only where _count changed them)
        self._save_meta()


class _Plain:
    def __init__(self, vocab: list[str], postings: Any, queriers: Any) -> None:
        self.vocab, self.postings, self.queriers = vocab, postings, queriers


# -- rows ----------------------------------------------------------------------------
class _Entries:
    """ri_entries rows: i -> {url, terms, tfs, vector, results}, read when first asked for."""

    def __init__(self, db: Db, n: int, index: StoredRelatedIndex) -> None:
        self.db, self.n, self.index = db, n, index
        self.rows: dict[int, dict[str, Any]] = {}
        self.raw: dict[int, tuple] = {}  # i -> the row as read (what save() compares with)
        self.by_url: dict[str, int] = {}

    def row(self, i: int) -> dict[str, Any]:
        found = self.rows.get(i)
        if found is None:
            if not 0 <= i < self.n:
                raise IndexError(i)
            r = self.db.conn.execute(f"SELECT {_ENTRY} FROM ri_entries WHERE i=?", (i,)).fetchone()
            if r is None:
                raise StoreError(f"related index entry {i} is missing")
            found = self._decode(r)
        return found

    def _decode(self, r: tuple) -> dict[str, Any]:
        i, url, terms, tfs, vt, vw, results, cut, kth, next_s, next_j = r
        ids = array(_ID, vt)
        vocab = self.index.vocab
        self.index.terms.by_ids(ids)
        row = {"url": url, "terms": array(_ID, terms), "tfs": array(_ID, tfs),
               "vector": dict(zip(map(vocab.__getitem__, ids), array("d", vw))),
               "results": array(_ID, results).tolist(), "cut": _nan(cut), "kth": _nan(kth),
               "next_s": _nan(next_s), "next_j": next_j}
        self.rows[i] = row
        self.raw[i] = r
        self.by_url[url] = i
        return row

    def url(self, i: int) -> str:
        found = self.rows.get(i)
        if found is not None:
            return found["url"]
        for url, j in self.by_url.items():  # (few: the URLs asked for in this build)
            if j == i:
                return url
        r = self.db.conn.execute("SELECT url FROM ri_entries WHERE i=?", (i,)).fetchone()
        if r is None:
            raise IndexError(i)
        self.by_url[r[0]] = i
        return r[0]

    def position(self, url: str) -> int | None:
        i = self.by_url.get(url)
        if i is None:
            r = self.db.conn.execute("SELECT i FROM ri_entries WHERE url=?", (url,)).fetchone()
            if r is None:
                return None
            i = self.by_url[url] = r[0]
        return i

    def all(self) -> None:
        for r in self.db.conn.execute(f"SELECT {_ENTRY} FROM ri_entries"):
            if r[0] not in self.rows:
                self._decode(r)

    def save(self, conn: sqlite3.Connection) -> None:
        """The rows that changed (of those read)."""
        tid = self.index._tid.__getitem__
        changed = []
        for i, r in self.rows.items():
            vec = r["vector"]
            row = (i, r["url"], r["terms"].tobytes(), r["tfs"].tobytes(), array(_ID, map(tid, vec)).tobytes(),
                   array("d", vec.values()).tobytes(), array(_ID, r["results"]).tobytes(), _real(r["cut"]),
                   _real(r["kth"]), _real(r["next_s"]), r["next_j"])
            if row != self.raw.get(i):
                changed.append(row)
                self.raw[i] = row
        conn.executemany("INSERT OR REPLACE INTO ri_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", changed)


_ENTRY = "i, url, terms, tfs, vt, vw, results, cut, kth, next_s, next_j"


class _Terms:
    """ri_terms rows: id -> [term, df, idf]; term -> id."""

    def __init__(self, db: Db, count: int) -> None:
        self.db, self.count = db, count
        self.rows: dict[int, list] = {}
        self.raw: dict[int, tuple] = {}
        self.ids: dict[str, int] = {}

    def _add(self, r: tuple) -> list:
        row = self.rows[r[0]] = [r[1], r[2], r[3]]
        self.raw[r[0]] = r
        self.ids[r[1]] = r[0]
        return row

    def by_id(self, i: int) -> list:
        found = self.rows.get(i)
        if found is None:
            r = self.db.conn.execute("SELECT id, term, df, idf FROM ri_terms WHERE id=?", (i,)).fetchone()
            if r is None:
                raise IndexError(i)
            found = self._add(r)
        return found

    def by_ids(self, ids: Any) -> None:
        todo = sorted({i for i in ids if i not in self.rows})
        for start in range(0, len(todo), 500):
            part = todo[start:start + 500]
            marks = ",".join("?" * len(part))
            for r in self.db.conn.execute(f"SELECT id, term, df, idf FROM ri_terms WHERE id IN ({marks})", part):
                self._add(r)

    def id_of(self, term: str) -> int | None:
        i = self.ids.get(term)
        if i is None:
            r = self.db.conn.execute("SELECT id, term, df, idf FROM ri_terms WHERE term=?", (term,)).fetchone()
            if r is None:
                return None
            self._add(r)
            i = r[0]
        return i

    def new(self, term: str, i: int) -> None:
        if i != self.count:
            raise StoreError("related index terms added out of order")
        self.rows[i] = [term, 0, None]
        self.ids[term] = i
        self.count += 1

    def all(self) -> None:
        for r in self.db.conn.execute("SELECT id, term, df, idf FROM ri_terms"):
            if r[0] not in self.rows:
                self._add(r)

    def save(self, conn: sqlite3.Connection) -> None:
        changed = [r for i, (t, df, idf) in self.rows.items() if (r := (i, t, df, idf)) != self.raw.get(i)]
        conn.executemany("INSERT OR REPLACE INTO ri_terms VALUES (?, ?, ?, ?)", changed)
        self.raw.update((r[0], r) for r in changed)


class _Lists:
    """ri_lists rows: term id -> [posting list, queriers]; ri_holders: term id -> holders. Read when
    first asked for; written back where their bytes changed."""

    def __init__(self, db: Db, terms: _Terms) -> None:
        self.db, self.terms = db, terms
        self.rows: dict[int, list] = {}
        self.raw: dict[int, tuple] = {}
        self.champions: dict[int, Any] = {}  # term id -> champion list (or _GONE)
        self.holders: dict[int, array] = {}
        self.holders_raw: dict[int, bytes | None] = {}  # as stored (None: not stored yet)

    def row(self, i: int) -> list:
        """[None (the posting list is in ri_chunks), queriers]"""
        found = self.rows.get(i)
        if found is None:
            r = self.db.conn.execute("SELECT queriers FROM ri_lists WHERE id=?", (i,)).fetchone()
            queriers = self.raw[i] = r[0] if r is not None else None
            found = self.rows[i] = [None, set(array(_ID, queriers)) if queriers is not None else None]
        return found

    def holders_of(self, i: int) -> array:
        found = self.holders.get(i)
        if found is None:
            self.load_holders([i])
            found = self.holders[i]
        return found

    def load_holders(self, ids: Any) -> None:
        """The holders of the terms `ids`: as stored, or found by one scan of the entries' term ids."""
        todo = sorted({i for i in ids if i not in self.holders and i < self.terms.count})
        conn = self.db.conn
        for start in range(0, len(todo), 500):
            part = todo[start:start + 500]
            for i, h in conn.execute(f"SELECT id, holders FROM ri_holders WHERE id IN ({','.join('?' * len(part))})",
                                     part):
                self.holders[i] = array(_ID, h)
                self.holders_raw[i] = h
        todo = [i for i in todo if i not in self.holders]
        for start in range(0, len(todo), 50):
            part = todo[start:start + 50]
            found = {i: array(_ID) for i in part}
            wanted = set(part)
            # instr() finds the id's four bytes anywhere in the entry's term ids: checked on whole ids below.
            where = " OR ".join(["instr(terms, ?) > 0"] * len(part))
            for j, terms in conn.execute(f"SELECT i, terms FROM ri_entries WHERE {where} ORDER BY i",
                                         [array(_ID, [i]).tobytes() for i in part]):
                for k in wanted.intersection(array(_ID, terms)):
                    found[k].append(j)
            for i, h in found.items():
                self.holders[i] = h
                self.holders_raw[i] = None

    def save(self, conn: sqlite3.Connection) -> None:
        changed = []
        for i, (_, q) in self.rows.items():
            b = _queriers_bytes(q)
            if b != self.raw.get(i):
                changed.append((i, b))
                self.raw[i] = b
        conn.executemany("INSERT OR REPLACE INTO ri_lists VALUES (?, ?)", changed)
        self.save_holders(conn)

    def save_holders(self, conn: sqlite3.Connection) -> None:
        changed = [(i, b) for i, h in self.holders.items() if (b := h.tobytes()) != self.holders_raw.get(i)]
        conn.executemany("INSERT OR REPLACE INTO ri_holders VALUES (?, ?)", changed)
        self.holders_raw.update(changed)


# -- the containers RelatedIndex uses, over the rows ------------------------------------
class _Field(MutableSequence):
    """index -> one field of an entry row (urls, _terms, _tfs, vectors, results)."""

    def __init__(self, entries: _Entries, name: str) -> None:
        self.entries, self.name = entries, name

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if self.name == "url":  # a related list names entries by URL: no need to read the rest of them
            return self.entries.url(i)
        return self.entries.row(i)[self.name]

    def __setitem__(self, i: Any, value: Any) -> None:
        self.entries.row(i)[self.name] = value

    def __delitem__(self, i: Any) -> None:
        raise StoreError("entries are not removed from a stored related index")

    def __len__(self) -> int:
        return self.entries.n

    def insert(self, i: int, value: Any) -> None:
        raise StoreError("entries are not added to a stored related index")

    def __iter__(self) -> Iterator[Any]:
        self.entries.all()
        return (self.entries.rows[i][self.name] for i in range(self.entries.n))


class _Position(MutableMapping):
    def __init__(self, entries: _Entries) -> None:
        self.entries = entries

    def __getitem__(self, url: str) -> int:
        i = self.entries.position(url)
        if i is None:
            raise KeyError(url)
        return i

    def __setitem__(self, url: str, i: int) -> None:
        raise StoreError("entries are not added to a stored related index")

    __delitem__ = __setitem__

    def __iter__(self) -> Iterator[str]:
        self.entries.all()
        return iter(self.entries.by_url)

    def __len__(self) -> int:
        return self.entries.n


class _Vocab(MutableSequence):
    """term id -> term."""

    def __init__(self, terms: _Terms) -> None:
        self.terms = terms

    def __getitem__(self, i: Any) -> str:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self.terms.by_id(i)[0]

    def __setitem__(self, i: Any, value: Any) -> None:
        raise StoreError("terms are not renamed")

    __delitem__ = __setitem__

    def __len__(self) -> int:
        return self.terms.count

    def insert(self, i: int, term: str) -> None:
        raise StoreError("terms are only appended")

    def append(self, term: str) -> None:  # after `_tid[term] = len(vocab)`, which made the row
        if self.terms.id_of(term) is None:
            self.terms.new(term, self.terms.count)

    def __iter__(self) -> Iterator[str]:
        self.terms.all()
        return (self.terms.rows[i][0] for i in range(self.terms.count))


class _Tid(MutableMapping):
    """term -> term id."""

    def __init__(self, terms: _Terms) -> None:
        self.terms = terms

    def __getitem__(self, term: str) -> int:
        i = self.terms.id_of(term)
        if i is None:
            raise KeyError(term)
        return i

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.terms.id_of(term) is not None

    def __setitem__(self, term: str, i: int) -> None:
        self.terms.new(term, i)

    def __delitem__(self, term: str) -> None:
        raise StoreError("terms are not removed")

    def __iter__(self) -> Iterator[str]:
        self.terms.all()
        return iter(self.terms.ids)

    def __len__(self) -> int:
        return self.terms.count


class _TermColumn(MutableMapping):
    """term -> one column of its stored row; `absent` (or None) there means no entry."""

    col: int
    absent: Any = None

    def _row(self, term: str) -> list | None:
        raise NotImplementedError

    def __getitem__(self, term: str) -> Any:
        row = self._row(term)
        if row is None or row[self.col] == self.absent or row[self.col] is None:
            raise KeyError(term)
        return row[self.col]

    def __setitem__(self, term: str, value: Any) -> None:
        row = self._row(term)
        if row is None:
            raise StoreError(f"no term {term!r} in the stored related index")
        row[self.col] = value

    def __delitem__(self, term: str) -> None:
        self[term]
        self._row(term)[self.col] = self.absent  # type: ignore[index]

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _TermValue(_TermColumn):
    """term -> document frequency (absent when 0) or idf (absent when None)."""

    def __init__(self, terms: _Terms, name: str, absent: Any) -> None:
        self.terms, self.col, self.absent = terms, 1 if name == "df" else 2, absent

    def _row(self, term: str) -> list | None:
        i = self.terms.id_of(term)
        return None if i is None else self.terms.rows[i]

    def __iter__(self) -> Iterator[str]:
        self.terms.all()
        return (t for t, *v in self.terms.rows.values() if v[self.col - 1] not in (self.absent, None))


class _Chunks:
    """ri_chunks: each term's posting list as runs of (-weight, entry), read and changed a run at a time."""

    def __init__(self, db: Db) -> None:
        self.db = db
        self.keys: dict[int, list[tuple[float, int, int]]] = {}  # term id -> (w0, i0, row id) of its runs, in order
        self.runs: dict[int, tuple[array, array] | None] = {}  # row id -> the run (None: deleted)
        self.raw: dict[int, tuple] = {}  # row id -> (term, w0, i0, pw, pi) as stored
        self.term_of: dict[int, int] = {}
        self._next: int | None = None

    def load(self, k: int) -> None:
        """The keys of term k's runs (an index search; the runs themselves are read when needed)."""
        if k not in self.keys:
            rows = self.db.conn.execute("SELECT w0, i0, id FROM ri_chunks WHERE term=? ORDER BY w0, i0",
                                        (k,)).fetchall()
            self.keys[k] = rows
            for _, _, rid in rows:
                self.term_of[rid] = k

    def run(self, rid: int) -> tuple[array, array]:
        found = self.runs.get(rid)
        if found is None:
            r = self.db.conn.execute("SELECT term, w0, i0, pw, pi FROM ri_chunks WHERE id=?", (rid,)).fetchone()
            if r is None:
                raise StoreError(f"related index run {rid} is missing")
            self.raw[rid] = r
            found = self.runs[rid] = (array("d", r[3]), array(_ID, r[4]))
        return found

    def _at(self, k: int, negw: float, i: int) -> int:
        """Where in term k's keys the run that holds, or would hold, (negw, i) is (-1: before the first)."""
        return bisect_right(self.keys[k], (negw, i, _BIG)) - 1

    def remove(self, k: int, negw: float, i: int) -> None:
        self.load(k)
        keys = self.keys[k]
        j = self._at(k, negw, i)
        rid = keys[j][2]
        plist = self.run(rid)
        at = _find(plist, negw, i)
        assert j >= 0 and plist[1][at] == i and plist[0][at] == negw
        del plist[0][at], plist[1][at]
        if not plist[1]:
            del keys[j]
            self.runs[rid] = None
        elif at == 0:
            keys[j] = (plist[0][0], plist[1][0], rid)

    def insert(self, k: int, negw: float, i: int) -> None:
        self.load(k)
        keys = self.keys[k]
        if not keys:
            rid = self._new_id(k)
            self.runs[rid] = (array("d", [negw]), array(_ID, [i]))
            keys.append((negw, i, rid))
            return
        j = max(self._at(k, negw, i), 0)
        rid = keys[j][2]
        plist = self.run(rid)
        at = _find(plist, negw, i)
        plist[0].insert(at, negw)
        plist[1].insert(at, i)
        if at == 0:
            keys[j] = (negw, i, rid)
        if len(plist[1]) > 2 * CHUNK:  # split in two
            new = self._new_id(k)
            ws, ids = plist
            self.runs[new] = (ws[CHUNK:], ids[CHUNK:])
            del ws[CHUNK:], ids[CHUNK:]
            keys.insert(j + 1, (self.runs[new][0][0], self.runs[new][1][0], new))

    def _new_id(self, k: int) -> int:
        if self._next is None:
            self._next = (self.db.conn.execute("SELECT max(id) FROM ri_chunks").fetchone()[0] or 0) + 1
        rid, self._next = self._next, self._next + 1
        self.term_of[rid] = k
        return rid

    def head(self, k: int) -> dict[int, float]:
        """Term k's champion list (its first CHAMPIONS entries), {} if its posting list is empty."""
        found = self.whole(k, CHAMPIONS)
        return _champions(found) if found else {}

    def whole(self, k: int, enough: int | None = None) -> tuple[array, array] | None:
        """Term k's posting list (its runs from the first until `enough` entries), None if empty."""
        self.load(k)
        ws, ids = array("d"), array(_ID)
        for _, _, rid in self.keys[k]:
            run = self.run(rid)
            ws.extend(run[0])
            ids.extend(run[1])
            if enough is not None and len(ids) >= enough:
                break
        return (ws, ids) if ids else None

    def save(self, conn: sqlite3.Connection) -> None:
        gone, changed = [], []
        for rid, run in self.runs.items():
            if run is None:
                if rid in self.raw:
                    gone.append((rid,))
                continue
            k = self.term_of[rid]
            row = (k, run[0][0], run[1][0], run[0].tobytes(), run[1].tobytes())
            if row != self.raw.get(rid):
                changed.append((rid, *row))
                self.raw[rid] = row
        conn.executemany("DELETE FROM ri_chunks WHERE id=?", gone)
        conn.executemany("INSERT OR REPLACE INTO ri_chunks VALUES (?, ?, ?, ?, ?, ?)", changed)
        for (rid,) in gone:
            del self.raw[rid]


_BIG = 1 << 62


class _Postings(MutableMapping):
    """term -> its whole posting list, read from the chunks (an update changes them through the hooks)."""

    def __init__(self, lists: "_Lists", chunks: _Chunks) -> None:
        self.lists, self.chunks = lists, chunks

    def __getitem__(self, term: str) -> Any:
        k = self.lists.terms.id_of(term)
        found = None if k is None else self.chunks.whole(k)
        if found is None:
            raise KeyError(term)
        return found

    def __setitem__(self, term: str, value: Any) -> None:
        raise StoreError("posting lists are changed through the related index's hooks")

    __delitem__ = __setitem__

    def __iter__(self) -> Iterator[str]:
        terms = self.lists.terms
        terms.all()
        for k in range(terms.count):
            self.chunks.load(k)
            if self.chunks.keys[k]:
                yield terms.rows[k][0]

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _ListValue(_TermColumn):
    """term -> queriers (absent when None)."""

    def __init__(self, lists: _Lists, name: str) -> None:
        self.lists, self.col = lists, 1

    def _row(self, term: str) -> list | None:
        i = self.lists.terms.id_of(term)
        return None if i is None else self.lists.row(i)

    def __iter__(self) -> Iterator[str]:
        terms = self.lists.terms
        terms.all()
        for i in range(terms.count):
            if self.lists.row(i)[self.col] is not None:
                yield terms.rows[i][0]


class _Champions(MutableMapping):
    """term -> its champion list, made from the posting list as read (before an update changes it),
    as RelatedIndex keeps it beside the posting lists; never stored."""

    def __init__(self, lists: _Lists, index: StoredRelatedIndex) -> None:
        self.lists, self.index = lists, index

    def _at(self, term: str) -> int | None:
        i = self.lists.terms.id_of(term)
        if i is not None and i not in self.lists.champions:
            self.index._touch(term)
        return i

    def __getitem__(self, term: str) -> Any:
        i = self._at(term)
        found = _GONE if i is None else self.lists.champions.get(i, _GONE)
        if found is _GONE:
            raise KeyError(term)
        return found

    def __setitem__(self, term: str, value: Any) -> None:
        i = self._at(term)
        if i is None:
            raise StoreError(f"no term {term!r} in the stored related index")
        self.lists.champions[i] = value

    def __delitem__(self, term: str) -> None:
        self[term]
        self.lists.champions[self._at(term)] = _GONE  # type: ignore[index]

    def __iter__(self) -> Iterator[str]:
        terms = self.lists.terms
        for t in list(self.index.postings):
            if self.lists.champions.get(terms.id_of(t), _GONE) is not _GONE:  # type: ignore[arg-type]
                yield t

    def __len__(self) -> int:
        return sum(1 for _ in self)


_GONE = object()


class _Holders(MutableSequence):
    """term id -> the entries that use the term."""

    def __init__(self, lists: _Lists) -> None:
        self.lists = lists

    def __getitem__(self, i: Any) -> Any:
        return self.lists.holders_of(i)

    def __setitem__(self, i: Any, value: Any) -> None:
        self.lists.holders[i] = value

    def __delitem__(self, i: Any) -> None:
        raise StoreError("terms are not removed")

    def __len__(self) -> int:
        return self.lists.terms.count

    def insert(self, i: int, value: Any) -> None:
        raise StoreError("terms are only appended")

    def append(self, value: Any) -> None:  # the holders of the term just added (its row made already)
        self.lists.holders[self.lists.terms.count - 1] = value

