"""Property tests: every reader and renderer is total on any text.

Readers may only report problems as diagnostics; renderers always return HTML, and
that HTML never holds a live <script> or on* attribute. The strategies mix each
format's structural tokens with random text so the fuzz reaches deep code.

Profiles: `ci` (default, seconds) and `long` (HYPOTHESIS_PROFILE=long, 20,000
examples per test; see docs/robustness.md).
"""
from __future__ import annotations

import os
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.readers import markdown_records, read_text, shortscience, statwiki
from site_builder.records import Diagnostic, ReadResult
from site_builder.render.markdown import render_flat_markdown, render_markdown
from site_builder.render.restore import restore_markdown
from site_builder.render.wikitext import render_wikitext

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=20_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

COMMON = ["\n", "\n\n", " ", "<", ">", "&", "&lt;", "&amp;", "&#x27;", "<script>alert(1)</script>", "javascript:alert(1)",
          "$", "$$", "\\", "{", "}", "[", "]", "(", ")", "|", "*", "#", "`", "'", '"', "\t", "\r", "\u00e9", "\ufffd",
          "\ue000", "\x00"]
MARKDOWN = ["```", "```python\n", "~~~", "####", "# ", "## ", "* ", "- ", "1. ", "> ", "**", "__", "[link](http://a.b/c)",
            "![](http://a.b/i.png)", "[x](javascript:alert(1))", "<http://a.b>", "$x$", "$$x$$", "\\begin{align*}", "\\end{align*}",
            "\\cite{a/b}", "\\href{javascript:x}{y}", "| a | b |", "|---|---|", "[^1]", "[^1]: note", "---", "    code",
            "http://i.imgur.com/x.png", "*caption*", "![]() |", "1 Comments"]
WIKI = ["{|", "|}", "|-", "||", "!!", "! ", "|+", "<ref>", "</ref>", "<ref name=a/>", "<references />", "<math>", "</math>",
        "<nowiki>", "</nowiki>", "<pre>", "</pre>", "<code>", "[[", "]]", "[[File:a.png|thumb|x]]", "[[Page|text]]",
        "[javascript:alert(1) x]", "[http://a.b x]", "{{", "}}", "{{cite|a=b}}", "''", "'''", "=", "==", "===", "*", "#", ";",
        ":", "----", "<br />", "<gallery>", "</gallery>", "#REDIRECT [[X]]", "\\begin{align}", "\\end{align}", "<!--", "-->",
        "<span style=x>", "</span>", "&nbsp;"]
FEED = ["http://w.example.org/w/index.php?title=P_1&diff=1 ", "http://w.example.org/w/index.php?title=stat946w18/P&diff=2 ",
        "http://w.example.org/w/index.php?title=stat946w18&diff=3 ", "Page title ", "2024-01-02T03:04:05Z ",
        "<p>user: comment</p> ", "<p>", "</p>", "<hr />", "<div>", "</div>", " Author ", "&lt;math&gt;", "&lt;ref&gt;",
        "&lt;/ref&gt;", "{| class=&quot;wikitable&quot;<br />|-<br />| a || b<br />|}", "File:x.png ", "#REDIRECT [[P 1]]"]
LISTING = ["[link]\n", "\n\n", "Welcome to ShortScience.org! |\n", "Title of a paper\n\n", "Ann Author and Bob Writer\n\n",
           "Conference - 2019 via Local arXiv\n\n", "Keywords: cs.LG, cs.CV\n\n", "**First published:** 2019/01/02\n",
           "**Abstract:** text\n", "more\n", "less\n", "2 Comments\n", "|\n", "![]() |\n", "About\n"]
FRONT = ["---\n", "title: x\n", "authors: [a, b]\n", "year: 2020\n", "links: {paper: http://a.b}\n", "links: [1]\n", "links: x\n",
         "date: 2024-01-01\n", "comments: 3\n", "comments: [1]\n", "id: 5\n", "source: statwiki\n", "markup: wikitext\n",
         "title: [unclosed\n", "{a: {b: {c: ", "key: &a x\n", "- item\n", ": bad\n", "...\n", "revision: x\n", "aliases: {a: 1}\n"]


def mixed(tokens: list[str]) -> st.SearchStrategy[str]:
    """Text made of structural tokens and random snippets, in any order."""
    piece = st.one_of(st.sampled_from(tokens + COMMON), st.text(max_size=12))
    return st.lists(piece, max_size=40).map("".join)


def check_read(result: ReadResult) -> None:
    assert isinstance(result, ReadResult)
    assert all(isinstance(d, Diagnostic) and str(d) for d in result.diagnostics)
    for r in result.records:
        assert isinstance(r.body, str) and r.body.strip() and isinstance(r.id, str)


class _Live(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "style"):
            self.live.append(tag)
        self.live += [f"{tag} {k}" for k, v in attrs if k.startswith("on") or
                      (k in ("href", "src") and v and "".join(v.split()).lower().startswith(("javascript:", "vbscript:", "data:")))]


def check_html(html: str) -> None:
    assert isinstance(html, str)
    parser = _Live()
    parser.feed(html)
    parser.close()
    assert parser.live == [], html


@PROFILE
@given(mixed(LISTING + MARKDOWN))
def test_shortscience_reader_is_total(text):
    check_read(shortscience.read(text, "fuzz.txt"))


@PROFILE
@given(mixed(FEED + WIKI))
def test_statwiki_reader_is_total(text):
    check_read(statwiki.read(text, "fuzz.txt"))


@PROFILE
@given(st.lists(st.sampled_from(FRONT), max_size=12).map("".join), mixed(MARKDOWN))
def test_markdown_records_reader_is_total(front, body):
    check_read(markdown_records.read("---\n" + front + body, "fuzz.md"))


@PROFILE
@given(mixed(FEED + LISTING + FRONT + MARKDOWN))
def test_read_text_is_total(text):
    check_read(read_text(text, "fuzz.txt"))


@PROFILE
@given(mixed(MARKDOWN))
def test_markdown_renderer_is_total_and_safe(text):
    check_html(render_markdown(text).html)


@PROFILE
@given(mixed(MARKDOWN))
def test_flat_markdown_restorer_and_renderer_are_total_and_safe(text):
    assert isinstance(restore_markdown(text), str)
    check_html(render_flat_markdown(text).html)


@PROFILE
@given(mixed(WIKI))
def test_wikitext_renderer_is_total_and_safe(text):
    check_html(render_wikitext(text).html)


def test_regression_front_matter_without_body_is_reported_not_an_empty_summary():
    """Found by the fuzz: `---\\n---\\n` made an untitled summary with no text."""
    result = markdown_records.read("---\n---\n", "empty-body.md")
    assert result.records == []
    assert [str(d) for d in result.diagnostics] == ["empty-body.md:3: warning: no summary text after the front matter; skipped"]
