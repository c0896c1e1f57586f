"""OpenAlex: a work by DOI (`/works/doi:…`, free of charge) and title searches (`/works?filter=title.search:…`).

A Work object (OpenAlex docs, "Work object") has `title`/`display_name`,
`publication_year`, `publication_date`, `doi` (as a doi.org URL), `ids`,
`authorships[].author.display_name`, `primary_location.source` (`display_name`,
`type`: journal, conference, repository…), `locations[]` (landing pages, PDFs),
`best_oa_location.pdf_url` and the abstract as `abstract_inverted_index`
(word -> positions). A list answer is `{"meta": …, "results": [works]}`.
Fields may be missing or null anywhere: every read here checks its type.
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from ..render import links as scholarly
from .work import Work, clean, clean_doi, iso_date, plausible_year

SELECT = ",".join((
    "id", "doi", "title", "display_name", "publication_year", "publication_date", "ids", "authorships",
    "primary_location", "locations", "best_oa_location", "abstract_inverted_index", "type",
))
SEARCH_RESULTS = 8
INTERVAL = 0.2  # seconds between requests (OpenAlex allows many more per second)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)


def auth_params(mailto: str, api_key: str) -> dict[str, str]:
    params = {}
    if mailto:
        params["mailto"] = mailto
    if api_key:
        params["api_key"] = api_key
    return params


def doi_request(base: str, doi: str) -> tuple[str, dict[str, str]]:
    return f"{base.rstrip('/')}/works/doi:{quote(doi, safe='/')}", {"select": SELECT}


def title_request(base: str, title: str) -> tuple[str, dict[str, str]]:
    # The filter syntax uses "," "|" ":" and "!" itself: the title goes in as words only.
    words = " ".join(re.sub(r"[^\w]+", " ", title).split())
    return f"{base.rstrip('/')}/works", {"filter": f"title.search:{words}", "per_page": str(SEARCH_RESULTS),
                                         "select": SELECT}


def parse_one(data: bytes) -> tuple[Work | None, list[str]]:
    obj, warnings = _json(data)
    if obj is None:
        return None, warnings
    work = parse_work(obj)
    return work, warnings if work is not None else warnings + ["OpenAlex answered with no usable work"]


def parse_list(data: bytes) -> tuple[list[Work], list[str]]:
    obj, warnings = _json(data)
    if obj is None:
        return [], warnings
    results = obj.get("results") if isinstance(obj, dict) else None
    if not isinstance(results, list):
        return [], warnings + ["OpenAlex answered without a list of results"]
    works = [w for w in (parse_work(r) for r in results) if w is not None]
    return works, warnings


def parse_work(obj: Any) -> Work | None:
    if not isinstance(obj, dict):
        return None
    title = clean(obj.get("title") or obj.get("display_name"), 500)
    if not title:
        return None
    ids = _dict(obj.get("ids"))
    doi = clean_doi(obj.get("doi")) or clean_doi(ids.get("doi"))
    arxiv = _arxiv_id(obj, doi)
    if doi and _ARXIV_DOI.match(doi):
        doi = None  # arXiv's own DataCite DOI: the arXiv link says the same
    primary = _dict(obj.get("primary_location"))
    source = _dict(primary.get("source")) or _dict(obj.get("host_venue"))
    published = iso_date(obj.get("publication_date"))
    return Work(
        source="openalex",
        title=title,
        authors=[a for a in (_author(x) for x in _list(obj.get("authorships"))) if a],
        year=plausible_year(obj.get("publication_year")) or (int(published[:4]) if published else None),
        venue=clean(source.get("display_name"), 300),
        venue_is_repository=source.get("type") == "repository",
        published=published,
        arxiv=arxiv,
        doi=doi,
        pdf=_web_url(_dict(obj.get("best_oa_location")).get("pdf_url")) or _web_url(primary.get("pdf_url")),
        abstract=_abstract(obj.get("abstract_inverted_index")),
    )


def _arxiv_id(obj: dict, doi: str | None) -> str | None:
    if doi:
        m = _ARXIV_DOI.match(doi)
        if m and scholarly.arxiv_id(f"arxiv.org/abs/{m.group(1)}"):
            return scholarly.arxiv_id(f"arxiv.org/abs/{m.group(1)}")
    for loc in [_dict(obj.get("primary_location")), *map(_dict, _list(obj.get("locations")))]:
        for key in ("landing_page_url", "pdf_url"):
            url = loc.get(key)
            if isinstance(url, str) and "arxiv.org/" in url.lower():
                found = scholarly.arxiv_id(url)
                if found:
                    return found
    return None


def _author(authorship: Any) -> str:
    author = _dict(_dict(authorship).get("author"))
    return clean(author.get("display_name") or _dict(authorship).get("raw_author_name"), 300)


def _abstract(index: Any) -> str:
    """The text of an inverted index {word: [positions]} (OpenAlex ships abstracts this way)."""
    if not isinstance(index, dict):
        return ""
    slots: dict[int, str] = {}
    for word, positions in index.items():
        for pos in _list(positions):
            if isinstance(pos, int) and 0 <= pos < 20000 and isinstance(word, str):
                slots[pos] = word
    return clean(" ".join(slots[k] for k in sorted(slots)), 5000)


def _web_url(value: Any) -> str | None:
    return value if isinstance(value, str) and value.lower().startswith(("https://", "http://")) and \
        len(value) < 1000 and not any(c.isspace() for c in value) else None


def _json(data: bytes) -> tuple[Any, list[str]]:
    try:
        return json.loads(data.decode("utf-8")), []
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        preview = clean(data[:80].decode("utf-8", "replace"), 80)
        return None, [f"OpenAlex answered with something that is not JSON ({type(exc).__name__}): {preview!r}"]


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []
