"""Every page of the XSS payload site (tests/robustness/xss_site.py) opened in headless
Chromium: no payload may open an alert/confirm/prompt dialog, and no link inside a
typeset formula may lead to script. Both ways of showing math are tried: formulas
typeset at build time (`math: build`) and by MathJax in the browser (`math: client`,
whose configuration must apply the same TeX rules as the build).

Requests to other hosts are answered with a stand-in PNG (no network, and a payload
fetching a script from elsewhere gets an image, not code).
"""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import serve, stand_in
from tests.robustness.xss_payloads import TEX_MARKER
from tests.robustness.xss_site import build_payload_site

pytestmark = pytest.mark.browser

SOURCE_COPIES = ("data-latex", "data-semantic-", "aria-", "data-speech")
# Every link, class, id and style inside typeset formulas, as the browser sees them.
FORMULA_ATTRIBUTES = """() => [...document.querySelectorAll('mjx-container, mjx-container *')].flatMap(
    el => [...el.attributes].map(a => [el.tagName.toLowerCase(), a.name, a.value]))"""


@pytest.mark.parametrize("math", ["build", "client"])
def test_no_payload_opens_a_dialog(browser, tmp_path, math):
    root = build_payload_site(tmp_path, math=math)
    server = serve(root)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pages = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    dialogs: list[str] = []
    typeset = links = 0
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
            if math == "client" and page.locator(".math").count():
                page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                       timeout=30000)
                page.evaluate("() => MathJax.startup.promise")
            typeset += page.locator("mjx-container").count()
            for tag, name, value in page.evaluate(FORMULA_ATTRIBUTES):
                if not name.startswith(SOURCE_COPIES):  # MathJax's copies of the TeX, as text
                    assert TEX_MARKER not in name and TEX_MARKER not in value, f"{rel}: <{tag} {name}={value!r}>"
                if name in ("href", "data-mjx-href"):  # the explorer keeps a link's target in data-mjx-href
                    links += 1
                    probe = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
                    assert not probe.startswith(("javascript:", "vbscript:", "data:")), f"{rel}: {value!r}"
            # hover, focus and click everything a payload might have hooked (links inside formulas too)
            page.evaluate("""() => { for (const el of document.querySelectorAll('main *')) {
                for (const t of ['mouseover', 'focus', 'toggle']) el.dispatchEvent(new Event(t)); }
                for (const a of document.querySelectorAll('mjx-container a')) a.dispatchEvent(
                    new MouseEvent('click', {bubbles: true, cancelable: true})); }""")
        ctx.close()
    finally:
        server.shutdown()
    assert len(pages) > 20
    assert typeset > 20  # MathJax (at build time or in the page) typeset the math payloads
    assert links  # and TeX links exist, none of them to script
    assert dialogs == []
