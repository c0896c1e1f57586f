"""A reader searches: header box -> results with title, year and excerpt -> year filter -> a paper.

Runs on the seed site when ../shared/seeds is present (the issue's scenario:
"normalization", then 2018), else on the sample site. A second test builds a
two-paper site of its own to search for a word that only occurs inside a formula.
"""
from __future__ import annotations

import re

import feedparser
import pytest

from site_builder.config import SiteConfig
from site_builder.pipeline import build
from tests.browser.conftest import stand_in
from tests.conftest import ROOT, SEEDS
from tests.output.test_search import SECOND, WHITENING

pytestmark = pytest.mark.browser


def result_count(page) -> int:
    message = page.locator(".pagefind-ui__message").inner_text()
    match = re.match(r"(\d+) results? for", message)
    assert match, message
    return int(match.group(1))


def wait_for_results(page) -> None:
    """Results are in and loaded: Pagefind shows placeholders (".pagefind-ui__loading") first."""
    page.locator(".pagefind-ui__result").first.wait_for(timeout=15000)
    page.wait_for_function("() => !document.querySelector('.pagefind-ui__loading')", timeout=15000)


def settled(page) -> None:
    """The search has answered and every shown result is loaded (even when there are none)."""
    page.wait_for_function("() => { const m = document.querySelector('.pagefind-ui__message');"
                           " return m && !m.textContent.startsWith('Searching') && !document.querySelector('.pagefind-ui__loading'); }",
                           timeout=15000)


def assert_filtered(page, year: str, count: int) -> None:
    wait_for_results(page)
    page.wait_for_function("(n) => document.querySelector('.pagefind-ui__message').textContent.startsWith(n + ' result')",
                           arg=count, timeout=15000)
    assert page.locator(".pagefind-ui__filter-block", has_text="Year").locator("input:checked").evaluate_all(
        "boxes => boxes.map(b => b.value)") == [year]
    assert page.locator(".pagefind-ui__search-input").input_value() == "normalization"


def open_context(browser, **options):
    ctx = browser.new_context(permissions=["clipboard-read", "clipboard-write"], **options)
    ctx.route("**/*", stand_in)  # no network: other hosts get a stand-in
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    return ctx, page, errors


def test_search_filter_by_year_and_open_a_paper(browser, request, served):
    site, year = ("seeds_site", "2018") if SEEDS.is_dir() else ("sample_site", "2016")
    root, _ = request.getfixturevalue(site)
    base = served(root)
    ctx, page, errors = open_context(browser)
    page.goto(f"{base}/")

    # The header's search box is a plain form: Enter lands on /search/?q=...
    page.get_by_role("searchbox", name="Search the summaries").fill("normalization")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/search/?q=normalization")
    wait_for_results(page)
    before = result_count(page)
    assert before > 1
    for result in page.locator(".pagefind-ui__result").all():
        assert result.locator(".pagefind-ui__result-title a").inner_text().strip()
        assert re.fullmatch(r"Year: (\d{4}|unknown)", result.locator(".pagefind-ui__result-tag").first.inner_text())
        assert result.locator(".pagefind-ui__result-excerpt mark").count() >= 1

    # Narrow to one year: fewer results, all from that year; the address says so.
    page.locator(".pagefind-ui__filter-block", has_text="Year").locator("label", has_text=year).click()
    page.wait_for_function("(n) => !document.querySelector('.pagefind-ui__message').textContent.startsWith(n + ' result')", arg=before)
    wait_for_results(page)
    after = result_count(page)
    assert 0 < after < before
    tags = page.locator(".pagefind-ui__result-tag").all_inner_texts()
    assert tags and all(t == f"Year: {year}" for t in tags)
    page.wait_for_url(f"{base}/search/?q=normalization&year={year}")

    # The filtered search survives a reload (and so can be shared).
    page.reload()
    assert_filtered(page, year, after)

    # Open the first result: its paper page, filed under that year; Back returns to the filtered list.
    link = page.locator(".pagefind-ui__result-title a").first
    title = link.inner_text().strip()
    link.click()
    page.wait_for_url(re.compile(re.escape(base) + r"/(papers|summaries)/[^/]+/$"))
    page.go_back()
    page.wait_for_url(f"{base}/search/?q=normalization&year={year}")
    assert_filtered(page, year, after)
    page.locator(".pagefind-ui__result-title a").first.click()
    page.wait_for_url(re.compile(re.escape(base) + r"/(papers|summaries)/[^/]+/$"))
    assert page.locator("h1").first.inner_text().strip() == title
    assert page.locator(f'.chips a[href="/years/{year}/"]').count() == 1

    # Copy its BibTeX entry.
    page.get_by_role("button", name="Copy BibTeX").click()
    page.get_by_role("status").filter(has_text="Copied").wait_for(timeout=5000)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("@") and copied == page.locator("pre.bibtex").inner_text()

    # Subscribe to one of its topics: the page advertises the topic's Atom feed.
    feeds = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    hrefs = [feeds.nth(i).get_attribute("href") for i in range(feeds.count())]
    topic_feeds = [h for h in hrefs if h.startswith("/topics/")]
    assert "/feed.xml" in hrefs and topic_feeds
    response = page.request.get(base + topic_feeds[0])
    feed = feedparser.parse(response.body())
    assert response.ok and not feed.bozo and feed.entries
    assert not errors, errors
    ctx.close()


