"""Open every page of the built sites in headless Chromium: no console errors; and with
JavaScript off, every formula is already there, typeset by the build.

Skipped when Chromium or Playwright is not installed (see conftest.py).
"""
from __future__ import annotations

import pytest

from tests.browser.conftest import serve, stand_in

pytestmark = pytest.mark.browser

# Formulas left as TeX for MathJax in the browser (math: client, or a build without Node).
IN_BROWSER = r"""() => [...document.querySelectorAll('.math')].some(
    el => !el.querySelector('mjx-container') && /^\s*\\[\[(]|^\s*\\begin/.test(el.textContent))"""


def visit_all(browser, root, *, javascript: bool = True, check=None, width: int | None = None):
    """Open every page; returns (pages, problems by page, formulas typeset). `check(page)`
    may return more problems of a page."""
    server = serve(root)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pages = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    problems: dict[str, list[str]] = {}
    typeset = 0
    try:
        size = {"viewport": {"width": width, "height": 800}} if width else {}
        ctx = browser.new_context(java_script_enabled=javascript, **size)
        ctx.route("**/*", stand_in)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        for rel in pages:
            errors.clear()
            url = f"{base}/{rel[:-len('index.html')] if rel.endswith('index.html') else rel}"
            try:
                page.goto(url, wait_until="load")
                if javascript and page.evaluate(IN_BROWSER):  # only then is there MathJax to wait for
                    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                           timeout=30000)
                    page.evaluate("() => MathJax.startup.promise")
                typeset += page.locator("mjx-container").count()
                if check is not None:
                    errors.extend(check(page))
            except Exception as exc:  # noqa: BLE001 - a timeout names the page it happened on
                errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
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
    assert typeset > 10  # the formulas are there, typeset


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


# What a reader sees with JavaScript off: no TeX delimiters, and typeset math on every page with formulas.
NO_SCRIPT_MATH = r"""() => {
  const text = document.querySelector('main').innerText;
  return {
    tex: ['\\(', '\\)', '\\[', '\\]', '$$'].filter(d => text.includes(d)),
    placeholders: document.querySelectorAll('.math').length,
    typeset: document.querySelectorAll('.math > mjx-container').length,
    errors: document.querySelectorAll('.math-error').length,
    assistive: document.querySelectorAll('mjx-container mjx-assistive-mml math').length,
    scripts: [...document.scripts].filter(s => s.src.includes('mathjax')).length,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    // past the screen's edge (clipped by the paragraph, or widening the page), unless in a scrolling table
    beyond: [...document.querySelectorAll('.math.inline > mjx-container')].filter(c => !c.closest('.table-wrap')
      && c.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length,
  };
}"""


def test_seed_math_is_in_the_pages_as_built(browser, seeds_site):
    """JavaScript off, on a 320 px phone: every formula typeset, none widening the page."""
    root, report = seeds_site
    totals = {"typeset": 0, "errors": 0}

    def check(page) -> list[str]:
        found = page.evaluate(NO_SCRIPT_MATH)
        totals["typeset"] += found["typeset"]
        totals["errors"] += found["errors"]
        out = [f"TeX delimiter {d!r} visible" for d in found["tex"]]
        if found["placeholders"] != found["typeset"]:
            out.append(f"{found['placeholders'] - found['typeset']} formulas not typeset")
        if found["assistive"] != found["typeset"]:
            out.append("typeset formulas without MathML for screen readers")
        if found["scripts"]:
            out.append("MathJax's script is loaded")
        if found["placeholders"] and found["overflow"] > 0:
            out.append(f"page {found['overflow']} px wider than a 320 px screen")
        if found["beyond"]:
            out.append(f"{found['beyond']} inline formulas past the edge of a 320 px screen")
        return out

    pages, problems, typeset = visit_all(browser, root, javascript=False, check=check, width=320)
    assert problems == {}
    assert totals["typeset"] > 1000 and totals["errors"] == 0
    assert not [w for w in report.render_warnings if "MathJax" in w or "math" in w.split(":", 1)[0]]


# Printed, every typeset formula is laid out where it stands: none hidden, none of zero size.
PRINTED_MATH = r"""() => [...document.querySelectorAll('.math > mjx-container')].map(c => {
  const r = c.getBoundingClientRect(), style = getComputedStyle(c);
  return [r.width > 0 && r.height > 0, style.visibility, style.display];
})"""


def test_math_prints_as_built_with_javascript_off(browser, sample_site, served):
    """Issue 27: print and reader modes get the math of the page as built; nothing waits for a script."""
    base = served(sample_site[0])
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 800, "height": 1000})
    page = ctx.new_page()
    page.emulate_media(media="print")
    page.goto(f"{base}/papers/adam-a-method-for-stochastic-optimization/")
    formulas = page.evaluate(PRINTED_MATH)
    assert len(formulas) >= 3
    assert all(laid_out and visibility == "visible" and display != "none" for laid_out, visibility, display in formulas), formulas
    text = page.locator("main").inner_text()
    assert not any(d in text for d in ("\\(", "\\[", "$$")), text[:500]
    pdf = page.pdf()  # Chromium's own print path, start to end
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    ctx.close()
