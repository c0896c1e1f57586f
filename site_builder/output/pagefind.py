"""Pagefind's indexer as a service: records in, a complete and byte-stable bundle out.

`pagefind --service` (the binary of the `pagefind[extended]` wheel) reads
base64-encoded JSON messages, each ended by a comma, on stdin and answers the
same way on stdout. The package's own Python client is not used: it reads each
answer after a 0.1 s sleep (10,000 records would take 1,000 s) and ends the
process with SIGTERM once the last answer is in. Pagefind 1.5 answers WriteFiles
when every file is *handed* to tokio's blocking pool, not when it is on disk,
so that SIGTERM could cut the last writes short (the empty or truncated bundle
files seen about once in ten builds before). Here the process is ended by a
message that is not base64: Pagefind's stdin thread then returns instead of
calling exit(), the service loop ends, and the tokio runtime, as it shuts down,
waits for every pending write (pagefind/src/service/mod.rs, 1.5.2). The bundle
is then checked: every gzip file must decompress whole, and it must hold every
record. (Closing stdin instead would not do: on end of input the service calls
exit() at once, which is what an indexer orphaned by a killed build should do.)

Pagefind 1.5 also writes the filter indexes from hash maps, so their byte order
(and file names) change from run to run (upstream issue #638);
`stabilise_filters` rewrites them in sorted order.
"""
from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NoReturn

import cbor2

from .confine import Folder


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why."""


@dataclass(frozen=True)
class Record:
    """One search result as Pagefind stores it (see output/search.py for what goes in)."""

    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]]


# Seconds the indexer may take before the build gives up on it.
TIMEOUT = 900.0
# jemalloc (the allocator of the static binary) gives freed pages back at once: the
# indexer's peak resident memory is then what it holds, not what it once held.
_ALLOCATOR = "dirty_decay_ms:0,muzzy_decay_ms:0"
# Not base64: ends the service cleanly (see the module docstring).
_STOP = b"!,"


_FOUND: list[Path] = []


def executable() -> Path:
    """The Pagefind binary, found where the `pagefind` package's own client looks (its
    `get_executable`, 1.5.2): $PAGEFIND_BINARY_PATH, the `pagefind_bin_extended` wheel, the
    `pagefind_bin` wheel, then the PATH. Not through that client: importing it (asyncio, ssl,
    logging) took 0.05-0.09 s of a 0.3 s edit; the wheels' folders are found without running them."""
    if (env := os.environ.get("PAGEFIND_BINARY_PATH")) is not None:
        return Path(env)
    if _FOUND:
        return _FOUND[0]
    import shutil
    from importlib.util import find_spec

    exe: Path | None = None
    for package, names in (("pagefind_bin_extended", ("pagefind_extended", "pagefind")), ("pagefind_bin", ("pagefind",))):
        if exe is not None:
            break
        try:
            spec = find_spec(package)
        except (ImportError, ValueError):
            spec = None
        for folder in (spec.submodule_search_locations or []) if spec is not None else []:
            exe = next((Path(folder) / n for n in names if (Path(folder) / n).is_file()), None)
            if exe is not None:
                break
    if exe is None:
        found = shutil.which("pagefind_extended") or shutil.which("pagefind")
        exe = Path(found) if found else None
    if exe is None:
        raise SearchIndexError("the Pagefind binary is missing: pip install 'pagefind[extended]'")
    _FOUND.append(exe)
    return exe


def _message(message_id: int, payload: dict) -> bytes:
    return base64.b64encode(json.dumps({"message_id": message_id, "payload": payload},
                                       ensure_ascii=False).encode("utf-8")) + b","