def test_a_word_inside_a_formula_is_found_and_shown_without_tex(browser, served, tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "whitening.md").write_text(WHITENING, encoding="utf-8")
    (content / "second.md").write_text(SECOND, encoding="utf-8")
    (content / "escapes.md").write_text(ESCAPES, encoding="utf-8")
    build(content, tmp_path / "site", SiteConfig(), ROOT)
    base = served(tmp_path / "site")
    ctx, page, errors = open_context(browser)

    # ?q= in the address runs the search (what the header form submits).
    page.goto(f"{base}/search/?q=zcawhiten")
    wait_for_results(page)
    assert result_count(page) == 1
    assert page.locator(".pagefind-ui__result-title").inner_text().strip() == "Whitening Layers for Deep Networks"
    excerpt = page.locator(".pagefind-ui__result-excerpt")
    assert excerpt.locator("mark").first.inner_text().startswith("zcawhiten")
    text = excerpt.inner_text()
    assert "\\frac" not in text and "\\mathbf" not in text and "μ" in text

    # Scraped markup in an excerpt stays text.
    page.goto(f"{base}/search/?q=onerror")
    wait_for_results(page)
    assert "<img" in page.locator(".pagefind-ui__result-excerpt").inner_text()
    assert page.locator(".pagefind-ui__results img").count() == 0

    # Text that spells an HTML entity is shown as written (Pagefind's own excerpt would show "<b>"),
    # and the matched word is still marked.
    page.goto(f"{base}/search/?q=zebrafinch")
    wait_for_results(page)
    excerpt = page.locator(".pagefind-ui__result-excerpt")
    assert "&lt;b&gt;zebrafinch&lt;/b&gt;" in excerpt.inner_text() and "AT&amp;T" in excerpt.inner_text()
    assert "zebrafinch" in excerpt.locator("mark").first.inner_text()
    assert excerpt.locator("b").count() == 0
    assert not errors, errors
    ctx.close()


ESCAPES = """---
title: "Escapes in Excerpts"
year: 2020
---
The literal text `&lt;b&gt;zebrafinch&lt;/b&gt;` is code, and so is `AT&amp;T`.
"""


