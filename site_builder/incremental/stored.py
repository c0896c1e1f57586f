"""The session of `site-builder build`, kept in a store file and taken up a row at a time.

After a full build, `write_session` puts the session (incremental/session.py)
into `.site-builder-cache/session.sqlite` (store.py): every catalog object on
its own row (ghosts.py), every page, the related lists, the feeds, the values
derived from the whole catalog (derived.py), the export's line lengths and the
small values (snapshot of the inputs, report, ...). The build cache's file
(cache.py) holds the recorded page reads and their indexes (stepindex.py).

The next `site-builder build` takes it up as a `StoredState`: the interface of
session._State, answered by reading only the rows an edit reaches. A one-summary
edit then loads a few dozen objects and pages instead of the whole session, and
`commit` writes back only the rows that changed, in one transaction per file.
The two files carry the same `generation`; a build killed between the two
commits leaves them different, and the pair is then not taken up (a full build).
"""
from __future__ import annotations

import os
import pickle
import signal
import sqlite3
import time
from array import array
from bisect import bisect_left
from pathlib import Path
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Callable

from ..cache import STEP_CHUNK, TABLES, BuildCache, state_values
from ..parallel import die_with_parent as _die_with_parent  # (tests stop the early writer through this name)
from ..store import Db, NewFile, StoreError, Table, dumps_rebuilt, temp_name
from . import changes
from .ghosts import Ghosts, class_name, materialize, row_of
from .related_rows import write_index
from .stepindex import StoredDeps, StoredRecorded, StoredSteps

if TYPE_CHECKING:
    from ..catalog import Summary
    from ..config import SiteConfig
    from ..output.pages import Page

FILE_NAME = "session.sqlite"
EXPORT = "api/summaries.json"  # one line per summary (output/api.py), patched in place of being joined again


# -- writing a whole session (after a full build) -------------------------------
def write_session(path: Path, st: Any, content: Path, output: Path, early: EarlyObjects | None = None) -> None:
    """Write the session `st` (a session._State just made by a full build) as a new store file.

    `early`: the objects table (and the math use), written meanwhile by a forked process (EarlyObjects)."""
    from ..catalog.related import RelatedIndex
    from .dependencies import page_objects

    kept = st.kept
    world = kept["world"]
    keys = world.keys
    f = early.take() if early is not None else None
    if f is None:  # (none started, or it failed: written here)
        f = NewFile(path)
        try:
            _write_objects(f, world.objects, keys, st.catalog.summaries)
        except BaseException:
            f.abandon()
            raise
    try:
        pages = kept["pages"]
        f.create("pages", "key TEXT PRIMARY KEY, file TEXT UNIQUE, value BLOB")
        f.rows("pages", ((p.path, p.file, _dumps(p, keys)) for p in pages))
        shown: dict[tuple, list[str]] = {}
        for p in pages:
            for key in page_objects(p, keys):
                shown.setdefault(key, []).append(p.path)
        f.create("shown")
        f.rows("shown", ((repr(k), _dumps(v, keys)) for k, v in shown.items()))
        f.create("related")
        f.rows("related", ((url, _dumps(entries, keys)) for url, entries in kept["related"].items()))
        f.create("owners")
        f.rows("owners", ((e.url, repr(keys[id(e)])) for e in (*st.catalog.papers, *st.catalog.unidentified)))
        f.create("feeds", "key TEXT PRIMARY KEY, members BLOB, source BLOB, entries BLOB")
        f.rows("feeds", ((source.path, _dumps([s.id for _, s in entries], keys), _dumps(source, keys),
                          _dumps(entries, keys)) for source, entries in kept["feeds"]))
        f.create("derived")
        f.create("derived_items", "name TEXT, key TEXT, n INTEGER, value BLOB, PRIMARY KEY (name, key)")
        values = kept["derived"].values
        tables = {name for name in kept["derived"].by_key if _by_key(values[name])}
        f.rows("derived", ((name, _dumps(_TABLE if name in tables else v, keys)) for name, v in values.items()))
        f.rows("derived_items", ((name, k, n, _dumps(v, keys)) for name in tables
                                 for n, (k, v) in enumerate(values[name].items())))
        index: RelatedIndex = kept["related_index"]
        write_index(f, index)
        f.create("search")  # url -> its search record (output/search.py), when search is on
        f.rows("search", kept.get("search_rows") or ())  # (pickled by write_site, which then let the records go)
        # url -> (part, page number) of its copy in the search index's parts, for that number of parts
        search_count, search_pages = kept.get("search_pages") or (None, {})
        f.create("search_pages", "key TEXT PRIMARY KEY, part INTEGER, page INTEGER")
        f.rows("search_pages", ((url, j, n) for url, (j, n) in search_pages.items()))
        export = kept["api"]  # (ids, line lengths) when the build knew it would be saved here, else the lines
        if isinstance(export, dict):
            export = (list(export), array("Q", map(len, export.values())))
        f.meta({
            "math_files": kept.get("math_files"),
            "salt": st.cache.salt, "generation": st.cache.started_ns, "content": str(content.resolve()),
            "output": str(output), "config": st.config, "theme": st.theme, "snapshot": st.snapshot,
            "report": st.report, "uncacheable": st.uncacheable, "context": kept["context"],
            "fallback": kept["fallback"], "export_ids": export[0], "export_lengths": export[1],
            "search_count": search_count,
        })
        f.install()
    except BaseException:
        f.abandon()
        raise


