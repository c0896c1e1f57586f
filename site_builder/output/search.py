"""Full-text search: index the written site with Pagefind (its Python API).

Which text is indexed is decided by the templates, not here: paper and summary
pages carry a hidden `data-pagefind-body` block (`templates/_search.html`) with
the title, metadata and a plain-text copy of every summary (TeX turned into
readable text by `render/plaintext.py`). Pages without that block (listings,
taxonomies, home) are left out of the index by Pagefind itself.

Pagefind writes its browser bundle (index, wasm, UI JS/CSS) under `pagefind/`
in the site. Pagefind 1.5 writes the filter indexes from hash maps, so their
byte order (and file names) change from run to run (upstream issue #638);
`stabilise_filters` rewrites them in sorted order so that the same pages give
byte-identical output.
"""
from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cbor2
from pagefind.index import IndexConfig
from pagefind.service import PagefindService

from ..config import SiteConfig

BUNDLE_DIR = "pagefind"
# How long the Pagefind process may take to exit after its input is closed.
EXIT_TIMEOUT = 60.0


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why."""


def index_search(staging: Path, config: SiteConfig) -> int:
    """Index the HTML under `staging` and write the bundle to `staging/pagefind/`.

    Returns how many HTML files Pagefind read; does nothing when search is off.
    """
    if not config.search:
        return 0
    site = staging.resolve()
    pages = _run(_index(site, IndexConfig(force_language=config.language)))
    stabilise_filters(site / BUNDLE_DIR)
    return pages


def _run(coroutine):
    """asyncio.run, also when called from code that already runs an event loop
    (a dev server, Playwright's sync API), where asyncio.run refuses: then in a thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _index(site: Path, index_config: IndexConfig) -> int:
    service = await PagefindService().launch()
    try:
        index = await service.create_index(index_config)
        result = await index.add_directory(str(site))
        await index.write_files(str(site / BUNDLE_DIR))
    except Exception as exc:
        await service.close()
        raise SearchIndexError(f"Pagefind failed to index {site}: {exc}") from exc
    await _finish(service)
    return int(result["page_count"])


async def _finish(service: PagefindService) -> None:
    """Let Pagefind exit by itself instead of killing it.

    Pagefind writes files through tokio without flushing and answers WriteFiles
    before the bytes reach the disk; the API's `close()` then terminates the
    process, which truncated a bundle file in about one run in six. Closing its
    stdin makes it return from its main loop, and the runtime finishes pending
    writes before the process exits.
    """
    backend = service._backend  # the API offers no graceful shutdown
    assert backend.stdin is not None
    backend.stdin.close()
    try:
        code = await asyncio.wait_for(backend.wait(), EXIT_TIMEOUT)
    except asyncio.TimeoutError:
        backend.kill()
        await backend.wait()
        raise SearchIndexError(f"Pagefind did not exit within {EXIT_TIMEOUT:.0f} s after writing the index") from None
    finally:
        service._poll_task.cancel()
    if code != 0:
        raise SearchIndexError(f"Pagefind exited with status {code} while writing the index")


# Pagefind's index files: gzip of this marker followed by CBOR.
_MARKER = b"pagefind_dcd"
# Positions in the CBOR array of `pagefind.<hash>.pf_meta` (Pagefind 1.5):
# version, pages, word index chunks, filters [[name, file hash], ...], sorts, meta fields.
_META_VERSION, _META_FILTERS = 0, 3


def _load(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_MARKER):
        raise SearchIndexError(f"{path}: not a Pagefind index file")
    return cbor2.loads(raw[len(_MARKER):])


def _store(folder: Path, prefix: str, data, digits: int, suffix: str) -> str:
    """Write `data` as a Pagefind index file named by its content; returns the name's hash part."""
    body = cbor2.dumps(data)
    digest = hashlib.sha256(body).hexdigest()
    while (folder / f"{prefix}{digest[:digits]}{suffix}").exists():  # a (very unlikely) clash
        digits += 1
    name = f"{prefix}{digest[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(_MARKER + body, mtime=0))
    return name


def stabilise_filters(bundle: Path) -> None:
    """Rewrite the filter indexes and the metadata that names them in a fixed order.

    Only the order changes: each filter's values are sorted by value and the
    filters by name; files are renamed after their new content, and
    `pagefind-entry.json` points at the new metadata file.
    """
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
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
            [name, _store(bundle / "filter", f"{language}_", [key, sorted(values, key=lambda v: v[0])], 7, ".pf_filter")]
            for name, (key, values) in loaded
        ]
        meta_file.unlink()
        info["hash"] = _store(bundle, f"pagefind.{language}_", meta, 10, ".pf_meta").removeprefix("pagefind.")
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