def test_nonsense_finds_nothing_and_a_slip_still_finds(browser, request, served):
    """Issue 28: Pagefind falls back to the longest indexed word a query word starts with ("xqzvw" -> "x")."""
    root, _ = request.getfixturevalue("seeds_site" if SEEDS.is_dir() else "sample_site")
    base = served(root)
    ctx, page, errors = open_context(browser)
    page.goto(f"{base}/search/")
    raw = page.evaluate("async () => (await (await import('/pagefind/pagefind.js')).search('xqzvw')).results.length")
    assert raw > 0  # what Pagefind alone gives: noise
    for query in ("xqzvw", "batch xqzvw", "qqqqzzzz"):
        page.goto(f"{base}/search/?q={query}")
        message = page.locator(".pagefind-ui__message")
        message.filter(has_text="No results").wait_for(timeout=15000)
        assert page.locator(".pagefind-ui__result").count() == 0
    for query in ("normalizaton", "normaliz", "normalization"):  # a slip near the end, a word being typed
        page.goto(f"{base}/search/?q={query}")
        wait_for_results(page)
        assert result_count(page) >= 1  # the sample site has one paper on normalization, the seeds several
    assert not errors, errors
    ctx.close()


def boxes(page) -> dict[str, dict]:
    return page.evaluate("""() => Object.fromEntries(['.pagefind-ui__search-input', '.pagefind-ui__filter-panel',
        '.pagefind-ui__result'].map(s => [s, document.querySelector(s).getBoundingClientRect().toJSON()]))""")


def test_filters_sit_above_the_results_on_a_phone(browser, request, served):
    """Issue 28: on a phone the filters are a row of closed buttons between the box and the results."""
    root, _ = request.getfixturevalue("seeds_site" if SEEDS.is_dir() else "sample_site")
    base = served(root)
    ctx, page, errors = open_context(browser, viewport={"width": 390, "height": 844})
    page.goto(f"{base}/search/?q=normalization")
    wait_for_results(page)
    box = boxes(page)
    search, panel, first = box[".pagefind-ui__search-input"], box[".pagefind-ui__filter-panel"], box[".pagefind-ui__result"]
    assert search["bottom"] <= panel["top"] < panel["bottom"] <= first["top"]
    assert first["top"] - search["bottom"] < 200, box  # the first result is in view, not 780 px down
    assert first["top"] < 844
    assert page.locator(".pagefind-ui__filter-block[open]").count() == 0
    for name in page.locator(".pagefind-ui__filter-name").all():  # each a full-size tap target
        assert name.bounding_box()["height"] >= 44
    # Opening one spreads it across the row, still above the results.
    page.locator(".pagefind-ui__filter-name", has_text="Year").click()
    assert page.locator(".pagefind-ui__filter-block[open] .pagefind-ui__filter-label").first.is_visible()
    box = boxes(page)
    assert box[".pagefind-ui__filter-panel"]["bottom"] <= box[".pagefind-ui__result"]["top"]

    # A wide window keeps Pagefind's layout: filters beside the results, the year open.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/search/?q=normalization")
    wait_for_results(page)
    box = boxes(page)
    assert box[".pagefind-ui__filter-panel"]["right"] <= box[".pagefind-ui__result"]["left"]
    assert page.locator(".pagefind-ui__filter-block[open]").all_inner_texts()[0].startswith("Year")
    assert not errors, errors
    ctx.close()


def test_an_index_in_parts_gives_the_same_results(browser, served, tmp_path, monkeypatch):
    """Issue 29: a large index is split into parts, each its own Pagefind bundle, merged in the browser."""
    from site_builder.config import load_config
    from site_builder.output import search
    from tests.conftest import CONTENT

    config = load_config(ROOT / "site.yaml")
    config.mathjax.self_host = False
    build(CONTENT, tmp_path / "whole", config, ROOT)
    monkeypatch.setattr(search, "PART_CHARS", 2000)
    build(CONTENT, tmp_path / "parts", config, ROOT)
    manifest = (tmp_path / "parts" / "pagefind" / "parts.json").read_text(encoding="utf-8")
    assert '"part-2/"' in manifest
    found = {}
    ctx, page, errors = open_context(browser)
    for name in ("whole", "parts"):
        base = served(tmp_path / name)
        found[name] = []
        for query in ("normalization", "attention", "learning", "normalizaton", "normaliz", "xqzvw", "learning&year=2016",
                      "network&topic=Computer+Vision"):
            page.goto(f"{base}/search/?q={query}")
            settled(page)
            while page.locator(".pagefind-ui__button").count():  # "Load more results"
                page.locator(".pagefind-ui__button").click()
                settled(page)
            found[name].append((page.locator(".pagefind-ui__message").inner_text(),
                                sorted(page.locator(".pagefind-ui__result-title").all_inner_texts())))
    assert found["whole"][0][0].endswith("results for normalization")
    assert found["parts"] == found["whole"]
    assert not errors, errors
    ctx.close()


