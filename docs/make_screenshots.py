"""Screenshots of a built site for the README: home, a paper page and search,
light and dark, wide (1280 px) and phone (390 px).

Usage: python docs/make_screenshots.py [SITE_DIR] [OUT_DIR] [--full-page]
(defaults: _site and docs/screenshots). `--full-page` captures whole pages,
which is how to review a theme change for overflow on phones. The search page
is skipped when the site has none. Needs Debian's chromium and the playwright
Python package; never downloads a browser. Requests to other hosts (figures
hot-linked by summaries) get a grey stand-in image, so the shots are the same
with or without a network.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = [  # (name, path, file that must exist in the site)
    ("home", "/", "index.html"),
    ("paper", "/papers/layer-normalization/", "papers/layer-normalization/index.html"),
    ("search", "/search/?q=normalization", "search/index.html"),
]
VARIANTS = [  # (suffix, colour scheme, width)
    ("", "light", 1280),
    ("-dark", "dark", 1280),
    ("-phone", "light", 390),
    ("-phone-dark", "dark", 390),
]
STAND_IN = (  # a 4x3 grey SVG for images from other hosts
    b'<svg xmlns="http://www.w3.org/2000/svg" width="480" height="270">'
    b'<rect width="100%" height="100%" fill="#9a9a9a"/></svg>'
)


def stand_in(route) -> None:
    if route.request.url.startswith("http://127.0.0.1"):
        route.continue_()
    else:
        route.fulfill(status=200, content_type="image/svg+xml", body=STAND_IN)


def settle(page) -> None:
    """Wait for what changes the picture after load: MathJax and search results."""
    # Only formulas left as TeX (math: client, or a build without Node) wait for MathJax in the browser.
    if page.locator(".math:not(:has(mjx-container))").count():
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
    if page.locator("#search").count():
        try:
            page.wait_for_selector(".pagefind-ui__result", timeout=5000)
        except Exception:  # no results (or no index): shoot the page as it is
            pass
    page.evaluate("() => document.fonts.ready")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default="_site", type=Path)
    parser.add_argument("out", nargs="?", default="docs/screenshots", type=Path)
    parser.add_argument("--full-page", action="store_true", help="capture whole pages, not the first screen")
    args = parser.parse_args()
    site, out = args.site.resolve(), args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            for name, path, needs in PAGES:
                if not (site / needs).is_file():
                    print(f"skipped {name}: {site / needs} does not exist")
                    continue
                for suffix, scheme, width in VARIANTS:
                    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,
                                              device_scale_factor=1)
                    ctx.route("**/*", stand_in)
                    page = ctx.new_page()
                    page.goto(base + path, wait_until="load")
                    settle(page)
                    target = out / f"{name}{suffix}.png"
                    page.screenshot(path=str(target), full_page=args.full_page)
                    ctx.close()
                    print(target)
            browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
