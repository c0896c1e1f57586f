"""Summary headings are re-levelled under the page's <h2> without skipping levels."""
from site_builder.render.outline import relevel_headings


def levels(html: str) -> list[str]:
    import re
    return re.findall(r"<(h[1-6])\b", html)


def test_top_level_goes_just_below_the_summary_heading():
    assert relevel_headings('<h1 id="a">A</h1><p>x</p><h2>B</h2>') == '<h3 id="a">A</h3><p>x</p><h4>B</h4>'


def test_skipped_levels_are_closed_up():
    # wikitext "==" and "====" used without "===" in between
    assert levels(relevel_headings("<h3>a</h3><h5>b</h5><h3>c</h3>")) == ["h3", "h4", "h3"]


def test_never_deeper_than_one_below_the_previous_heading():
    # the first heading is the deepest one: it still may only be one level down
    assert levels(relevel_headings("<h4>a</h4><h2>b</h2><h3>c</h3><h4>d</h4>")) == ["h3", "h3", "h4", "h5"]


def test_capped_at_h6_and_text_untouched():
    html = "".join(f"<h{n}>t{n}</h{n}>" for n in range(1, 7)) + "<pre>&lt;h2&gt;</pre><p>h2</p>"
    out = relevel_headings(html)
    assert levels(out) == ["h3", "h4", "h5", "h6", "h6", "h6"]
    assert out.endswith("<pre>&lt;h2&gt;</pre><p>h2</p>") and "</h6><h6>t5</h6>" in out


def test_no_headings_is_unchanged():
    assert relevel_headings("<p>plain</p>") == "<p>plain</p>"


def test_siblings_of_a_clamped_heading_stay_its_siblings():
    # "=" sections with "===" subsections, "==" skipped: the subsections are siblings of each other
    html = "<h2>A</h2><h4>a1</h4><h4>a2</h4><h4>a3</h4><h2>B</h2><h4>b1</h4><h3>b2</h3><h4>b3</h4>"
    assert levels(relevel_headings(html)) == ["h3", "h4", "h4", "h4", "h3", "h4", "h4", "h5"]


def test_a_summary_that_starts_below_its_top_level():
    # "### Idea ### Results # Notes": the first two are siblings, the last one their parent's level
    assert levels(relevel_headings("<h3>Idea</h3><h3>Results</h3><h1>Notes</h1><h3>More</h3>")) == [
        "h3", "h3", "h3", "h4"]


def _relevel_by_substitution(html: str, parent_level: int = 2) -> str:
    """relevel_headings as one substitution with a callback per tag (what its no-change check shortens)."""
    import re

    if "<h" not in html:
        return html
    open_sections: list[tuple[int, int]] = []
    current = parent_level + 1

    def replace(m: re.Match) -> str:
        nonlocal current
        if not m.group(1):
            level = int(m.group(2))
            while open_sections and open_sections[-1][0] >= level:
                open_sections.pop()
            current = min((open_sections[-1][1] if open_sections else parent_level) + 1, 6)
            open_sections.append((level, current))
        return f"<{m.group(1)}h{current}"

    return re.sub(r"<(/?)h([1-6])(?=[\s>])", replace, html)


def test_relevel_gives_what_a_substitution_per_tag_gives():
    import random

    rng = random.Random(5)
    pieces = [f"<h{n}>" for n in range(1, 8)] + [f"</h{n}>" for n in range(1, 7)] + [
        '<h3 id="x">', "<h2\n>", "<hr>", "<p>t</p>", "h3", "<h", "<header>", "</h3 >"]
    unchanged = 0
    for _ in range(20000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        parent = rng.choice((1, 2, 3))
        got = relevel_headings(html, parent)
        assert got == _relevel_by_substitution(html, parent), html
        unchanged += got == html and "<h3" in html
    assert unchanged > 100  # the no-change path really ran