def test_search_after_an_edit_finds_the_new_text_not_the_old(browser, served, tmp_path, monkeypatch):
    """Issue 29: after an incremental build the edited paper is in a delta bundle and its old copy is
    hidden in its part (output/search_delta.py): the old word no longer finds it, the new one does, and
    every count (results, filter values) is what a clean build of the edited site shows."""
    import shutil

    from site_builder.config import load_config
    from site_builder.incremental import Session
    from site_builder.output import search
    from tests.conftest import CONTENT

    config = load_config(ROOT / "site.yaml")
    config.mathjax.self_host = False
    monkeypatch.setattr(search, "PART_CHARS", 2000)
    site = tmp_path / "edited"
    shutil.copytree(CONTENT, site / "content")
    session = Session(site / "content", site / "out", ROOT)
    session.build(config)
    summary = site / "content" / "summaries" / "adam-notes.md"
    text = summary.read_text(encoding="utf-8")
    assert text.count("roughly") == 1
    summary.write_text(text.replace("roughly", "quokkaword"), encoding="utf-8")
    session.build(config)
    assert session.last_mode == "incremental", session.why_full
    assert any(d.name.startswith("delta-") for d in (site / "out" / "pagefind").iterdir())
    build(site / "content", tmp_path / "clean", config, ROOT, use_cache=False)

    adam = "Adam: A Method for Stochastic Optimization"
    found = {}
    ctx, page, errors = open_context(browser)
    for name, folder in (("edited", site / "out"), ("clean", tmp_path / "clean")):
        base = served(folder)
        found[name] = {}
        for query in ("quokkaword", "roughly", "adam", "learning", "gradient", "gradient&year=2015", "normaliz"):
            page.goto(f"{base}/search/?q={query}")
            settled(page)
            while page.locator(".pagefind-ui__button").count():  # "Load more results"
                page.locator(".pagefind-ui__button").click()
                settled(page)
            # The counts, from the page's own search module (the one the UI imported, its parts merged):
            # what the UI shows comes from these (read here, not from the UI, which fills them in late).
            term, _, year = query.partition("&year=")
            counts = page.evaluate("""async ([term, year]) => {
                const engine = document.getElementById("search").getAttribute("data-engine");
                const m = await import(new URL(engine + "pagefind.js", document.baseURI).href);
                const found = await m.search(term, year ? { filters: { year: [year] } } : {});
                return [found.results.map(r => r.id), found.filters, found.totalFilters,
                        found.unfilteredResultCount, await m.filters()];
            }""", [term, year])
            found[name][query] = (page.locator(".pagefind-ui__message").inner_text(),
                                  sorted(page.locator(".pagefind-ui__result-title").all_inner_texts()), counts)
    edited = found["edited"]
    assert edited["quokkaword"][1] == [adam]
    assert adam not in edited["roughly"][1]
    assert edited["gradient"][1].count(adam) == 1  # one copy, not the old and the new
    assert edited["gradient"][2][1]["year"]["2015"] == 1  # Adam's year, counted once
    # The same results (ids are content hashes) in the same order (the edited page takes its old copy's
    # score, which the clean build's differs from a little: not with these queries), counts and totals.
    assert edited == found["clean"]
    assert not errors, errors
    ctx.close()
