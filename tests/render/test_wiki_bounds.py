"""wiki/bounds.py: mwparserfromhell gets text whose unclosable openers are plain, and
the page reads the same as if mwparserfromhell had read the raw text."""
from __future__ import annotations

import random

import mwparserfromhell
import pytest

from site_builder.render.wiki import bounds
from site_builder.render.wiki.inline import STRAY_TAG
from site_builder.render.wiki.state import PLAIN_BRACE, PLAIN_BRACKET, PLAIN_EQUALS, PLAIN_LT
from site_builder.render.wikitext import render_wikitext
from tests.conftest import seeds_or_skip


SHOWN = str.maketrans({PLAIN_LT: "!<", PLAIN_BRACKET: "![", PLAIN_BRACE: "!{", PLAIN_EQUALS: "!="})


def prepared(text: str) -> str:
    """What mwparserfromhell is given, with each plain stand-in shown as "!" + its character."""
    return bounds.prepare(text, STRAY_TAG)[0].translate(SHOWN)


def plain_parse(text, stray_tag):
    return mwparserfromhell.parse(text, skip_style_tags=True)


def rendered_both_ways(text: str, monkeypatch) -> tuple[str, str]:
    ours = render_wikitext(text).html
    with monkeypatch.context() as m:
        m.setattr(bounds, "parse", plain_parse)
        theirs = render_wikitext(text).html
    return ours, theirs


def test_openers_that_cannot_close_become_plain_text():
    assert prepared("a <b c <d>x</d>") == "a !<b c <d>x</d>"  # "<b c" has no ">" before the next "<"
    assert prepared("<x>a<x>b</x>") == "!<x>a<x>b</x>"  # the inner <x> is the one </x> closes
    assert prepared("a <span>b") == "a b"  # a stray tag the renderer drops anyway
    assert prepared("<br> <img src=x> <li>a <q/>") == "<br> <img src=x> <li>a <q/>"  # no partner needed
    assert prepared("[[a [[b]] [http://x y") == "![[a [[b]] ![http://x y"
    assert prepared("{{a|b") == "!{!{a|b"
    # where a line starts, a table or heading would be tried: the line-by-line pass said no
    assert prepared("== a") == "!== a" and prepared("{| a") == "!{| a"


def test_closed_constructs_are_left_alone():
    text = "[[a|b [http://x c] d]] [http://y [[z]] w] <span>e</span> [[File:a.png|thumb|cap [[l]]]]"
    assert prepared(text) == text


def test_url_in_double_brackets_and_nested_urls_read_as_mwparserfromhell_does():
    # "[[http://x t]]" is "[" + a link + "]"; inside [url ...] another "[url" is text
    assert prepared("[[http://x t]] [http://a [http://b c] d]") == "[[http://x t]] [http://a [http://b c] d]"
    # a title with "<" is no link, so "]]" belongs to the [url ...] around it
    assert prepared("[http://x [[<y z]]") == "[http://x ![[!<y z]]"


def test_unclosed_external_link_makes_the_ones_inside_it_plain_too():
    assert prepared("[http://a [http://b [http://c") == "![http://a ![http://b ![http://c"


def test_estimated_work_grows_with_nesting():
    flat = "[[a]] " * 100
    nested = "[[a|" * 100 + "]]" * 100
    assert bounds.prepare(flat, STRAY_TAG)[1] < 3 * len(flat)
    assert bounds.prepare(nested, STRAY_TAG)[1] > 50 * len(nested)


@pytest.mark.parametrize("text", [
    "a <span>b [http://x y", "[[File:a.png|cap [[x]] y", "<a b='x <b>bold</b>", "x </span> y <span>z</span>",
    "[[a|b]] and [[c]]s", "[http://x a] [//y b] [mailto:z c]", "[[http://x t]]", "a [[b|c [http://d e] f]] g",
    "<span>a<span>b</span>c</span>", "x [ y ] [[ z ]]", "{{ a", "a < b > c", "'''bold [[link|text''']]",
])
def test_same_page_as_mwparserfromhell_on_raw_text(text, monkeypatch):
    ours, theirs = rendered_both_ways(text, monkeypatch)
    assert ours == theirs


def test_a_line_that_starts_like_a_heading_but_is_none_keeps_its_text():
    # mwparserfromhell read "== a ==" as a heading inside the paragraph, and the renderer dropped it
    assert render_wikitext("== a ==b").html == "<p>== a ==b</p>"
    assert render_wikitext("== a\nb ==").html == "<p>== a b ==</p>"


def test_hostile_mixtures_read_the_same_almost_always(monkeypatch):
    """Random mixtures of openers, closers and text: the leash changes the reading of
    at most 1 % (only in tangles mwparserfromhell itself reads arbitrarily)."""
    pieces = ["[[", "]]", "[", "]", "[http://x ", "<span>", "</span>", "<b>", "</b>", "<br>", "a", " ", "|", "{{",
              "}}", "<a b='", ">", "<", "[[File:a.png|", "''", "'''", "<center>", "</center>", "x y"]
    rng = random.Random(5)
    differ = sum(1 for _ in range(1500)
                 if (lambda t: (lambda a, b: a != b)(*rendered_both_ways(t, monkeypatch)))(
                     "".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))))
    assert differ <= 15


def test_every_statwiki_page_of_the_seeds_reads_the_same(monkeypatch):
    from site_builder.readers import read_file

    seeds = seeds_or_skip()
    bodies = [r.body for path in sorted(seeds.glob("003_*")) for r in read_file(path).records]
    assert bodies
    for body in bodies:
        ours, theirs = rendered_both_ways(body, monkeypatch)
        assert ours == theirs
