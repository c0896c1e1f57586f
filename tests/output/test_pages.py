"""Listing pages: sort orders and pagination."""
from __future__ import annotations

from site_builder.catalog import Catalog, Paper, Summary
from site_builder.catalog.slugs import LISTING_SLUGS, assign_slugs
from site_builder.config import SiteConfig
from site_builder.output.pages import build_pages
from site_builder.records import PaperMeta, SummaryRecord


def make_catalog(n):
    papers = []
    for i in range(n):
        p = Paper(id=f"p{i:02d}", meta=PaperMeta(title=f"Title {chr(ord('z') - i)}", year=2000 + i % 5))
        s = Summary(record=SummaryRecord(id=f"s{i:02d}", source="markdown", markup="markdown", body="", date=f"2020-01-{i + 1:02d}" if i % 3 else None), paper=p)
        p.summaries.append(s)
        papers.append(p)
    return Catalog(papers=papers, summaries=[p.summaries[0] for p in papers], taxonomies={}, collections=[])


def listing(pages, path):
    return [p for p in pages if p.path == path][0]


def test_three_orders_each_paginated():
    pages = build_pages(make_catalog(12), SiteConfig(page_size=5, search=False))
    paths = {p.path for p in pages}
    for base in ("/papers/", "/papers/by-year/", "/papers/a-z/"):
        assert {base, base + "page/2/", base + "page/3/"} <= paths and base + "page/4/" not in paths
    newest = listing(pages, "/papers/").data["items"]
    # Newest paper first (its year here), then its newest summary, undated summaries last within a year.
    assert [(p.year, p.newest_date) for p in newest] == [
        (2004, "2020-01-05"), (2004, ""), (2003, "2020-01-09"), (2003, ""), (2002, "2020-01-08")]
    years = [p.year for p in listing(pages, "/papers/by-year/").data["items"]]
    assert years == sorted(years, reverse=True)
    titles = [p.title for p in listing(pages, "/papers/a-z/").data["items"]]
    assert titles == ["Title o", "Title p", "Title q", "Title r", "Title s"]
    assert listing(pages, "/papers/").indexable and not listing(pages, "/papers/a-z/page/2/").indexable
    pager = listing(pages, "/papers/page/2/").data["pager"]
    assert (pager.prev, pager.next, pager.number, pager.total) == ("/papers/", "/papers/page/3/", 2, 3)
    assert pager.pages == [(1, "/papers/"), (2, "/papers/page/2/"), (3, "/papers/page/3/")]
    assert listing(pages, "/papers/by-year/").data["sorts"] == [("Newest", "/papers/"), ("By year", "/papers/by-year/"), ("A to Z", "/papers/a-z/")]


def test_newest_means_the_paper_date_not_the_last_edit():
    catalog = make_catalog(6)
    catalog.papers[0].meta.year = None  # no paper date at all: last, however recent its summary
    catalog.papers[1].meta.first_published = "2001-06-30"  # a day beats a year alone within the year
    catalog.papers[2].summaries[0].record.date = "2030-01-01"  # a late wiki edit does not make it new
    items = listing(build_pages(catalog, SiteConfig(page_size=50, search=False)), "/papers/").data["items"]
    assert [p.id for p in items] == ["p04", "p03", "p02", "p01", "p05", "p00"]


def test_listing_words_are_never_paper_slugs():
    slugs = assign_slugs([(t, str(i)) for i, t in enumerate(("Page", "A-Z", "By Year", "Page"))], LISTING_SLUGS)
    assert len(set(slugs)) == 4 and not set(slugs) & LISTING_SLUGS
    assert all(s.startswith(("page_", "a-z_", "by-year_")) for s in slugs)


def test_a_listing_that_fits_on_one_page_is_sorted_in_the_browser():
    pages = build_pages(make_catalog(6), SiteConfig(page_size=50, search=False))
    paths = {p.path for p in pages}
    assert "/papers/" in paths and "/papers/by-year/" not in paths and "/papers/a-z/" not in paths
    papers = listing(pages, "/papers/")
    assert papers.data["client_sort"] is True
    assert papers.data["sorts"] == [("Newest", "newest"), ("By year", "year"), ("A to Z", "title")]


def test_sort_controls_on_the_built_listings(sample_site):
    out, _ = sample_site
    html = (out / "papers" / "index.html").read_text(encoding="utf-8")
    # Hidden until site.js shows it: without JavaScript the newest-first order simply stays.
    assert '<div class="sort-nav" data-client-sort hidden>' in html
    assert '<button type="button" data-sort="title" aria-pressed="false">A to Z</button>' in html
    assert 'data-title="layer normalization"' in html and 'data-year="2016"' in html
    assert not (out / "papers" / "a-z").exists()


def test_memoized_orders_sort_as_the_plain_keys_and_work_each_key_out_once():
    from site_builder.output.pages import SORTS, memoized

    items = make_catalog(9).papers
    calls = []
    counted = [(name, sub, label, lambda x, key=key: calls.append(x.id) or key(x)) for name, sub, label, key in SORTS]
    orders = memoized(counted)
    for _ in range(3):  # the same items in several listings
        for (_, _, _, key), (_, _, _, once) in zip(SORTS, orders):
            assert sorted(items, key=once) == sorted(items, key=key)
    assert len(calls) == len(SORTS) * len(items)  # each order's key once per item, not once per sort
