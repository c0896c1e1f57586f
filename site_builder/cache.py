"""The build cache: what an unchanged input would give again, kept between builds.

Pickle files in `<site_root>/.site-builder-cache/`: `state.pickle` (the
"nothing changed" digest and the last report, read first), `build.pickle`:
  reads    input file -> (stat, content hash, size limit, pickled ReadResult)
  outputs  output file -> (content hash, size, mtime, inode) as last written
  pages, page_steps  what each page read while rendering (output/pagecache.py)
and `renders.pickle`, written with it (the same `started_ns`):
  renders  hash(markup, body, link settings) -> rendered HTML + the link look-ups it made
  texts    hash(final HTML) -> (plain text, derived title)
An incremental build renders only the summaries it edits, whose new text no entry
holds, so it does not load `renders.pickle` (100 MB at 10,000 summaries) at all.

After an incremental `site-builder build` only what it changed is written, to
`build.delta.pickle` (see `delta`); loading applies it to the whole file.
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
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from . import __version__

CACHE_DIR = ".site-builder-cache"
FILE_NAME = "build.pickle"
STATE_NAME = "state.pickle"
DELTA_NAME = "build.delta.pickle"
RENDERS_NAME = "renders.pickle"
RENDER_TABLES = ("renders", "texts")  # in RENDERS_NAME
DELETED = "\0deleted"  # a key a delta removes (no table holds this string as a value)
TABLES = ("reads", "renders", "texts", "outputs")
_PACKAGE = Path(__file__).resolve().parent


def digest(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    for p in parts:
        b = p.encode("utf-8", "surrogatepass") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def code_salt() -> str:
    """Version + the bytes of every module and data table of this package: new code, cold cache."""
    # (.yaml: the reference tables in catalog/data decide metadata as much as the code does;
    #  .js: render/tex_safety.js decides typeset math as much as typeset.mjs)
    files = sorted(p for p in _PACKAGE.rglob("*") if p.suffix in {".py", ".mjs", ".js", ".yaml"} and "__pycache__" not in p.parts)
    return digest(__version__, *(f"{p.relative_to(_PACKAGE).as_posix()}\0".encode() + p.read_bytes() for p in files))


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
    last: dict[str, Any] = field(default_factory=dict)  # the small state file: last state and report
    enabled: bool = True
    delta_id: str | None = None  # the delta applied on load: a session's delta must carry the same
    base: dict[str, Any] | None = None  # the tables as the whole file had them (load_tables(keep_base=True))
    renders_left: bool = False  # renders.pickle not loaded: the render tables hold only this build's entries
    saving: int | None = None  # the process writing the files (save(background=True)), until wait_saved()

    @classmethod
    def open(cls, site_root: Path, *, enabled: bool = True) -> "BuildCache":
        """The site's cache; `enabled=False` (--clean) starts empty but still saves.

        Only the small state file is read here (enough for the "nothing changed"
        check); `load_tables()` reads the big one when the build goes ahead.
        """
        cache = cls(site_root / CACHE_DIR / FILE_NAME, code_salt(), enabled=enabled)
        data = load_pickle(cache.path.with_name(STATE_NAME)) if enabled else {}
        if data.get("salt") == cache.salt:
            cache.last = data
        for table in TABLES:
            cache.old.setdefault(table, {})
            cache.new[table] = {}
        return cache

    def load_tables(self, keep_base: bool = False, renders: bool = True) -> None:
        """The whole files, and the delta an incremental build wrote on top of them.

        `keep_base`: remember the whole file's tables (shallow copies), so that
        `delta` can write only what changed since. `renders=False`: leave
        renders.pickle on disk (an incremental build; `save` loads it if it must).
        """
        assert self.path is not None
        data = load_pickle(self.path) if self.enabled else {}
        if data.get("salt") == self.salt:
            self.old = data
            if renders:
                self.old.update(self._render_tables())
            else:
                self.renders_left = True
        for table in TABLES:
            self.old.setdefault(table, {})
        if keep_base and "started_ns" in self.old:
            self.base = {k: v.copy() for k, v in self.old.items() if isinstance(v, (dict, list))}
        delta = load_pickle(self.path.with_name(DELTA_NAME)) if "started_ns" in self.old else {}
        if delta.get("salt") == self.salt and delta.get("base") == self.old["started_ns"]:
            for table, changes in delta["tables"].items():
                apply_changes(self.old.setdefault(table, {}), changes)
            start, steps = delta["page_steps"]
            del self.old["page_steps"][start:]
            self.old["page_steps"] += steps
            self.old.update(delta["values"])
            self.delta_id = delta["id"]

    def _render_tables(self) -> dict[str, dict]:
        """renders.pickle's tables, if it was written with build.pickle as loaded; else empty ones."""
        assert self.path is not None
        data = load_pickle(self.path.with_name(RENDERS_NAME))
        ok = data.get("salt") == self.salt and data.get("started_ns") == self.old.get("started_ns")
        return {t: data[t] if ok else {} for t in RENDER_TABLES}

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
    def last_state(self) -> tuple[str, str] | None:
        return self.last.get("state")

    @property
    def last_report(self) -> Any:
        return self.last.get("report")

    def save(self, state: tuple[str, str] | None = None, report: dict[str, Any] | None = None, *,
             background: bool = False) -> None:
        """Write the cache. `background`: in a forked process, while this one writes the session
        (a command-line build, which calls wait_saved() before it ends); the files are the same."""
        if self.path is None:
            return
        if self.renders_left:  # the entries on disk, then this build's on top
            for table, entries in self._render_tables().items():
                entries.update(self.new[table])
                self.new[table] = entries
            self.renders_left = False
        data = {"salt": self.salt, "started_ns": self.started_ns, **self.new}
        data.setdefault("pages", {})
        data.setdefault("page_steps", [])
        data.setdefault("page_steps_compacted", 0)
        rendered = {"salt": self.salt, "started_ns": self.started_ns, **{t: data.pop(t) for t in RENDER_TABLES}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.delta_id, self.base = None, None
        path = self.path

        def write() -> None:
            # Tables first, state last: a state file never vouches for tables that were not written.
            dump_pickle(path.with_name(RENDERS_NAME), rendered)
            dump_pickle(path, data)
            path.with_name(DELTA_NAME).unlink(missing_ok=True)  # of the old whole file (ignored anyway)
            self.save_state(state, report)

        if background and hasattr(os, "fork"):
            self.wait_saved()
            self.saving = _forked(write)
        else:
            write()

    def wait_saved(self) -> None:
        """Wait for a background save; raises if it failed (as a save in this process would have)."""
        pid, self.saving = self.saving, None
        if pid is not None and os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
            raise OSError(f"writing the build cache in {self.path.parent if self.path else '?'} failed")

    def save_state(self, state: tuple[str, str] | None, report: dict[str, Any] | None) -> None:
        assert self.path is not None
        dump_pickle(self.path.with_name(STATE_NAME), {"salt": self.salt, "state": state, "report": report})

    def delta(self, delta_id: str) -> bytes | None:
        """What changed in the tables since the whole file was loaded, pickled; None if that is unknown.

        The whole file is not touched: after a one-summary edit the tables
        differ in a few dozen entries, and rewriting hundreds of MB costs seconds.
        Found by identity: an entry the build did not replace is the object loaded.
        """
        if self.path is None or self.base is None or set(self.new) - set(self.base) - {"page_steps_compacted"}:
            return None
        base_steps, steps = self.base.get("page_steps", []), self.new.get("page_steps", [])
        start = next((i for i, (a, b) in enumerate(zip(base_steps, steps)) if a is not b),
                     min(len(base_steps), len(steps)))
        return pickle.dumps({
            "salt": self.salt, "base": self.started_ns, "id": delta_id,
            "tables": {t: dict_changes(self.base[t], v) for t, v in self.new.items() if isinstance(v, dict)},
            "page_steps": (start, steps[start:]),
            "values": {k: v for k, v in self.new.items() if not isinstance(v, (dict, list))},
        }, protocol=pickle.HIGHEST_PROTOCOL)


def dict_changes(base: dict, now: dict) -> dict:
    """key -> new value (or DELETED) for every entry of `now` that is not the very object `base` has."""
    out = {k: v for k, v in now.items() if base.get(k, DELETED) is not v}
    out.update((k, DELETED) for k in base.keys() - now.keys())
    return out


def apply_changes(target: dict, changes: dict) -> None:
    for k, v in changes.items():
        if isinstance(v, str) and v == DELETED:
            target.pop(k, None)
        else:
            target[k] = v


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


def load_pickle(path: Path) -> dict[str, Any]:
    try:
        with paused_collection(), open(path, "rb") as f:  # streamed: no second copy of a file of hundreds of MB
            data = pickle.load(f)
    except Exception:  # missing, damaged or foreign: only a cold build
        return {}
    return data if isinstance(data, dict) else {}


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


def dump_pickle(path: Path, data: dict[str, Any]) -> None:
    with atomic_file(path) as f:  # streamed: pickle.dumps would hold the whole file in memory too
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)


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
