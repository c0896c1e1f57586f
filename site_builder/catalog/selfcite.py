"""A summary's citation of its own paper: authors, year, venue and arXiv id from its references.

Most statwiki pages cite the paper they summarise, in a references list or in the text. The
reference whose title matches the paper's title (citations.parse) is that citation; the
others cite other papers and are left alone. Only a reference that names authors or an arXiv
id counts, so a sentence that merely mentions the title gives nothing.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..records import PaperMeta
from .. import provenance as prov
from .tables import MAX_REFERENCE, words

if TYPE_CHECKING:
    from .citations import Citation

_UNIT_BREAK = re.compile(r"\s\[\d{1,3}\]\s|\s\*\s|<br\s?/?>|\s#\s")
_WORD = re.compile(r"[^\W_]+")
MIN_SHARED = 0.6  # of the title's words a line must hold before it is compared in earnest
_STOP = frozenset("a an and are as at by for from in is of on or the to via with".split())


def title_words(title: str) -> set[str]:
    return {w for w in words(title).split() if w not in _STOP}


def units(body: str):
    """Lines of the text, long ones cut at list markers (flattened Markdown keeps no newlines)."""
    for line in body.splitlines():
        if len(line) <= MAX_REFERENCE:
            yield line
            continue
        start = 0
        for m in _UNIT_BREAK.finditer(line):
            if m.start() - start <= MAX_REFERENCE:
                yield line[start:m.start()]
            start = m.end()
        if len(line) - start <= MAX_REFERENCE:
            yield line[start:]


def find(body: str, title: str) -> Citation | None:
    """The best citation of `title` in `body`, or None. Linear in the body: each line is first
    checked for the title's words with a set look-up, and only lines holding most of them are
    aligned against the title (bounded by MAX_REFERENCE)."""
    wanted = title_words(title)
    if not wanted:
        return None
    need = max(1, round(MIN_SHARED * len(wanted)))
    # A line that holds most of the title's words holds one of its two longest (a C-speed test first).
    longest = sorted(wanted, key=lambda w: (-len(w), w))[:2]
    found: list[Citation] = []
    for unit in units(body):
        low = unit.lower()
        if not any(w in low for w in longest) or len(wanted & set(_WORD.findall(low))) < need:
            continue
        from .citations import parse  # here: a text whose lines never name the title need not load it

        cite = parse(unit, title)
        if cite is not None and (cite.authors or cite.arxiv):
            found.append(cite)
    if not found:
        return None
    best = max(found, key=lambda c: (bool(c.authors), c.complete, not c.family_names_only,
                                     len(c.authors), c.year is not None, bool(c.venue), c.score))
    for other in found:  # fields the best one lacks, from other citations of the same paper
        best.year = best.year or other.year
        best.venue = best.venue or other.venue
        best.arxiv = best.arxiv or other.arxiv
    return best


def apply(meta: PaperMeta, cite: Citation, source: str = prov.SELF_CITATION) -> list[str]:
    """Offer the citation's values to `meta`; returns the fields it set."""
    set_fields = []
    if prov.offer(meta, "authors", list(cite.authors), source):
        set_fields.append("authors")
        if not cite.complete:
            meta.sources["authors.note"] = "incomplete: the citation says et al."
        elif cite.family_names_only:
            meta.sources["authors.note"] = "family names only, as the citation gives them"
        else:
            meta.sources.pop("authors.note", None)
    if prov.offer(meta, "year", cite.year, source):
        set_fields.append("year")
    if prov.offer(meta, "venue", cite.venue, source):
        set_fields.append("venue")
    if cite.arxiv and prov.offer(meta, "links.arxiv", f"https://arxiv.org/abs/{cite.arxiv}", source):
        set_fields.append("links.arxiv")
    # A title typed in capitals ("IMPROVING GANS USING ...") takes the citation's casing.
    if cite.title and meta.title.isupper() and not cite.title.isupper() and words(meta.title) == words(cite.title) \
            and prov.rank(prov.source_of(meta, "title")) <= prov.rank(source):
        meta.title = cite.title.strip()
        meta.sources["title"] = source
        set_fields.append("title")
    # A page named by a short name ("Tensorized LSTMs") whose citation gives the whole title.
    if cite.title and prov.source_of(meta, "title") == prov.PAGE_NAME \
            and words(meta.title).strip() in words(cite.title) and len(cite.title) > len(meta.title) + 3:
        prov.offer(meta, "title", cite.title.strip(), source)
        set_fields.append("title")
    return set_fields
