"""The search index after an edit: the edited pages in a small delta bundle, their old copies hidden.

Pagefind cannot update an index: re-indexing the part that holds an edited
paper took about 9 s at 10,000 summaries (a third of the site). Instead an
incremental build indexes only the pages edited since the parts were written
(the *delta*, a bundle of its own at `pagefind/delta-<digest>/`, merged in the
browser like the parts) and names, in `parts.json`, each edited or removed
page's old copy in the parts: its Pagefind page id, its part and its filter
values (read from its fragment). The parts are not touched.

The search page's module (static/assets/search/query-rule.js) drops those
copies from every search's results and takes them out of every count it passes
on: each filter value's count (per search and in the totals), the per-part
counts its own rule reads, and the count of results before filtering. The
hidden copies stay in their parts' word index, so the other pages of a part keep
their scores.

Publishing is two renames into the output, after the pages: the new delta
folder, then `parts.json`, then the old delta folder goes. A build killed before
them leaves the published site as it was; one killed between them leaves an
output that differs from what the last build recorded (a folder more), so the
next build is a full one, which never writes a delta (and never copies one).

`parts.json` carries the delta's state (`delta.pages`: each URL with the part
and page number of its copy in the parts, and whether it is live in the
delta), so the next edit adds to it. Once the delta holds more than
DELTA_PAGES pages or DELTA_CHARS characters, the parts are indexed again
instead (output/search.py `stage_search_index`: the parts whose records
changed) and the delta is emptied, so an edit's cost stays bounded.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config import SiteConfig
from .confine import Folder
from .pagefind import _MARKER as INDEX_MARKER
from .pagefind import Record, _load, run_indexers
from .search import BUNDLE_DIR, DELTA_DIR, MANIFEST, new_staging, part_of, part_path, stage_search_index

__all__ = ["DELTA_PAGES", "DELTA_CHARS", "Delta", "Position", "next_positions", "stage_search_edit"]

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
                      all_records: Callable[[], list[Record]], jobs: int = 1) -> "Delta | Path | None":
    """The search index after an edit, made beside `output`: a `Delta` to publish, or (past the bound,
    or when the published index cannot take a delta) a whole new bundle's folder to swap in; None: unchanged.

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
    state = manifest.get("delta") or {}
    staging = new_staging(output)
    try:
        while True:
            records = [found[u] for u in sorted(u for u, p in positions.items() if p.live)]
            if len(positions) > DELTA_PAGES or sum(len(r.content) for r in records) > DELTA_CHARS:
                raise _Rebuild  # the bound: the parts are indexed again
            digest = _delta_digest(records, positions)
            if state.get("digest") == digest:
                shutil.rmtree(staging, ignore_errors=True)
                return None
            hidden = _hidden(current, manifest, positions)
            name = f"{DELTA_DIR}-{digest[:20]}" if records else None
            ids: list[str] = []
            if name is None:
                break
            run_indexers([(records, staging / name)], config.language, parallel=1)
            # A page edited back to the text its part holds has the same page id (a hash of its
            # fragment) as its old copy: it leaves the delta, and its copy in the part is live again.
            ids = _page_ids(staging / name)
            back = [h[3] for h in hidden if h[0] in ids]
            if not back:
                break
            shutil.rmtree(staging / name)
            for url in back:
                del positions[url]
        data = dict(manifest, delta={
            "digest": digest, "path": f"{name}/" if name else None,
            "pages": sorted([u, p.part, p.page, p.live] for u, p in positions.items()),
            "hidden": hidden,
            # The delta's page ids (in its records' order, the URLs'): the search page scores an edited
            # page as its old copy scored in its part, when that matched too (see query-rule.js).
            "ids": [[page_id, r.url] for page_id, r in zip(ids, records)] if name else []} if positions else None)
        if not positions:
            del data["delta"]
        Folder(staging).write(MANIFEST, json.dumps(data, sort_keys=True).encode("utf-8"))
    except _Rebuild:
        shutil.rmtree(staging, ignore_errors=True)
        return stage_search_index(all_records(), output, config, jobs)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    was = state.get("path")
    return Delta(staging, output, name, was.rstrip("/") if isinstance(was, str) and was else None)


