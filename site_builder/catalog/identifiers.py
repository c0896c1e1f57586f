"""Venue and year from a paper's own identifiers and proceedings URLs (facts, not guesses).

arXiv ids carry the year and month of submission; NeurIPS, PMLR, CVF and ACL Anthology URLs
and DBLP keys name the venue and its year. The tables live in catalog/data/*.yaml with their
sources; an id the tables do not cover gives nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import provenance as prov
from ..records import PaperMeta
from ..render import links as scholarly
from .tables import load

_NEURIPS_OLD = re.compile(r"papers\.(?:nips|neurips)\.cc/paper/(\d{3,5})-", re.I)
_NEURIPS_NEW = re.compile(r"(?:papers|proceedings)\.(?:nips|neurips)\.cc/paper(?:_files/paper)?/((?:19|20)\d\d)/", re.I)
_PMLR = re.compile(r"proceedings\.mlr\.press/v(\d{1,4})/", re.I)
_CVF = re.compile(r"openaccess\.thecvf\.com/content(?:_|/)([A-Za-z]{3,5})_?((?:19|20)\d\d)(_workshops?)?", re.I)
_ACL_OLD = re.compile(r"(?:aclanthology\.org|aclweb\.org/anthology)/(?:[A-Z]/[A-Z]\d\d/)?([A-Z])(\d\d)-\d{4}", re.I)
_ACL_NEW = re.compile(r"(?:aclanthology\.org|aclweb\.org/anthology)/((?:19|20)\d\d)\.([a-z]+)-", re.I)
_DBLP = re.compile(r"((?:conf|journals)/[a-z0-9]+)/[A-Za-z-]*?(\d\d)[a-z]?(?:$|[^\w])")


@dataclass(frozen=True)
class Found:
    venue: str | None
    year: int | None
    source: str


def _two_digit_year(yy: str) -> int:
    n = int(yy)
    return 2000 + n if n < 50 else 1900 + n


def from_url(url: str) -> Found | None:
    """What a proceedings URL or a DBLP key says about the venue and year, or None."""
    if m := _NEURIPS_NEW.search(url):
        return Found("NeurIPS", int(m.group(1)), prov.NEURIPS_URL)
    if m := _NEURIPS_OLD.search(url):
        number = int(m.group(1))
        for year, (low, high) in load("neurips")["years"].items():
            if low <= number <= high:
                return Found("NeurIPS", int(year), prov.NEURIPS_URL)
        return None
    if m := _PMLR.search(url):
        entry = load("pmlr")["volumes"].get(int(m.group(1)))
        return Found(entry[0], int(entry[1]), prov.PMLR_VOLUME) if entry else None
    table = load("identifiers")
    if m := _CVF.search(url):
        venue = table["cvf"].get(m.group(1).lower())
        if venue is None:
            return None
        return Found(None if m.group(3) else venue, int(m.group(2)), prov.CVF_URL)
    if m := _ACL_NEW.search(url):
        return Found(table["acl_venues"].get(m.group(2).lower()), int(m.group(1)), prov.ACL_ID)
    if m := _ACL_OLD.search(url):
        venue = table["acl_letters"].get(m.group(1).upper())
        return Found(venue, _two_digit_year(m.group(2)), prov.ACL_ID) if venue else None
    return None


def from_dblp_key(key: str) -> Found | None:
    """`conf/icml/IoffeS15` -> ICML 2015; `journals/corr/HeZRS15` -> (no venue) 2015."""
    m = _DBLP.search(key)
    if not m:
        return None
    table = load("identifiers")["dblp"]
    if m.group(1) not in table:
        return None
    if m.group(1) == "journals/corr":
        aid = scholarly.arxiv_id(key)
        if aid:
            return Found(None, scholarly.arxiv_year(aid), prov.DBLP_KEY)
    return Found(table[m.group(1)], _two_digit_year(m.group(2)), prov.DBLP_KEY)


def arxiv_month(identifier: str) -> str | None:
    """`1710.09829` -> `2017-10` (new-style ids only; old ones carry it too: cs/0112017 -> 2001-12)."""
    m = re.match(r"(\d{2})(\d{2})\.", identifier) or re.search(r"/(\d{2})(\d{2})\d{3}$", identifier)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    yy = int(m.group(1))
    return f"{(1900 if yy >= 91 else 2000) + yy}-{m.group(2)}"


def apply(meta: PaperMeta) -> None:
    """Offer what the paper's own links say (venue, year) to its metadata."""
    for kind, url in sorted(meta.links.items()):
        found = None
        if kind == "shortscience":
            key = scholarly.shortscience_bibtex_key(url)
            found = from_dblp_key(key) if key else None
        elif kind == "dblp":
            found = from_dblp_key(url)
        else:
            found = from_url(url)
        if found is None:
            continue
        prov.offer(meta, "venue", found.venue, found.source)
        prov.offer(meta, "year", found.year, found.source)
    for url in meta.links.values():
        aid = scholarly.arxiv_id(url)
        if aid and prov.offer(meta, "year", scholarly.arxiv_year(aid), prov.ARXIV_ID):
            month = arxiv_month(aid)
            if month:
                meta.sources["year.note"] = f"arXiv submission month {month}"
            break
    if meta.first_published and re.match(r"\d{4}-", meta.first_published):
        prov.offer(meta, "year", int(meta.first_published[:4]), prov.FIRST_PUBLISHED)