def _write_objects(f: NewFile, objects: Mapping[tuple, Any], keys: dict[int, tuple], summaries: list[Summary]) -> None:
    """The objects table (ghosts.py) and what the math files are made from (math_use)."""
    f.create("objects", "key TEXT PRIMARY KEY, cls TEXT, value BLOB, lists BLOB")
    f.rows("objects", ((repr(k), class_name(type(o)), *row_of(o, keys)) for k, o in objects.items()))
    f.meta({"math_use": math_use(summaries)})


class EarlyObjects:
    """The session file begun by a forked process while the build goes on: its catalog objects.

    Most of a session file is the catalog's objects (the summaries' HTML and text), and they are
    final once the summaries are rendered: nothing later in a build changes one (a test checks the
    rows against those the end of the build would write). Pickling and writing them meanwhile uses
    the core the related index, the page list and the page environment leave idle, instead of
    making the end of the build longer. The child writes into the file this process will finish
    (named by this process: a later build's clean-up leaves it alone while this one runs).
    """

    def __init__(self, path: Path, catalog: Any) -> None:
        from ..cache import _forked
        from ..output.pagecache import identities

        self.path, self.owner = path, os.getpid()
        owner = self.owner

        def write() -> None:
            _die_with_parent()
            objects = identities(catalog)  # as the page step's World will know them
            f = NewFile(path, owner)
            try:
                _write_objects(f, objects, {id(o): k for k, o in objects.items()}, catalog.summaries)
                f.leave()
            except BaseException:
                f.abandon()
                raise

        self.pid: int | None = _forked(write)

    def take(self) -> NewFile | None:
        """The file to go on writing, once the child is done; None if it failed (nothing is left of it)."""
        pid, self.pid = self.pid, None
        if pid is None:
            return None
        ok = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
        if ok:
            try:
                return NewFile(self.path, self.owner, resume=True)
            except (StoreError, OSError, sqlite3.Error):
                pass
        _remove_temp(self.path, self.owner)
        return None

    def abandon(self) -> None:
        """Stop the child, if it still runs, and remove what it wrote (the build failed)."""
        pid, self.pid = self.pid, None
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            _remove_temp(self.path, self.owner)


def _remove_temp(path: Path, owner: int) -> None:
    try:
        os.unlink(temp_name(path, owner))
    except FileNotFoundError:
        pass


_TABLE = "\0derived table"  # the value of a derived table kept as rows (derived_items)
ROWS_ABOVE = 64  # entries