class Indexer:
    """One `pagefind --service` process that indexes `records` into `bundle`.

    `start()` sends the records and the request to write the bundle, and returns
    at once (the service queues what it reads; a thread here reads its answers as
    they come). `finish()` waits for the answer to that request, then ends the
    service (_STOP), waits for the process to end and checks the bundle. Until
    then its stdin stays open: if this process dies, the service sees the end of
    its input and exits at once, instead of writing on into a folder nobody owns.
    Several indexers run side by side.
    """

    def __init__(self, records: list[Record], bundle: Path, language: str) -> None:
        self.records, self.bundle, self.language = records, bundle, language
        self.proc: subprocess.Popen | None = None
        self.reader: threading.Thread | None = None
        self.errors: list[str] = []  # Pagefind's error answers
        self.answered = threading.Event()  # the bundle is written (or failed, or the service is gone)
        self.stderr = tempfile.TemporaryFile()
        self.peak_mb = self.cpu_seconds = 0.0
        self.finisher: threading.Thread | None = None  # finish_meanwhile()'s
        self.outcome: int | BaseException = 0

    def start(self) -> "Indexer":
        env = dict(os.environ, _RJEM_MALLOC_CONF=_ALLOCATOR)
        self.proc = subprocess.Popen([str(executable()), "--service"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr, env=env)
        self.reader = threading.Thread(target=self._read_answers, daemon=True)
        self.reader.start()
        try:
            send = self.proc.stdin.write  # type: ignore[union-attr]
            send(_message(0, {"type": "NewIndex", "config": {"force_language": self.language}}))
            for i, r in enumerate(self.records, 1):
                send(_message(i, {"type": "AddRecord", "index_id": 0, "url": r.url, "content": r.content,
                                  "language": self.language, "meta": r.meta, "filters": r.filters}))
            send(_message(len(self.records) + 1, {"type": "WriteFiles", "index_id": 0, "output_path": str(self.bundle)}))
            self.proc.stdin.flush()  # type: ignore[union-attr]
        except OSError as exc:  # the process died early
            self._fail(f"could not send the records ({exc})")
        return self

    def _read_answers(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        try:
            for raw in _split_answers(self.proc.stdout):
                answer = json.loads(base64.b64decode(raw))
                if answer is None:  # what the service repeats while it shuts down
                    continue
                payload = answer.get("payload") or {}
                if payload.get("type") == "Error":
                    if answer.get("message_id") is None and payload.get("original_message") is None:
                        continue  # the answer to _STOP
                    self.errors.append(str(payload.get("message")))
                    self.answered.set()
                elif payload.get("type") == "WriteFiles":
                    self.answered.set()
        finally:
            self.answered.set()

    def finish(self) -> int:
        """Wait for the bundle; returns how many records it holds."""
        assert self.proc is not None and self.reader is not None and self.proc.stdin is not None
        if not self.answered.wait(TIMEOUT):
            self._fail(f"no bundle after {TIMEOUT:.0f} s")
        high_water = _high_water_mb(self.proc.pid)  # indexed and written: its peak is behind it
        # Asked to stop and awaited, never killed: its answer can come before every file of the bundle
        # is whole (the UI's scripts were found cut short when it was killed right after the answer).
        try:
            self.proc.stdin.write(_STOP)
            self.proc.stdin.close()
        except OSError:  # it has ended already: its exit status says how
            pass
        try:
            _, status, usage = _wait(self.proc.pid, 60.0)
        except TimeoutError:
            self._fail("the indexer did not end after writing the bundle")
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        # ru_maxrss would also count this process's own size at the fork (Linux keeps the larger of the two).
        self.peak_mb = high_water if high_water is not None else usage.ru_maxrss / 1024
        self.cpu_seconds = usage.ru_utime + usage.ru_stime
        self.reader.join()
        if self.proc.returncode != 0:
            self._fail(f"the indexer exited with {self.proc.returncode}")
        if self.errors:
            self._fail("; ".join(self.errors[:3]))
        verify_bundle(self.bundle)
        entry = json.loads((self.bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        pages = sum(info.get("page_count", 0) for info in entry["languages"].values())
        if pages != len(self.records):
            self._fail(f"the bundle holds {pages} of {len(self.records)} records")
        stabilise_filters(self.bundle)
        return pages

    def finish_meanwhile(self) -> "Indexer":
        """Run finish() in a thread of its own (the wait for the bundle, the service's end, the
        checks); `finished()` takes its answer. The build meanwhile renders pages."""
        def run() -> None:
            try:
                self.outcome = self.finish()
            except BaseException as exc:  # noqa: BLE001 - raised by finished(), in the build's thread
                self.outcome = exc

        self.finisher = threading.Thread(target=run, name="finish a search index", daemon=True)
        self.finisher.start()
        return self

    def finished(self) -> int:
        assert self.finisher is not None
        self.finisher.join()
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome

    def kill(self) -> None:
        finisher = self.finisher
        if finisher is not None and finisher is not threading.current_thread():
            # The finisher waits for the process: it is only signalled here, and the finisher ends.
            if self.proc is not None and self.proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.proc.pid, signal.SIGKILL)
            finisher.join()
            return
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def _fail(self, why: str) -> NoReturn:
        self.kill()
        self.stderr.seek(0)
        detail = self.stderr.read().decode("utf-8", "replace").strip()[-500:]
        raise SearchIndexError(f"Pagefind failed to index {self.bundle}: {why}" + (f"\n{detail}" if detail else ""))


def _split_answers(stream) -> Iterator[bytes]:
    buffer = b""
    while chunk := stream.read1(1 << 16):
        buffer += chunk
        *answers, buffer = buffer.split(b",")
        yield from answers


def _high_water_mb(pid: int) -> float | None:
    """The process's peak resident memory so far (Linux's VmHWM), None where /proc cannot say."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


def _wait(pid: int, timeout: float):
    """os.wait4 with a deadline (wait4 itself has none).

    Where the system has process file descriptors (Linux), woken the moment the process ends;
    elsewhere polled, at growing intervals (which can add up to the time the process took to end)."""
    if hasattr(os, "pidfd_open"):
        import select

        try:
            fd = os.pidfd_open(pid)
        except OSError:  # (ended and reaped already, or no pidfd here): polled below
            fd = None
        if fd is not None:
            try:
                poller = select.poll()  # (not select(): a build may hold descriptors past its 1024 limit)
                poller.register(fd, select.POLLIN)
                if not poller.poll(timeout * 1000):
                    raise TimeoutError
            finally:
                os.close(fd)
            return os.wait4(pid, 0)
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        found, status, usage = os.wait4(pid, os.WNOHANG)
        if found:
            return found, status, usage
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


@dataclass
class IndexerRun:
    records: int
    seconds: float  # from start() to a verified, stabilised bundle
    cpu_seconds: float  # the indexer process's user + system time
    peak_mb: float  # the indexer process's peak resident memory (VmHWM once the bundle is written)


def run_indexers(jobs: list[tuple[list[Record], Path]], language: str, parallel: int = 1) -> list[IndexerRun]:
    """Index each (records, bundle) pair, `parallel` indexers at a time."""
    pending = list(jobs)
    running: list[tuple[Indexer, float]] = []
    runs: list[IndexerRun] = []
    try:
        while pending or running:
            while pending and len(running) < max(1, parallel):
                records, bundle = pending.pop(0)
                running.append((Indexer(records, bundle, language).start(), time.perf_counter()))
            indexer, started = running.pop(0)
            runs.append(IndexerRun(indexer.finish(), time.perf_counter() - started, indexer.cpu_seconds, indexer.peak_mb))
    finally:
        for indexer, _ in running:
            indexer.kill()
    return runs


# Pagefind's index files: gzip of this marker followed by CBOR (or JSON for fragments).
_MARKER = b"pagefind_dcd"
# Positions in the CBOR array of `pagefind.<hash>.pf_meta` (Pagefind 1.5):
# version, pages, word index chunks, filters [[name, file hash], ...], sorts, meta fields.
_META_VERSION, _META_FILTERS = 0, 3
# Files Pagefind gzips (the wasm files are shipped gzipped).
_COMPRESSED = (".pf_meta", ".pf_fragment", ".pf_index", ".pf_filter", ".pagefind")


def verify_bundle(bundle: Path) -> None:
    """Every compressed file of the bundle decompresses whole (a cut-short write fails here)."""
    try:
        json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SearchIndexError(f"{bundle}: no complete pagefind-entry.json ({exc})") from exc
    for folder in (bundle, bundle / "fragment", bundle / "index", bundle / "filter"):
        if not folder.is_dir():
            continue
        for entry in os.scandir(folder):
            if entry.name.endswith(_COMPRESSED) and entry.is_file():
                with open(entry.path, "rb") as f:
                    data = f.read()
                unpack = zlib.decompressobj(wbits=31)  # gzip
                try:
                    whole = bool(unpack.decompress(data)) and unpack.eof
                except zlib.error:
                    whole = False
                if not whole:
                    raise SearchIndexError(f"{entry.path}: incomplete (Pagefind's write was cut short)")


def _load(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_MARKER):
        raise SearchIndexError(f"{path}: not a Pagefind index file")
    return cbor2.loads(raw[len(_MARKER):])


def _store(bundle: Folder, folder: str, prefix: str, data, digits: int, suffix: str) -> str:
    """Write `data` as a Pagefind index file named by its content; returns the name's hash part."""
    body = cbor2.dumps(data)
    digest = hashlib.sha256(body).hexdigest()
    where = f"{folder}/" if folder else ""
    while os.path.lexists(bundle.path(f"{where}{prefix}{digest[:digits]}{suffix}")):  # a (very unlikely) clash
        digits += 1
    name = f"{prefix}{digest[:digits]}"
    bundle.write(f"{where}{name}{suffix}", gzip.compress(_MARKER + body, mtime=0))
    return name


def stabilise_filters(bundle: Path) -> None:
    """Rewrite the filter indexes and the metadata that names them in a fixed order.

    Only the order changes: each filter's values are sorted by value and the
    filters by name; files are renamed after their new content, and
    `pagefind-entry.json` points at the new metadata file.
    """
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    folder = Folder(bundle)
    for language, info in sorted(entry["languages"].items()):
        meta_file = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _load(meta_file)
        if not (isinstance(meta, list) and len(meta) > _META_FILTERS and meta[_META_VERSION] == entry["version"]):
            raise SearchIndexError(f"{meta_file}: unexpected layout (Pagefind {entry['version']}); cannot make the index deterministic")
        loaded = []
        for name, old in sorted(meta[_META_FILTERS]):
            filter_file = bundle / "filter" / f"{old}.pf_filter"
            loaded.append((name, _load(filter_file)))
            filter_file.unlink()  # all old files go first, so no new name clashes with one
        meta[_META_FILTERS] = [
            [name, _store(folder, "filter", f"{language}_", [key, sorted(values, key=lambda v: v[0])], 7, ".pf_filter")]
            for name, (key, values) in loaded
        ]
        meta_file.unlink()
        info["hash"] = _store(folder, "", f"pagefind.{language}_", meta, 10, ".pf_meta").removeprefix("pagefind.")
    folder.replace("pagefind-entry.json", json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
