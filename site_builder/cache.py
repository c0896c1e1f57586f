"""The build cache: what an unchanged input would give again, kept between builds.

One SQLite file, `<site_root>/.site-builder-cache/cache.sqlite` (store.py), with
  meta      the salt, the build's `started_ns`, the "nothing changed" state (a digest
            of the inputs and the output's listing) and the last report
  reads     input file -> (stat, content hash, size limit, pickled ReadResult)
  renders   hash(markup, body, link settings) -> rendered HTML + the link look-ups it made
  texts     hash(final HTML) -> (plain text, derived title)
  memo      hash(conversion, input) -> highlighted code, formulas as text (render/memo.py)
  outputs   output file -> (content hash, size, mtime, inode) as last written
  recorded, steps  what each page read while rendering (output/pagecache.py), and two
            indexes over them for an incremental build (incremental/stepindex.py)
A full build loads the tables whole (`load_tables`) and writes a new file (`save`);
an incremental `site-builder build` reads and changes only the rows it needs
(incremental/stored.py), in one transaction.
Every entry is only valid under the same `salt`: a hash of the package's own
source files and version, so a new site_builder (or an edited one) starts cold.
Config and templates are part of the keys that depend on them (renders, state).
Correctness rules:
* a file's bytes are hashed unless its size, mtime and inode match the cached
  ones *and* it was last modified before the cached build started (an edit in
  the same clock tick as a build is re-hashed, as git does for "racy" files);
* a rendered summary records every question it asked the rest of the site (wiki
  titles, bibtex keys -> our pages) and is reused only if the answers are the same;
* entries not used by a build are dropped when it saves, so the file stays small.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import time
from array import array
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import __version__
from .store import Db, NewFile, dumps

CACHE_DIR = ".site-builder-cache"
FILE_NAME = "cache.sqlite"
TABLES = ("reads", "renders", "texts", "outputs", "memo")  # (key, pickled value) tables
STEP_CHUNK = 64  # recorded steps per row of the `steps` table (and of the `readers` index: an edit reads and writes back whole rows)
STEP_ID = "I"  # the type of a page's step numbers in the `recorded` table (page_ids)
_PACKAGE = Path(__file__).resolve().parent


def digest(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    for p in parts:
        b = p.encode("utf-8", "surrogatepass") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def output_digest(data: bytes) -> str:
    """What the `outputs` table knows a written file by (a page, a feed, a copied file): SHA-256 of
    its bytes. The CPU's SHA instructions make it twice as fast as BLAKE2b on this machine's kind of
    CPU, and a cold build hashes every page it writes (570 MB of HTML at 10,000 summaries)."""
    return hashlib.sha256(data).hexdigest()[:40]


SALT_MEMO = "code-salt"  # in the cache folder: the last salt and the stat of every file it was made from
_RACY_NS = 2_000_000_000  # a file changed this close to the memo may have changed unseen (changes.RACY_NS)
_salt: str | None = None


def code_salt(memo: Path | None = None) -> str:
    """Version + the bytes of every module and data table of this package: new code, cold cache.

    `memo`: a file that keeps the salt with the stat (size, mtime, inode) of each of those files.
    While every stat is as it was, and none is recent enough for a change to hide within the
    clock's resolution, the files are not read and hashed again (a check or an edit from the
    command line would otherwise read the whole package each time). Computed once per process.
    As with git's index, a file rewritten in place with its old size and mtime put back is not seen.
    """
    global _salt
    if _salt is None:
        files = _code_files()
        stats = digest(__version__, *(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}" for rel, _, st in files))
        _salt = _remembered_salt(memo, stats) if memo is not None else None
        if _salt is None:
            # (.yaml: the reference tables in catalog/data decide metadata as much as the code does;
            #  .js: render/tex_safety.js decides typeset math as much as typeset.cjs)
            _salt = digest(__version__, *(f"{rel}\0".encode() + Path(path).read_bytes() for rel, path, _ in files),
                           *(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}" for rel, _, st in files if rel.startswith("lib:")))
            if memo is not None:
                newest = max((st.st_mtime_ns for _, _, st in files), default=0)
                _remember_salt(memo, stats, _salt, newest)
    return _salt


# Libraries whose output is in the pages: an upgrade changes bytes the cache kept (Pygments 2.21
# stopped escaping quotes in code, for one), so each one's module file is part of the salt too.
LIBRARIES = ("markdown_it", "mdit_py_plugins", "linkify_it", "mwparserfromhell", "pygments", "jinja2",
             "markupsafe", "pylatexenc", "yaml", "rapidfuzz", "nameparser", "anyascii")


def _library_files() -> list[tuple[str, str, os.stat_result]]:
    """(lib:name, path, stat) of each library's top module file (an install rewrites it: new stat)."""
    from importlib.util import find_spec

    out = []
    for name in LIBRARIES:
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin and os.path.isfile(spec.origin):
            out.append((f"lib:{name}:{spec.origin}", spec.origin, os.stat(spec.origin)))
    return out


