"""Typeset formulas at build time with MathJax 4 in Node (`math: build`, the default).

The renderers write each formula as a placeholder (render/html.py: a `.math` span or
div holding TeX). Here every distinct formula is typeset by MathJax into CommonHTML
with assistive MathML, in one Node process per core (`--jobs`) fed batches from one queue, and
the results are kept in `.site-builder-cache/math.sqlite` under a hash of everything
that decides them (TeX, display mode, the macros it may use, MathJax and font
versions, output format, our scripts), so a rebuild typesets only new formulas.

Starting a process loads MathJax (0.2 s of Node); with a V8 startup snapshot of the loaded
MathJax (`snapshot`, a file made once per MathJax, Node and script version, kept beside the
math store) a process starts in half the time. A process is given its next batch before it
has answered the last, so it never waits for Python between batches, and batches get
smaller towards the end, so the processes finish together.

A formula MathJax cannot typeset gets an error instead of HTML; the caller shows its
TeX source and warns. Anything MathJax prints while typesetting a formula comes back
with it, to be reported as a warning of the summary. Each formula is typeset from the
same state (typeset.cjs resets user macros and colours), with the formulas that define
macros earlier in its summary as a prelude, so results do not depend on batching.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import threading
from collections import deque
from dataclasses import dataclass
from functools import cached_property
from html import unescape
from pathlib import Path
from typing import NamedTuple

from ..cache import digest

FORMAT = "chtml"  # measured against SVG in docs/rendering.md
SCRIPT = Path(__file__).with_name("typeset.cjs")
SAFETY = Path(__file__).with_name("tex_safety.js")
FONT_PACKAGE = "@mathjax/mathjax-newcm-font"
FONT_URL = "woff2"  # fonts beside the stylesheet (output/assets.py rewrites it)
DEFAULT_MACROS: dict[str, list] = {"cite": ["\\text{[#1]}", 1], "bm": ["\\boldsymbol{#1}", 1]}
BATCH = 64  # formulas per request line at most: results stream back while the rest are typeset
MIN_BATCH = 8  # ...and at least (towards the end batches shrink, so no process is left with a long one)
IN_FLIGHT = 2  # requests a process holds: the next is there when it finishes one
PIPE_SAFE = 24_000  # requests unanswered at once, in bytes, beyond the first (see Worker.can_send)
SNAPSHOT_TIMEOUT = 120.0
# Making a startup snapshot costs 0.3-0.5 s of Node CPU once (a process start plus writing 7 MB); it is
# made by a build typesetting at least this many new formulas (~0.7 s of Node CPU or more), not by a
# small site's first build, where it would nearly double the typesetting.
SNAPSHOT_MIN = 300
PER_PROCESS = 150  # fewer new formulas than this per process: starting another one costs more than it saves
# Fewer formulas than this per process: V8's optimising compiler costs a process more than it saves
# before it ends, and typeset.cjs turns it off (the same results: only how fast the same code runs).
SHORT_RUN = 1000
TIMEOUT = 600.0

# Placeholders only (TeX, escaped, so no "<" inside): typeset formulas in the same wrappers never match.
_MATH = re.compile(
    r'<span class="math inline">\\\((?P<inline>.*?)\\\)</span>|<div class="math display">(?P<display>\\.*?)</div>',
    re.S,
)
# Commands whose effect outlives their formula in the browser: a later formula of the same summary may use them.
_DEFINES = re.compile(r"\\(?:(?:re|provide)?newcommand|[gex]?def|let|(?:re)?newenvironment|DeclareMathOperator"
                      r"|definecolor|Newextarrow)(?![a-zA-Z])")
_ELEMENT = re.compile(r'<(mjx-[a-zA-Z0-9-]+)(?:[^>]*?\sclass="([^"]*)")?')


class MathJaxError(Exception):
    """Node or MathJax failed as a whole (not one formula); the message says how."""


class NotStarted(MathJaxError):
    """A Node process ended before it was ready (e.g. a snapshot file it cannot load)."""


def find_mathjax(roots: list[Path]) -> Path | None:
    """The folder whose node_modules holds mathjax (and its font), if any."""
    for root in roots:
        modules = root / "node_modules"
        if (modules / "mathjax" / "package.json").is_file() and (modules / FONT_PACKAGE / "package.json").is_file():
            return root
    return None


def formulas(fragment: str) -> list[tuple[str, bool]]:
    """(TeX, display) of every formula placeholder in rendered HTML, in order."""
    return [_tex(m) for m in _MATH.finditer(fragment)]


# What the theme looks for in a summary's final HTML (catalog/model.py: Summary.math_dense, .math_in_browser).
# Each has one "<", its first character: no two occurrences overlap, and none crosses into or out of a
# placeholder or what replaces one (each starts with "<" and ends with "</span>", "</div>", "</code>" or
# "</pre>"), so counting them per piece counts them in the whole.
MJX_CONTAINER = "<mjx-container"
LEFT_FOR_BROWSER = ('<span class="math inline">\\(', '<div class="math display">\\')


class Placeholders(NamedTuple):
    """The formula placeholders of one rendered HTML, found in one pass (by the worker that rendered it).

    `items`: (TeX, display, prelude) of each, as with_preludes(formulas(html)) gives them; `starts` and
    `ends`: where each begins and ends in the HTML (its match's span); `mjx` and `browser`: how
    many MJX_CONTAINER and LEFT_FOR_BROWSER occur outside them. So the math step replaces them without
    searching the HTML again, and knows the summary's math_dense and math_in_browser without scanning
    the result (formulas.py)."""

    items: list[tuple[str, bool, tuple[str, ...]]]
    starts: list[int]
    ends: list[int]
    mjx: int
    browser: int


def placeholders(fragment: str) -> Placeholders:
    items: list[tuple[str, bool]] = []
    starts: list[int] = []
    ends: list[int] = []
    mjx = fragment.count(MJX_CONTAINER)
    browser = fragment.count(LEFT_FOR_BROWSER[0]) + fragment.count(LEFT_FOR_BROWSER[1])
    if browser:  # (every placeholder holds one: without, there are none)
        for m in _MATH.finditer(fragment):
            starts.append(m.start())
            ends.append(m.end())
            items.append(_tex(m))
            whole = m.group(0)
            mjx -= whole.count(MJX_CONTAINER)
            browser -= whole.count(LEFT_FOR_BROWSER[0]) + whole.count(LEFT_FOR_BROWSER[1])
    return Placeholders(with_preludes(items), starts, ends, mjx, browser)


def _tex(m: re.Match) -> tuple[str, bool]:
    inline = m.group("inline")
    if inline is not None:
        return unescape(inline), False
    return _DISPLAY_BRACKETS.sub(r"\1", unescape(m.group("display"))), True


_DISPLAY_BRACKETS = re.compile(r"^\\\[(.*)\\\]$", re.S)  # \[...\] around a whole display formula


def with_preludes(items: list[tuple[str, bool]]) -> list[tuple[str, bool, tuple[str, ...]]]:
    """Each formula of one summary with the earlier ones that define macros (its prelude)."""
    out, prelude = [], ()
    for tex, display in items:
        out.append((tex, display, prelude))
        if _DEFINES.search(tex):
            prelude = (*prelude, tex)
    return out


def css_tokens(html: str) -> tuple[str, ...]:
    """`name.class1.class2` of each kind of MathJax element in a typeset formula: what its stylesheet must style."""
    found = {".".join([element.lower(), *sorted(classes.split())]) for element, classes in _ELEMENT.findall(html)}
    return tuple(sorted(found))


@dataclass(frozen=True)
class Typeset:
    """One formula's result: HTML, or the error MathJax gave; what it printed; its CSS tokens; its width in em."""

    html: str | None
    error: str | None
    messages: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    width: float = 0.0


@dataclass(frozen=True)
class Engine:
    """MathJax as installed under `npm_root`, with the site's macros."""

    npm_root: Path
    macros: tuple[tuple[str, str], ...]  # name -> JSON of its definition, sorted

    @classmethod
    def create(cls, npm_root: Path, macros: dict[str, object] | None = None) -> "Engine":
        macros = DEFAULT_MACROS if macros is None else macros
        return cls(npm_root.resolve(), tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in macros.items())))

    @cached_property
    def versions(self) -> str:
        modules = self.npm_root / "node_modules"
        read = lambda name: json.loads((modules / name / "package.json").read_text(encoding="utf-8"))["version"]
        return f"mathjax {read('mathjax')}, {FONT_PACKAGE} {read(FONT_PACKAGE)}"

    @cached_property
    def salt(self) -> str:
        """Everything but the formula that decides a result."""
        return digest(self.versions, FORMAT, repr(self.macros), SCRIPT.read_bytes(), SAFETY.read_bytes())

    def key(self, tex: str, display: bool, prelude: tuple[str, ...] = ()) -> str:
        return digest(self.salt, tex, "D" if display else "I", *prelude)

    def options(self, stylesheet: bool = False) -> str:
        macros = {k: json.loads(v) for k, v in self.macros}
        return json.dumps({"macros": macros, "fontURL": FONT_URL, "stylesheet": stylesheet}, sort_keys=True)

    def command(self, stylesheet: bool = False, snapshot: Path | None = None) -> list[str]:
        node = shutil.which("node") or "node"
        if snapshot is not None:
            return [node, "--snapshot-blob", str(snapshot)]  # MathJax, options and script are in the file
        return [node, str(SCRIPT), str(self.npm_root), self.options(stylesheet)]

    def snapshot_name(self) -> str:
        """The file name of this engine's startup snapshot: it holds MathJax loaded with these
        options by this script, and only the Node binary that made it can load it."""
        node = shutil.which("node") or "node"
        try:
            real = os.path.realpath(node)
            st = os.stat(real)
            identity = f"{real}\0{st.st_size}\0{st.st_mtime_ns}"
        except OSError:
            identity = node
        return f"mathjax-{digest(self.salt, str(self.npm_root), self.options(), identity)[:24]}.blob"

    def full_stylesheet(self) -> str:
        """MathJax's complete CHTML stylesheet (every wrapper, every character of every font range)."""
        proc = subprocess.run(self.command(stylesheet=True), capture_output=True, text=True, timeout=TIMEOUT)
        if proc.returncode != 0:
            raise MathJaxError(_last_line(proc.stderr) or f"node exited with {proc.returncode}")
        return json.loads(proc.stdout.splitlines()[-1])


