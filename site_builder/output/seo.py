"""What search engines, feed readers and link previews read from a page's <head>:
feed links, the OpenGraph image, schema.org JSON-LD, BibTeX and related entries.

Installed as template globals so the theme decides where they appear.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from ..catalog import Catalog, Paper, Summary
from ..catalog.related import related_entries
from ..config import SiteConfig
from ..derived import Derive, compute
from .bibtex import bibtex_entry, citation_keys
from .feeds import feed_path
from .pages import Page


def script_json(data: Any) -> str:
    """JSON safe inside <script>: no `</script>`, `<!--` or `&` can close or confuse it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # compact: the C encoder
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def first_figure(summaries: list[Summary]) -> str | None:
    for s in summaries:
        for src in s.figures:
            if src.startswith(("https://", "http://", "/")):
                return src
    return None


def page_summaries(page: Page) -> list[Summary]:
    if "paper" in page.data:
        return list(page.data["paper"].summaries)
    if "summary" in page.data:
        return [page.data["summary"]]
    return []


def scholarly_article(paper: Paper, canonical: Callable[[str], str], image: str | None) -> dict[str, Any]:
    m = paper.meta
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "name": m.title,
        "headline": m.title if len(m.title) <= 110 else m.title[:109] + "…",
        "url": canonical(paper.url),
        "mainEntityOfPage": canonical(paper.url),
    }
    if m.authors:
        data["author"] = [{"@type": "Person", "name": a} for a in m.authors]
    if m.first_published:
        data["datePublished"] = m.first_published
    elif paper.year:
        data["datePublished"] = str(paper.year)
    if m.abstract:
        data["abstract"] = m.abstract
    if m.keywords:
        data["keywords"] = list(m.keywords)
    if paper.topics:
        data["about"] = list(paper.topics)
    if m.venue:
        data["publication"] = {"@type": "PublicationEvent", "name": m.venue}
    same = [m.links[k] for k in ("arxiv", "doi", "openreview", "paper") if m.links.get(k)]
    if same:
        data["sameAs"] = same
    if image:
        data["image"] = image
    reviews = []
    for s in paper.summaries:
        review: dict[str, Any] = {"@type": "Review", "url": canonical(s.url)}
        if s.record.contributor:
            review["author"] = {"@type": "Person", "name": s.record.contributor}
        if s.record.date:
            review["dateModified"] = s.record.date
        reviews.append(review)
    if reviews:
        data["review"] = reviews
    return data


def install(env, catalog: Catalog, config: SiteConfig, canonical: Callable[[str], str],
            related: dict[str, list] | None = None, derive: Derive = compute) -> None:
    """`related`: entry URL -> related entries, when the caller keeps it up to date itself;
    `derive`: how values over the whole catalog are made (derived.py)."""
    keys = derive("citation_keys", lambda: citation_keys(catalog.papers), by_key=True)
    related = related if related is not None else related_entries(catalog)
    topics = derive("topics", lambda: catalog.taxonomies.get("topics"))
    # Topic name -> its key (not the term: a page's feeds then need no term's list of papers).
    topic_keys = derive("topic_keys", lambda: {t.name: t.key for t in topics.terms} if topics else {})

    def page_feeds(page: Page) -> list[tuple[str, str]]:
        """(title, site path) of the Atom feeds a page advertises."""
        feeds = [(f"{config.title} (all summaries)", feed_path())]
        term = page.data.get("term")
        if term is not None and page.data.get("taxonomy") is topics:
            feeds.append((f"{config.title}: {term.name}", feed_path(term.key)))
        paper = page.data.get("paper")
        for name in paper.topics if paper else []:
            if name in topic_keys:
                feeds.append((f"{config.title}: {name}", feed_path(topic_keys[name])))
        return feeds

    def og_image(page: Page) -> str | None:
        src = first_figure(page_summaries(page))
        return canonical(src) if src and src.startswith("/") else src

    def paper_jsonld(paper: Paper, page: Page) -> str:
        return script_json(scholarly_article(paper, canonical, og_image(page)))

    env.globals.update(
        page_feeds=page_feeds,
        og_image=og_image,
        paper_jsonld=paper_jsonld,
        bibtex=lambda paper: bibtex_entry(paper, keys[paper.id]),
        citation_key=lambda paper: keys[paper.id],
        related=lambda entry: related.get(entry.url, []),
    )
