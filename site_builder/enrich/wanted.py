"""Which papers to look up, and by what: from the catalog, minus what is already answered.

A paper is looked up when it lacks a year, authors, a venue or an identifier (arXiv
id or DOI), unless the enriched file already has an entry for it (found or
unresolved: `--refresh` asks again) or the user's papers.yaml gives what it lacks.
An arXiv id or DOI the user wrote in papers.yaml is used to ask by id instead of title.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import Catalog, Paper
from ..render import links as scholarly
from . import arxiv
from .store import Enriched, match_key
from .titles import normalise
from .work import clean_doi, plausible_year

FIELDS = ("year", "authors", "venue", "identifier")


@dataclass
class Wanted:
    paper_id: str
    title: str
    missing: list[str]
    arxiv: str | None = None
    doi: str | None = None
    year: int | None = None
    authors: list[str] = field(default_factory=list)

    @property
    def match(self) -> dict[str, str]:
        """What the written entry matches the paper by: its most specific identifier."""
        if self.arxiv:
            return {"arxiv": self.arxiv}
        if self.doi:
            return {"doi": self.doi}
        return {"title": self.title}

    def keys(self) -> list[tuple[str, str]]:
        out = [("id", self.paper_id)]
        if self.arxiv:
            out.append(("arxiv", self.arxiv.lower()))
        if self.doi:
            out.append(("doi", self.doi))
        if normalise(self.title):
            out.append(("title", normalise(self.title)))
        return out


def paper_ids(paper: Paper) -> tuple[str | None, str | None]:
    """The paper's arXiv id and DOI from its links."""
    aid = doi = None
    for _kind, url in sorted(paper.meta.links.items()):
        aid = aid or scholarly.arxiv_id(url)
        doi = doi or clean_doi(scholarly.doi(url) or "")
    return aid, doi


def find_wanted(catalog: Catalog, enriched: Enriched, user_entries: list[dict], *,
                refresh: bool = False) -> tuple[list[Wanted], int]:
    """The papers to ask about, in the catalog's order, and how many were left out as answered."""
    user = {}
    for entry in user_entries:
        key = match_key(entry.get("match"))
        if key is not None:
            user.setdefault(key, entry)
    out, answered = [], 0
    for paper in catalog.papers:
        aid, doi = paper_ids(paper)
        item = Wanted(paper_id=paper.id, title=paper.title, missing=[], arxiv=aid, doi=doi,
                      year=paper.year, authors=list(paper.meta.authors))
        have = {"year": bool(paper.year), "authors": bool(paper.meta.authors), "venue": bool(paper.meta.venue),
                "identifier": bool(aid or doi)}
        for entry in (user[k] for k in item.keys() if k in user):
            _apply_user_entry(item, have, entry)
        item.missing = [f for f in FIELDS if not have[f]]
        if not item.missing:
            continue
        if not refresh and enriched.knows(item.keys()):
            answered += 1
            continue
        if item.arxiv and not arxiv.valid_id(item.arxiv):
            item.arxiv = None
        if item.arxiv or item.doi or normalise(item.title):
            out.append(item)
    return out, answered


def _apply_user_entry(item: Wanted, have: dict[str, bool], entry: dict) -> None:
    """What the user's papers.yaml says about the paper: it is answered there, and its ids are usable."""
    year = plausible_year(entry.get("year"))
    if year:
        have["year"], item.year = True, year
    if isinstance(entry.get("authors"), list) and entry["authors"]:
        have["authors"] = True
        item.authors = [str(a) for a in entry["authors"]]
    if isinstance(entry.get("venue"), str) and entry["venue"].strip():
        have["venue"] = True
    match = entry.get("match") if isinstance(entry.get("match"), dict) else {}
    links = entry.get("links") if isinstance(entry.get("links"), dict) else {}
    aid = str(match.get("arxiv") or "").strip() or scholarly.arxiv_id(str(links.get("arxiv") or ""))
    doi = clean_doi(str(match.get("doi") or "")) or clean_doi(str(links.get("doi") or ""))
    if aid and arxiv.valid_id(aid):
        item.arxiv = item.arxiv or aid
        have["identifier"] = True
    if doi:
        item.doi = item.doi or doi
        have["identifier"] = True
