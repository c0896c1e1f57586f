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

from ..records import MARKUP_MARKDOWN, SOURCES, Diagnostic, PaperMeta, ReadResult, SummaryRecord

_FRONT = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?", re.S | re.M)
# In front matter `title` is the paper's title and `source` the summary's source
# (shortscience/statwiki/markdown); the summary's own title is `summary_title` and
# where the paper metadata came from is `metadata_source`.
PAPER_KEYS = {f.name for f in fields(PaperMeta)} - {"source"} | {"metadata_source"}
RECORD_KEYS = {f.name for f in fields(SummaryRecord)} - {"paper", "body", "title"} | {"summary_title"}
KNOWN = PAPER_KEYS | RECORD_KEYS


def looks_like(text: str) -> bool:
    return bool(_FRONT.match(text))


def _iso(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


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
        result.diagnostics.append(Diagnostic(name, "no YAML front matter (--- ... ---) at the top", line=1))
        return result
    try:
        data = yaml.safe_load(m.group("yaml")) or {}
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
    body = text[m.end():].strip("\n")
    paper = PaperMeta(
        title=str(data.get("title") or ""),
        authors=_list(data.get("authors")),
        venue=str(data.get("venue") or ""),
        year=int(data["year"]) if str(data.get("year") or "").isdigit() else None,
        source=str(data.get("metadata_source") or ""),
        keywords=_list(data.get("keywords")),
        first_published=_iso(data.get("first_published")),
        abstract=str(data.get("abstract") or "").strip(),
        links={str(k): str(v) for k, v in (data.get("links") or {}).items()},
    )
    source = str(data.get("source") or "markdown")
    if source not in SOURCES:
        result.diagnostics.append(Diagnostic(name, f"source '{source}' is not one of {', '.join(SOURCES)}; using markdown", line=2))
        source = "markdown"
    comments = data.get("comments")
    record = SummaryRecord(
        id=str(data.get("id") or "md-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]),
        source=source,
        markup=str(data.get("markup") or MARKUP_MARKDOWN),
        body=body,
        origins=_list(data.get("origins")) or [name],
        paper=paper,
        source_url=data.get("source_url"),
        contributor=data.get("contributor"),
        collection=data.get("collection"),
        date=_iso(data.get("date")),
        comments=int(comments) if isinstance(comments, int) else None,
        title=str(data.get("summary_title") or ""),
        presenter=data.get("presenter"),
        presented_on=_iso(data.get("presented_on")),
        revision=data.get("revision"),
        aliases=_list(data.get("aliases")),
    )
    result.records.append(record)
    return result


def dump(record: SummaryRecord) -> str:
    """The record as a Markdown file with front matter; `read` gives it back unchanged."""
    meta = record.paper
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
        "source": record.source,
        "markup": record.markup,
        "origins": record.origins,
        "source_url": record.source_url,
        "contributor": record.contributor,
        "collection": record.collection,
        "date": record.date,
        "comments": record.comments,
        "summary_title": record.title,
        "presenter": record.presenter,
        "presented_on": record.presented_on,
        "revision": record.revision,
        "aliases": record.aliases,
    }
    data = {k: v for k, v in data.items() if v not in (None, "", [], {})}
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n{record.body}\n"
