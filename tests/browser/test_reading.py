"""Reading in a browser: the table of contents, print colours, tap sizes, heading sizes and anchors."""
from __future__ import annotations

import pytest

from tests.browser.conftest import stand_in

pytestmark = pytest.mark.browser

ROUTING = "/papers/routing-signals-through-sparse-capsules/"


def open_page(browser, base, path, width, **options):
    ctx = browser.new_context(viewport={"width": width, "height": 800}, **options)
    ctx.route("**/*", stand_in)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + path)
    return ctx, page, errors


def current_toc_entry(page) -> str | None:
    return page.evaluate("() => { const a = document.querySelector('.toc a[aria-current]'); return a && a.textContent.trim(); }")


def test_contents_sit_right_on_wide_screens_and_follow_the_scroll(browser, reading_site, served):
    base = served(reading_site[0])
    ctx, page, errors = open_page(browser, base, ROUTING, 1280)
    toc = page.locator("nav.toc")
    assert page.locator("details[data-toc]").evaluate("d => d.open")  # opened by site.js on a wide screen
    main = page.locator(".reading-main").bounding_box()
    box = toc.bounding_box()
    assert box["x"] >= main["x"] + main["width"]  # the right column, beside the text

    # Scroll to a section: its entry is marked, and the contents stay on screen (sticky).
    for name in ("Experiments", "Method", "Discussion"):
        page.locator(f".prose h3:text-is('{name}')").evaluate("h => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 40)")
        page.wait_for_function(f"() => (document.querySelector('.toc a[aria-current]') || {{}}).textContent === {name!r}",
                               timeout=5000)
        inner = page.locator(".toc-box").bounding_box()
        assert 0 <= inner["y"] < 100  # still at the top of the window
    page.locator(".prose h4:text-is('Votes and agreement')").scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, 300)")
    page.wait_for_function("() => document.querySelector('.toc a[aria-current]').textContent === 'Votes and agreement'")
    assert page.locator(".toc a[aria-current]").count() == 1
    # A jump straight to the end (no heading seen crossing the band on the way) marks the last section.
    page.keyboard.press("End")
    page.wait_for_function("() => document.querySelector('.toc a[aria-current]').textContent === 'Summary from ShortScience (2 of 2)'",
                           timeout=5000)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_function("() => document.querySelector('.toc a[aria-current]').textContent === 'Summary from ShortScience (1 of 2)'",
                           timeout=5000)

    # Following an entry lands on its heading.
    page.locator(".toc a", has_text="Motivation").click()
    page.wait_for_function("() => location.hash.endsWith('motivation')")
    top = page.locator(".prose h3:text-is('Motivation')").bounding_box()["y"]
    assert 0 <= top < 200
    assert errors == []
    ctx.close()


def test_contents_are_a_collapsed_disclosure_at_the_top_on_phones(browser, reading_site, served):
    base = served(reading_site[0])
    ctx, page, errors = open_page(browser, base, ROUTING, 390)
    details = page.locator("details[data-toc]")
    assert not details.evaluate("d => d.open")
    summary = page.locator(".toc-title")
    assert summary.is_visible() and summary.bounding_box()["height"] >= 44
    assert summary.bounding_box()["y"] < page.locator("article.summary").first.bounding_box()["y"]  # above the text
    assert not page.locator(".toc a", has_text="Motivation").is_visible()
    summary.click()
    assert page.locator(".toc a", has_text="Motivation").is_visible()
    page.locator(".toc a", has_text="Experiments").click()  # a choice closes it again and goes there
    page.wait_for_function("() => location.hash.endsWith('experiments')")
    assert not details.evaluate("d => d.open")
    assert errors == []
    ctx.close()


