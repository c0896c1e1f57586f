"""The paper an unidentified summary links to as its own (when the scrape lost its paper line).

A summary cites other papers too, so a link counts as the summary's own paper only when
  * it comes in the opening (the first sentence, or the first OPENING characters), as in
    "In this note I implement [SUMO](https://openreview.net/forum?id=...)", or
  * a label introduces it ("Paper: https://arxiv.org/abs/...", "[this paper](...)",
    "Link to the paper"),
and it is not in a numbered reference ("[1] Author. Title. arXiv ..."), after a "See also" or
"References" heading, or right after "et al." / "cf." / "see". When two different papers
qualify, the summary is not tied to either.
"""
from __future__ import annotations

import re

from ..render import links as scholarly

OPENING = 300  # characters
_LINK = re.compile(
    r"https?://(?:www\.)?(?:arxiv\.org/(?:abs|pdf)/[^\s)\]\"'<>]{1,80}|openreview\.net/(?:forum|pdf)\?id=[A-Za-z0-9_\-]{1,60}"
    r"|(?:dx\.)?doi\.org/10\.[^\s)\]\"'<>]{1,200})|\barxiv:\s?\d{4}\.\d{4,5}(?:v\d{1,3})?", re.I)
_LABEL = re.compile(r"(?:\b(?:paper|article|preprint|pdf|abstract|arxiv|link)\b[^.\n]{0,20}[:=]\s*\[?[^\]\n]{0,80}\]?\(?\s*$"
                    r"|\b(?:this|the|original|our)\s+(?:paper|article|work|preprint)\]?\(?\s*$)", re.I)
_NOT_OWN = re.compile(r"(?:\bet\.?\s+al\b\.?|\bcf\.|\bsee(?:\s+also)?|\[\d{1,3}\])[^.\n]{0,60}$", re.I)
_SECTION_END = re.compile(r"(?:#{1,6}[ \t]*|\n[ \t]*|\*\*)(?:see\s+also|references?|related(?:\s+work)?|further\s+reading|bibliography)\b", re.I)
_REFERENCE_START = re.compile(r"(?:^|\s)\[\d{1,3}\]\s")


def own_link(body: str) -> tuple[str, str] | None:
    """(kind, canonical URL) of the paper the summary presents as its own, or None."""
    stop = _SECTION_END.search(body)
    text = body[:stop.start()] if stop else body
    refs = _REFERENCE_START.search(text)
    limit = refs.start() if refs else len(text)
    first_sentence = re.search(r"[.!?](?:\s|$)", text[:2000])
    opening = max(OPENING, first_sentence.end() if first_sentence else 0)
    found: dict[str, tuple[str, str]] = {}
    for m in _LINK.finditer(text, 0, limit):
        before = text[max(0, m.start() - 120):m.start()]
        if _NOT_OWN.search(before):
            continue
        if m.start() > opening and not _LABEL.search(before):
            continue
        link = _identify(m.group(0))
        if link:
            found[link[1]] = link
    return next(iter(found.values())) if len(found) == 1 else None


def _identify(raw: str) -> tuple[str, str] | None:
    url = raw if raw.lower().startswith("http") else "https://arxiv.org/abs/" + re.sub(r"(?i)^arxiv:\s?", "", raw)
    kind = scholarly.classify(url)
    if kind in ("arxiv", "doi", "openreview"):
        return kind, scholarly.canonical(kind, url)
    return None
