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


def open_context(browser):
    ctx = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
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

    # Narrow to one year: fewer results, all from that year.
    page.locator(".pagefind-ui__filter-block", has_text="Year").locator("label", has_text=year).click()
    page.wait_for_function("(n) => !document.querySelector('.pagefind-ui__message').textContent.startsWith(n + ' result')", arg=before)
    wait_for_results(page)
    after = result_count(page)
    assert 0 < after < before
    tags = page.locator(".pagefind-ui__result-tag").all_inner_texts()
    assert tags and all(t == f"Year: {year}" for t in tags)

    # Open the first result: its paper page, filed under that year.
    link = page.locator(".pagefind-ui__result-title a").first
    title = link.inner_text().strip()
    link.click()
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
    assert not errors, errors
    ctx.close()
