"""Reader for native records: one summary per Markdown file with YAML front matter.

This is what `site-builder import` writes and what a person writes by hand:

    ---
    title: Attention Is All You Need
    authors: [Ashish Vaswani, Noam Shazeer]
    year: 2017
    keywords: [cs.CL, cs.LG]
    links: {arxiv: https://arxiv.org/abs/1706.03762}
    contributor: jdoe
    date: 2024-05-01
    ---
    The summary, in Markdown.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import fields
from typing import Any

import yaml

from ..records import MARKUP_MARKDOWN, SOURCES, Collection, Diagnostic, PaperMeta, ReadResult, SummaryRecord
from ..render.html import safe_url
from ..text import clean_text
from .limits import oversized
from .paths import path_value
from .yamlload import safe_load

_FRONT = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?", re.S | re.M)
_OPENING = re.compile(r"\A---[ \t]*\r?\n")
# In front matter `title` is the paper's title and `source` the summary's source
# (shortscience/statwiki/markdown); the summary's own title is `summary_title` and
# where the paper metadata came from is `metadata_source`.
PAPER_KEYS = {f.name for f in fields(PaperMeta)} - {"source"} | {"metadata_source"}
# `collection_name` and `collection_url` describe the record's `collection` (a statwiki course's
# display name and page), so that `import` followed by `build` keeps them.
RECORD_KEYS = {f.name for f in fields(SummaryRecord)} - {"paper", "body", "title"} | {
    "summary_title", "collection_name", "collection_url"}
KNOWN = PAPER_KEYS | RECORD_KEYS


def looks_like(text: str) -> bool:
    # An opening `---` alone is enough: front matter never closed is reported, not unknown.
    return bool(_OPENING.match(text))


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def read(text: str, name: str) -> ReadResult:
    result = ReadResult()
    m = _FRONT.match(text)
    if not m:
        message = ("front matter opened by '---' on line 1 is never closed by a '---' line; skipped"
                   if _OPENING.match(text) else "no YAML front matter (--- ... ---) at the top")
        result.diagnostics.append(Diagnostic(name, message, line=1, level="error"))
        return result
    try:
        data = safe_load(m.group("yaml")) or {}
    except RecursionError:  # pathologically nested flow collections
        result.diagnostics.append(Diagnostic(name, "front matter is nested too deeply to read", line=2, level="error"))
        return result
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        result.diagnostics.append(
            Diagnostic(name, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}",
                       line=(mark.line + 2) if mark else 1, column=(mark.column + 1) if mark else None, level="error")
        )
        return result
    if not isinstance(data, dict):
        result.diagnostics.append(Diagnostic(name, "front matter must be a mapping of keys to values", line=2, level="error"))
        return result
    unknown = sorted(str(k) for k in data if k not in KNOWN)
    for key in unknown:
        result.diagnostics.append(Diagnostic(name, f"unknown front matter key '{key}' ignored", line=2))
    draft = _draft(data.pop("draft", False), name, _key_line(m.group("yaml"), "draft"), result)
    data = _checked_types(data, name, result)
    data = _cleaned(data, m.group("yaml"), name, result)
    body = text[m.end():].strip("\n")
    body_line = text.count("\n", 0, m.end()) + 1
    too_big = oversized(body, name, what="the body", line=body_line)
    if too_big:
        result.diagnostics.append(too_big)
        return result
    if not body.strip():  # found by fuzzing: it made an empty, untitled summary page
        result.diagnostics.append(Diagnostic(name, "no summary text after the front matter; skipped", line=body_line))
        return result
    front = m.group("yaml")

    def date(key: str) -> str | None:
        return _date(key, data.get(key), name, _key_line(front, key), result)

    paper = PaperMeta(
        title=str(data.get("title") or ""),
        authors=_list(data.get("authors")),
        venue=str(data.get("venue") or ""),
        year=_year(data.get("year"), name, _key_line(front, "year"), result),
        source=str(data.get("metadata_source") or ""),
        keywords=_list(data.get("keywords")),
        first_published=date("first_published"),
        abstract=str(data.get("abstract") or "").strip(),
        links=_safe_links(data.get("links") or {}, name, result),
        # where each value came from, when the record was exported from a scrape (`import`)
        sources={str(k): str(v) for k, v in (data.get("metadata_sources") or {}).items() if v is not None},
    )
    source = str(data.get("source") or "markdown")
    if source not in SOURCES:
        result.diagnostics.append(Diagnostic(name, f"source '{source}' is not one of {', '.join(SOURCES)}; using markdown", line=2))
        source = "markdown"
    comments = data.get("comments")
    record_id = path_value("id", str(data["id"]), name, _key_line(front, "id"), result) if data.get("id") else None
    collection = data.get("collection")
    if collection:
        key = path_value("collection", str(collection), name, _key_line(front, "collection"), result)
        if key != collection:  # the page keeps the name as written
            result.collections.append(Collection(key=key, name=str(collection)))
        collection = key
    record = SummaryRecord(
        id=record_id or "md-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12],
        source=source,
        markup=str(data.get("markup") or MARKUP_MARKDOWN),
        body=body,
        origins=_list(data.get("origins")) or [name],
        paper=paper,
        source_url=_safe_links({"source_url": data["source_url"]}, name, result).get("source_url") if "source_url" in data else None,
        contributor=data.get("contributor"),
        editor=data.get("editor"),
        collection=collection,
        date=date("date"),
        comments=int(comments) if isinstance(comments, int) else None,
        votes=data.get("votes"),
        title=str(data.get("summary_title") or ""),
        presenter=data.get("presenter"),
        presented_on=date("presented_on"),
        presented_order=data.get("presented_order"),
        revision=data.get("revision"),
        aliases=_list(data.get("aliases")),
        draft=draft,
    )
    result.records.append(record)
    if record.collection and data.get("collection_name"):
        url = _safe_links({"collection_url": data["collection_url"]}, name, result).get("collection_url") \
            if "collection_url" in data else None
        result.collections.append(Collection(key=str(record.collection), name=str(data["collection_name"]), source_url=url))
    return result


def _draft(value: Any, name: str, line: int, result: ReadResult) -> bool:
    """`draft:` is true or false; anything else is reported and taken as a draft, since
    whoever wrote it most likely meant to keep the record off the site."""
    if value is None or isinstance(value, bool):
        return bool(value)
    result.diagnostics.append(Diagnostic(
        name, f"front matter key 'draft' should be true or false, not {str(value)[:40]!r}; taken as a draft", line=line))
    return True


MIN_YEAR, MAX_YEAR = 1000, 2999


def _year(value: Any, name: str, line: int, result: ReadResult) -> int | None:
    """A paper year, or None with a warning for anything that is not one."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if text.isdigit() and MIN_YEAR <= int(text) <= MAX_YEAR:
        return int(text)
    result.diagnostics.append(Diagnostic(
        name, f"year {text[:40]!r} is not a year (a number from {MIN_YEAR} to {MAX_YEAR}); ignored", line=line))
    return None


