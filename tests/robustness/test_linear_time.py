"""Every reader, the flattened-Markdown restorer and the wikitext renderer take time
linear in their input (or bounded by the work budget).

Each case is a crafted input that used to take quadratic time (one construct
repeated and never closed), at a size where quadratic code takes minutes and
linear code well under a second; `finishes_within` fails the test at its limit
(15 s). benchmarks/linear_inputs.py prints the same patterns' time against size.
"""
from __future__ import annotations

import html

import pytest

from site_builder.readers import detect, read_text
from site_builder.readers import course_table
from site_builder.readers.names import parse_authors
from tests.robustness.inputs import WIKI, feed, feed_entry, listing, listing_block
from tests.robustness.linear import finishes_within

N = 400_000  # characters: quadratic code takes minutes on these
RENDER_N = 200_000  # the renderers are slower per character (markdown-it, mwparserfromhell)


def times(unit: str, size: int = N) -> str:
    return unit * (size // len(unit))


def one_good_entry() -> str:
    return feed(feed_entry("Good Page", 1, "A good page.")).rstrip()


# --- readers -------------------------------------------------------------------------


def test_feed_entry_head_with_many_timestamps_never_closed():
    text = one_good_entry() + f" {WIKI}?title=B&diff=2 B " + times("2018-03-01T10:00:00Z <p>") + " <hr /> <div>x"

    def work():
        result = read_text(text, "feed.txt")
        assert [r.title for r in result.records] == ["Good Page"]
        assert any("malformed head" in d.message or "cut off" in d.message for d in result.diagnostics)

    finishes_within(work)


def test_feed_entry_head_with_a_run_of_spaces_and_no_timestamp():
    text = one_good_entry() + f" {WIKI}?title=B&diff=2 B" + " " * N + "<x"
    finishes_within(lambda: read_text(text, "feed.txt"))


@pytest.mark.parametrize("tail", ["http://a", "http://a/index.php?title=x&diff=", "https://a/index.php?"])
def test_feed_tail_of_url_runs(tail):
    text = one_good_entry() + " " + times(tail)

    def work():
        result = read_text(text, "feed.txt")
        assert [r.title for r in result.records] == ["Good Page"]

    finishes_within(work)


@pytest.mark.parametrize("unit", ["http://", "http://a/index.php?title=", "[link]x"])
def test_format_detection(unit):
    finishes_within(lambda: detect(times(unit)))


def test_metadata_lines_with_long_runs_of_spaces():
    block = "\n".join(["Title", "Ann" + " " * N + "andB", "Venue" + " " * N + "-x",
                       "Venue - 2018 via" + " " * N + "x", "Ann and Bob", "Conf - 2018 via arXiv", "[link]", "A summary."])

    def work():
        result = read_text("Welcome to ShortScience.org! |\n" + block + "\n", "listing.txt")
        assert result.records[0].paper.venue == "Conf"

    finishes_within(work)
    finishes_within(lambda: parse_authors("A" + " " * N + "andB"))


def test_course_table_cells_with_unclosed_external_links():
    table = "{|\n! Date !! Name !! Title\n|-\n| Jan 1 || A || " + times("[http://a ") + "\n|}"
    finishes_within(lambda: course_table.parse(table, "stat946w18"))


@pytest.mark.parametrize("cell", ["Ada" + " " * N + "Byron", times("[http://a b")])
def test_course_table_presenter_cells(cell):
    """The Name cell of the row that matches a page is split into presenters."""
    table = "{|\n! Date !! Name !! Title\n|-\n| Jan 1 || " + cell + " || Widget Networks\n|}"
    text = feed(feed_entry("stat946w18", 2, table), feed_entry("Widget Networks", 3, "Text."))
    finishes_within(lambda: read_text(text, "feed.txt"))


def test_course_table_matches_many_rows_against_many_pages():
    """Fuzzy title matching compares long titles and many rows without quadratic blow-up."""
    words = [f"w{i}x{i * 7 % 13}" for i in range(3_000)]
    rows = "\n".join(f"|-\n| Jan 1 || P || {' '.join(words[i:i + 8])}" for i in range(0, 4_000, 4))
    table = "{|\n! Date !! Name !! Title\n" + rows + "\n|}"
    pages = [feed_entry(" ".join(words[i + 1:i + 9]), 10 + i, "Text.") for i in range(0, 4_000, 4)]
    long_title = " ".join(words)
    text = feed(feed_entry("stat946w18", 2, table), *pages, feed_entry(long_title, 3, "Text."))
    finishes_within(lambda: read_text(text, "feed.txt"))


def test_listing_with_many_link_lines():
    text = listing(*(listing_block("s") for _ in range(5_000)))
    finishes_within(lambda: read_text(text, "listing.txt"))


def test_feed_with_many_entries():
    entries = [feed_entry(f"Page {i}", i, "x") for i in range(3_000)]
    finishes_within(lambda: read_text(feed(*entries), "feed.txt"))


def test_escaped_feed_body():
    body = html.escape(times("<br />&amp;", N // 4))
    finishes_within(lambda: read_text(feed(feed_entry("P", 1, body)), "feed.txt"))


@pytest.mark.parametrize("tex", [times("\\label{"), times("<math>"), times("\\frac{a}{")])
def test_plain_text_of_a_huge_formula(tex):
    from site_builder.render.plaintext import html_to_text

    html_ = f'<p><span class="math inline">\\({html.escape(tex, quote=False)}\\)</span></p>'
    finishes_within(lambda: html_to_text(html_))


# --- the flattened-Markdown restorer and the Markdown renderer ------------------------

FLAT_PATTERNS = {
    "headings": "#### a ",
    "heading sentences": None,  # built below: one heading, then "x. A " repeated
    "cite": "\\cite{",
    "begin": "\\begin{align} ",
    "url run": "http://",
    "bare urls": "http://a ",
    "table rows": None,
    "delimiter rows": "| a | |---| ",
    "tick run": None,
    "stars between numbers": "1 * 2 * ",
    "quotes": "> a. B. ",
    "bullets": "* a ",
    "ordered": "1. a 2. b ",
    "bold labels": "**A** b ",
    "links": "[a](",
    "images": "![a](b) ",
    "dollars": "$a ",
    "display": "$$a",
}


def flat_input(name: str, n: int = RENDER_N) -> str:
    unit = FLAT_PATTERNS[name]
    if name == "heading sentences":
        return "## " + times("x. A ", n)
    if name == "table rows":
        return "| a | b | |---|---| " + times("| a | b | ", n)
    if name == "tick run":
        return "`" * (n // 2) + times("a ", n // 2)
    return times(unit, n)


@pytest.mark.parametrize("name", sorted(FLAT_PATTERNS))
def test_flattened_markdown_restorer(name):
    from site_builder.render.restore import restore_markdown

    text = flat_input(name, N)
    finishes_within(lambda: restore_markdown(text))


def test_flattened_markdown_through_the_renderer():
    """The restorer's output through markdown-it: headings, display math and tables in bulk."""
    from site_builder.render.markdown import render_flat_markdown

    for name in ("headings", "display", "delimiter rows"):
        text = flat_input(name, 50_000)
        finishes_within(lambda: render_flat_markdown(text))


@pytest.mark.parametrize("text", [
    times("\\cite{", RENDER_N), times("# a\n", 60_000), times("[", 100_000), times("ahttp://b.c/", RENDER_N),
    times("\n\n\\begin{align}", RENDER_N), times("mailto:a", RENDER_N),
], ids=["cite", "equal headings", "open brackets", "url words", "unclosed environments", "mailto words"])
def test_markdown_rules_of_our_own(text):
    """The rules we add to markdown-it or put in place of its own: \\cite, heading ids (unique
    without rescanning), linkify, and the gates on the label and amsmath rules."""
    from site_builder.render.markdown import render_markdown

    finishes_within(lambda: render_markdown(text))


# --- wikitext ------------------------------------------------------------------------

WIKI_N = 100_000  # mwparserfromhell's quadratic cases take minutes from here
WIKI_PATTERNS = {
    "headings on one line": "== a ==",
    "heading lines": "== a ==\n",
    "external links": "[http://a ",
    "external links closed at the end": None,
    "spans": "<span>",
    "spans closed at the end": None,
    "tags with attributes": "<a b='",
    "bare tags": "<a ",
    "file links": "[[File:a.png|",
    "file links closed at the end": None,
    "links with text": "[[a|b",
    "bold links": "'''[[a|b''",
    "templates": "{{a|",
    "templates closed at the end": None,
    "arguments": "{{{a|",
    "begin": "\\begin{align}",
    "math": "<math>",
    "math with attributes": "<math a",
    "centred math": "<center><math>",
    "refs": "<ref>",
    "refs with attributes": "<ref name=a",
    "nowiki": "<nowiki>",
    "galleries": "<gallery>",
    "comments": "<!--",
    "protocol-relative links": "[//a ",
    "mailto links": "[mailto:a ",
    "tags": "<b><i>",
    "list items": "<li>",
    "dollars": "$a ",
    "dollar environments": "$\\begin{cases} ",
    "nested tables": "{|\n|",
    "paragraph starting like a heading": "=={{{<ref>{{{",
    "links with brackets inside": "[[a|]&",
    "table rows": None,
}


def wiki_input(name: str, n: int = WIKI_N) -> str:
    closed = {"external links closed at the end": ("[http://a ", "]"), "spans closed at the end": ("<span>", "</span>"),
              "file links closed at the end": ("[[File:a.png|", "]]"), "templates closed at the end": ("{{a|", "}}")}
    if name in closed:
        unit, end = closed[name]
        return times(unit, n) + end
    if name == "table rows":
        return "{|\n" + times("|-\n| a || b\n", n) + "|}"
    return times(WIKI_PATTERNS[name], n)


@pytest.mark.parametrize("name", sorted(WIKI_PATTERNS))
def test_wikitext(name):
    from site_builder.render.wikitext import render_wikitext

    text = wiki_input(name)
    finishes_within(lambda: render_wikitext(text))
