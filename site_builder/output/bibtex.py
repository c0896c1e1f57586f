"""BibTeX entries for papers, with stable citation keys.

The key is `<family name><year><first title word>` (`he2016deep`; `deep2016`
when no author is known), ASCII and lower case, the way Google Scholar users
expect; papers that would share a
key get `a`, `b`, ... in paper-id order, so keys do not change between builds of
the same catalog. Field values are LaTeX-escaped by pylatexenc.
"""
from __future__ import annotations

import re
import unicodedata

from ..catalog import Paper
from ..readers.names import last_first

TITLE_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "towards", "toward", "via", "from", "is", "are", "do", "what", "how", "why", "when", "by", "at"}
JOURNAL_WORDS = ("journal", "transactions", "letters", "jmlr", "review", "magazine", "proceedings of the ieee", "nature", "science")
ARXIV_WORDS = ("arxiv", "corr")


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _ascii_word(text: str) -> str:
    plain = text if text.isascii() else unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("", plain.lower())


def base_key(paper: Paper) -> str:
    authors = paper.meta.authors
    family = _ascii_word(last_first(authors[0]).split(",")[0]) if authors else ""
    words = (_ascii_word(w) for w in re.split(r"[\s\-:]+", paper.title))  # lazy: only up to the first kept word
    first = next((w for w in words if w and w not in TITLE_STOPWORDS), "") or "untitled"
    year = str(paper.year or "")
    return f"{family}{year}{first}" if family else f"{first}{year}"


def citation_keys(papers: list[Paper]) -> dict[str, str]:
    """paper id -> citation key, unique across the catalog."""
    by_key: dict[str, list[Paper]] = {}
    for paper in sorted(papers, key=lambda p: p.id):
        by_key.setdefault(base_key(paper), []).append(paper)
    keys: dict[str, str] = {}
    for key, group in by_key.items():
        if len(group) == 1:
            keys[group[0].id] = key
        else:
            for i, paper in enumerate(group):
                keys[paper.id] = key + _suffix(i)
    return keys


def _suffix(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(ord("a") + r) + letters
    return letters


def entry_type(venue: str) -> str:
    v = venue.lower()
    if not v or any(w in v for w in ARXIV_WORDS):
        return "misc"
    if any(w in v for w in JOURNAL_WORDS):
        return "article"
    return "inproceedings"


# Text made only of these needs no escaping; most titles and names are, and
# pylatexenc is slow enough to matter on a site of thousands of papers.
_PLAIN = re.compile(r"[A-Za-z0-9 .,:;!?'()/+=*@-]*")


def _tex(text: str) -> str:
    text = " ".join(text.split())
    if _PLAIN.fullmatch(text):
        return text
    from pylatexenc.latexencode import unicode_to_latex  # (here: most titles and names need none of it)

    return unicode_to_latex(text, non_ascii_only=False, unknown_char_warning=False)


def bibtex_entry(paper: Paper, key: str) -> str:
    m = paper.meta
    kind = entry_type(m.venue)
    fields: list[tuple[str, str]] = [("title", "{" + _tex(m.title) + "}")]  # double braces keep capitals
    if m.authors:
        fields.append(("author", " and ".join(_tex(last_first(a)) for a in m.authors)))
    if kind == "article":
        fields.append(("journal", _tex(m.venue)))
    elif kind == "inproceedings":
        fields.append(("booktitle", _tex(m.venue)))
    if paper.year:
        fields.append(("year", str(paper.year)))
    arxiv = m.links.get("arxiv", "")
    arxiv_id = re.search(r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$", arxiv)
    if arxiv_id:
        fields += [("eprint", arxiv_id.group(1)), ("archivePrefix", "arXiv")]
    doi = m.links.get("doi", "")
    doi_match = re.search(r"10\.\d{4,9}/\S+$", doi)
    if doi_match:
        fields.append(("doi", _tex(doi_match.group(0))))
    url = m.links.get("paper") or arxiv or m.links.get("openreview") or m.links.get("pdf")
    if url:
        fields.append(("url", url.replace("%", r"\%").replace("{", "").replace("}", "")))
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name.ljust(width)} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}\n"
