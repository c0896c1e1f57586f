"""Untrusted content: every payload of xss_payloads.py, through every reader, yields
pages with no executable script from the input. Checked on the parsed HTML (stdlib
html.parser, which decodes entities in attributes like a browser does), not regexes.

Policy: no data: URL at all is allowed in href/src (not even data:image/: the
renderers never need one, and data:image/svg+xml can carry script).
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.robustness.xss_payloads import ALL, HTML, MARKER, TEX_MARKER
from tests.robustness.xss_site import build_payload_site

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "cite", "srcset", "ping"}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "textarea", "input", "button"}
_HIDDEN = re.compile(r"[\x00-\x20\x7f]+")
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
_STYLE_HAZARD = re.compile(r"url\(|expression|javascript|@import|\\|behavior|-moz-binding", re.I)


class Elements(HTMLParser):
    """Every element with its attributes, and the text inside each <script>/<style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.stack: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self.math: list[str] = []  # text of each element with class "math"
        self.math_depth = 0
        self.typeset: list[tuple[str, list[tuple[str, str | None]]]] = []  # elements of typeset formulas
        self.typeset_depth = 0

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        if self.typeset_depth or tag == "mjx-container":
            self.typeset_depth += 1
            self.typeset.append((tag, attrs))
        if self.math_depth:
            self.math_depth += 1
        elif "math" in (dict(attrs).get("class") or "").split():
            self.math_depth = 1
            self.math.append("")
        if tag in ("script", "style"):
            self.stack.append(tag)
            (self.scripts if tag == "script" else self.styles).append((dict(attrs), "") if tag == "script" else "")

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_endtag(self, tag):
        if self.typeset_depth:
            self.typeset_depth -= 1
        if self.math_depth:
            self.math_depth -= 1
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if self.math_depth:
            self.math[-1] += data
        if self.stack and self.stack[-1] == "script":
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        elif self.stack and self.stack[-1] == "style":
            self.styles[-1] += data


def parse(path: Path) -> Elements:
    p = Elements()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory) -> Path:
    return build_payload_site(tmp_path_factory.mktemp("xss"))


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[set[tuple[str, str]], set[str]]:
    """(src, inline text) of every script, and every tag, the theme itself writes: from
    the same build with one harmless record instead of the payloads."""
    site = build_payload_site(tmp_path_factory.mktemp("clean"), clean=True)
    scripts, tags = set(), set()
    for page in pages(site):
        p = parse(page)
        scripts |= {(a.get("src") or "", text.strip()) for a, text in p.scripts}
        tags |= {tag for tag, _ in p.elements}
    return scripts, tags


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_there_are_at_least_50_payloads_and_every_reader_made_pages(payload_site):
    assert len(ALL) >= 50 and len(set(ALL)) == len(ALL)
    summaries = json.loads((payload_site / "api" / "summaries.json").read_text(encoding="utf-8"))
    assert {s["source"] for s in summaries} == {"markdown", "shortscience", "statwiki"}
    assert len(summaries) >= 10


def test_no_script_from_the_input(payload_site, reference):
    allowed = reference[0]
    assert allowed, "the theme writes scripts; the reference site should show them"
    for page in pages(payload_site):
        for attrs, text in parse(page).scripts:
            if attrs.get("type") in ("application/json", "application/ld+json"):
                json.loads(text)  # data, not code: it must still be one intact JSON value
                continue
            assert (attrs.get("src") or "", text.strip()) in allowed, f"{page}: script {attrs} {text[:80]!r}"


def test_no_event_handlers_dangerous_urls_or_embedding_tags(payload_site, reference):
    forbidden = FORBIDDEN_TAGS - reference[1]  # e.g. the theme's own toggle <button>
    for page in pages(payload_site):
        p = parse(page)
        for tag, attrs in p.elements:
            assert tag not in forbidden, f"{page}: <{tag}>"
            assert not (tag == "meta" and any(k == "http-equiv" for k, _ in attrs)), f"{page}: meta refresh"
            for name, value in attrs:
                assert not name.startswith("on"), f"{page}: <{tag} {name}={value!r}>"
                assert name != "srcdoc", f"{page}: <{tag} {name}={value!r}>"
                if name == "style":  # only MathJax's own layout of typeset formulas
                    assert tag.startswith("mjx-") and not _STYLE_HAZARD.search(value or ""), f"{page}: <{tag} {name}={value!r}>"
                if name in URL_ATTRS and value:
                    probe = _HIDDEN.sub("", value).lower()
                    assert not probe.startswith(BAD_SCHEMES), f"{page}: <{tag} {name}={value!r}>"
        for css in p.styles:
            assert MARKER not in css and "javascript:" not in css.lower(), f"{page}: style {css[:80]!r}"


def test_tex_sets_no_attributes_and_makes_no_script_links(payload_site):
    """Formulas typeset at build time: no TeX payload reaches an attribute (class, id, style,
    data, font), and a TeX link (in an mjx element) is never to script."""
    typeset = links = 0
    for page in pages(payload_site):
        for tag, attrs in parse(page).typeset:
            typeset += tag == "mjx-container"
            for name, value in attrs:
                assert TEX_MARKER not in name and TEX_MARKER not in (value or ""), f"{page}: <{tag} {name}={value!r}>"
            if tag == "a" and any(n == "href" for n, _ in attrs):
                links += 1
    assert typeset > 20 and links


def test_payloads_are_shown_as_text(payload_site):
    """Escaping, not deletion: the reader still sees what the scrape said."""
    page = next(p for p in pages(payload_site) if "markdown-payloads" in p.as_posix())
    text = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_json_export_does_not_break_out(payload_site):
    for name in ("papers.json", "summaries.json"):
        raw = (payload_site / "api" / name).read_text(encoding="utf-8")
        data = json.loads(raw)
        assert isinstance(data, list) and data
    papers = json.loads((payload_site / "api" / "papers.json").read_text(encoding="utf-8"))
    titles = {p["title"] for p in papers}
    assert "Markdown payloads " + " ".join(HTML[:6]) in titles  # kept verbatim as a JSON string
    for p in papers:
        for url in p["links"].values():
            assert not _HIDDEN.sub("", url).lower().startswith(BAD_SCHEMES), url
