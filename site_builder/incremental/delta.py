"""Is an edit to an input file only a change of summary text? Then which summaries, and their new text."""
from __future__ import annotations

from dataclasses import replace

from ..records import ReadResult


def text_edits(old: ReadResult, new: ReadResult) -> dict[str, str] | None:
    """Summary id -> new body, when `new` differs from `old` in bodies only; None otherwise.

    Everything else a reader gives (ids, order, paper metadata, dates, titles,
    collections) must be equal, so the catalog's structure (papers, taxonomies,
    pages, sort orders) cannot have changed.
    """
    if len(old.records) != len(new.records) or old.collections != new.collections:
        return None
    edits: dict[str, str] = {}
    for a, b in zip(old.records, new.records):
        if replace(b, body=a.body) != a:
            return None
        if a.body != b.body:
            if b.id in edits:
                return None  # the same id twice in one file: merged, not a simple edit
            edits[b.id] = b.body
    return edits
