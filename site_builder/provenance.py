"""Where a metadata value came from (`PaperMeta.sources`), and which source wins.

Every value the catalog shows records its source by field name (`year`, `authors`, `venue`,
`title`, `links.arxiv`, `topics`, ...). A value with no entry came from the input's own
metadata block (SCRAPED). When two sources give a field, the higher RANK wins; see
docs/catalog.md for the reasoning.
"""
from __future__ import annotations

from .records import PaperMeta

USER = "papers.yaml"
SCRAPED = "scraped"                   # the input's metadata block or front matter
COURSE_TABLE = "course table"
NEURIPS_URL = "NeurIPS proceedings URL"
PMLR_VOLUME = "PMLR volume"
CVF_URL = "CVF open access URL"
ACL_ID = "ACL Anthology id"
DBLP_KEY = "DBLP key"
ENRICHED = "enriched"                 # + " (arxiv)" / " (openalex)": papers.enriched.yaml
SELF_CITATION = "self-citation"
ARXIV_ID = "arXiv id"
FIRST_PUBLISHED = "first published date"
PAGE_NAME = "wiki page name"
SUMMARY_LINK = "summary's own link"   # an unidentified summary's link to its paper
KEYWORDS = "keywords"                 # topics: from the paper's keywords / arXiv categories
TOPIC_RULES = "topic rules"           # topics: site.yaml or built-in rules over title and text

RANK = {
    USER: 100,
    SCRAPED: 90,
    COURSE_TABLE: 85,
    NEURIPS_URL: 80, PMLR_VOLUME: 80, CVF_URL: 80, ACL_ID: 80, DBLP_KEY: 80,
    ENRICHED: 70,
    SELF_CITATION: 60,
    SUMMARY_LINK: 55,
    ARXIV_ID: 40,
    FIRST_PUBLISHED: 35,
    PAGE_NAME: 30,
}


def rank(source: str) -> int:
    return RANK.get(source.split(" (", 1)[0], 0)


def source_of(meta: PaperMeta, name: str) -> str:
    return meta.sources.get(name, SCRAPED)


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def offer(meta: PaperMeta, name: str, value, source: str) -> bool:
    """Set `meta.<name>` (or `meta.links[kind]` for "links.<kind>") to `value` when the field is
    empty or `source` outranks the one that gave it; returns whether it was set."""
    if _empty(value):
        return False
    if name.startswith("links."):
        kind = name[len("links."):]
        current = meta.links.get(kind)
        if current is not None and rank(source) <= rank(source_of(meta, name)):
            return False
        meta.links[kind] = value
    else:
        current = getattr(meta, name)
        if not _empty(current) and rank(source) <= rank(source_of(meta, name)):
            return False
        setattr(meta, name, value)
    if source == SCRAPED:
        meta.sources.pop(name, None)
    else:
        meta.sources[name] = source
    return True


def all_sources(meta: PaperMeta, topics: list[str] | None = None, topic_source: str | None = None) -> dict[str, str]:
    """Every non-empty field's source, for the JSON export (SCRAPED spelled out)."""
    out: dict[str, str] = {}
    for name in ("title", "authors", "year", "venue", "keywords", "first_published", "abstract"):
        if not _empty(getattr(meta, name)):
            out[name] = source_of(meta, name)
    for kind in sorted(meta.links):
        out[f"links.{kind}"] = source_of(meta, f"links.{kind}")
    for key, value in meta.sources.items():
        if key.endswith(".note") or key == "authors.complete":
            out[key] = value
    if topics and topic_source:
        out["topics"] = topic_source
    return dict(sorted(out.items()))
