"""Screenshots of a built site for the README: home, a paper page, light and dark.

Usage: python docs/make_screenshots.py [SITE_DIR] [OUT_DIR]
(defaults: _site and docs/screenshots). Needs Debian's chromium and the
playwright Python package; never downloads a browser.
"""
from __future__ import annotations

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
SHOTS = [  # (name, path, colour scheme, width)
    ("home", "/", "light", 1280),
    ("home-dark", "/", "dark", 1280),
    ("paper", "/papers/layer-normalization/", "light", 1280),
    ("paper-dark", "/papers/layer-normalization/", "dark", 1280),
    ("paper-phone", "/papers/attention-is-all-you-need/", "light", 390),
]


def main() -> int:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "_site").resolve()
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            for name, path, scheme, width in SHOTS:
                ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
                page = ctx.new_page()
                page.goto(base + path, wait_until="load")
                if page.locator(".math").count():
                    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
                    page.evaluate("() => MathJax.startup.promise")
                page.screenshot(path=str(out / f"{name}.png"))
                ctx.close()
                print(out / f"{name}.png")
            browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
