"""Sort keys shared by the catalog and the pages, so "newest first" means one thing."""
from __future__ import annotations

from .model import Summary


def descending(text: str) -> tuple[int, ...]:
    """A key that sorts strings (ISO dates) from last to first inside an ascending sort."""
    return tuple(-ord(c) for c in text)


def newest_summary_first(s: Summary) -> tuple:
    """Newest first; undated summaries after dated ones, then by id for stability."""
    return (s.sort_date == "", descending(s.sort_date), s.id)