class Worker:
    """One Node process running typeset.cjs (started from the snapshot file when given one)."""

    def __init__(self, engine: Engine, snapshot: Path | None = None, short: bool = False) -> None:
        # stderr to a file, not a pipe: nobody reads it until Node fails, and a full pipe would stall Node.
        self.stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        try:
            env = {**os.environ, "SITE_BUILDER_MATH_SHORT": "1" if short else "0"}
            self.proc = subprocess.Popen(engine.command(snapshot=snapshot), stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=self.stderr, text=True, encoding="utf-8",
                                         bufsize=1, env=env)
        except OSError as exc:
            self.stderr.close()
            raise MathJaxError(f"cannot start node: {exc}") from exc
        self.made_as = (engine, snapshot, short)
        self.messages: list[str] = []
        self.version = ""
        self.speedups: list[str] = []
        self.pending = 0  # bytes of requests sent and not yet answered

    def start(self) -> None:
        try:
            hello = self._read()
        except MathJaxError as exc:
            raise NotStarted(str(exc)) from exc
        self.version, self.messages = hello["ready"], list(hello["messages"])
        self.speedups = list(hello.get("speedups", ()))  # which of typeset.cjs's changes to MathJax's code applied

    def encode(self, items: list[tuple[str, bool, tuple[str, ...]]]) -> str:
        return json.dumps([[t, d, list(p)] for t, d, p in items]) + "\n"

    def can_send(self, request: str) -> bool:
        """Whether `request` may go before the answers to those sent. Node may be blocked writing an
        answer (until we read it) and reading nothing: the requests it has not answered must then fit
        in its pipe (64 KB on Linux) for our write to return. With nothing unanswered Node is reading,
        so a request of any size goes. (JSON is written as ASCII: characters are bytes.)"""
        return self.pending == 0 or self.pending + len(request) <= PIPE_SAFE

    def send(self, request: str) -> None:
        self.proc.stdin.write(request)
        self.proc.stdin.flush()
        self.pending += len(request)

    def receive(self, request: str, count: int) -> list[Typeset]:
        """The answer to the oldest request sent (`request`, of `count` formulas)."""
        answer = self._read()
        self.pending -= len(request)
        if len(answer) != count:
            raise MathJaxError(f"MathJax answered {len(answer)} results for {count} formulas")
        return [Typeset(html, err, tuple(msgs), css_tokens(html) if html else (), width)
                for html, err, msgs, width in answer]

    def run(self, items: list[tuple[str, bool, tuple[str, ...]]]) -> list[Typeset]:
        request = self.encode(items)
        self.send(request)
        return self.receive(request, len(items))

    def _read(self):
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=10)
            self.stderr.seek(0)
            raise MathJaxError(_last_line(self.stderr.read()) or f"node exited with {self.proc.returncode}")
        return json.loads(line)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()


