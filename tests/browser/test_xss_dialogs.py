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


# Inside Pagefind's results and filter panel every element is one of the UI's own (a pagefind-ui__
# class), or a bare <mark> around a matched word; anything else came from an indexed value.
INJECTED = """(root) => {
  const found = [];
  for (const area of root.querySelectorAll('.pagefind-ui__results, .pagefind-ui__filter-panel')) {
    for (const el of area.querySelectorAll('*')) {
      const own = [...el.classList].some(c => c.startsWith('pagefind-ui__'));
      const mark = el.tagName === 'MARK' && el.attributes.length === 0;
      const handlers = [...el.attributes].filter(a => a.name.toLowerCase().startsWith('on')).map(a => a.name);
      if ((!own && !mark) || handlers.length) found.push(el.outerHTML.slice(0, 120));
    }
  }
  return found;
}"""


def test_search_ui_shows_payloads_as_text(browser, tmp_path):
    """Issue 25: filter values, titles and excerpts reach Pagefind's UI, which renders filters and
    excerpts as HTML. Focus the box, search words of the payload records, open every filter."""
    root = build_payload_site(tmp_path, search=True)
    server = serve(root)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    dialogs: list[str] = []
    try:
        ctx = browser.new_context()
        ctx.route("**/*", stand_in)
        page = ctx.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{d.type} {d.message!r}"), d.dismiss()))
        page.goto(f"{base}/search/")
        box = page.locator(".pagefind-ui__search-input")
        box.focus()  # Pagefind loads the filters on focus: a payload value would run now
        page.locator(".pagefind-ui__filter-label").first.wait_for(state="attached", timeout=15000)
        labels, titles, excerpts = [], [], []
        for query in ("payloads", "alert", "onerror", "script", "img", "javascript"):
            box.fill(query)
            page.wait_for_function("(q) => { const m = document.querySelector('.pagefind-ui__message');"
                                   " return m && m.textContent.includes(q) && !m.textContent.startsWith('Searching'); }",
                                   arg=query, timeout=15000)
            page.wait_for_function("() => !document.querySelector('.pagefind-ui__loading')", timeout=15000)
            closed = page.locator(".pagefind-ui__filter-block:not([open]) .pagefind-ui__filter-name")
            while closed.count():
                closed.first.click()
            while page.locator(".pagefind-ui__button").count():  # "Load more results": every result shown
                page.locator(".pagefind-ui__button").click()
                page.wait_for_function("() => !document.querySelector('.pagefind-ui__loading')", timeout=15000)
            page.evaluate("() => document.querySelectorAll('.pagefind-ui *').forEach(el => {"
                          " for (const t of ['mouseover', 'focus', 'toggle']) el.dispatchEvent(new Event(t)); })")
            injected = page.evaluate(INJECTED, page.locator(".pagefind-ui").element_handle())
            assert injected == [], (query, injected)
            labels += page.locator(".pagefind-ui__filter-label").all_inner_texts()
            titles += page.locator(".pagefind-ui__result-title").all_inner_texts()
            excerpts += page.locator(".pagefind-ui__result-excerpt").all_inner_texts()
        ctx.close()
    finally:
        server.shutdown()
    assert dialogs == []
    # The payloads are there, shown as the text they are.
    assert any("<" in label and "alert(" in label for label in labels), labels
    assert any("<script>alert(" in t for t in titles), titles
    assert any("<script>alert(" in e for e in excerpts), excerpts
