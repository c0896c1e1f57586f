"""Citation keys (`\\cite{journals/corr/BahdanauCB14}`) read as what they stand for.

ShortScience summaries cite papers by DBLP key: the first author's family name,
the initials of the co-authors' family names and a two-digit year, after the
venue's path (`conf/cvpr/HeZRS16`, `journals/corr/KingmaB14`); arXiv papers
also appear as `journals/corr/abs-1409-0473`. People writing by hand use
Google Scholar's style (`he2016deep`). A reader should see a paper, not a key:
the cited paper's title when the site knows it (see `KeyIndex`), else a
readable "Bahdanau et al. 2014" made from the key, else the key as written.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from collections.abc import Iterable, Mapping

from . import links as scholarly

# The last path segment of a DBLP key: family name (may be CamelCase: LeCun, McMahan),
# co-authors' initials (capitals only), two-digit year, optional a/b/c for a second paper.
_DBLP = re.compile(r"^(?P<family>[A-Z][A-Za-z'\-]*?)(?P<co>[A-Z]*)(?P<yy>\d{2})(?P<suffix>[a-z]?)$")
# Google Scholar / hand-written BibTeX keys: family name, four-digit year, first title word.
_SCHOLAR = re.compile(r"^(?P<family>[A-Za-z][A-Za-z'\-]*?)[_:\-]?(?P<year>(?:19|20)\d{2})(?P<word>[A-Za-z_\-]*)$")
_ARXIV_KEY = re.compile(r"(?:^|/)abs-(\d{4})-(\d{4,5})$")
YEAR_PIVOT = 50  # DBLP's two-digit years: 00-49 are 2000s, 50-99 are 1900s (fixed, so output never depends on today)


@dataclass(frozen=True)
class CiteKey:
    """What a key says about the paper it names (any part may be missing)."""

    family: str = ""  # first author's family name as spelled in the key
    coauthors: str = ""  # co-authors' family-name initials (DBLP), "" when none or unknown
    year: int | None = None
    arxiv: str | None = None  # arXiv identifier, for keys that are one
    several: bool = False  # True when the key says there are co-authors


def parse(key: str) -> CiteKey | None:
    """The parts of a citation key, or None when it follows no style known here."""
    key = key.strip()
    aid = scholarly.arxiv_id(key)
    if not aid:
        m = _ARXIV_KEY.search(key)
        aid = f"{m.group(1)}.{m.group(2)}" if m else None
    if aid:
        return CiteKey(arxiv=aid, year=scholarly.arxiv_year(aid))
    last = key.rsplit("/", 1)[-1]
    m = _DBLP.match(last)
    if m and ("/" in key or m.group("co")):
        yy = int(m.group("yy"))
        year = (1900 if yy >= YEAR_PIVOT else 2000) + yy
        return CiteKey(family=m.group("family"), coauthors=m.group("co"), year=year, several=bool(m.group("co")))
    m = _SCHOLAR.match(last)
    if m:
        return CiteKey(family=m.group("family"), year=int(m.group("year")))
    return None


def readable(key: str) -> str:
    """`journals/corr/BahdanauCB14` -> `Bahdanau et al. 2014`; `abs-1409-0473` -> `arXiv:1409.0473`;
    an unknown style is returned as written."""
    parts = parse(key)
    if parts is None:
        return key.strip()
    if parts.arxiv:
        return f"arXiv:{parts.arxiv}"
    family = parts.family[:1].upper() + parts.family[1:]
    if parts.several:  # only the co-authors' initials are known: "et al." even for two authors
        family += " et al."
    return f"{family} {parts.year}" if parts.year else family


def fold(name: str) -> str:
    """A family name compared as DBLP spells it: ASCII letters only, lower case ("Aäron" -> "aaron")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z]", "", plain.lower())


def family_of(author: str) -> str:
    """The family name a DBLP key uses: the last word ("Aäron van den Oord" -> "Oord")."""
    words = author.split()
    return words[-1] if words else ""


@dataclass(frozen=True)
class Candidate:
    """A paper of the site as a citation key can name it."""

    url: str
    title: str
    authors: tuple[str, ...]
    years: frozenset[int]  # every year the paper is known by: venue year, first published, arXiv id
    arxiv: str | None = None


def key_tables(papers: Iterable[Candidate]) -> tuple[dict[str, Candidate], dict[str, list[Candidate]]]:
    """arXiv id -> the first paper with it; "family\0year" -> the papers whose first author and a year fit."""
    by_arxiv: dict[str, Candidate] = {}
    by_name: dict[str, list[Candidate]] = {}
    for paper in papers:
        if paper.arxiv:
            by_arxiv.setdefault(paper.arxiv, paper)
        if paper.authors:
            family = fold(family_of(paper.authors[0]))
            for year in paper.years:
                by_name.setdefault(_name_key(family, year), []).append(paper)
    return by_arxiv, by_name


def _name_key(family: str, year: int) -> str:
    return f"{family}\0{year}"  # text keys: a table the session store can keep a row per key


class KeyIndex:
    """Citation key -> one of the site's papers, when the key names exactly one.

    An arXiv key matches by identifier. A DBLP or Scholar key matches a paper whose
    first author has the key's family name, one of whose years is the key's year,
    and (DBLP) whose next authors' family names start with the key's initials; a
    key that fits two papers names neither. Built once per build: linear in the papers.
    """

    def __init__(self, papers: Iterable[Candidate] = (), *,
                 tables: tuple[Mapping[str, Candidate], Mapping[str, list[Candidate]]] | None = None) -> None:
        """`tables`: key_tables' (or the session store's rows of them, read by key) instead of `papers`."""
        self._by_arxiv, self._by_name = tables if tables is not None else key_tables(papers)

    def find(self, key: str) -> Candidate | None:
        parts = parse(key)
        if parts is None:
            return None
        if parts.arxiv:
            return self._by_arxiv.get(parts.arxiv)
        if parts.year is None:
            return None
        found = [p for p in self._by_name.get(_name_key(fold(parts.family), parts.year), []) if _initials_fit(p, parts)]
        return found[0] if len(found) == 1 else None


def _initials_fit(paper: Candidate, parts: CiteKey) -> bool:
    if not parts.coauthors:
        return True
    others = paper.authors[1:1 + len(parts.coauthors)]
    if len(others) < len(parts.coauthors):
        return False
    return all(fold(family_of(a))[:1] == c.lower() for a, c in zip(others, parts.coauthors))
