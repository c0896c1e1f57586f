"""Every page of the XSS payload site (tests/robustness/xss_site.py) opened in headless
Chromium, MathJax included: no payload may open an alert/confirm/prompt dialog.

Requests to other hosts are answered with a stand-in PNG (no network, and a payload
fetching a script from elsewhere gets an image, not code).
"""
from __future__ import annotations

import pytest

from tests.browser.conftest import serve, stand_in
from tests.robustness.xss_site import build_payload_site

pytestmark = pytest.mark.browser


def test_no_payload_opens_a_dialog(browser, tmp_path):
    root = build_payload_site(tmp_path)
    server = serve(root)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pages = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    dialogs: list[str] = []
    typeset = 0
    try:
        ctx = browser.new_context()
        ctx.route("**/*", stand_in)
        page = ctx.new_page()
        current = {"page": ""}

        def on_dialog(dialog) -> None:
            dialogs.append(f"{current['page']}: {dialog.type} {dialog.message!r}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        for rel in pages:
            current["page"] = rel
            page.goto(f"{base}/{rel}", wait_until="load")
            if page.locator(".math").count():
                page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15000)
                page.evaluate("() => MathJax.startup.promise")
                typeset += page.locator("mjx-container").count()
            # hover and focus everything a payload might have hooked
            page.evaluate("""() => { for (const el of document.querySelectorAll('main *')) {
                for (const t of ['mouseover', 'focus', 'toggle']) el.dispatchEvent(new Event(t)); } }""")
        ctx.close()
    finally:
        server.shutdown()
    assert len(pages) > 20
    assert typeset > 0  # MathJax ran on the math payloads
    assert dialogs == []
