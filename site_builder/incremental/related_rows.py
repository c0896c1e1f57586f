"""The related-papers index (catalog/related.py) in the session store, a row per entry and per term.

`RelatedIndex.update` after a one-summary edit reads the edited entry's term
counts and vector, the document frequency of the terms that moved, and the
posting lists and queriers of the terms whose champion list moved: a small part
of an index of tens of MB. `StoredRelatedIndex` is a RelatedIndex whose
per-entry and per-term containers read their rows when first asked for and
remember what they read; `save` writes those rows back (an update changes only
rows it has read). An update that needs everything (one that redoes every list)
reads everything, and is then saved whole.

Tables: ri_entries (i, url, term ids, counts, vector, results), ri_terms
(id, term, document frequency, idf) and ri_lists (id, posting list, queriers,
holders: the entries that use the term). The small per-entry arrays (_cut,
_kth, _next_s, _next_j) are one value each.
"""
from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterator, MutableMapping, MutableSequence
from typing import Any

from ..catalog.related import _ID, RelatedIndex, _champions
from ..store import Db, NewFile, StoreError

META = "related"


# -- writing a whole index -------------------------------------------------------
def write_index(f: NewFile, index: RelatedIndex) -> None:
    tid = index._tid
    f.create("ri_entries", "i INTEGER PRIMARY KEY, url TEXT UNIQUE, terms BLOB, tfs BLOB, vt BLOB, vw BLOB, "
                           "results BLOB")
    f.rows("ri_entries", ((i, url, index._terms[i].tobytes(), index._tfs[i].tobytes(),
                           array(_ID, map(tid.__getitem__, index.vectors[i])).tobytes(),
                           array("d", index.vectors[i].values()).tobytes(), array(_ID, index.results[i]).tobytes())
                          for i, url in enumerate(index.urls)))
    f.create("ri_terms", "id INTEGER PRIMARY KEY, term TEXT UNIQUE, df INTEGER, idf REAL")
    f.rows("ri_terms", ((i, t, index.df.get(t, 0), index.idf.get(t)) for i, t in enumerate(index.vocab)))
    f.create("ri_lists", "id INTEGER PRIMARY KEY, pw BLOB, pi BLOB, queriers BLOB, holders BLOB")
    holders = index._holders
    f.rows("ri_lists", _list_rows(index, range(len(index.vocab)), holders))
    f.meta({META: _arrays(index, holders is not None)})


def _list_rows(index: RelatedIndex, ids: Any, holders: Any) -> Iterator[tuple]:
    vocab, postings, queriers = index.vocab, index.postings, index.queriers
    for i in ids:
        t = vocab[i]
        plist = postings.get(t)
        asking = queriers.get(t)
        if plist is None and asking is None and holders is None:
            continue
        yield (i, plist[0].tobytes() if plist else None, plist[1].tobytes() if plist else None,
               array(_ID, sorted(asking)).tobytes() if asking else None,
               holders[i].tobytes() if holders is not None else None)


