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

import contextlib
import gzip
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import SiteConfig
from .confine import Folder
from .pagefind import _MARKER as INDEX_MARKER
from .pagefind import Indexer, Record, _load
from .search import BUNDLE_DIR, DELTA_DIR, MANIFEST, new_staging, part_of, part_path, stage_search_index

__all__ = ["DELTA_PAGES", "DELTA_CHARS", "Delta", "PendingEdit", "Position", "begin_search_edit", "next_positions", "page_positions",
           "stage_search_edit"]

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
                   base: Callable[[], list[str]], count: int,
                   stored: Callable[[list[str], int], dict[str, tuple[int, int]] | None] | None = None
                   ) -> dict[str, Position]:
    """The delta's pages after an edit that changed (or added) the pages `changed` and removed `removed`.

    `old`: the delta before; `base`: every URL the parts hold, in their order (asked only when a page
    enters the delta and `stored` cannot say where it is); `count`: the number of parts (a URL's part
    is `part_of(url, count)`); `stored(urls, count)`: where those URLs are in the parts, as the
    session keeps it (see page_positions), or None when it does not know for `count` parts.
    """
    changed, removed = list(changed), list(removed)
    out = dict(old)
    entering = [u for u in (*changed, *removed) if u not in old]
    where: dict[str, tuple[int, int]] | None = (stored(entering, count) if stored is not None and entering
                                                else None)
    if where is not None and not all(u in where for u in changed):
        where = None  # (a changed page the parts do not hold is new: only the parts' URLs can say so)

    def position(url: str) -> tuple[int | None, int | None]:
        nonlocal where
        if where is None:
            where = page_positions(base(), count)
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


def page_positions(urls: Iterable[str], count: int) -> dict[str, tuple[int, int]]:
    """URL -> (its part, its page number in the part) of every URL the parts hold, given in their
    order (the records' order): what the session keeps so that an edit need not work it out again."""
    where: dict[str, tuple[int, int]] = {}
    seen = [0] * count
    for u in urls:
        j = part_of(u, count)
        where[u] = (j, seen[j])
        seen[j] += 1
    return where


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
    return begin_search_edit(changed, removed, output, config, urls=urls, records_of=records_of,
                             all_records=all_records, jobs=jobs).result()


def begin_search_edit(changed: dict[str, Record], removed: Iterable[str], output: Path, config: SiteConfig, *,
                      urls: Callable[[], Iterable[str]], records_of: Callable[[list[str]], dict[str, Record]],
                      all_records: Callable[[], list[Record]], jobs: int = 1,
                      staging: Path | None = None,
                      stored: Callable[[list[str], int], dict[str, tuple[int, int]] | None] | None = None
                      ) -> "PendingEdit":
    """stage_search_edit begun: Pagefind indexes the delta while the caller goes on (writing pages);
    `result()` waits for it. `staging`: a folder from `new_staging(output)` to make the delta in (the
    caller's, which it removes; by default one of its own, removed once published or abandoned);
    `stored`: where pages are in the parts, as the session keeps it (see next_positions)."""
    pending = PendingEdit(output, config, all_records, jobs, staging)
    try:
        pending.begin(changed, removed, urls, records_of, stored)
    except BaseException:
        pending.abandon()
        raise
    return pending


