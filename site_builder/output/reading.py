"""What a reader of a summary sees around its text: its outline (the table of contents),
heading anchors, reading time, credit and source links, and the paper's buttons.

Installed as template globals and filters (`install`). Each works on one summary or
paper at a time (linear in its HTML), so a page costs the same however big the site.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape, unescape
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from markupsafe import Markup

from ..catalog import Paper, Summary
from ..render import links as scholarly
from ..render.html import safe_url

WORDS_PER_MINUTE = 220  # silent reading of technical prose; formulas and figures are not counted
TOC_LEVELS = (3, 4)  # a summary's own headings sit under its <h2>: the author's two top levels
TOC_MIN_HEADINGS = 3
SOURCE_NAMES = {"shortscience": "ShortScience", "statwiki": "statwiki", "markdown": "this site"}

# Our renderers write every tag (raw HTML in summaries is escaped), so a heading is exactly
# <hN id="...">...</hN>, never nested; ids and fragment links are `id="..."` and `href="#..."`.
_HEADING = re.compile(r'<h([2-6]) id="([^"]*)"([^>]*)>(.*?)</h\1>', re.S)
_ID_OR_FRAGMENT = re.compile(r'\b(id="|href="#)([^"]*)"')
_LINK_TAG = re.compile(r"</?a\b[^>]*>")
_NOTE_REF = re.compile(r'<sup class="reference"[^>]*>.*?</sup>', re.S)
_TAG = re.compile(r"<[^>]+>")
_INNER_ID = re.compile(r'\sid="[^"]*"')


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    html: str  # the heading's content without links, footnote marks or ids (math stays for MathJax)


def reading_minutes(words: int) -> int:
    return max(1, -(-words // WORDS_PER_MINUTE)) if words else 0


def reading_time(words: int) -> str:
    """`1840` -> `9 min read`; "" for a summary without text."""
    minutes = reading_minutes(words)
    return f"{minutes} min read" if minutes else ""


def shares_page(s: Summary) -> bool:
    return s.paper is not None and len(s.paper.summaries) > 1


def prefixed(html: str, prefix: str) -> str:
    """Every id and same-page link of a summary moved under `prefix`: two summaries on one page
    may both have an "introduction" or a footnote 1, and ids must be unique in a page.

    What `_ID_OR_FRAGMENT.sub` does, found with str.find: the regex, whose leading `\b` keeps the
    engine from searching for a literal, tried every position of the HTML (0.4 ms a summary,
    with typeset formulas' markup); the few matches are found here in C. A candidate preceded
    by a word character is skipped (the `\b`), matches do not overlap, leftmost first.
    """
    if not prefix:
        return html
    find = html.find
    out: list[str] = []
    start = 0  # what is copied next
    ids, refs = find('id="'), find('href="#')
    while ids >= 0 or refs >= 0:
        if refs < 0 or 0 <= ids < refs:
            at, end = ids, ids + 4
        else:
            at, end = refs, refs + 7
        close = find('"', end)
        if close < 0:  # no value ends after it, nor after any later candidate
            break
        before = html[at - 1] if at else ""
        after = at + 1  # where the next candidate of this kind may start
        if not (before.isalnum() or before == "_"):  # (what \w is in a str pattern)
            out += (html[start:end], prefix)
            start = end
            after = close + 1
            # a candidate of the other kind inside the match is no candidate
            if at == ids and 0 <= refs < after:
                refs = find('href="#', after)
            elif at == refs and 0 <= ids < after:
                ids = find('id="', after)
        if at == ids:
            ids = find('id="', after)
        else:
            refs = find('href="#', after)
    if not out:
        return html
    out.append(html[start:])
    return "".join(out)


def _prefix(s: Summary) -> str:
    return f"{s.id}-" if shares_page(s) else ""


def headings(html: str) -> list[Heading]:
    """The headings of a summary's HTML (already prefixed), in order."""
    return _view(html, "")[1]


@lru_cache(maxsize=32)  # a page asks for a summary's outline, then for its HTML: one pass serves both
def _view(html: str, prefix: str) -> tuple[Markup, list[Heading]]:
    """The HTML as a page shows it (ids prefixed, anchors after the headings) and its headings."""
    found: list[Heading] = []

    def anchored(m: re.Match) -> str:
        inner = m.group(4)
        if "<" in inner:  # markup inside the heading (most have none)
            inner = _NOTE_REF.sub("", inner)
            shown, name = _INNER_ID.sub("", _LINK_TAG.sub("", inner)).strip(), " ".join(unescape(_TAG.sub("", inner)).split())
        else:
            shown, name = inner.strip(), " ".join(unescape(inner).split())
        found.append(Heading(int(m.group(1)), m.group(2), shown))
        name = name or "this section"
        return (f'<div class="heading">{m.group(0)}<a class="heading-anchor" href="#{m.group(2)}" '
                f'aria-label="Link to section: {escape(name)}">#</a></div>')

    return Markup(_HEADING.sub(anchored, prefixed(html, prefix))), found


def outline(s: Summary) -> list[tuple[str, Markup, list[tuple[str, Markup]]]]:
    """The table of contents of a summary: (id, content, sub-sections as (id, content)) per
    top-level section; [] when the summary has fewer than three headings: a short one needs none."""
    found = [h for h in _view(s.html, _prefix(s))[1] if h.level in TOC_LEVELS]
    if len(found) < TOC_MIN_HEADINGS:
        return []
    top = min(h.level for h in found)
    out: list[tuple[str, Markup, list[tuple[str, Markup]]]] = []
    for h in found:
        if h.level == top or not out:
            out.append((h.id, Markup(h.html), []))
        else:
            out[-1][2].append((h.id, Markup(h.html)))
    return out


def contents(summaries: list[Summary]) -> list[tuple[str, Markup, list]]:
    """The table of contents of a page as a tree of (id, label, children): [] when no summary on it
    has an outline. With one summary, its sections; with several, an entry per summary (its heading)
    holding its sections."""
    trees = [[(i, label, [(j, sub, []) for j, sub in subs]) for i, label, subs in outline(s)] for s in summaries]
    if not any(trees):
        return []
    if len(summaries) == 1:
        return trees[0]
    return [(s.id, Markup(escape(summary_heading(s), quote=False)), tree) for s, tree in zip(summaries, trees)]


def summary_html(s: Summary) -> Markup:
    """The summary's HTML as a page shows it: ids unique in the page, and each heading with an
    anchor link after it (shown on hover and focus; its accessible name says which section)."""
    return _view(s.html, _prefix(s))[0]


def summary_heading(s: Summary) -> str:
    """The summary's own heading. Alone on its page it is "Summary" (the credit line under it says
    who wrote it); among several, who wrote it, or where from when the author is not known, and
    summaries that would read the same are numbered."""
    record = s.record
    who = record.contributor or (record.presenter if record.source == "statwiki" else None)
    siblings = s.paper.summaries if s.paper is not None else [s]
    if len(siblings) < 2:
        return "Summary"

    def plain(x: Summary) -> str:
        r = x.record
        name = r.contributor or (r.presenter if r.source == "statwiki" else None)
        if name:
            return f"Summary by {name}"
        return f"Summary from {SOURCE_NAMES.get(r.source, r.source)}" if len(siblings) > 1 else "Summary"

    text = f"Summary by {who}" if who else plain(s)
    same = [x for x in siblings if plain(x) == text]
    if len(same) > 1:
        text += f" ({same.index(s) + 1} of {len(same)})"
    return text


def revision_url(url: str, revision: int | None) -> str:
    """The wiki page's URL at that revision (MediaWiki's `oldid`), unless the URL names one already."""
    if not revision:
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(k in ("oldid", "diff") for k, _ in query):
        return url
    return urlunsplit(parts._replace(query=urlencode([*query, ("oldid", str(revision))])))


def source_links(s: Summary) -> list[tuple[str, str]]:
    """(label, URL) of the summary's page at its source: the wiki page at the revision shown, the
    ShortScience page; only safe URLs."""
    r = s.record
    url = safe_url(r.source_url) if r.source_url else None
    if not url or not url.startswith(("http://", "https://")):
        return []
    if r.source == "statwiki":
        label = f"statwiki page, revision {r.revision}" if r.revision else "statwiki page"
        return [(label, revision_url(url, r.revision))]
    if r.source == "shortscience" or "shortscience.org" in url:
        return [("ShortScience page", url)]
    return [("Source", url)]


# Buttons a researcher opens next, in this order; labels say what opens.
BUTTONS = (("arxiv", "arXiv abstract"), ("pdf", "PDF"), ("openreview", "OpenReview"), ("doi", "DOI"),
           ("paper", "Publisher's page"), ("code", "Code"))


def paper_buttons(paper: Paper) -> list[tuple[str, str, str]]:
    """(kind, label, URL) of the paper's own links; the PDF of an arXiv paper is known from its id.
    Without any link to the paper itself, searches for its title (Google Scholar, Semantic Scholar)."""
    links = {k: u for k, u in paper.meta.links.items() if safe_url(u) and u.startswith(("http://", "https://"))}
    if "arxiv" in links and "pdf" not in links:
        aid = scholarly.arxiv_id(links["arxiv"])
        if aid:
            links["pdf"] = f"https://arxiv.org/pdf/{aid}"
    out = [(kind, label, links[kind]) for kind, label in BUTTONS if kind in links]
    out += [(kind, kind.title(), url) for kind, url in sorted(links.items()) if kind not in dict(BUTTONS)]
    if not any(kind in links for kind in ("arxiv", "pdf", "openreview", "doi", "paper")):
        q = quote_plus(paper.title)
        out.append(("search", "Search Google Scholar", f"https://scholar.google.com/scholar?q={q}"))
        out.append(("search", "Search Semantic Scholar", f"https://www.semanticscholar.org/search?q={q}"))
    return out


def install(env) -> None:
    env.filters.update(reading_time=reading_time)
    env.globals.update(outline=outline, contents=contents, summary_html=summary_html, summary_heading=summary_heading,
                       source_links=source_links, paper_buttons=paper_buttons, shares_page=shares_page)
