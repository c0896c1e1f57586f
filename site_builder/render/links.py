"""Recognise scholarly links (arXiv, DOI, OpenReview, PDF) and the ids inside them."""
from __future__ import annotations

import re

ARXIV_NEW = r"\d{4}\.\d{4,5}"
ARXIV_OLD = r"[a-z\-]+(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_URL = re.compile(
    rf"arxiv\.org/(?:abs|pdf|html)/({ARXIV_NEW}|{ARXIV_OLD})(?:v\d+)?(?:\.pdf)?", re.I
)
_ARXIV_BIBKEY = re.compile(rf"journals/corr/(?:abs-)?({ARXIV_NEW})")
_DOI = re.compile(r"(?:doi\.org/|doi:\s*)(10\.\d{4,9}/[^\s\"<>]+)", re.I)
_OPENREVIEW = re.compile(r"openreview\.net/(?:forum|pdf)\?id=([A-Za-z0-9_\-]+)")
_BIBTEX_KEY = re.compile(r"shortscience\.org/paper\?bibtexKey=([^\s&#\"<>)]+)", re.I)


def arxiv_id(url: str) -> str | None:
    m = _ARXIV_URL.search(url) or _ARXIV_BIBKEY.search(url)
    return m.group(1) if m else None


def arxiv_year(identifier: str) -> int | None:
    """Year an arXiv id was issued: 1608.06993 -> 2016; cs/0112017 -> 2001."""
    m = re.match(r"(\d{2})(\d{2})\.", identifier) or re.search(r"/(\d{2})(\d{2})\d{3}$", identifier)
    if not m:
        return None
    yy = int(m.group(1))
    return (1900 if yy >= 91 else 2000) + yy


def doi(url: str) -> str | None:
    m = _DOI.search(url)
    return m.group(1).rstrip(".,;") if m else None


def openreview_id(url: str) -> str | None:
    m = _OPENREVIEW.search(url)
    return m.group(1) if m else None


def shortscience_bibtex_key(url: str) -> str | None:
    m = _BIBTEX_KEY.search(url)
    return m.group(1) if m else None


def classify(url: str) -> str | None:
    """The kind of scholarly link this is, or None for an ordinary web link."""
    if arxiv_id(url) and "arxiv.org" in url.lower():
        return "arxiv"
    if doi(url):
        return "doi"
    if openreview_id(url):
        return "openreview"
    if shortscience_bibtex_key(url):
        return "shortscience"
    if re.search(r"\.pdf(?:$|[?#])", url, re.I):
        return "pdf"
    return None


def canonical(kind: str, url: str) -> str:
    """One spelling per paper link so the same paper's links compare equal."""
    if kind == "arxiv":
        return f"https://arxiv.org/abs/{arxiv_id(url)}"
    if kind == "doi":
        return f"https://doi.org/{doi(url)}"
    if kind == "openreview":
        return f"https://openreview.net/forum?id={openreview_id(url)}"
    return url