@dataclass
class Delta:
    """A delta made beside the output (`staging`: its bundle `name`, if any, and the new parts.json)."""

    staging: Path
    output: Path
    name: str | None
    old: str | None  # the published delta's folder

    def publish(self) -> tuple[list[str], list[str], list[str]]:
        """Put it in place; returns the output files (relative) replaced, added and removed."""
        bundle = self.output / BUNDLE_DIR
        added: list[str] = []
        removed: list[str] = []
        if self.name is not None:
            new = bundle / self.name
            if self.name == self.old or new.exists():
                raise FileExistsError(new)  # (the digest differs from the published one's)
            os.rename(self.staging / self.name, new)
            added = _files(new, f"{BUNDLE_DIR}/{self.name}/")
        os.replace(self.staging / MANIFEST, bundle / MANIFEST)
        if self.old is not None and _is_delta(self.old) and (bundle / self.old).is_dir():
            removed = _files(bundle / self.old, f"{BUNDLE_DIR}/{self.old}/")
            shutil.rmtree(bundle / self.old)
        shutil.rmtree(self.staging, ignore_errors=True)
        return [f"{BUNDLE_DIR}/{MANIFEST}"], added, removed

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _is_delta(name: str) -> bool:
    return name.startswith(f"{DELTA_DIR}-") and "/" not in name and name.isascii()


def _files(folder: Path, prefix: str) -> list[str]:
    """Every file and folder below `folder`, as output-relative paths (folders end in '/')."""
    out = [prefix]
    for here, dirs, names in os.walk(folder):
        rel = Path(here).relative_to(folder).as_posix()
        at = prefix if rel == "." else f"{prefix}{rel}/"
        out += [f"{at}{d}/" for d in dirs] + [f"{at}{n}" for n in names]
    return out


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


def _page_ids(bundle: Path) -> list[str]:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (_, info), = entry["languages"].items()
    return [page[0] for page in _load(bundle / f"pagefind.{info['hash']}.pf_meta")[1]]


_PAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


def _hidden(bundle: Path, manifest: dict, positions: dict[str, Position]) -> list[list]:
    """[page id, part, filter values, URL] of each old copy the delta hides, in URL order. Those hidden
    before are taken from the manifest; a new one is read from its part (the page its number
    names, checked by its fragment's URL)."""
    known = {entry[3]: entry for entry in (manifest.get("delta") or {}).get("hidden") or []}
    metas: dict[int, list] = {}
    out = []
    for url, p in sorted(positions.items()):
        if p.part is None:
            continue
        if url in known:
            out.append(known[url])
            continue
        part = bundle / part_path(p.part)
        if p.part not in metas:
            try:
                entry = json.loads((part / "pagefind-entry.json").read_text(encoding="utf-8"))
                (_, info), = entry["languages"].items()
                metas[p.part] = _load(part / f"pagefind.{info['hash']}.pf_meta")[1]
            except (OSError, ValueError, KeyError, TypeError):
                raise _Rebuild from None
        pages = metas[p.part]
        if p.page is None or p.page >= len(pages):
            raise _Rebuild
        page_id = pages[p.page][0]
        if not (isinstance(page_id, str) and _PAGE_ID.fullmatch(page_id)):  # a file name in the part, nothing else
            raise _Rebuild
        try:
            raw = gzip.decompress((part / "fragment" / f"{page_id}.pf_fragment").read_bytes())
            fragment = json.loads(raw[len(INDEX_MARKER):]) if raw.startswith(INDEX_MARKER) else {}
        except (OSError, ValueError):
            raise _Rebuild from None
        if fragment.get("url") != url:
            raise _Rebuild
        out.append([page_id, str(p.part), fragment.get("filters") or {}, url])
    return out
