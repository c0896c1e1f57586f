"""Previous and next entry within a course, a year and a topic, for the foot of each paper page.

A course runs in presentation order (the course table's date, then its row
order); a year or a topic in its listing's "Newest" order, so "next" is the entry
below on the page the reader came from. Worked out once per build for every
entry (linear in the taxonomy memberships), then looked up per page.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from ..catalog import Catalog, Paper, Summary, Term

Entry = Paper | Summary
# Which taxonomies a paper page walks through, and how each names itself there.
WALKS = (("collections", "course"), ("years", "year"), ("topics", "topic"))


def presentation_key(term: Term, listing_key: Callable[[Any], Any]) -> Callable[[Entry], tuple]:
    """Order within a course: presented first by date, then by the course table's row; the rest after."""

    def key(entry: Entry) -> tuple:
        summaries = entry.summaries if isinstance(entry, Paper) else [entry]
        slots = [(s.record.presented_on or "\uffff", s.record.presented_order if s.record.presented_order is not None
                  else 1 << 30) for s in summaries if s.record.collection == term.key]
        first = min(slots, default=("\uffff", 1 << 30))
        return (*first, listing_key(entry))

    return key


def _link(entry: Entry | None) -> tuple[str, str] | None:
    """(site path, title) of an entry: plain values, so a page depends on its neighbours' titles alone."""
    if entry is None:
        return None
    return entry.url, entry.title if isinstance(entry, Paper) else entry.display_title


def neighbour_map(catalog: Catalog, listing_key: Callable[[Any], Any]) -> dict[str, list[tuple]]:
    """Entry URL -> [(kind, term name, term path, previous, next)], one per course, year and topic
    the entry is in that has another entry (kinds in WALKS order); previous and next are
    (site path, title), or None at the ends."""
    out: dict[str, list[tuple]] = {}
    links: dict[int, tuple[str, str]] = {}  # id(entry) -> _link(entry): each entry is in several terms

    def link(entry: Entry) -> tuple[str, str]:
        found = links.get(id(entry))
        if found is None:
            found = links[id(entry)] = _link(entry)
        return found

    for tax_key, kind in WALKS:
        tax = catalog.taxonomies.get(tax_key)
        if tax is None:
            continue
        for term in tax.terms:
            entries: list[Entry] = [*term.papers, *term.summaries]
            if len(entries) < 2:
                continue
            key = presentation_key(term, listing_key) if tax_key == "collections" else listing_key
            entries.sort(key=key)
            path = tax.url(term)
            row = [link(e) for e in entries]
            last = len(row) - 1
            for i, here in enumerate(row):
                out.setdefault(here[0], []).append((kind, term.name, path, row[i - 1] if i > 0 else None,
                                                    row[i + 1] if i < last else None))
    return out


def install(env, table: Mapping[str, list[tuple]]) -> None:
    """`table`: neighbour_map's (or the session store's rows of it, read by key)."""
    env.globals.update(neighbours=lambda entry: table.get(entry.url, []))