def _arrays(index: RelatedIndex, holders: bool) -> dict[str, Any]:
    return {"k": index.k, "n": len(index.urls), "terms": len(index.vocab), "holders": holders,
            "cut": index._cut.tobytes(), "kth": index._kth.tobytes(), "next_s": index._next_s.tobytes(),
            "next_j": index._next_j.tobytes()}


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
        self.lists = _Lists(db, self.terms, meta["holders"])
        self.urls = _Field(self.entries, "url")
        self.position = _Position(self.entries)
        self.vocab = _Vocab(self.terms)
        self._tid = _Tid(self.terms)
        self._terms, self._tfs = _Field(self.entries, "terms"), _Field(self.entries, "tfs")
        self.vectors, self.results = _Field(self.entries, "vector"), _Field(self.entries, "results")
        self.df, self.idf = _TermValue(self.terms, "df", 0), _TermValue(self.terms, "idf", None)
        self.postings, self.queriers = _ListValue(self.lists, "postings"), _ListValue(self.lists, "queriers")
        self.champions = _Champions(self.lists)
        self._holders = _Holders(self.lists) if meta["holders"] else None
        self._cut, self._kth = array("d", meta["cut"]), array("d", meta["kth"])
        self._next_s, self._next_j = array("d", meta["next_s"]), array(_ID, meta["next_j"])

    def _counts(self, i: int) -> dict[str, int]:
        terms = self._terms[i]
        self.terms.by_ids(terms)  # one query for the entry's terms
        return dict(zip(map(self.vocab.__getitem__, terms), self._tfs[i]))

    def save(self, conn: sqlite3.Connection) -> None:
        """Write back every row read (an update changes no other), or everything if it was replaced whole."""
        whole = not isinstance(self.postings, _ListValue) or not isinstance(self.vectors, _Field)
        if whole:  # _recompute_all rebuilt the containers in memory
            self._write_whole(conn)
            return
        self.entries.save(conn, self.vectors, self.results)
        self.terms.save(conn)
        self.lists.save(conn, self._holders)
        self.db.set_meta(META, self._meta())

    def _meta(self) -> dict[str, Any]:
        meta = _arrays(self, self._holders is not None)
        meta["n"], meta["terms"] = self.entries.n, self.terms.count
        return meta

    def _write_whole(self, conn: sqlite3.Connection) -> None:
        n, count = self.entries.n, self.terms.count
        vocab = [self.vocab[i] for i in range(count)]
        tid = {t: i for i, t in enumerate(vocab)}
        holders = self._holders
        # Every row made before any is deleted: some are still read from the old ones.
        entries = [(i, self.urls[i], self._terms[i].tobytes(), self._tfs[i].tobytes(),
                    array(_ID, map(tid.__getitem__, self.vectors[i])).tobytes(),
                    array("d", self.vectors[i].values()).tobytes(), array(_ID, self.results[i]).tobytes())
                   for i in range(n)]
        terms = [(i, t, self.df.get(t, 0), self.idf.get(t)) for i, t in enumerate(vocab)]
        lists = list(_list_rows(_Plain(vocab, self.postings, self.queriers), range(count),
                                [holders[i] for i in range(count)] if holders is not None else None))
        for table, rows in (("ri_entries", entries), ("ri_terms", terms), ("ri_lists", lists)):
            conn.execute(f"DELETE FROM {table}")
            if rows:
                conn.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)
        self.db.set_meta(META, _arrays(self, holders is not None) | {"n": n, "terms": count})


class _Plain:
    def __init__(self, vocab: list[str], postings: Any, queriers: Any) -> None:
        self.vocab, self.postings, self.queriers = vocab, postings, queriers


# -- rows ----------------------------------------------------------------------------
class _Entries:
    """ri_entries rows: i -> {url, terms, tfs, vector, results}, read when first asked for."""

    def __init__(self, db: Db, n: int, index: StoredRelatedIndex) -> None:
        self.db, self.n, self.index = db, n, index
        self.rows: dict[int, dict[str, Any]] = {}
        self.by_url: dict[str, int] = {}

    def row(self, i: int) -> dict[str, Any]:
        found = self.rows.get(i)
        if found is None:
            if not 0 <= i < self.n:
                raise IndexError(i)
            r = self.db.conn.execute("SELECT i, url, terms, tfs, vt, vw, results FROM ri_entries WHERE i=?",
                                     (i,)).fetchone()
            if r is None:
                raise StoreError(f"related index entry {i} is missing")
            found = self._decode(r)
        return found

    def _decode(self, r: tuple) -> dict[str, Any]:
        i, url, terms, tfs, vt, vw, results = r
        ids = array(_ID, vt)
        vocab = self.index.vocab
        self.index.terms.by_ids(ids)
        row = {"url": url, "terms": array(_ID, terms), "tfs": array(_ID, tfs),
               "vector": dict(zip(map(vocab.__getitem__, ids), array("d", vw))),
               "results": array(_ID, results).tolist()}
        self.rows[i] = row
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
        for r in self.db.conn.execute("SELECT i, url, terms, tfs, vt, vw, results FROM ri_entries"):
            if r[0] not in self.rows:
                self._decode(r)

    def save(self, conn: sqlite3.Connection, vectors: Any, results: Any) -> None:
        tid = self.index._tid
        conn.executemany("INSERT OR REPLACE INTO ri_entries VALUES (?, ?, ?, ?, ?, ?, ?)", [
            (i, r["url"], r["terms"].tobytes(), r["tfs"].tobytes(),
             array(_ID, map(tid.__getitem__, r["vector"])).tobytes(), array("d", r["vector"].values()).tobytes(),
             array(_ID, r["results"]).tobytes()) for i, r in self.rows.items()])


