"""Jinja filters and helpers the templates use; formatting only, no data changes."""
from __future__ import annotations

import datetime as dt

from ..catalog import Catalog, Paper
from ..catalog.slugs import unique_slug
from ..config import SiteConfig
from ..derived import Derive, compute
from ..readers.names import last_first
from ..render.plaintext import excerpt
from .reading import paper_buttons

LINK_LABELS = {"arxiv": "arXiv", "pdf": "PDF", "doi": "DOI", "openreview": "OpenReview", "paper": "Paper", "code": "Code"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def format_date(value: str | None) -> str:
    """ISO date or datetime -> `7 April 2018`; anything else as it is."""
    if not value:
        return ""
    try:
        d = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def install(env, catalog: Catalog, config: SiteConfig, derive: Derive = compute) -> None:
    names = derive("collection_names", lambda: {c.key: c.name for c in catalog.collections})

    def author(name: str) -> str:
        return last_first(name) if config.author_names == "last-first" else name

    def paper_links(paper: Paper) -> list[tuple[str, str]]:
        """(label, URL) of the paper's buttons (output/reading.py paper_buttons, without the kind)."""
        return [(label, url) for _, label, url in paper_buttons(paper)]

    def mentioned_links(paper: Paper) -> list[tuple[str, str]]:
        """Scholarly links the summaries cite (other papers or this one), minus the paper's own."""
        own = set(paper.meta.links.values())
        seen: dict[str, str] = {}
        for s in paper.summaries:
            for kind, urls in s.found_links.items():
                for u in urls:
                    if u not in own:
                        seen.setdefault(u, LINK_LABELS.get(kind, kind))
        return [(label, u) for u, label in sorted(seen.items())]

    env.filters.update(slug=unique_slug, author=author, excerpt=excerpt, date=format_date)
    env.globals.update(mentioned_links=mentioned_links, collection_name=lambda key: names.get(key, key), paper_links=paper_links)