class PendingEdit:
    """An edit's search index being made (see begin_search_edit)."""

    def __init__(self, output: Path, config: SiteConfig, all_records: Callable[[], list[Record]], jobs: int,
                 staging: Path | None) -> None:
        self.output, self.config, self.all_records, self.jobs = output, config, all_records, jobs
        self.staging, self.own = staging, staging is None
        self.whole = False  # the parts are indexed again (at result())
        self.unchanged = False
        self.indexer: Indexer | None = None  # Pagefind indexing the delta's records, started by begin()
        self.records: list[Record] = []
        self.hidden: list[list] | None = None

    def begin(self, changed: dict[str, Record], removed: Iterable[str], urls: Callable[[], Iterable[str]],
              records_of: Callable[[list[str]], dict[str, Record]], stored: Any = None) -> None:
        current = self.output / BUNDLE_DIR
        manifest = _read_manifest(current)
        self.version = _version(current)
        if manifest is None or not manifest["parts"] or self.version is None:
            self.whole = True
            return
        self.manifest = manifest
        old = _positions(manifest)
        count = len(manifest["parts"])
        self.positions = next_positions(old, sorted(changed), sorted(removed), lambda: base_urls(urls(), old), count,
                                        stored)
        live = sorted(u for u, p in self.positions.items() if p.live)
        others = [u for u in live if u not in changed]
        self.found = {**(records_of(others) if others else {}), **changed}
        self.state = manifest.get("delta") or {}
        if self._plan():
            # Pagefind's start and indexing go on meanwhile; the old copies are named from the parts.
            self.indexer = Indexer(self.records, self._folder(), self.config.language).start().finish_meanwhile()
            try:
                self.hidden = _hidden(current, manifest, self.positions)
            except _Rebuild:
                self._drop()
                self.whole = True

    def _plan(self) -> bool:
        """The delta's records and digest for the positions now; False when nothing is to be indexed."""
        positions = self.positions
        self.records = [self.found[u] for u in sorted(u for u, p in positions.items() if p.live)]
        if len(positions) > DELTA_PAGES or sum(len(r.content) for r in self.records) > DELTA_CHARS:
            self.whole = True  # the bound: the parts are indexed again
            return False
        self.digest = _delta_digest(self.records, positions)
        if self.state.get("digest") == self.digest:
            self.unchanged = True
            return False
        self.name = f"{DELTA_DIR}-{self.digest[:20]}" if self.records else None
        return self.name is not None

    def _folder(self) -> Path:
        if self.staging is None:
            self.staging = new_staging(self.output)
        return self.staging / self.name

    def _drop(self) -> None:
        """The delta being indexed is not wanted (its process ended, its folder removed)."""
        if self.indexer is not None:
            self.indexer.kill()
            self.indexer = None
            shutil.rmtree(self.staging / self.name, ignore_errors=True)

    def result(self) -> "Delta | Path | None":
        try:
            found = self._result()
        except BaseException:
            self.abandon()
            raise
        if not isinstance(found, Delta):
            self.abandon()
        return found

    def _result(self) -> "Delta | Path | None":
        if not self.whole and not self.unchanged:
            self._delta()
        if self.unchanged:
            return None
        if self.whole:
            return stage_search_index(self.all_records(), self.output, self.config, self.jobs)
        return Delta(self.staging, self.output, self.name, self.old, self.own)

    def _delta(self) -> None:
        positions = self.positions
        while True:
            ids: list[str] = []
            if self.name is None:  # (only removals: nothing to index; the installed Pagefind is asked)
                if not _same_pagefind(self.version):
                    self.whole = True
                    return
                break
            if self.indexer is None:  # (a page edited back, below: the rest indexed again)
                self.indexer = Indexer(self.records, self._folder(), self.config.language).start().finish_meanwhile()
            indexer, self.indexer = self.indexer, None
            indexer.finished()
            bundle = self.staging / self.name
            if _version(bundle) != self.version:  # the parts were written by another Pagefind
                shutil.rmtree(bundle, ignore_errors=True)
                self.whole = True
                return
            if not self._name_hidden():
                return
            # A page edited back to the text its part holds has the same page id (a hash of its
            # fragment) as its old copy: it leaves the delta, and its copy in the part is live again.
            ids = _page_ids(bundle)
            back = [h[3] for h in self.hidden if h[0] in ids]
            if not back:
                break
            shutil.rmtree(bundle)
            for url in back:
                del positions[url]
            self.hidden = None
            if not self._plan():
                if self.whole or self.unchanged:
                    return
                break  # nothing left to index
        if not self._name_hidden():
            return
        data = dict(self.manifest, delta={
            "digest": self.digest, "path": f"{self.name}/" if self.name else None,
            "pages": sorted([u, p.part, p.page, p.live] for u, p in positions.items()),
            "hidden": self.hidden,
            # The delta's page ids (in its records' order, the URLs'): the search page scores an edited
            # page as its old copy scored in its part, when that matched too (see query-rule.js).
            "ids": [[page_id, r.url] for page_id, r in zip(ids, self.records)] if self.name else []}
            if positions else None)
        if not positions:
            del data["delta"]
        if self.staging is None:
            self.staging = new_staging(self.output)
        Folder(self.staging).write(MANIFEST, json.dumps(data, sort_keys=True).encode("utf-8"))
        was = self.state.get("path")
        self.old = was.rstrip("/") if isinstance(was, str) and was else None

    def _name_hidden(self) -> bool:
        """The old copies the delta hides, named from the parts if not yet; False: the parts are not
        as their manifest says (they are indexed again)."""
        if self.hidden is None:
            try:
                self.hidden = _hidden(self.output / BUNDLE_DIR, self.manifest, self.positions)
            except _Rebuild:
                self.whole = True
                return False
        return True

    def abandon(self) -> None:
        """Stop Pagefind if it runs; remove what was made (the whole staging folder if it is this one's)."""
        if self.indexer is not None:
            self.indexer.kill()
            self.indexer = None
        if self.staging is not None:
            if self.own:
                shutil.rmtree(self.staging, ignore_errors=True)
            else:
                for name in (getattr(self, "name", None), MANIFEST):
                    if name:
                        path = self.staging / name
                        if path.is_dir():
                            shutil.rmtree(path, ignore_errors=True)
                        else:
                            with contextlib.suppress(FileNotFoundError):
                                path.unlink()


@dataclass
class Delta:
    """A delta made beside the output (`staging`: its bundle `name`, if any, and the new parts.json)."""

    staging: Path
    output: Path
    name: str | None
    old: str | None  # the published delta's folder
    own: bool = True  # the staging folder is the delta's alone (removed once published or abandoned)

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
            try:  # into the staging folder, removed with it (the caller may do that while it saves)
                os.rename(bundle / self.old, self.staging / f"replaced-{self.old}")
            except OSError:  # (another file system, say)
                shutil.rmtree(bundle / self.old)
        if self.own:
            shutil.rmtree(self.staging, ignore_errors=True)
        return [f"{BUNDLE_DIR}/{MANIFEST}"], added, removed

    def abandon(self) -> None:
        if self.own:
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        for name in (self.name, MANIFEST):
            if name:
                shutil.rmtree(self.staging / name, ignore_errors=True)
                with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                    (self.staging / name).unlink()


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


def _version(bundle: Path) -> str | None:
    """The version of the Pagefind that wrote a bundle (its pagefind-entry.json says)."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        return entry.get("version") if isinstance(entry, dict) else None
    except (OSError, ValueError):
        return None


def _same_pagefind(published: str | None) -> bool:
    """The published parts were written by the Pagefind installed now (a delta must match them).
    Asked only when no delta is indexed: else the delta's own entry says which Pagefind wrote it
    (and importlib.metadata is not imported: ~0.03 s)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return published is not None and published == version("pagefind")
    except PackageNotFoundError:
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
