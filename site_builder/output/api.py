"""The JSON export: api/papers.json and api/summaries.json (a stable contract)."""
from __future__ import annotations

import json
from typing import Any

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
    }


def summary_json(s: Summary) -> dict[str, Any]:
    r = s.record
    return {
        "id": s.id,
        "paper_id": s.paper.id if s.paper else None,
        "source": r.source,
        "origins": sorted(r.origins),
        "source_url": r.source_url,
        "contributor": r.contributor,
        "collection": r.collection,
        "date": r.date,
        "comments": r.comments,
        "url": s.url,
        "text": s.text,
        "title": s.display_title,
    }


def record_line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def join_lines(lines: list[str]) -> str:
    """A JSON array with one record per line: easy to diff and grep, and written by
    json's C encoder (which `indent=` would switch off; it matters at 10,000 records)."""
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


def join_encoded(lines: list[bytes]) -> bytes:
    """join_lines(lines) as UTF-8, from lines already encoded (joining bytes is a plain copy)."""
    return b"[\n" + b",\n".join(lines) + b"\n]\n" if lines else b"[]\n"


def dumps(records: list[Any]) -> str:
    return join_lines([record_line(r) for r in records])


def api_files(catalog: Catalog) -> dict[str, str]:
    papers = sorted(catalog.papers, key=lambda p: p.id)
    summaries = sorted(catalog.summaries, key=lambda s: s.id)
    return {
        "api/papers.json": dumps([paper_json(p) for p in papers]),
        "api/summaries.json": dumps([summary_json(s) for s in summaries]),
    }
