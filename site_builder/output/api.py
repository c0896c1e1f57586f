"""The JSON export: api/papers.json and api/summaries.json (a stable contract)."""
from __future__ import annotations

import json
from typing import Any, AnyStr

from .. import provenance as prov
from ..catalog import Catalog, Paper, Summary


def paper_json(paper: Paper) -> dict[str, Any]:
    m = paper.meta
    return {
        "id": paper.id,
        "title": m.title,
        "authors": list(m.authors),
        "year": m.year,
        "venue": m.venue,
        "keywords": list(m.keywords),
        "topics": list(paper.topics),
        "abstract": m.abstract,
        "first_published": m.first_published,
        "links": dict(sorted(m.links.items())),
        "url": paper.url,
        "summaries": [s.id for s in paper.summaries],
        # where each value came from (docs/catalog.md: "Where values come from")
        "sources": paper_sources(paper),
    }


def paper_sources(paper: Paper) -> dict[str, str]:
    out = prov.all_sources(paper.meta)
    for topic, source in paper.topic_sources.items():
        out[f"topics.{topic}"] = source
    return dict(sorted(out.items()))


def summary_json(s: Summary) -> dict[str, Any]:
    r = s.record
    return {
        "id": s.id,
        "paper_id": s.paper.id if s.paper else None,
        "source": r.source,
        "origins": sorted(r.origins),
        "source_url": r.source_url,
        "contributor": r.contributor,
        "editor": r.editor,
        "presenter": r.presenter,
        "presented_on": r.presented_on,
        "collection": r.collection,
        "date": r.date,
        "comments": r.comments,
        "url": s.url,
        "text": s.text,
        "title": s.display_title,
    }


# One encoder for every line: json.dumps with these options makes a new encoder (and its C
# scanner) per call, 20,000 times at 10,000 summaries.
_LINE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def record_line(record: dict[str, Any]) -> str:
    return _LINE.encode(record)


def join_lines(lines: list[AnyStr]) -> AnyStr:
    """A JSON array with one record per line: easy to diff and grep, and written by
    json's C encoder (which `indent=` would switch off; it matters at 10,000 records).

    Lines may also be UTF-8 bytes (an incremental rebuild keeps them encoded:
    joining bytes is a plain copy, joining text with any non-ASCII is not)."""
    if not lines:
        return "[]\n"  # type: ignore[return-value]
    frame = ("[\n", ",\n", "\n]\n")
    start, sep, end = frame if isinstance(lines[0], str) else (part.encode() for part in frame)
    if len(lines) == 1:
        return start + lines[0] + end
    # One join, one copy: `start + sep.join(lines) + end` copies tens of MB three times.
    return sep.join([start + lines[0], *lines[1:-1], lines[-1] + end])


def dumps(records: list[Any]) -> str:
    return join_lines([record_line(r) for r in records])


def summary_line(s: Summary) -> bytes:
    """A summary's line of api/summaries.json, UTF-8 (joining bytes is a plain copy)."""
    return record_line(summary_json(s)).encode("utf-8")


def summary_lines(catalog: Catalog) -> dict[str, bytes]:
    """Summary id -> its line of api/summaries.json, in the file's order."""
    return {s.id: summary_line(s) for s in sorted(catalog.summaries, key=lambda s: s.id)}


def api_files(catalog: Catalog, lines: dict[str, bytes] | None = None) -> dict[str, str | bytes]:
    """The export's files: papers.json as text, summaries.json as UTF-8 bytes (tens of MB: encoded
    line by line, never as one more copy). `lines`: summary_lines(catalog), if made already."""
    papers = sorted(catalog.papers, key=lambda p: p.id)
    return {
        "api/papers.json": dumps([paper_json(p) for p in papers]),
        "api/summaries.json": join_lines(list((lines or summary_lines(catalog)).values())),
    }
