"""The arXiv API: one `id_list` query per batch of ids, an Atom feed back.

The feed (arXiv API user manual, "The API Response") has one <entry> per paper:
<id> is the abstract page with a version (…/abs/1234.56789v2), <title> and <summary>
are hard-wrapped, <published> is the first version's date, each <author> has a
<name>, <category term> lists the subject classes (arxiv:primary_category first),
and the arxiv: namespace adds <arxiv:doi> and <arxiv:journal_ref> when the authors
gave them. A bad request is answered with an entry whose <id> is under
arxiv.org/api/errors and whose <summary> says what was wrong; an id arXiv does not
have is simply missing from the feed.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from xml.etree.ElementTree import ParseError

from ..render import links as scholarly
from .work import Work, clean, clean_doi, iso_date

BATCH = 100  # ids per request (the manual's advice for id_list is to keep requests modest)
INTERVAL = 3.0  # seconds between requests, as arXiv's terms of use ask
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_ABS_ID = re.compile(rf"/abs/({scholarly.ARXIV_NEW}|{scholarly.ARXIV_OLD})(?:v\d+)?/?$", re.I)
_VALID_ID = re.compile(rf"^(?:{scholarly.ARXIV_NEW}|{scholarly.ARXIV_OLD})$", re.I)


def valid_id(identifier: str) -> bool:
    return bool(_VALID_ID.match(identifier))


def canonical_id(identifier: str) -> str:
    """The id as the API answers with it: old-style ids lose their subject class (math.GT/0309136 -> math/0309136)."""
    return re.sub(r"^([a-z\-]+)\.[a-z]{2}/", r"\1/", identifier.strip(), flags=re.I).lower()


def query(base: str, ids: list[str]) -> tuple[str, dict[str, str]]:
    """The URL and parameters asking for these ids (max_results must cover them: it defaults to 10)."""
    return base, {"id_list": ",".join(ids), "max_results": str(len(ids))}


def query_url(base: str, ids: list[str]) -> str:
    url, params = query(base, ids)
    return f"{url}?{urlencode(params)}"


def parse(data: bytes) -> tuple[list[Work], list[str]]:
    """The works in an Atom response, and warnings for what could not be used (never raises)."""
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        return [], [f"arXiv answered with something that is not a usable Atom feed ({_short(exc)}): "
                    f"{_preview(data)}"]
    if root.tag != f"{ATOM}feed":
        return [], [f"arXiv answered with XML that is not an Atom feed (<{_local(root.tag)}>)"]
    works, warnings = [], []
    for entry in root.findall(f"{ATOM}entry"):
        entry_id = _text(entry, f"{ATOM}id")
        if "/api/errors" in entry_id or (_text(entry, f"{ATOM}title") == "Error" and not _ABS_ID.search(entry_id)):
            warnings.append(f"arXiv reported an error: {_text(entry, f'{ATOM}summary') or entry_id or 'no detail'}")
            continue
        m = _ABS_ID.search(entry_id)
        if not m:
            warnings.append(f"arXiv entry without a recognisable id ({entry_id[:80]!r}); skipped")
            continue
        works.append(_work(entry, m.group(1)))
    return works, warnings


def _work(entry, arxiv_id: str) -> Work:
    published = iso_date(_text(entry, f"{ATOM}published"))
    authors = [clean(a.findtext(f"{ATOM}name"), 300) for a in entry.findall(f"{ATOM}author")]
    primary = entry.find(f"{ARXIV}primary_category")
    categories = [primary.get("term", "")] if primary is not None else []
    categories += [c.get("term", "") for c in entry.findall(f"{ATOM}category")]
    keywords = []
    for term in (clean(c, 40) for c in categories):
        if term and term not in keywords:
            keywords.append(term)
    dois = _text(entry, f"{ARXIV}doi").split()
    return Work(
        source="arxiv",
        title=clean(_text(entry, f"{ATOM}title"), 500),
        authors=[a for a in authors if a],
        year=int(published[:4]) if published else None,
        published=published,
        arxiv=arxiv_id,
        doi=clean_doi(dois[0]) if dois else None,
        pdf=f"https://arxiv.org/pdf/{arxiv_id}",
        keywords=keywords,
        abstract=clean(_text(entry, f"{ATOM}summary"), 5000),
        journal_ref=clean(_text(entry, f"{ARXIV}journal_ref"), 300),
    )


def _text(element, path: str) -> str:
    found = element.find(path)
    return "".join(found.itertext()).strip() if found is not None else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _short(exc: BaseException) -> str:
    return clean(f"{type(exc).__name__}: {exc}", 120)


def _preview(data: bytes) -> str:
    return repr(clean(data[:80].decode("utf-8", "replace"), 80))