def _by_key(value: Any) -> bool:
    """A large table keyed by text, looked up only by key: kept a row per key (an edit looks up a few)."""
    return type(value) is dict and len(value) > ROWS_ABOVE and all(type(k) is str for k in value)


def _dumps(value: Any, keys: dict[int, tuple]) -> bytes:
    from .ghosts import dumps

    return dumps(value, keys)


# -- taking it up --------------------------------------------------------------
class StoredState:
    """session._State's interface over the two store files (see the module doc)."""

    def __init__(self, db: Db, cache_db: Db, content: Path, output: Path, site_root: Path,
                 snapshot: changes.Snapshot | None, published: Callable[[], bool] | None = None) -> None:
        self.db, self.cache_db = db, cache_db
        self.content, self.output, self.site_root = content, output, site_root
        self.config: str = db.meta("config")
        self.theme: list = db.meta("theme")
        self.snapshot: changes.Snapshot = stored_snapshot(db)
        self.report = db.meta("report")
        self.uncacheable: set[str] = db.meta("uncacheable")
        self._now = snapshot  # the inputs as this process found them (taken before any was read)
        self._published = published  # answers whether the output is as the last build left it
        self._answer: bool | None = None
        self.ghosts = Ghosts(self._fetch, self._fetch_lists)
        from ..catalog import Catalog

        self.catalog = self.ghosts.get(("C",), Catalog)
        self.cache = _cache(cache_db, db.meta("salt"))
        self._pages = _Pages(db, self.ghosts)
        self.related = db.table("related", dumps=self.ghosts.dumps, loads=self.ghosts.loads)
        self._derived = Table(db, "derived", loads=self.ghosts.loads)
        self._owners = Table(db, "owners", loads=lambda b: b.decode() if isinstance(b, bytes) else b)
        self.kept: dict[str, Any] = {"related": self.related, "context": db.meta("context"),
                                     "math_files": db.meta("math_files")}
        self._math_use: tuple[dict[str, int], int] | None = None  # changed by the edit: saved by commit
        self._records: dict[str, bytes] = {}  # url -> new search record, saved by commit
        self._index: Any = None
        self._export: array | None = None
        self.deps: StoredDeps | None = None
        self._links: Any = None

    def _fetch(self, key: tuple) -> tuple[str, bytes] | None:
        row = self.db.conn.execute("SELECT cls, value FROM objects WHERE key=?", (repr(key),)).fetchone()
        return None if row is None else (row[0], row[1])

    def _fetch_lists(self, key: tuple) -> bytes | None:
        row = self.db.conn.execute("SELECT lists FROM objects WHERE key=?", (repr(key),)).fetchone()
        return None if row is None else row[0]

    def derive(self, name: str, fn: Callable[[], Any], by_key: bool = False) -> Any:
        value = self._derived.get(name, _NONE)
        if value is _NONE:
            return fn()
        return _Derived(self.db, name, self.ghosts) if isinstance(value, str) and value == _TABLE else value

    def prepare(self, config: SiteConfig) -> None:
        """The Jinja environment and page recorder (made when an edit needs pages)."""
        from ..output.pagecache import Recorder, World
        from ..output.site import page_environment

        env = page_environment(self.catalog, config, self.site_root, self.related, self.derive, self.cache)
        world = World(self.ghosts.objects, env, dict(env.filters), dict(env.tests), config, self._pages,
                      keys=self.ghosts.keys, refs=self.ghosts.refs, load=materialize)
        self.kept.update(env=env, world=world, recorder=Recorder(world), related_index=self.index())

    def published(self) -> bool:
        """Whether the output is as the last build left it: asked before anything is written to it
        (and before a build that writes nothing says so), so the check can run meanwhile."""
        if self._answer is None:
            self._answer = self._published() if self._published is not None else _as_left(self)
        return self._answer

    def take_snapshot(self) -> changes.Snapshot:
        return self._now if self._now is not None else changes.take(self.content)

    # -- session._State's interface ------------------------------------------
    def summary(self, sid: str) -> Summary | None:
        try:
            return self.ghosts.get(("S", sid))
        except KeyError:
            return None

    def entry(self, url: str) -> Any:
        key = self._owners.get(url)
        if key is None:
            raise StoreError(f"no entry {url} in the session store")
        from ast import literal_eval

        return self.ghosts.get(literal_eval(key))

    def key(self, obj: Any) -> tuple:
        return self.ghosts.keys[id(obj)]

    def page(self, path: str) -> Page:
        return self._pages[path]

    def set_page(self, page: Page) -> None:
        self._pages[page.path] = page

    def where(self, path: str) -> str:
        return f"{self.output}/{self._pages.file_of(path)}"

    def path(self, where: str) -> str:
        return self._pages.path_of(where[len(str(self.output)) + 1:])

    def links(self, config: SiteConfig) -> Any:
        if self._links is None:
            from ..render.summaries import link_context
            self._links = link_context(self.catalog, config, self.derive)
        return self._links

    def index(self) -> Any:
        if self._index is None:
            from .related_rows import StoredRelatedIndex

            self._index = StoredRelatedIndex(self.db)
        return self._index

    def dependencies(self) -> StoredDeps:
        if self.deps is None:
            shown = Table(self.db, "shown", loads=pickle.loads)
            self.deps = StoredDeps(self.cache_db, self.cache.new["page_steps"], self.cache.new["pages"], STEP_CHUNK,
                                   lambda key: shown.get(repr(key), ()))
        return self.deps

    def feeds(self, ids: set[str]) -> tuple[str, list[tuple[Any, list]]]:
        out = []
        for path, members in self.db.conn.execute("SELECT key, members FROM feeds"):
            if not ids.isdisjoint(pickle.loads(members)):
                source, entries = self.db.conn.execute("SELECT source, entries FROM feeds WHERE key=?",
                                                       (path,)).fetchone()
                out.append((self.ghosts.loads(source), self.ghosts.loads(entries)))
        return self.db.meta("fallback"), out

    def export(self, edited: list[Summary]) -> dict[str, Any]:
        """summaries.json with the edited summaries' lines replaced (the rest copied by the kernel)."""
        # (the ids apart: an edit writes back only the lengths)
        ids, lengths = self.db.meta("export_ids"), array("Q", self.db.meta("export_lengths"))
        path = self.output / EXPORT
        changes_at = export_changes(path, ids, lengths, edited)
        if not changes_at:
            return {}
        self._export = lengths
        return {EXPORT: _Splice(path, changes_at)}

    def math_use(self, before: list[tuple], edited: list[Summary]) -> list[Any]:
        """What the math files are made from: one stand-in for the whole site's use (counted per
        token in the store, so an edit changes its own summaries' counts only)."""
        self._math_use = edited_math_use(self.db.meta("math_use"), before, edited)
        return [MathUse(tuple(sorted(self._math_use[0])), self._math_use[1] > 0)]

    def search_changes(self, edited: list[Summary]) -> dict[str, Any]:
        """URL -> the new search record of each result the edit changed (saved by commit)."""
        from ..output.search import edited_records

        fresh = edited_records(edited)
        self._records = {url: dumps_rebuilt(r) for url, r in fresh.items()}
        return fresh

    def search_urls(self) -> list[str]:
        """Every search result's URL (an edit of text changes none)."""
        return [url for (url,) in self.db.conn.execute("SELECT key FROM search")]

    def search_positions(self, urls: list[str], count: int) -> dict[str, tuple[int, int]] | None:
        """Where each of `urls` is in the search index's parts, if they are `count` as at the last full
        build (output/search_delta.page_positions); None if not. A few rows, not every URL worked out again."""
        if self.db.meta("search_count") != count:
            return None
        out = {}
        for i in range(0, len(urls), 500):
            chunk = urls[i:i + 500]
            out.update((url, (j, n)) for url, j, n in self.db.conn.execute(
                f"SELECT key, part, page FROM search_pages WHERE key IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def search_records_of(self, urls: list[str]) -> dict[str, Any]:
        """URL -> the stored search record (as the last build or edit left it)."""
        out = {}
        for i in range(0, len(urls), 500):
            chunk = urls[i:i + 500]
            out.update((url, pickle.loads(value)) for url, value in self.db.conn.execute(
                f"SELECT key, value FROM search WHERE key IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def search_records(self, edited: list[Summary]) -> list[Any]:
        """Every search record, the edited entries' made again and the rest read back (in URL order)."""
        fresh = self.search_changes(edited)
        records = [fresh.get(url) or pickle.loads(value)
                   for url, value in self.db.conn.execute("SELECT key, value FROM search ORDER BY key")]
        records.sort(key=lambda r: r.url)  # (SQLite's order of text is by bytes, Python's by code point)
        return records

    # -- saving --------------------------------------------------------------
    def commit(self, state: Any, report: Any, uncacheable: set[str]) -> None:
        """Write what the edit changed: the cache file and the session file, each in one transaction."""
        generation = time.time_ns()
        cache, cdb = self.cache, self.cache_db
        cdb.set_meta("generation", generation)
        for name, value in state_values(state, cdb.meta("names"), cdb.meta("names_tail"), cdb).items():
            cdb.set_meta(name, value)
        cdb.set_meta("report", report)
        deps = self.deps

        def cache_rows(conn: Any) -> None:
            cache.new["pages"].flush(conn)
            cache.new["page_steps"].flush(conn)
            if deps is not None:
                deps.flush(conn)

        # The two files are committed at once (each commit waits for its file to reach the disk);
        # a build killed between the two leaves their generations different, as one after the other would.
        import threading

        failed: list[BaseException] = []

        def commit_cache() -> None:
            try:
                cdb.commit(cache_rows)
            except BaseException as exc:  # noqa: BLE001 - raised below, in the build's thread
                failed.append(exc)

        other = threading.Thread(target=commit_cache, name="commit the build cache", daemon=True)
        other.start()
        try:
            self._commit_session(generation, report, uncacheable)
        finally:
            other.join()
        if failed:
            raise failed[0]

    def _commit_session(self, generation: int, report: Any, uncacheable: set[str]) -> None:
        db = self.db
        db.set_meta("generation", generation)
        for name, value in snapshot_values(db, self.snapshot).items():
            db.set_meta(name, value)
        db.set_meta("report", report)
        db.set_meta("uncacheable", uncacheable)
        if self._export is not None:
            db.set_meta("export_lengths", self._export)
        if self._math_use is not None:
            db.set_meta("math_use", self._math_use)
        records = self._records
        index = self._index

        def session_rows(conn: Any) -> None:
            for k, cls, value, lists, whole in self.ghosts.changed():
                if whole:
                    conn.execute("INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?)", (repr(k), cls, value, lists))
                else:  # its long lists were not read, so not changed
                    conn.execute("UPDATE objects SET cls=?, value=? WHERE key=?", (cls, value, repr(k)))
            self._pages.flush(conn)
            conn.executemany("UPDATE search SET value=? WHERE key=?", [(v, url) for url, v in records.items()])
            if index is not None:
                index.save(conn)

        db.commit(session_rows)

    def close(self) -> None:
        if self._published is not None:
            self.published()  # (a check running in another process is waited for)
        self.ghosts.forget_pending()
        self.db.close()
        self.cache_db.close()


_NONE = object()


def stored_snapshot(db: Db) -> changes.Snapshot:
    """The inputs' snapshot a session file keeps: the full build's, and what the edits since changed."""
    base, delta = db.meta("snapshot"), db.meta("snapshot_delta")
    if delta is None:
        return base
    changed, gone, taken_ns, hashes = delta
    stats = dict(base.stats)
    stats.update(changed)
    for rel in gone:
        del stats[rel]
    return changes.Snapshot(taken_ns, stats, hashes)


def snapshot_values(db: Db, snapshot: changes.Snapshot) -> dict[str, Any]:
    """What to write for `snapshot`: the stats that differ from the full build's (an edit changes a
    few files; all 4,600 of them at 10,000 summaries are 0.2 MB), or a new whole one past a quarter."""
    base = db.meta("snapshot").stats
    stats = snapshot.stats
    changed = {rel: st for rel, st in stats.items() if base.get(rel) != st}
    gone = [rel for rel in base if rel not in stats]
    if len(changed) + len(gone) > len(base) // 4:
        return {"snapshot": snapshot, "snapshot_delta": None}
    return {"snapshot_delta": (changed, gone, snapshot.taken_ns, snapshot.hashes)}


class MathUse:
    """Stands for all the site's summaries where only their formulas' use counts (output/assets.math_assets)."""

    def __init__(self, math_css: tuple[str, ...], math_in_browser: bool) -> None:
        self.math_css, self.math_in_browser = math_css, math_in_browser


def math_use(summaries: list[Summary]) -> tuple[dict[str, int], int]:
    """How many summaries use each math stylesheet token, and how many leave formulas to the browser."""
    tokens: dict[str, int] = {}
    for s in summaries:
        for t in s.math_css:
            tokens[t] = tokens.get(t, 0) + 1
    return tokens, sum(s.math_in_browser for s in summaries)


def edited_math_use(use: tuple[dict[str, int], int], before: list[tuple], edited: list[Summary]
                    ) -> tuple[dict[str, int], int]:
    """`use` (math_use's counts) after the edit: each edited summary's (math_css, math_in_browser)
    before it taken off, as it is now added."""
    tokens, in_browser = dict(use[0]), use[1]
    for (css, browser), s in zip(before, edited):
        for t in css:
            tokens[t] -= 1
            if not tokens[t]:
                del tokens[t]
        for t in s.math_css:
            tokens[t] = tokens.get(t, 0) + 1
        in_browser += s.math_in_browser - browser
    return tokens, in_browser


def _as_left(st: StoredState) -> bool:
    from ..cache import stored_state

    state = stored_state(st.cache_db)
    return state is not None and state[1].unchanged(st.output)


def _cache(db: Db, salt: str) -> BuildCache:
    """A BuildCache whose tables are the cache file's, read and written a row at a time."""
    tables: dict[str, Any] = {t: db.table(t) for t in TABLES}
    tables["pages"] = StoredRecorded(db)
    tables["page_steps"] = StoredSteps(db, STEP_CHUNK)
    cache = BuildCache(db.path, salt, started_ns=db.meta("started_ns"))
    cache.old = {**tables, "started_ns": db.meta("started_ns")}
    cache.new = tables
    return cache


class _Derived(Mapping):
    """A derived table (derived.py) read a key at a time (the citation key of one paper, ...)."""

    def __init__(self, db: Db, name: str, ghosts: Ghosts) -> None:
        self.db, self.name, self.ghosts = db, name, ghosts
        self.known: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        value = self.known.get(key, _NONE)
        if value is _NONE:
            row = self.db.conn.execute("SELECT value FROM derived_items WHERE name=? AND key=?",
                                       (self.name, key)).fetchone() if isinstance(key, str) else None
            if row is None:
                raise KeyError(key)
            value = self.known[key] = self.ghosts.loads(row[0])
        return value

    def __iter__(self) -> Iterator[str]:  # in the dict's own order
        return (k for (k,) in self.db.conn.execute("SELECT key FROM derived_items WHERE name=? ORDER BY n",
                                                   (self.name,)).fetchall())

    def __len__(self) -> int:
        return self.db.conn.execute("SELECT count(*) FROM derived_items WHERE name=?", (self.name,)).fetchone()[0]


class _Pages:
    """Page path -> Page, loaded a row at a time (the same object each time it is asked for)."""

    def __init__(self, db: Db, ghosts: Ghosts) -> None:
        self.db, self.ghosts = db, ghosts
        self.loaded: dict[str, Any] = {}
        self.dirty: set[str] = set()
        self.files: dict[str, str] = {}

    def get(self, path: str, default: Any = None) -> Any:
        page = self.loaded.get(path)
        if page is None:
            row = self.db.conn.execute("SELECT value FROM pages WHERE key=?", (path,)).fetchone()
            if row is None:
                return default
            page = self.loaded[path] = self.ghosts.loads(row[0])
        return page

    def __getitem__(self, path: str) -> Any:
        page = self.get(path)
        if page is None:
            raise KeyError(path)
        return page

    def __setitem__(self, path: str, page: Any) -> None:
        self.get(path)
        self.loaded[path] = page
        self.dirty.add(path)

    def file_of(self, path: str) -> str:
        row = self.db.conn.execute("SELECT file FROM pages WHERE key=?", (path,)).fetchone()
        if row is None:
            raise StoreError(f"no page {path} in the session store")
        return row[0]

    def path_of(self, file: str) -> str:
        row = self.db.conn.execute("SELECT key FROM pages WHERE file=?", (file,)).fetchone()
        if row is None:
            raise StoreError(f"no page writes {file} in the session store")
        return row[0]

    def flush(self, conn: Any) -> None:
        conn.executemany("UPDATE pages SET value=? WHERE key=?",
                         [(self.ghosts.dumps(self.loaded[p]), p) for p in self.dirty])
        self.dirty.clear()


def export_changes(path: Path, ids: list[str], lengths: array, edited: list[Summary]) -> list[tuple[int, int, bytes]]:
    """(offset, old length, new line) of each edited summary's line of the export at `path` whose
    bytes change; `lengths` (of the lines, in the order of the sorted `ids`) updated to match."""
    from ..output.api import summary_line

    changes_at: list[tuple[int, int, bytes]] = []
    with open(path, "rb") as f:
        for s in sorted(edited, key=lambda s: s.id):
            i = bisect_left(ids, s.id)
            if i == len(ids) or ids[i] != s.id:
                raise StoreError(f"summary {s.id} is not in the stored export")
            offset = 2 + sum(lengths[:i]) + 2 * i  # "[\n", then each line and ",\n"
            old = os.pread(f.fileno(), lengths[i], offset)
            line = summary_line(s)
            if line != old:
                changes_at.append((offset, lengths[i], line))
                lengths[i] = len(line)
    return changes_at


class _Splice:
    """A file written as an existing one with some byte ranges replaced (the kernel copies the rest)."""

    def __init__(self, source: Path, changes: list[tuple[int, int, bytes]]) -> None:
        self.source, self.changes = source, changes

    def __call__(self, out: BinaryIO) -> None:
        from ..output.confine import preallocate

        with open(self.source, "rb") as src:
            fin, fout = src.fileno(), out.fileno()
            size = os.fstat(fin).st_size
            end = size + sum(len(data) - length for _, length, data in self.changes)
            preallocate(fout, end)  # (the rename over the published export is then only a rename)
            at = 0
            for offset, length, data in self.changes:
                _copy(fin, fout, at, offset - at)
                os.write(fout, data)
                at = offset + length
            _copy(fin, fout, at, size - at)
            if os.lseek(fout, 0, os.SEEK_CUR) != end:  # (never: the source changed meanwhile)
                raise OSError(f"the export was not copied whole ({self.source} changed while it was read)")

    def __bytes__(self) -> bytes:  # for a caller that wants the bytes themselves
        with open(self.source, "rb") as src:
            data = src.read()
        out, at = [], 0
        for offset, length, new in self.changes:
            out += [data[at:offset], new]
            at = offset + length
        out.append(data[at:])
        return b"".join(out)


def _copy(fin: int, fout: int, offset: int, count: int) -> None:
    """`count` bytes of `fin` from `offset` appended to `fout` (whose position is its end)."""
    while count > 0:
        try:
            n = os.copy_file_range(fin, fout, count, offset)
        except OSError:  # not supported here (another kind of file system): through this process
            n = len(data := os.pread(fin, min(count, 1 << 24), offset))
            os.write(fout, data)
        if n <= 0:
            raise OSError(f"the export was cut short while it was copied ({count} bytes left)")
        offset += n
        count -= n
