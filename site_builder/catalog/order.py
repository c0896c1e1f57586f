"""Sort keys shared by the catalog and the pages, so "newest first" means one thing."""
from __future__ import annotations

from .model import Paper, Summary


def descending(text: str) -> tuple[int, ...]:
    """A key that sorts strings (ISO dates) from last to first inside an ascending sort."""
    return tuple(-ord(c) for c in text)


def newest_summary_first(s: Summary) -> tuple:
    """Newest first; undated summaries after dated ones, then by id for stability."""
    return (s.sort_date == "", descending(s.sort_date), s.id)


def paper_date(entry: Paper | Summary) -> str:
    """When the paper appeared, as far as known: its first-published date, else its year, else ""."""
    if not isinstance(entry, Paper):
        return ""  # a summary whose paper is not identified
    published = entry.meta.first_published or ""
    if len(published) >= 4 and published[:4].isdigit():
        return published[:10]
    return f"{entry.year:04d}" if entry.year else ""


def summary_date(entry: Paper | Summary) -> str:
    """The newest summary date of a paper (a wiki edit, a ShortScience post), or a summary's own."""
    return entry.newest_date if isinstance(entry, Paper) else entry.sort_date


def newest_paper_first(entry: Paper | Summary) -> tuple:
    """What "Newest" means on listings: the paper's date (first published, else year), newest first;
    within a year a known day before a year alone; then the newest summary; undated entries last.
    A wiki edit years after the paper appeared never makes an old paper "new"."""
    published, written = paper_date(entry), summary_date(entry)
    return (published == "", descending(published[:4]), len(published) <= 4, descending(published),
            written == "", descending(written))