def _code_files() -> list[tuple[str, str, os.stat_result]]:
    """(path in the package, path, stat) of each file the salt is made of, in name order; then the
    libraries' module files (their stat counts as well as their bytes: see code_salt)."""
    out = []
    top = str(_PACKAGE)
    for folder, subfolders, names in os.walk(top):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        rel = folder[len(top) + 1:].replace(os.sep, "/")
        for name in names:
            if name.endswith((".py", ".mjs", ".cjs", ".js", ".yaml")):
                path = os.path.join(folder, name)
                out.append((f"{rel}/{name}" if rel else name, path, os.stat(path)))
    out.sort(key=lambda f: f[0])
    return out + _library_files()


def _remembered_salt(memo: Path, stats: str) -> str | None:
    try:
        kept = pickle.loads(memo.read_bytes())
        if isinstance(kept, tuple) and len(kept) == 3 and kept[0] == stats and isinstance(kept[1], str):
            return kept[1]
    except Exception:  # noqa: BLE001 - none, or damaged: the files are hashed
        pass
    return None


def _remember_salt(memo: Path, stats: str, salt: str, newest_ns: int) -> None:
    if not memo.parent.is_dir():
        return  # (no cache folder yet: next time)
    try:
        if time.time_ns() - newest_ns < _RACY_NS:  # a file changed moments ago could change again unseen
            memo.unlink(missing_ok=True)
            return
        with atomic_file(memo) as f:
            f.write(pickle.dumps((stats, salt, newest_ns), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:  # a read-only site: hashed every time
        pass


def stat_key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass
class BuildCache:
    """Loaded once per build; `save()` keeps only what this build used."""

    path: Path | None
    salt: str
    old: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)
    started_ns: int = field(default_factory=time.time_ns)
    hits: dict[str, int] = field(default_factory=dict)
    pending_outputs: dict[str, str] = field(default_factory=dict)  # output file -> hash, until the swap
    page_stats: tuple[int, int] = (0, 0)  # pages reused, pages rendered
    last: dict[str, Any] = field(default_factory=dict)  # the last build's state, report and generation
    enabled: bool = True
    saving: int | None = None  # the process writing the file (save(background=True)), until wait_saved()
    _begun: "_BegunSave | None" = None  # a writer begun by begin_save(), until save() or wait_saved()
    db: Db | None = None  # the file as the last build left it, while open

    @classmethod
    def open(cls, site_root: Path, *, enabled: bool = True) -> "BuildCache":
        """The site's cache; `enabled=False` (--clean) starts empty but still saves.

        Only the small values are read here (enough for the "nothing changed"
        check); `load_tables()` reads the tables when the build goes ahead.
        """
        cache = cls(site_root / CACHE_DIR / FILE_NAME, code_salt(site_root / CACHE_DIR / SALT_MEMO), enabled=enabled)
        if enabled:
            cache.db = Db.open(cache.path)
            try:
                if cache.db is not None and cache.db.meta("salt") == cache.salt:
                    cache.last = {k: cache.db.meta(k) for k in ("report", "generation", "started_ns")}
                    cache.last["state"] = stored_state(cache.db)
            except Exception:  # noqa: BLE001 - damaged: a cold build
                cache.last = {}
            if not cache.last:
                cache.close()
        for table in TABLES:
            cache.old.setdefault(table, {})
            cache.new[table] = {}
        return cache

    def load_tables(self) -> None:
        """The whole tables of the last build (none if there is no valid file)."""
        db, self.db = self.db, None
        if db is None or not self.last:
            return
        try:
            old: dict[str, Any] = {t: dict(_rows(db, t)) for t in TABLES}
            old["pages"] = {where: (base, stored_ids(ids))
                            for where, base, ids in db.conn.execute("SELECT key, base, steps FROM recorded")}
            steps: list[tuple[tuple, str]] = []
            for (chunk,) in db.conn.execute("SELECT value FROM steps ORDER BY chunk"):
                steps += pickle.loads(chunk)
            old["page_steps"] = steps
            old["page_steps_compacted"] = db.meta("page_steps_compacted", 0)
            old["started_ns"] = db.meta("started_ns")
        except Exception:  # noqa: BLE001 - damaged: a cold build
            old = {}
        finally:
            db.close()
        self.old = old
        for table in TABLES:
            self.old.setdefault(table, {})

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def successor(self) -> "BuildCache":
        """The cache the next build of this process starts from: this build's tables, kept in memory."""
        nxt = BuildCache(self.path, self.salt, enabled=self.enabled)
        nxt.old = {**self.new, "started_ns": self.started_ns}
        nxt.last = self.last
        for table in TABLES:
            nxt.old.setdefault(table, {})
            nxt.new[table] = {}
        return nxt

    @classmethod
    def memory(cls) -> "BuildCache":
        """A cache that starts empty and is never written (tests, library use)."""
        cache = cls(None, code_salt())
        for table in TABLES:
            cache.old[table] = {}
            cache.new[table] = {}
        return cache

    # -- generic tables --------------------------------------------------
    def get(self, table: str, key: str) -> Any:
        value = self.old[table].get(key)
        if value is None:
            value = self.new[table].get(key)
        if value is not None:
            self.hits[table] = self.hits.get(table, 0) + 1
            self.new[table][key] = value
        return value

    def put(self, table: str, key: str, value: Any) -> None:
        self.new[table][key] = value

    # -- input files -----------------------------------------------------
    def trusted_stat(self, old_stat: tuple[int, int, int] | None, st: os.stat_result) -> bool:
        """Same size, mtime and inode, and not modified while the cached build ran."""
        prev_start = self.old.get("started_ns", 0)
        return old_stat == stat_key(st) and st.st_mtime_ns < prev_start

    def file_hash(self, path: Path, rel: str, st: os.stat_result) -> tuple[str, bytes | None]:
        """Content hash of an input, reading it only when its stat does not vouch for it."""
        old = self.old["reads"].get(rel)
        if old is not None and self.trusted_stat(old[0], st):
            return old[1], None
        data = path.read_bytes()
        return digest(data), data

    # -- the "nothing changed" shortcut ----------------------------------
    @property
    def last_state(self) -> tuple[str | None, Any] | None:
        """(digest of the inputs, output/listing.Listing) as the last build left them; the digest
        is None when an input was too new to be vouched for by its stat."""
        return self.last.get("state")

    @property
    def last_report(self) -> Any:
        return self.last.get("report")

    def _data(self) -> dict[str, Any]:
        data = {"salt": self.salt, "started_ns": self.started_ns, **self.new}
        data.setdefault("pages", {})
        data.setdefault("page_steps", [])
        data.setdefault("page_steps_compacted", 0)
        return data

    def save(self, state: tuple[str, Any] | None = None, report: Any = None, *, background: bool = False) -> None:
        """Write the cache as a new file. `background`: in a forked process, while this one writes the
        session (a command-line build, which calls wait_saved() before it ends); the file is the same.
        After `begin_save()`, the process it forked is given what it still needs (also when not `background`)."""
        if self.path is None:
            return
        self.close()
        self.last = {"state": state, "report": report, "generation": self.started_ns, "started_ns": self.started_ns}
        if self._begun is not None:
            begun, self._begun = self._begun, None
            self.saving = begun.finish(self.new.get("outputs", {}), state, report)
            if not background:
                self.wait_saved()
            return
        data = self._data()
        path = self.path

        def write() -> None:
            _write(path, data, state, report)

        if background and hasattr(os, "fork"):
            self.wait_saved()
            release_free_memory()  # the child starts as large as this process is
            self.saving = _forked(write)
        else:
            write()

    def begin_save(self) -> None:
        """Start writing the cache file in a forked process now, while this one records the published files
        and walks the output (a command-line build, once the new output is in place): it writes every table
        but the outputs, then waits for `save()` to send it the outputs, the state and the report."""
        if self.path is None or not hasattr(os, "fork") or self._begun is not None:
            return
        self.wait_saved()
        self.close()
        release_free_memory()  # the child starts as large as this process is
        self._begun = _BegunSave(self.path, self._data())

    def abandon_save(self) -> None:
        """Stop a save begun by begin_save() and not finished (the build failed): nothing is installed."""
        begun, self._begun = self._begun, None
        if begun is not None:
            begun.abandon()

    def wait_saved(self) -> None:
        """Wait for a background save; raises if it failed (as a save in this process would have).
        A save begun and never finished (the build failed after begin_save) is abandoned."""
        self.abandon_save()
        pid, self.saving = self.saving, None
        if pid is not None and os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
            raise OSError(f"writing the build cache in {self.path.parent if self.path else '?'} failed")


def page_ids(ids: Iterable[int]) -> array:
    """A page's recorded step numbers as the cache keeps them: sorted, each once, 4 bytes a number (a
    frozenset took 80: 13,000 pages read 510,000 steps at 10,000 summaries, 41 MB as frozensets)."""
    return array(STEP_ID, sorted(set(ids)))


def stored_ids(blob: bytes) -> array:
    """page_ids as the `recorded` table stores them (the array's bytes)."""
    return array(STEP_ID, blob)


STAT_CHUNK = 1 << 15  # bytes of the listing's stats per value of the file's meta table


def state_values(state: tuple[str | None, Any] | None, names: Any = None, tail: Any = None,
                 db: Any = None) -> dict[str, Any]:
    """The "nothing changed" state as the file keeps it: the listing's names apart from its stats,
    and not written again when they are `names` (the ones read) followed by `tail` (see stored_names);
    its stats in chunks, of which only those that differ from `db`'s are given (an edit changes a few
    files' stats: the others, ~0.8 MB at 10,000 summaries, are not written again)."""
    if state is None:
        return {"state": None}
    inputs, listing = state
    files_b, dirs_b = listing.stat_values()
    stats = files_b + dirs_b
    out: dict[str, Any] = {"state": (inputs, len(files_b), len(stats))}
    for k in range(0, len(stats), STAT_CHUNK):
        chunk = stats[k:k + STAT_CHUNK]
        if db is None or db.meta(f"stats:{k // STAT_CHUNK}") != chunk:
            out[f"stats:{k // STAT_CHUNK}"] = chunk
    files, dirs = listing.names()
    if names is not None and files[:len(names[0])] == names[0] and dirs[:len(names[1])] == names[1]:
        # The names read, then a few more: only those are written again (a search delta's, put at the
        # end by Listing.patched; pickling all 2 MB of names again took 10-20 ms of an edit).
        now = (files[len(names[0]):], dirs[len(names[1]):])
        if now != tuple(tail or ([], [])):
            out["names_tail"] = now
    else:
        out["names"] = (files, dirs)
        out["names_tail"] = None
    return out


def stored_names(db: Any) -> Any:
    """The listing's names as a cache file keeps them: `names`, then `names_tail` (see state_values)."""
    names, tail = db.meta("names"), db.meta("names_tail")
    if names is None or not tail:
        return names
    return names[0] + tail[0], names[1] + tail[1]


def stored_state(db: Any) -> tuple[str | None, Any] | None:
    """The "nothing changed" state a cache file keeps (see state_values)."""
    value, names = db.meta("state"), stored_names(db)
    if value is None or names is None:
        return None
    from .output.listing import Listing

    inputs, split, size = value
    stats = b"".join(db.meta(f"stats:{k}") for k in range((size + STAT_CHUNK - 1) // STAT_CHUNK))
    if len(stats) != size:
        raise ValueError("the listing's stats are not all there")
    return inputs, Listing.of(names, (stats[:split], stats[split:]))


def _rows(db: Db, table: str) -> Iterator[tuple[str, Any]]:
    for key, value in db.conn.execute(f"SELECT key, value FROM {table}"):
        yield key, pickle.loads(value)


def _write(path: Path, data: dict[str, Any], state: Any, report: Any,
           late: Callable[[], tuple[dict, Any, Any] | None] | None = None) -> None:
    """The whole cache file (store.NewFile: written beside, then renamed into place).

    `late`: gives (outputs table, state, report) once the rest is written, or None to give up (the
    file is then removed, not installed)."""
    from .incremental.stepindex import index_rows

    f = NewFile(path)
    try:
        for table in TABLES:
            if table == "outputs" and late is not None:
                continue
            f.create(table)
            f.rows(table, ((k, dumps(v)) for k, v in data.get(table, {}).items()))
        f.create("recorded", "n INTEGER PRIMARY KEY, key TEXT UNIQUE, base TEXT, steps BLOB")
        pages = data["pages"]
        f.rows("recorded", ((n, where, base, (ids if type(ids) is array else page_ids(ids)).tobytes())
                            for n, (where, (base, ids)) in enumerate(pages.items())))
        steps = data["page_steps"]
        f.create("steps", "chunk INTEGER PRIMARY KEY, value BLOB")
        f.rows("steps", ((c, dumps(steps[c * STEP_CHUNK:(c + 1) * STEP_CHUNK]))
                         for c in range((len(steps) + STEP_CHUNK - 1) // STEP_CHUNK)))
        index_rows(f, steps, (ids for _, ids in pages.values()), STEP_CHUNK)
        if late is not None:
            given = late()
            if given is None:
                f.abandon()
                return
            outputs, state, report = given
            f.create("outputs")
            f.rows("outputs", ((k, dumps(v)) for k, v in outputs.items()))
        f.meta({"salt": data["salt"], "started_ns": data["started_ns"], "generation": data["started_ns"],
                "page_steps_compacted": data["page_steps_compacted"], "steps": len(steps), "report": report,
                **state_values(state)})
        f.install()
    except BaseException:
        f.abandon()
        raise


class _BegunSave:
    """The cache file written by a forked process from before the last of it is known (begin_save):
    `finish()` sends it the outputs, state and report through a pipe; `abandon()` closes the pipe
    unsent, and the process removes what it wrote."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        r, w = os.pipe()

        def write() -> None:
            import threading

            os.close(w)  # (its own copy: the pipe ends when this build's process closes or loses it)
            got: list[bytes] = []

            def receive() -> None:
                with open(r, "rb") as pipe:
                    got.append(pipe.read())

            # Read as soon as it is sent (a thread of this process): the build's process never waits on the pipe.
            reader = threading.Thread(target=receive, daemon=True)
            reader.start()

            def late() -> tuple[dict, Any, Any] | None:
                reader.join()
                return pickle.loads(got[0]) if got and got[0] else None

            _write(path, data, None, None, late)

        self.pid: int | None = _forked(write)
        os.close(r)
        self.fd = w

    def finish(self, outputs: dict[str, Any], state: Any, report: Any) -> int | None:
        """Send what the file still needs; the writer's pid, for wait_saved()."""
        try:
            with open(self.fd, "wb") as pipe:
                pipe.write(pickle.dumps((outputs, state, report), protocol=pickle.HIGHEST_PROTOCOL))
        except BrokenPipeError:  # (it failed: wait_saved() reports it)
            pass
        return self.pid

    def abandon(self) -> None:
        os.close(self.fd)
        if self.pid is not None:
            os.waitpid(self.pid, 0)


@contextmanager
def paused_collection() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: loading makes millions of objects, none of them
    garbage yet, and each collection the allocations set off would walk them all again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _freeze_after_full(phase: str, info: dict) -> None:
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


def freeze_survivors() -> Callable[[], None]:
    """For a process that ends after its build: from now on what survives a full collection is left
    out of the next ones (gc.freeze; what lives on then mostly lives to the end). Returns gc.freeze,
    to call after each step too. `stop_freezing()` undoes it."""
    if _freeze_after_full not in gc.callbacks:
        gc.callbacks.append(_freeze_after_full)
    return gc.freeze


def stop_freezing() -> None:
    """The collector as it was before freeze_survivors() (for a caller whose process goes on: tests)."""
    if _freeze_after_full in gc.callbacks:
        gc.callbacks.remove(_freeze_after_full)
        gc.unfreeze()


def release_free_memory() -> None:
    """Give the heap's free pages back to the system (glibc's malloc_trim; elsewhere nothing).

    Memory freed by Python (texts written, records let go) stays in the C heap, counted in
    the process's resident size, until something reuses it; a forked child counts it too."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _forked(write: Callable[[], None]) -> int:
    """Run `write` in a forked child, which exits when it is done; the child's pid.

    The child only pickles what it inherited and writes files (each atomically), so
    it needs nothing the parent's other threads might hold.
    """
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            gc.disable()  # nothing it makes is garbage, and a collection would copy the inherited heap
            write()
            status = 0
        except BaseException:  # noqa: BLE001 - reported by the exit status; the traceback helps
            import traceback
            traceback.print_exc()
        finally:
            os._exit(status)  # not the parent's atexit handlers or buffered output
    return pid


@contextmanager
def atomic_file(path: Path) -> Iterator[Any]:
    """A file written beside `path` and renamed over it when done: never half-written, even if killed."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        yield f
    os.replace(tmp, path)


def tree_state(folders: list[Path]) -> list[tuple[str, int, int, int]]:
    """(path, size, mtime, inode) of every file below `folders`, in a stable order.

    The order of a sorted top-down `os.walk` (a folder's files, then its sub-folders
    in name order; symlinked folders not entered), with `os.scandir` doing the work:
    a third faster on a 12,000-file site, and every build walks its inputs and output.
    """
    out: list[tuple[str, int, int, int]] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        todo = [str(folder)]
        while todo:
            try:
                with os.scandir(todo.pop()) as it:
                    entries = sorted(it, key=_name)
            except OSError:  # vanished meanwhile, as os.walk ignores it
                continue
            subdirs = []
            for entry in entries:
                if entry.is_dir():
                    if not entry.is_symlink():
                        subdirs.append(entry.path)
                    continue
                st = entry.stat()
                out.append((entry.path, st.st_size, st.st_mtime_ns, st.st_ino))
            todo.extend(reversed(subdirs))  # popped in name order
    return out


def _name(entry: os.DirEntry) -> str:
    return entry.name
