"""The search index after an edit: the edited pages in a small delta bundle, their old copies hidden.

Pagefind cannot update an index: re-indexing the part that holds an edited
paper took about 9 s at 10,000 summaries (a third of the site). Instead an
incremental build indexes only the pages edited since the parts were written
(the *delta*, `pagefind/delta/`, a bundle of its own, merged in the browser
like the parts) and hides each edited or removed page's old copy in its part.

Hiding is done through the part's filter indexes, which are small files apart
from the word index: in a copy of the part (hard links, the published files
untouched), each filter value stops listing the hidden pages (so filter counts
and totals no longer count them) and a synthetic filter HIDDEN lists them. The
search page's query rule (static/assets/search/query-rule.js) adds
`{not: {HIDDEN: "1"}}` to every search, so no result comes from a hidden page,
and takes HIDDEN out of the counts it shows. The hidden pages stay in their
part's word index, so the other pages of that part keep their scores.

`parts.json` carries the delta's state (`delta.pages`: each URL with the part
and page number of its copy in the parts, and whether it is live in the
delta), so the next edit adds to it. Once the delta holds more than
DELTA_PAGES pages or DELTA_CHARS characters, the parts are indexed again
instead (output/search.py `stage_search_index`: the parts whose records
changed) and the delta is emptied, so an edit's cost stays bounded. A full
build never writes a delta: its index is the cold build's.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config import SiteConfig
from .confine import Folder
from .pagefind import _MARKER as INDEX_MARKER
from .pagefind import _META_FILTERS, Record, _load, run_indexers
from .search import (BUNDLE_DIR, DELTA_DIR, MANIFEST, _link_part, new_staging, part_of, part_path,
                     stage_search_index)

__all__ = ["HIDDEN", "DELTA_PAGES", "DELTA_CHARS", "Position", "next_positions", "stage_search_edit"]

HIDDEN = "superseded"  # the synthetic filter of a part's hidden pages (value "1"); never shown
HIDDEN_VALUE = "1"
# Past these the parts are indexed again: Pagefind indexes ~150,000 characters in about 0.15 s
# (its start-up is ~0.04 s), so a delta edit stays near 0.1 s of indexing (benchmarks/README.md).
DELTA_PAGES = 40
DELTA_CHARS = 150_000


@dataclass(frozen=True)
class Position:
    """A search page of the delta: where its old copy is in the parts (None: it is new) and
    whether the page exists now (False: removed; its old copy is only hidden)."""

    part: int | None
    page: int | None
    live: bool


def next_positions(old: dict[str, Position], changed: Iterable[str], removed: Iterable[str],
                   base: Callable[[], list[str]], count: int) -> dict[str, Position]:
    """The delta's pages after an edit that changed (or added) the pages `changed` and removed `removed`.

    `old`: the delta before; `base`: every URL the parts hold, in their order (asked only when a page
    enters the delta); `count`: the number of parts (a URL's part is `part_of(url, count)`).
    """
    out = dict(old)
    where: dict[str, tuple[int, int]] | None = None

    def position(url: str) -> tuple[int | None, int | None]:
        nonlocal where
        if where is None:
            where, seen = {}, [0] * count
            for u in base():
                j = part_of(u, count)
                where[u] = (j, seen[j])
                seen[j] += 1
        return where.get(url, (None, None))

    for url in changed:
        was = out.get(url)
        out[url] = Position(was.part, was.page, True) if was is not None else Position(*position(url), True)
    for url in removed:
        was = out.get(url)
        if was is None:
            part, page = position(url)
            if part is not None:
                out[url] = Position(part, page, False)
        elif was.part is None:
            del out[url]  # added and removed again since the parts were indexed: nothing to hide
        else:
            out[url] = Position(was.part, was.page, False)
    return out


def base_urls(current: Iterable[str], old: dict[str, Position]) -> list[str]:
    """The URLs the parts hold: those of the site before the edit, less the delta's added pages, plus
    its removed ones; in the parts' order (the records' order, Python's order of text)."""
    added = {u for u, p in old.items() if p.part is None and p.live}
    gone = [u for u, p in old.items() if p.part is not None and not p.live]
    return sorted({*(u for u in current if u not in added), *gone})


def _read_manifest(bundle: Path) -> dict | None:
    try:
        data = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and isinstance(data.get("parts"), list) else None
    except (OSError, ValueError):
        return None


def _positions(manifest: dict) -> dict[str, Position]:
    pages = (manifest.get("delta") or {}).get("pages") or []
    return {url: Position(part, page, bool(live)) for url, part, page, live in pages}


def _delta_digest(records: list[Record], positions: dict[str, Position]) -> str:
    h = hashlib.blake2b(digest_size=20)
    for r in records:
        h.update(json.dumps([r.url, r.content, r.meta, r.filters], ensure_ascii=False, sort_keys=True).encode("utf-8"))
        h.update(b"\0")
    h.update(json.dumps(sorted([u, p.part, p.page, p.live] for u, p in positions.items())).encode("utf-8"))
    return h.hexdigest()


def stage_search_edit(changed: dict[str, Record], removed: Iterable[str], output: Path, config: SiteConfig, *,
                      urls: Callable[[], Iterable[str]], records_of: Callable[[list[str]], dict[str, Record]],
                      all_records: Callable[[], list[Record]], jobs: int = 1) -> Path | None:
    """The search index after an edit, complete, in a folder beside `output` (None: unchanged).

    `changed`: the new records of the pages the edit changed or added; `removed`: URLs it removed;
    `urls()`: every URL of the site before the edit; `records_of(urls)`: the current records of
    those URLs (the delta's other pages); `all_records()`: every record of the site as edited
    (asked only when the parts are indexed again).
    """
    current = output / BUNDLE_DIR
    manifest = _read_manifest(current)
    if manifest is None or not manifest["parts"] or not _same_pagefind(current):
        return stage_search_index(all_records(), output, config, jobs)
    old = _positions(manifest)
    count = len(manifest["parts"])
    positions = next_positions(old, sorted(changed), sorted(removed), lambda: base_urls(urls(), old), count)
    live = sorted(u for u, p in positions.items() if p.live)
    others = [u for u in live if u not in changed]
    found = {**(records_of(others) if others else {}), **changed}
    records = [found[u] for u in live]
    if len(positions) > DELTA_PAGES or sum(len(r.content) for r in records) > DELTA_CHARS:
        return stage_search_index(all_records(), output, config, jobs)  # the bound: parts indexed again
    digest = _delta_digest(records, positions)
    if (manifest.get("delta") or {}).get("digest") == digest:
        return None
    hidden: dict[int, list[int]] = {}
    for p in positions.values():
        if p.part is not None:
            hidden.setdefault(p.part, []).append(p.page)
    staging = new_staging(output)
    try:
        bundle = staging / BUNDLE_DIR
        bundle.mkdir()
        parts = []
        for j, entry in enumerate(manifest["parts"]):
            path = part_path(j)
            if entry.get("path") != path or not _link_part(current / path, bundle / path, top=j == 0):
                raise _Rebuild
            pristine = entry.get("base") or _language_hash(bundle / path)
            pages = sorted(hidden.get(j, []))
            expected = {u: p.page for u, p in positions.items() if p.part == j}
            _hide(bundle / path, pristine, pages, expected)
            parts.append({"path": path, "digest": entry["digest"], **({"base": pristine, "hidden": pages} if pages else {})})
        if records:
            run_indexers([(records, bundle / DELTA_DIR)], config.language, parallel=1)
        state = {"digest": digest, "path": f"{DELTA_DIR}/" if records else None,
                 "pages": sorted([u, p.part, p.page, p.live] for u, p in positions.items())}
        data = {"delta": state, "filters": manifest.get("filters"), "parts": parts}
        Folder(bundle).write(MANIFEST, json.dumps(data, sort_keys=True).encode("utf-8"))
    except _Rebuild:
        shutil.rmtree(staging, ignore_errors=True)
        return stage_search_index(all_records(), output, config, jobs)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


class _Rebuild(Exception):
    """The published parts are not as their manifest says: index them again."""


def _same_pagefind(bundle: Path) -> bool:
    """The published parts were written by the Pagefind installed now (the delta must match them)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        return entry.get("version") == version("pagefind")
    except (OSError, ValueError, PackageNotFoundError):
        return False


def _language_hash(part: Path) -> str:
    entry = json.loads((part / "pagefind-entry.json").read_text(encoding="utf-8"))
    (_, info), = entry["languages"].items()
    return info["hash"]


def _hide(part: Path, pristine: str, pages: list[int], expected: dict[str, int]) -> None:
    """Point the part (a copy of hard links) at filter indexes that leave out `pages`, plus HIDDEN listing
    them; none: its own indexes again. `pristine`: the language hash its indexer wrote. Each hidden
    page's fragment must be that of the URL `expected` names, else the parts are indexed again."""
    folder = Folder(part)
    entry = json.loads((part / "pagefind-entry.json").read_text(encoding="utf-8"))
    (language, info), = entry["languages"].items()
    meta = _load(part / f"pagefind.{pristine}.pf_meta")
    if info["hash"] != pristine:  # the last edit's filter files go (unlinked here: the published ones stay)
        own = {h for _, h in meta[_META_FILTERS]}
        for _, h in _load(part / f"pagefind.{info['hash']}.pf_meta")[_META_FILTERS]:
            if h not in own:
                os.unlink(part / "filter" / f"{h}.pf_filter")
        os.unlink(part / f"pagefind.{info['hash']}.pf_meta")
    if pages:
        _check_pages(part, meta, expected)
        gone = set(pages)
        filters = []
        for name, h in meta[_META_FILTERS]:
            key, values = _load(part / "filter" / f"{h}.pf_filter")
            kept = [[value, [p for p in ps if p not in gone]] for value, ps in values]
            kept = [v for v in kept if v[1]]
            filters.append([name, h if kept == values else _store(folder, "filter", f"{language}_", [key, kept], 7, ".pf_filter")])
        filters.append([HIDDEN, _store(folder, "filter", f"{language}_", [HIDDEN, [[HIDDEN_VALUE, pages]]], 7, ".pf_filter")])
        meta = list(meta)
        meta[_META_FILTERS] = sorted(filters)
        info["hash"] = _store(folder, "", f"pagefind.{language}_", meta, 10, ".pf_meta").removeprefix("pagefind.")
    else:
        info["hash"] = pristine
    folder.replace("pagefind-entry.json", json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _check_pages(part: Path, meta: list, expected: dict[str, int]) -> None:
    """Page numbers are the records' order; each page named is checked against its fragment's URL."""
    listed = meta[1]
    for url, page in expected.items():
        if page is None or page >= len(listed):
            raise _Rebuild
        try:
            raw = gzip.decompress((part / "fragment" / f"{listed[page][0]}.pf_fragment").read_bytes())
        except OSError:
            raise _Rebuild from None
        if not raw.startswith(INDEX_MARKER) or json.loads(raw[len(INDEX_MARKER):]).get("url") != url:
            raise _Rebuild


def _store(folder: Folder, where: str, prefix: str, data, digits: int, suffix: str) -> str:
    """A Pagefind index file named by its content (output/pagefind.py's naming); an identical file
    already there is used as it is, and no file there is ever written over (it may be a hard link)."""
    import cbor2

    body = gzip.compress(INDEX_MARKER + cbor2.dumps(data), mtime=0)
    digest = hashlib.sha256(cbor2.dumps(data)).hexdigest()
    sub = f"{where}/" if where else ""
    while True:
        name = f"{prefix}{digest[:digits]}"
        path = folder.path(f"{sub}{name}{suffix}")
        if not os.path.lexists(path):
            folder.write(f"{sub}{name}{suffix}", body)
            return name
        with open(path, "rb") as f:
            if f.read() == body:
                return name
        digits += 1