class Batches:
    """The queue the processes take their next batch from: up to BATCH formulas, fewer towards the
    end (a share of what is left), so that the processes run out of work at about the same time."""

    def __init__(self, count: int, processes: int) -> None:
        self.count, self.processes, self.next = count, processes, 0
        self.lock = threading.Lock()

    def take(self) -> tuple[int, int] | None:
        with self.lock:
            left = self.count - self.next
            if left <= 0:
                return None
            size = min(left, max(MIN_BATCH, min(BATCH, left // (2 * IN_FLIGHT * self.processes))))
            start, self.next = self.next, self.next + size
            return start, start + size


def typeset_all(engine: Engine, items: list[tuple[str, bool, tuple[str, ...]]], processes: int = 1,
                progress=None, snapshot: Path | None = None,
                started: "Worker | None" = None) -> tuple[list[Typeset], list[str]]:
    """Results for `items` in order, and what MathJax said while starting.

    Items are cut into batches that `processes` Node processes take from one queue,
    each the next batch as soon as it has room for it: a process that drew long
    formulas (sorted items put the `align`s together) or a busier core does not leave
    the other waiting. Since every formula starts from the same state, the results are
    the same however they are shared out. With `snapshot` (a path, made when missing and
    worth it) the processes start from MathJax's startup snapshot. `started`: a process
    started earlier (Worker.early), used as the first one if it is the one this run would start
    (closed otherwise).
    """
    if not items:
        if started is not None:
            started.close()
        return [], []
    processes = max(1, min(processes, -(-len(items) // PER_PROCESS)))
    making = None
    if snapshot is not None and not snapshot.is_file():
        # Made beside the processes of the first build that needs one (0.3-0.5 s of Node CPU), for later builds.
        making = start_snapshot(engine, snapshot) if len(items) >= SNAPSHOT_MIN else None
        snapshot = None
    short = len(items) < SHORT_RUN * processes
    if started is not None and started.made_as != (engine, snapshot, short):
        started.close()
        started = None
    try:
        return _typeset(engine, items, processes, progress, snapshot, started)
    except NotStarted:
        if snapshot is None:
            raise
        snapshot.unlink(missing_ok=True)  # a file this Node cannot load (damaged, or made by another one)
        return _typeset(engine, items, processes, progress, None)
    finally:
        if making is not None:
            finish_snapshot(*making)


def _typeset(engine: Engine, items: list[tuple[str, bool, tuple[str, ...]]], processes: int, progress,
             snapshot: Path | None, started: "Worker | None" = None) -> tuple[list[Typeset], list[str]]:
    results: list[Typeset | None] = [None] * len(items)
    failures: list[BaseException] = []
    lock = threading.Lock()  # guards progress, called by the threads that feed the processes
    batches = Batches(len(items), processes)
    short = len(items) < SHORT_RUN * processes
    workers = [started] if started is not None else []
    try:
        workers += [Worker(engine, snapshot, short) for _ in range(processes - len(workers))]
    except BaseException:
        for w in workers:
            w.close()
        raise

    def work(n: int) -> None:
        worker, sent = workers[n], deque()

        def take():
            span = batches.take()
            return None if span is None else (span, worker.encode(items[span[0]:span[1]]))

        try:
            worker.start()
            ahead = take()
            while (ahead or sent) and not failures:
                if ahead and len(sent) < IN_FLIGHT and worker.can_send(ahead[1]):
                    worker.send(ahead[1])
                    sent.append(ahead)
                    ahead = take() if len(sent) < IN_FLIGHT else None
                    continue
                (a, b), request = sent.popleft()
                results[a:b] = worker.receive(request, b - a)
                if progress:
                    with lock:
                        progress(b - a)
                if ahead is None:
                    ahead = take()
        except (MathJaxError, OSError, ValueError) as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(processes)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT)
            if t.is_alive():
                failures.append(MathJaxError(f"MathJax took more than {TIMEOUT:.0f} s"))
                break
    finally:
        for w in workers:
            if w.proc.poll() is None and failures:
                w.proc.kill()
            w.close()
    if failures:
        raise failures[0] if isinstance(failures[0], MathJaxError) else MathJaxError(str(failures[0]))
    if any(r is None for r in results):
        raise MathJaxError("MathJax stopped before every formula was typeset")
    said = sorted({m for w in workers for m in w.messages})
    return results, said  # type: ignore[return-value]


def start_snapshot(engine: Engine, path: Path) -> tuple[subprocess.Popen, Path, Path] | None:
    """Start making the startup snapshot `path` in a temporary file beside it; None if Node cannot start."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.Popen([shutil.which("node") or "node", "--no-warnings", "--snapshot-blob", str(tmp),
                                 "--build-snapshot", str(SCRIPT), str(engine.npm_root), engine.options()],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None
    return proc, tmp, path


def finish_snapshot(proc: subprocess.Popen, tmp: Path, path: Path) -> None:
    """Wait for the snapshot and put it in place, replacing older snapshots of other versions (a
    failed one is simply not there: processes then load MathJax themselves)."""
    try:
        ok = proc.wait(timeout=SNAPSHOT_TIMEOUT) == 0 and tmp.is_file() and tmp.stat().st_size > 0
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        ok = False
    try:
        if ok:
            for old in path.parent.glob("mathjax-*.blob"):
                if old.name != path.name:
                    old.unlink(missing_ok=True)
            os.replace(tmp, path)
    except OSError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def _last_line(text: str) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return lines[-1].strip() if lines else ""


class MathStore:
    """Typeset formulas by key, in SQLite: a build reads only the keys it needs."""

    SCHEMA = "CREATE TABLE IF NOT EXISTS formulas (key TEXT PRIMARY KEY, value TEXT NOT NULL)"

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(path, timeout=30)
                self.db.execute(self.SCHEMA)
            except sqlite3.Error:
                self._reset()

    def _reset(self) -> None:
        """A damaged file: start it again (it is only a cache)."""
        if self.db is not None:
            self.db.close()
        assert self.path is not None
        self.path.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30)
        self.db.execute(self.SCHEMA)

    def get_many(self, keys: list[str]) -> dict[str, Typeset]:
        found: dict[str, Typeset] = {}
        if self.db is None or not keys:
            return found
        try:
            for a in range(0, len(keys), 500):
                part = keys[a:a + 500]
                rows = self.db.execute(f"SELECT key, value FROM formulas WHERE key IN ({','.join('?' * len(part))})", part)
                for key, value in rows:
                    html, err, msgs, tokens, width = json.loads(value)
                    found[key] = Typeset(html, err, tuple(msgs), tuple(tokens), width)
        except (sqlite3.Error, ValueError):
            self._reset()
            return {}
        return found

    def put_many(self, entries: dict[str, Typeset]) -> None:
        if self.db is None or not entries:
            return
        rows = [(k, json.dumps([t.html, t.error, list(t.messages), list(t.tokens), t.width])) for k, t in entries.items()]
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO formulas (key, value) VALUES (?, ?)", rows)
        except sqlite3.Error:
            pass

    def keep_only(self, keys: set[str], slack: int = 2, spare: int = 10_000) -> None:
        """Drop entries this build did not use, once there are more than `slack` times as many plus
        `spare`: formulas gone from the site do not pile up, and two sites built from one folder
        (the tests build the sample site and the seeds) do not evict each other's formulas."""
        if self.db is None:
            return
        try:
            (count,) = self.db.execute("SELECT COUNT(*) FROM formulas").fetchone()
            if count <= slack * len(keys) + spare:
                return
            with self.db:
                self.db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
                self.db.execute("DELETE FROM used")
                self.db.executemany("INSERT OR IGNORE INTO used (key) VALUES (?)", [(k,) for k in keys])
                self.db.execute("DELETE FROM formulas WHERE key NOT IN (SELECT key FROM used)")
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
