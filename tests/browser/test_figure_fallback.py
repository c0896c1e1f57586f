"""A figure that fails to load shows its caption and a link to the summary's source page, not a broken icon."""
from __future__ import annotations

import time

import pytest

from site_builder.config import SiteConfig
from site_builder.pipeline import build

from ..figures.images import png

pytestmark = pytest.mark.browser

SOURCE = "https://example.org/original-summary"
BODY = f"""---
title: A Paper With Broken Figures
authors: [Ada Quill]
year: 2019
source_url: {SOURCE}
contributor: tester
---
Some text first.

![A working figure](/ok.png)

![A chart of losses](https://gone.example/chart.png) *Loss over time*

![Missing thing](/missing.png)

A sentence with an inline ![tiny icon](https://gone.example/t.png) image in it.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("figfail")
    content = root / "content"
    content.mkdir()
    (content / "broken.md").write_text(BODY, encoding="utf-8")
    (content / "ok.png").write_bytes(png(60, 30))
    config = SiteConfig(search=False)
    build(content, root / "site", config, root)
    return root / "site"


def open_page(browser, served, site, *, javascript=True, slow_script=False):
    base = served(site)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)

    def route(r):
        url = r.request.url
        if not url.startswith("http://127.0.0.1"):
            return r.abort()  # the remote figures' host is gone
        if slow_script and url.endswith("/assets/site.js"):
            time.sleep(0.8)  # every image has failed before the script runs
        return r.continue_()

    ctx.route("**/*", route)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    (path,) = [p.parent for p in (site / "papers").glob("*/index.html")]
    page.goto(f"{base}/papers/{path.name}/", wait_until="load")
    return ctx, page, errors


@pytest.mark.parametrize("slow_script", [False, True], ids=["script-first", "images-fail-first"])
def test_failed_figures_show_caption_and_source_link(browser, served, site, slow_script):
    ctx, page, errors = open_page(browser, served, site, slow_script=slow_script)
    try:
        page.wait_for_function("() => document.querySelectorAll('.figure-missing').length === 3", timeout=10000)
        missing = page.locator(".prose .figure-missing")
        texts = [missing.nth(i).inner_text() for i in range(3)]
        assert texts == ["The figure could not be loaded. figure on the source page",
                         "Missing thing figure on the source page",
                         "tiny icon (figure on the source page)"]
        for i in range(3):
            assert missing.nth(i).locator("a").get_attribute("href") == SOURCE
        # the caption stays; no broken image is left visible; the working figure is untouched
        assert page.locator("figcaption", has_text="Loss over time").is_visible()
        broken = page.evaluate("""() => [...document.querySelectorAll('.prose img')]
            .filter(i => i.offsetParent !== null && !i.naturalWidth).map(i => i.src)""")
        assert broken == []
        assert page.locator("img[alt='A working figure']").is_visible()
        assert page.locator("figure.figure-failed").count() == 2
        assert errors == []
    finally:
        ctx.close()


def test_without_javascript_a_failed_figure_is_a_labelled_box(browser, served, site):
    ctx, page, _ = open_page(browser, served, site, javascript=False)
    try:
        page.wait_for_timeout(300)
        assert page.locator(".figure-missing").count() == 0
        box = page.locator("img[alt='A chart of losses']").bounding_box()
        assert box is not None and box["height"] >= 30 and box["width"] >= 150  # room for its label, not an icon
        page.locator("img[alt='A chart of losses']").screenshot(path=str(site.parent / "nojs-figure.png"))
    finally:
        ctx.close()
