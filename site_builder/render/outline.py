"""Re-level a summary's headings so they sit under the summary's own heading.

A summary is shown inside a page that already has an <h1> (the paper) and an
<h2> (the summary), but authors start their outline wherever they like ("#" in
Markdown, "====" in wikitext) and skip levels. Skipped levels break the page
outline for screen readers and are errors for the W3C checker, so each heading
goes exactly one level below its parent in the author's outline: the nearest
heading before it with a smaller level, or the summary heading when there is
none. Siblings in the source (same parent, same level) are siblings on the page,
and a skipped level closes up for all of them, not only the first.
"""
from __future__ import annotations

import re

# Only our renderers write tags (raw HTML in summaries is escaped), so headings
# are exactly "<hN ...>...</hN>" and never nest.
_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])")


def relevel_headings(html: str, parent_level: int = 2) -> str:
    if "<h" not in html:
        return html
    tags = _HEADING_TAG.findall(html)
    levels = _levels(tags, parent_level)
    if all(new == int(level) for new, (_, level) in zip(levels, tags)):
        return html  # every heading keeps its level (most Markdown): no substitution
    at = iter(levels)
    return _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{next(at)}", html)


def _levels(tags: list[tuple[str, str]], parent_level: int) -> list[int]:
    """The page level of each heading tag ("/" or "", its level), an end tag's that of its heading."""
    open_sections: list[tuple[int, int]] = []  # (source level, page level) of the headings above
    current = parent_level + 1
    out: list[int] = []
    for closing, digit in tags:
        if not closing:
            level = int(digit)
            while open_sections and open_sections[-1][0] >= level:
                open_sections.pop()
            current = min((open_sections[-1][1] if open_sections else parent_level) + 1, 6)
            open_sections.append((level, current))
        out.append(current)
    return out
