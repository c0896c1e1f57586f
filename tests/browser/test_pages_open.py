"""Open every page of the built sites in headless Chromium: no console errors.

Skipped when Chromium or Playwright is not installed (see conftest.py).
"""
from __future__ import annotations

import pytest

from tests.browser.conftest import serve, stand_in

pytestmark = pytest.mark.browser


def visit_all(browser, root):
    server = serve(root)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pages = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    problems: dict[str, list[str]] = {}
    typeset = 0
    try:
        ctx = browser.new_context()
        ctx.route("**/*", stand_in)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        for rel in pages:
            errors.clear()
            url = f"{base}/{rel[:-len('index.html')] if rel.endswith('index.html') else rel}"
            page.goto(url, wait_until="load")
            if page.locator(".math").count():
                page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15000)
                page.evaluate("() => MathJax.startup.promise")
                typeset += page.locator("mjx-container").count()
            if errors:
                problems[rel] = list(errors)
        ctx.close()
    finally:
        server.shutdown()
    return pages, problems, typeset


def test_sample_site_pages_open_cleanly(browser, sample_site):
    root, _ = sample_site
    pages, problems, typeset = visit_all(browser, root)
    assert len(pages) > 30
    assert problems == {}
    assert typeset > 10  # MathJax really ran on the pages with math


def test_seed_site_pages_open_cleanly(browser, seeds_site):
    root, _ = seeds_site
    pages, problems, typeset = visit_all(browser, root)
    assert len(pages) > 60
    assert problems == {}
    assert typeset > 100


def test_reading_fixture_pages_open_cleanly(browser, reading_site):
    root, _ = reading_site
    pages, problems, _ = visit_all(browser, root)
    assert len(pages) > 15
    assert problems == {}
