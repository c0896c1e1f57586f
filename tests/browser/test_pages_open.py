"""Open every page of the built sites in headless Chromium: no console errors.

Skipped when Chromium or Playwright is not installed. The network is closed in
tests, so requests to other hosts (figures hot-linked by summaries) are answered
with a stand-in image, which is what a reader online would get from those hosts.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import threading

import pytest

pytestmark = pytest.mark.browser

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.skip("chromium is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


def serve(root):
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stand_in(route):
    url = route.request.url
    if url.startswith("http://127.0.0.1"):
        return route.continue_()
    return route.fulfill(status=200, content_type="image/png", body=PNG_1X1)


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
