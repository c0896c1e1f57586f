"""What a reader does on a paper page: copy the BibTeX, find the topic feed, follow related links."""
from __future__ import annotations

import feedparser
import pytest

from tests.browser.conftest import stand_in

pytestmark = pytest.mark.browser


def test_copy_bibtex_subscribe_to_topic_and_follow_related(browser, sample_site, served):
    root, _ = sample_site
    base = served(root)
    ctx = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    ctx.route("**/*", stand_in)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/papers/layer-normalization/")

    # Copy the BibTeX entry with the button; the clipboard holds exactly the entry.
    button = page.get_by_role("button", name="Copy BibTeX")
    assert button.is_visible()
    button.click()
    page.get_by_role("status").filter(has_text="Copied").wait_for(timeout=5000)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("@misc{layer2016,\n  title") and "{{Layer Normalization}}" in copied
    assert copied == page.locator("pre.bibtex").inner_text()

    # The topic chip leads to the topic page, which advertises its own Atom feed.
    page.get_by_role("link", name="Normalization", exact=True).first.click()
    page.wait_for_url(f"{base}/topics/normalization/")
    href = page.locator('link[rel="alternate"][type="application/atom+xml"][title$="Normalization"]').get_attribute("href")
    response = page.request.get(base + href)
    assert response.ok
    assert response.headers["content-type"].split(";")[0] in ("application/atom+xml", "application/xml", "text/xml")
    feed = feedparser.parse(response.body())
    assert not feed.bozo and feed.entries
    assert any(e.title.startswith("Layer Normalization") for e in feed.entries)

    # A related summary is one click away.
    page.goto(f"{base}/papers/layer-normalization/")
    page.locator(".related-list a").first.click()
    page.wait_for_load_state()
    assert page.url != f"{base}/papers/layer-normalization/"

    # Listings re-sort in place.
    page.goto(f"{base}/papers/")
    titles = page.locator("ul.entries > li .entry-title")
    page.get_by_role("button", name="A to Z").click()
    az = [t.lower() for t in titles.all_inner_texts()]
    assert az == sorted(az)
    page.get_by_role("button", name="By year").click()
    years = page.locator("ul.entries > li").evaluate_all("els => els.map(e => e.dataset.year)")
    known = [int(y) for y in years if y]
    assert known == sorted(known, reverse=True) and years[-1] == ""
    assert page.get_by_role("button", name="By year").get_attribute("aria-pressed") == "true"
    assert errors == []
    ctx.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_footer_ends_the_window_on_a_short_page_and_follows_a_long_one(browser, sample_site, served, width):
    root, _ = sample_site
    base = served(root)
    page = browser.new_page(viewport={"width": width, "height": 2000})  # taller than the about page
    page.route("**/*", stand_in)
    page.goto(f"{base}/about/")
    box = page.locator(".site-footer").bounding_box()
    assert box is not None and abs(box["y"] + box["height"] - 2000) < 1  # at the window's bottom, not mid-page
    assert page.evaluate("() => document.documentElement.scrollHeight") <= 2000  # and no scrolling to see it

    page.set_viewport_size({"width": width, "height": 400})  # now the page is longer than the window
    page.goto(f"{base}/papers/")
    footer = page.locator(".site-footer")
    main_bottom = page.evaluate("() => document.querySelector('main').getBoundingClientRect().bottom")
    assert abs(footer.bounding_box()["y"] - main_bottom) < 1  # right after the content, not over it
    page.close()