def _date(key: str, value: Any, name: str, line: int, result: ReadResult) -> str | None:
    """An ISO date or date-time as text, or None with a warning (never a made-up date)."""
    if value is None or value == "":
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value).strip()
    try:
        parsed = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        parsed = None
    if parsed is not None and len(text) >= 10 and MIN_YEAR <= parsed.year <= MAX_YEAR:
        return text
    result.diagnostics.append(Diagnostic(
        name, f"{key} {text[:40]!r} is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS); ignored", line=line))
    return None


def _cleaned(data: dict, front: str, name: str, result: ReadResult) -> dict:
    """Front matter values without control characters or lone surrogates (one warning per key):
    no page, feed or export could hold them."""
    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return clean_text(value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {clean(k): clean(v) for k, v in value.items()}
        return value

    out = {}
    for key, value in data.items():
        out[key] = clean(value)
        if out[key] != value:
            result.diagnostics.append(Diagnostic(
                name, f"front matter key '{key}' holds control characters or invalid code points; removed",
                line=_key_line(front, key)))
    return out


def _key_line(front: str, key: str) -> int:
    """The line of the file where front matter key `key` is (the front matter starts on line 2)."""
    found = re.search(rf"^{re.escape(key)}[ \t]*:", front, re.M)
    return 2 + (front.count("\n", 0, found.start()) if found else 0)


# What each key must hold; a value of another shape is reported and dropped, because
# everything downstream (templates, JSON, catalog) relies on these shapes.
_SCALAR = (str, int, float, dt.date)
_LIST = (list, str)
_SHAPES: dict[str, tuple[type, ...]] = {
    "title": _SCALAR, "venue": _SCALAR, "year": (int, str), "metadata_source": _SCALAR,
    "first_published": _SCALAR, "abstract": _SCALAR, "id": _SCALAR, "source": (str,), "markup": (str,),
    "source_url": (str,), "contributor": _SCALAR, "editor": _SCALAR, "metadata_sources": (dict,), "collection": _SCALAR, "date": _SCALAR,
    "comments": (int,), "summary_title": _SCALAR, "presenter": _SCALAR, "presented_on": _SCALAR,
    "revision": (int,), "votes": (int,), "presented_order": (int,), "links": (dict,), "authors": _LIST, "keywords": _LIST, "origins": _LIST,
    "aliases": _LIST, "collection_name": _SCALAR, "collection_url": (str,),
}


def _safe_links(links: dict, name: str, result: ReadResult) -> dict[str, str]:
    """Links with a script-capable URL (javascript:, data:...) dropped and reported:
    the JSON export hands them to other programs, which may not check."""
    out: dict[str, str] = {}
    for key, url in links.items():
        if url is None:
            continue
        if safe_url(str(url)) is None:
            result.diagnostics.append(Diagnostic(name, f"front matter link '{key}' has an unsafe URL ({str(url)[:60]!r}); dropped", line=2))
            continue
        out[str(key)] = str(url)
    return out


def _checked_types(data: dict, name: str, result: ReadResult) -> dict:
    """`data` without values of the wrong shape (each reported); scalars become text."""
    clean: dict[str, Any] = {}
    for key, value in data.items():
        shape = _SHAPES.get(str(key))
        if value is None or shape is None:
            continue
        if isinstance(value, bool) or not isinstance(value, shape) or (
            isinstance(value, list) and not all(isinstance(v, _SCALAR) and not isinstance(v, bool) for v in value)
        ) or (isinstance(value, dict) and not all(isinstance(v, (str, type(None))) for v in value.values())):
            result.diagnostics.append(Diagnostic(
                name, f"front matter key '{key}' has a {type(value).__name__} value, which it cannot hold; ignored", line=2))
            continue
        if isinstance(value, float):
            value = str(value)
        if isinstance(value, (int, dt.date)) and shape is _SCALAR:
            value = value if key in ("date", "first_published", "presented_on") else str(value)
        clean[str(key)] = value
    return clean


def dump(record: SummaryRecord, collections: dict[str, Collection] | None = None) -> str:
    """The record as a Markdown file with front matter; `read` gives it back unchanged (and,
    from `collections`, the display name and page of its collection)."""
    meta = record.paper
    coll = (collections or {}).get(record.collection or "")
    data: dict[str, Any] = {
        "id": record.id,
        "title": meta.title,
        "authors": meta.authors,
        "venue": meta.venue,
        "year": meta.year,
        "metadata_source": meta.source,
        "keywords": meta.keywords,
        "first_published": meta.first_published,
        "abstract": meta.abstract,
        "links": meta.links,
        "metadata_sources": meta.sources,
        "source": record.source,
        "markup": record.markup,
        "origins": record.origins,
        "source_url": record.source_url,
        "contributor": record.contributor,
        "editor": record.editor,
        "collection": record.collection,
        "collection_name": coll.name if coll else None,
        "collection_url": coll.source_url if coll else None,
        "date": record.date,
        "comments": record.comments,
        "votes": record.votes,
        "summary_title": record.title,
        "presenter": record.presenter,
        "presented_on": record.presented_on,
        "presented_order": record.presented_order,
        "revision": record.revision,
        "aliases": record.aliases,
        "draft": record.draft or None,
    }
    data = {k: v for k, v in data.items() if v not in (None, "", [], {})}
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n{record.body}\n"
