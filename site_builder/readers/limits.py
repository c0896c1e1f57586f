"""Size limits on what one record may hold.

A whole input file is capped by `max_input_mb` (see readers.read_file). Inside a
file, one summary body is capped too: rendering is linear but slow (a megabyte of
Markdown takes seconds), and a body this long is a scraping accident, not a summary.
"""
from __future__ import annotations

from ..records import Diagnostic

# ~50x the longest real summary seen in the scrapes.
MAX_SUMMARY_CHARS = 500_000


def oversized(body: str, name: str, *, what: str, line: int | None = None, entry: int | None = None) -> Diagnostic | None:
    """A diagnostic when `body` is over the limit (the caller skips the record), else None."""
    if len(body) <= MAX_SUMMARY_CHARS:
        return None
    return Diagnostic(
        name,
        f"{what} is {len(body):,} characters long, over the {MAX_SUMMARY_CHARS:,}-character limit for one summary; skipped",
        line=line, entry=entry, level="error",
    )