class _Terms:
    """ri_terms rows: id -> [term, df, idf]; term -> id."""

    def __init__(self, db: Db, count: int) -> None:
        self.db, self.count = db, count
        self.rows: dict[int, list] = {}
        self.ids: dict[str, int] = {}

    def _add(self, r: tuple) -> list:
        row = self.rows[r[0]] = [r[1], r[2], r[3]]
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
        conn.executemany("INSERT OR REPLACE INTO ri_terms VALUES (?, ?, ?, ?)",
                         [(i, t, df, idf) for i, (t, df, idf) in self.rows.items()])


class _Lists:
    """ri_lists rows: term id -> [posting list, queriers, holders], read when first asked for."""

    def __init__(self, db: Db, terms: _Terms, holders: bool) -> None:
        self.db, self.terms, self.holders = db, terms, holders
        self.rows: dict[int, list] = {}
        self.champions: dict[int, Any] = {}  # term id -> champion list (or _GONE)

    def row(self, i: int) -> list:
        found = self.rows.get(i)
        if found is None:
            r = self.db.conn.execute("SELECT pw, pi, queriers, holders FROM ri_lists WHERE id=?", (i,)).fetchone()
            found = self.rows[i] = _lists(r)
            self.champions[i] = _champions(found[0]) if found[0] is not None else _GONE
        return found

    def save(self, conn: sqlite3.Connection, holders: Any) -> None:
        if holders is not None and not isinstance(holders, _Holders):  # made in memory by this update
            for i in range(self.terms.count):
                self.row(i)[2] = holders[i]
        conn.executemany("INSERT OR REPLACE INTO ri_lists VALUES (?, ?, ?, ?, ?)", [
            (i, p[0].tobytes() if p else None, p[1].tobytes() if p else None,
             array(_ID, sorted(q)).tobytes() if q else None, h.tobytes() if h is not None else None)
            for i, (p, q, h) in self.rows.items()])


def _lists(r: tuple | None) -> list:
    if r is None:
        return [None, None, None]
    pw, pi, queriers, holders = r
    return [(array("d", pw), array(_ID, pi)) if pw is not None else None,
            set(array(_ID, queriers)) if queriers is not None else None,
            array(_ID, holders) if holders is not None else None]


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


class _ListValue(_TermColumn):
    """term -> posting list, or -> queriers (absent when None)."""

    def __init__(self, lists: _Lists, name: str) -> None:
        self.lists, self.col = lists, 0 if name == "postings" else 1

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

    def __init__(self, lists: _Lists) -> None:
        self.lists = lists

    def _at(self, term: str) -> int | None:
        i = self.lists.terms.id_of(term)
        if i is not None:
            self.lists.row(i)
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
        for t in list(_ListValue(self.lists, "postings")):
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
        row = self.lists.row(i)
        if row[2] is None:
            row[2] = array(_ID)
        return row[2]

    def __setitem__(self, i: Any, value: Any) -> None:
        self.lists.row(i)[2] = value

    def __delitem__(self, i: Any) -> None:
        raise StoreError("terms are not removed")

    def __len__(self) -> int:
        return self.lists.terms.count

    def insert(self, i: int, value: Any) -> None:
        raise StoreError("terms are only appended")

    def append(self, value: Any) -> None:  # the holders of the term just added (its row made already)
        self.lists.row(self.lists.terms.count - 1)[2] = value

