"""Full-text search: the catalog's papers and unidentified summaries as Pagefind records.

What is searched is decided here, from what the build already computed: per
paper its title, authors, the plain text of each summary (TeX turned into
readable text by `render/plaintext.py`) and the abstract; per summary whose
paper is not identified its title and text. Pages are not read back from disk.
Listings, taxonomies and home are not results.

Values reach Pagefind's default UI in two ways (pagefind_ui/default/svelte,
1.5.2): titles and meta tags are rendered as text, but filter names and values
go through `{@html}` and so are HTML-escaped here; the excerpt is built by
Pagefind's JS from the content with `<` and `>` escaped and `<mark>` added
(`static/assets/search.js` escapes `&` too, see there).

The index is split into parts of about PART_CHARS characters of content, each
written by its own Pagefind process (`output/pagefind.py`), so that no process
holds more than a few hundred MB: part 0 is the bundle at `pagefind/`, part N
at `pagefind/part-N/`, which the search page merges (Pagefind's `mergeIndex`).
A record's part depends only on its URL and the number of parts, and
`pagefind/parts.json` records a digest of each part's records: a later build
(full or incremental) links an unchanged part from the published site instead
of indexing it again. After a text edit, an incremental build indexes only the
edited results, into a delta bundle beside the parts (output/search_delta.py).
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import SiteConfig
from . import scratch
from .confine import Folder
from .pagefind import IndexerRun, Record, SearchIndexError, executable, run_indexers

if TYPE_CHECKING:
    from ..catalog import Catalog, Paper, Summary

__all__ = ["BUNDLE_DIR", "SearchIndexError", "search_records", "write_search_index", "stage_search_index",
           "remove_stale_indexes"]

BUNDLE_DIR = "pagefind"
MANIFEST = "parts.json"
DELTA_DIR = "delta"  # delta-<digest>/: the pages edited since the parts were indexed (output/search_delta.py)
# Content characters per part. Pagefind's indexer peaks at about 30-40 bytes of
# resident memory per character it indexes (benchmarks/README.md): about 500 MB a part.
PART_CHARS = 16_000_000
SOURCE_NAMES = {"shortscience": "ShortScience", "statwiki": "statwiki", "markdown": "Markdown"}
TITLE_WEIGHT, AUTHORS_WEIGHT = 7, 3  # the title's and authors' words count 7 and 3 times in ranking
FILTERS = ("year", "topic", "venue", "source")  # each record's filters (the search page reads them from MANIFEST)
# A word Pagefind would take for one of its private markers (fossick/mod.rs): a zero-width
# space in front makes it an ordinary word (Pagefind drops the space from the indexed word).
_PRIVATE = re.compile(r"(?<!\S)(?=___(?:END_)?PAGEFIND_)")
# Pagefind's HTML reader ends each block with a full stop when it ends in one of these (parser.rs).
_SENTENCE_END = re.compile(r"[\w'\")$*]\Z")
# PagefindUI imports `${bundlePath}pagefind.js`; the search page's bundlePath is assets/search/, where
# this re-export stands for Pagefind's module with the query rule of assets/search/query-rule.js.
ENGINE_SHIM = ("assets/search/pagefind.js",
               "// Written by site-builder: Pagefind's module with the search page's query rule.\n"
               'export * from "./query-rule.js";\n')


def engine_files(config: SiteConfig) -> dict[str, str]:
    """The generated file the search page's Pagefind UI loads (none without search)."""
    return dict([ENGINE_SHIM]) if config.search else {}


def _block(text: str, weight: int = 1) -> str:
    text = " ".join(text.split())
    if "___" in text:
        text = _PRIVATE.sub("\u200b", text)
    if _SENTENCE_END.search(text):
        text += "."
    # Pagefind's own marker for a weighted block (what its HTML reader makes of data-pagefind-weight).
    return f"___PAGEFIND_WEIGHT___{weight} {text} ___END_PAGEFIND_WEIGHT___" if weight != 1 else text


def _content(*parts: str | tuple[str, int]) -> str:
    blocks = [p if isinstance(p, tuple) else (p, 1) for p in parts]
    return " ".join(_block(text, weight) for text, weight in blocks if text and text.strip())


def _filters(year: int | None, topics: list[str], venue: str | None, summaries: list[Summary]) -> dict[str, list[str]]:
    raw = dict(zip(FILTERS, (
        [str(year or "unknown")],
        list(topics),
        [venue] if venue else [],
        sorted({SOURCE_NAMES.get(s.record.source, s.record.source) for s in summaries}),
    )))
    # The default UI renders filter values as HTML: escaped here, they show as the text they are.
    return {k: [html.escape(v, quote=False) for v in vs] for k, vs in raw.items() if vs}


def paper_record(paper: Paper) -> Record:
    return Record(
        url=paper.url,
        content=_content((paper.title, TITLE_WEIGHT), (", ".join(paper.meta.authors or []), AUTHORS_WEIGHT),
                         *(s.text for s in paper.summaries), paper.meta.abstract or ""),
        meta={"title": paper.title, "year": str(paper.year or "unknown")},
        filters=_filters(paper.year, paper.topics, paper.meta.venue, paper.summaries),
    )


def summary_record(summary: Summary) -> Record:
    return Record(
        url=summary.url,
        content=_content((summary.display_title, TITLE_WEIGHT), summary.text),
        meta={"title": summary.display_title, "year": "unknown"},
        filters=_filters(None, [], None, [summary]),
    )