def luminance(rgb: str) -> float:
    parts = [float(x) for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    return sum(p * w for p, w in zip(parts, (0.2126, 0.7152, 0.0722))) / 255


@pytest.mark.parametrize("chosen", [None, "dark"])
def test_printing_from_a_dark_system_prints_light_without_controls(browser, sample_site, served, chosen):
    base = served(sample_site[0])
    ctx, page, errors = open_page(browser, base, "/papers/adam-a-method-for-stochastic-optimization/", 1280,
                                  color_scheme="dark")
    if chosen:  # the reader picked the dark theme with the toggle
        page.evaluate("t => { localStorage.setItem('theme', t); }", chosen)
        page.reload()
    assert luminance(page.evaluate("() => getComputedStyle(document.body).backgroundColor")) < 0.2  # dark on screen
    page.emulate_media(media="print", color_scheme="dark")
    style = page.evaluate("""() => {
        const css = (sel, prop) => { const e = document.querySelector(sel); return e && getComputedStyle(e)[prop]; };
        return {bg: css('body', 'backgroundColor'), fg: css('body', 'color'), prose: css('.prose p', 'color'),
                code: css('.highlight', 'backgroundColor'), heading: css('h1', 'color'),
                copy: css('.copy-button', 'display'), toggle: css('.theme-toggle', 'display'),
                buttons: css('.paper-buttons', 'display'), toc: css('.toc', 'display'), nav: css('.neighbours', 'display')};
    }""")
    assert luminance(style["bg"]) > 0.95
    for key in ("fg", "prose", "heading"):
        assert luminance(style[key]) < 0.3, (key, style[key])
    assert luminance(style["code"]) > 0.85  # Pygments' dark theme is for screens only
    assert style["copy"] == style["toggle"] == style["buttons"] == style["toc"] == style["nav"] == "none"
    assert errors == []
    ctx.close()


@pytest.mark.parametrize("path", ["/", "/papers/layer-normalization/", "/topics/normalization/"])
def test_header_nav_and_breadcrumb_targets_are_44px_on_a_phone(browser, sample_site, served, path):
    base = served(sample_site[0])
    ctx, page, errors = open_page(browser, base, path, 390)
    sizes = page.evaluate("""() => [...document.querySelectorAll(
            '.site-header a, .site-header button, .site-header input, .breadcrumbs a')]
        .filter(e => e.getClientRects().length)
        .map(e => { const r = e.getBoundingClientRect(); return [e.textContent.trim() || e.getAttribute('aria-label'), r.width, r.height]; })""")
    assert len(sizes) >= 10
    small = [s for s in sizes if s[1] < 44 or s[2] < 44]
    assert small == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # and nothing overflows sideways
    # the sections are one row scrolling sideways: brand, sections and search box in three rows (was 185 px)
    assert page.evaluate("() => document.querySelector('.site-header').getBoundingClientRect().height") <= 150
    assert page.evaluate("() => new Set([...document.querySelectorAll('.site-nav a')].map(a => a.getBoundingClientRect().top)).size") == 1
    assert errors == []
    ctx.close()


def test_every_heading_level_is_at_least_the_text_size(browser, reading_site, served):
    base = served(reading_site[0])
    for width in (390, 1280):
        ctx, page, errors = open_page(browser, base, ROUTING, width)
        sizes = page.evaluate("""() => {
            const px = e => parseFloat(getComputedStyle(e).fontSize);
            const out = {body: px(document.querySelector('.prose p'))};
            for (const tag of ['h3', 'h4', 'h5', 'h6']) out[tag] = px(document.querySelector('.prose ' + tag));
            return out;
        }""")
        assert all(sizes[h] >= sizes["body"] for h in ("h3", "h4", "h5", "h6")), (width, sizes)
        assert sizes["h3"] > sizes["h4"] > sizes["h5"]
        ctx.close()


def test_heading_anchor_shows_on_focus_and_hover_only(browser, reading_site, served):
    base = served(reading_site[0])
    ctx, page, errors = open_page(browser, base, ROUTING, 1280)
    anchor = page.locator(".heading-anchor").first
    opacity = lambda: float(anchor.evaluate("a => getComputedStyle(a).opacity"))  # noqa: E731
    assert opacity() == 0
    anchor.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    assert opacity() == 1
    page.locator("body").click(position={"x": 5, "y": 5})
    page.locator(".prose .heading h3").first.hover()
    assert opacity() == 1
    assert page.get_by_role("link", name="Link to section: Motivation").count() == 1
    ctx.close()
