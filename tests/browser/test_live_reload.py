"""`serve` in a real browser: an edit to a summary shows in the open page by itself.

The page is opened in headless Chromium from the development server; the test then
edits the summary's file and waits for the open page (no navigation by the test)
to show the new text, then breaks and fixes the config and watches the error page
come and go.
"""
from __future__ import annotations

import time

import pytest

from tests.server.conftest import NOTE, serving

from .conftest import stand_in

pytestmark = pytest.mark.browser


def test_edit_shows_in_the_open_page_within_two_seconds(browser, tmp_path):
    expect = pytest.importorskip("playwright.sync_api").expect
    with serving(tmp_path) as s:
        ctx = browser.new_context()
        ctx.route("**/*", stand_in)
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{s.server.url}papers/learning-to-count-pebbles/", wait_until="load")
        body = page.locator("body")
        expect(body).to_contain_text("looking at them twice")
        page.wait_for_timeout(200)  # let the page's EventSource connect

        s.note.write_text(NOTE.format(extra="Edited while the page was open."), encoding="utf-8")
        started = time.monotonic()
        expect(body).to_contain_text("Edited while the page was open.", timeout=2000)
        seconds = time.monotonic() - started
        print(f"edit visible in the open page after {seconds:.2f} s")

        config = s.site / "site.yaml"
        good = config.read_text(encoding="utf-8")
        config.write_text(good + "page_size: many\n", encoding="utf-8")
        expect(page.locator("h1")).to_have_text("Build failed", timeout=3000)
        expect(page.locator(".build-error")).to_contain_text("'page_size': expected a positive whole number")
        config.write_text(good, encoding="utf-8")
        expect(body).to_contain_text("Edited while the page was open.", timeout=3000)
        assert errors == []
        ctx.close()
