"""Catalog: merge records into papers and summaries, then build the taxonomies."""
from __future__ import annotations

from ..config import SiteConfig
from ..records import Collection, SummaryRecord
from .merge import group_papers, merge_summaries, resolve_year
from .model import Catalog, Paper, Summary, Taxonomy, Term
from .slugs import slugify, unique_slug
from .topics import paper_topics
from ..readers.names import last_first

__all__ = ["build_catalog", "Catalog", "Paper", "Summary", "Taxonomy", "Term"]

YEAR_UNKNOWN = "unknown"


def build_catalog(records: list[SummaryRecord], collections: list[Collection], config: SiteConfig) -> Catalog:
    summaries = merge_summaries(records)
    papers = group_papers(summaries)
    for paper in papers:
        paper.year_source = resolve_year(paper.meta)
        paper.topics = paper_topics(paper.meta.keywords, paper.title, config)
    known = {c.key: c for c in collections}
    for s in summaries:
        key = s.record.collection
        if key and key not in known:
            known[key] = Collection(key=key, name=key)
    for key, name in config.collections.items():
        if key in known:
            known[key].name = name
    colls = [known[k] for k in sorted(known)]
    catalog = Catalog(
        papers=papers,
        summaries=summaries,
        taxonomies={},
        collections=colls,
    )
    catalog.taxonomies = build_taxonomies(catalog)
    catalog.aliases = {
        alias: s.url for s in summaries for alias in s.record.aliases
    }
    return catalog


def build_taxonomies(catalog: Catalog) -> dict[str, Taxonomy]:
    years = Taxonomy("years", "Year", "Years")
    topics = Taxonomy("topics", "Topic", "Topics")
    venues = Taxonomy("venues", "Venue", "Venues")
    authors = Taxonomy("authors", "Author", "Authors")
    colls = Taxonomy("collections", "Collection", "Collections")

    def add(tax: dict[str, Term], key: str, name: str) -> Term:
        return tax.setdefault(key, Term(key=key, name=name))

    by: dict[str, dict[str, Term]] = {t: {} for t in ("years", "topics", "venues", "authors", "collections")}
    for paper in catalog.papers:
        year_key = str(paper.year) if paper.year else YEAR_UNKNOWN
        add(by["years"], year_key, str(paper.year) if paper.year else "Year unknown").papers.append(paper)
        for topic in paper.topics:
            add(by["topics"], unique_slug(topic), topic).papers.append(paper)
        if paper.meta.venue:
            add(by["venues"], unique_slug(paper.meta.venue), paper.meta.venue).papers.append(paper)
        for author in paper.meta.authors:
            add(by["authors"], unique_slug(author), author).papers.append(paper)
        for coll in paper.collections:
            add(by["collections"], coll, coll).papers.append(paper)
    for s in catalog.unidentified:
        add(by["years"], YEAR_UNKNOWN, "Year unknown").summaries.append(s)
        if s.record.collection:
            add(by["collections"], s.record.collection, s.record.collection).summaries.append(s)
    names = {c.key: c for c in catalog.collections}
    for key, term in by["collections"].items():
        if key in names:
            term.name, term.source_url = names[key].name, names[key].source_url

    # Years newest first with "unknown" last; the rest alphabetically.
    years.terms = sorted(by["years"].values(), key=lambda t: (t.key == YEAR_UNKNOWN, -int(t.key) if t.key.isdigit() else 0))
    for tax, store in ((topics, by["topics"]), (venues, by["venues"]), (colls, by["collections"])):
        tax.terms = sorted(store.values(), key=lambda t: (slugify(t.name), t.key))
    # Authors A to Z by family name, as a library index would list them.
    authors.terms = sorted(by["authors"].values(), key=lambda t: (slugify(last_first(t.name)), t.key))
    for tax in (years, topics, venues, authors, colls):
        for term in tax.terms:
            term.papers.sort(key=lambda p: (-(p.year or 0), p.title.lower(), p.id))
    return {t.key: t for t in (years, topics, venues, authors, colls)}
