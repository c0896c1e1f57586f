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
