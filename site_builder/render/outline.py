"""Re-level a summary's headings so they sit under the summary's own heading.

A summary is shown inside a page that already has an <h1> (the paper) and an
<h2> (the summary), but authors start their outline wherever they like ("#" in
Markdown, "====" in wikitext) and skip levels. Skipped levels break the page
outline for screen readers and are errors for the W3C checker, so the levels
an author used are ranked, placed below the summary heading, and never allowed
to go more than one level deeper than the heading before them.
"""
from __future__ import annotations

import re

# Only our renderers write tags (raw HTML in summaries is escaped), so headings
# are exactly "<hN ...>...</hN>" and never nest.
_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])")


def relevel_headings(html: str, parent_level: int = 2) -> str:
    levels = sorted({int(m.group(2)) for m in _HEADING_TAG.finditer(html) if not m.group(1)})
    if not levels:
        return html
    rank = {level: i for i, level in enumerate(levels)}
    previous = parent_level
    current = parent_level + 1

    def replace(m: re.Match) -> str:
        nonlocal previous, current
        if not m.group(1):
            current = min(parent_level + 1 + rank[int(m.group(2))], previous + 1, 6)
            previous = current
        return f"<{m.group(1)}h{current}"

    return _HEADING_TAG.sub(replace, html)