def edited_records(edited: list[Summary]) -> dict[str, Record]:
    """URL -> the search record of each result that shows one of the summaries `edited`."""
    out = {}
    for s in edited:
        r = paper_record(s.paper) if s.paper is not None else summary_record(s)
        out[r.url] = r
    return out


def search_records(catalog: Catalog) -> list[Record]:
    """Every search result of the site, in URL order (the order fixes Pagefind's page numbers)."""
    records = [paper_record(p) for p in catalog.papers] + [summary_record(s) for s in catalog.unidentified]
    records.sort(key=lambda r: r.url)
    return records


def part_count(records: list[Record]) -> int:
    return max(1, -(-sum(len(r.content) for r in records) // PART_CHARS))


def part_of(url: str, count: int) -> int:
    return int.from_bytes(hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest(), "big") % count


def part_path(j: int) -> str:
    return "" if j == 0 else f"part-{j}/"


def _identity(language: str, count: int) -> str:
    """What else a part's bytes depend on: the indexer (its version and size), the language, the number of parts."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("pagefind")
    except PackageNotFoundError:
        release = "?"
    return f"pagefind {release}\0{os.stat(executable()).st_size}\0{language}\0{count}"


def _part_digest(identity: str, records: list[Record]) -> str:
    h = hashlib.blake2b(identity.encode("utf-8"), digest_size=20)
    for r in records:
        h.update(json.dumps([r.url, r.content, r.meta, r.filters], ensure_ascii=False, sort_keys=True).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _manifest(bundle: Path) -> list[dict]:
    try:
        data = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
        return list(data["parts"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _has_delta(bundle: Path) -> bool:
    try:
        return bool(json.loads((bundle / MANIFEST).read_text(encoding="utf-8")).get("delta"))
    except (OSError, ValueError, AttributeError):
        return False


def _plan(records: list[Record], language: str) -> tuple[list[list[Record]], list[str]]:
    """The records of each part, and each part's digest."""
    count = part_count(records)
    parts: list[list[Record]] = [[] for _ in range(count)]
    for r in records:
        parts[part_of(r.url, count)].append(r)
    identity = _identity(language, count)
    return parts, [_part_digest(identity, p) for p in parts]


def write_search_index(records: list[Record], bundle: Path, config: SiteConfig, *, previous: Path | None = None,
                       jobs: int = 1) -> list[IndexerRun]:
    """Write the search bundle for `records` into the (new, empty) folder `bundle`.

    Parts whose records are those of a part of the bundle at `previous` (the
    published one) are hard-linked from it. Returns the indexers that ran (one per part not linked).
    """
    parts, digests = _plan(records, config.language)
    old = _manifest(previous) if previous is not None else []
    bundle.mkdir(parents=True, exist_ok=True)
    todo: list[tuple[list[Record], Path]] = []
    for j, (part, d) in enumerate(zip(parts, digests)):
        dest = bundle / part_path(j)
        same = len(old) == len(parts) and old[j].get("digest") == d and old[j].get("path") == part_path(j)
        if not (same and previous is not None and _link_part(previous / part_path(j), dest, top=j == 0)):
            todo.append((part, dest))
    runs = run_indexers(todo, config.language, parallel=jobs)
    manifest = {"filters": list(FILTERS), "parts": [{"path": part_path(j), "digest": d} for j, d in enumerate(digests)]}
    Folder(bundle).write(MANIFEST, json.dumps(manifest, sort_keys=True).encode("utf-8"))
    return runs


def _link_part(src: Path, dest: Path, *, top: bool) -> bool:
    """Hard-link (or copy) a part's files from the published bundle; False, having written nothing,
    if it is not a plain, complete part there (a symlink in it is not followed but refused)."""
    if not (src / "pagefind-entry.json").is_file():
        return False
    files: list[str] = []
    for folder, dirs, names in os.walk(src):
        rel = Path(folder).relative_to(src).as_posix()
        if top and rel == ".":
            dirs[:] = [d for d in dirs if not re.fullmatch(rf"part-\d+|{DELTA_DIR}-[0-9a-f]+", d)]
            names = [n for n in names if n != MANIFEST]
        prefix = "" if rel == "." else f"{rel}/"
        for name in dirs + names:
            if os.path.islink(os.path.join(folder, name)):
                return False
        files += [prefix + name for name in names]
    dest.mkdir(parents=True, exist_ok=True)
    target = Folder(dest)
    for rel in sorted(files):
        parent = rel.rpartition("/")[0]
        if parent:
            target.mkdir(parent)
        try:
            target.link(src / rel, rel)
        except OSError:  # a file system without hard links
            target.copy(src / rel, rel)
    return True


# -- the incremental path: a new index beside the output, swapped in at once ------------------


def stage_search_index(records: list[Record], output: Path, config: SiteConfig, jobs: int = 1) -> Path | None:
    """A complete new bundle in a folder beside `output` (same file system: swapped in by a rename).

    None when every part is unchanged (nothing to swap). The folder carries a
    marker, so that a build killed meanwhile leaves something `remove_stale_indexes` knows is ours.
    """
    current = output / BUNDLE_DIR
    if [o.get("digest") for o in _manifest(current)] == _plan(records, config.language)[1] \
            and not _has_delta(current):
        return None
    staging = new_staging(output)
    try:
        write_search_index(records, staging / BUNDLE_DIR, config, previous=current, jobs=jobs)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def new_staging(output: Path) -> Path:
    """An empty folder beside `output`, marked as ours (output/scratch.py)."""
    return scratch.make(output, "pagefind")


def remove_stale_indexes(output: Path) -> None:
    """Remove the folders killed builds left beside `output` (only ours: marked, owner gone)."""
    scratch.remove_stale(output)
    return True
