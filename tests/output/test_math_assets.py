"""What pages with math load: a cut-down stylesheet and its fonts (math: build), or MathJax
and its configuration (math: client). Needs node and npm mathjax; skips without them."""
from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from site_builder.config import SiteConfig
from site_builder.pipeline import build
from site_builder.render import typeset
from tests.conftest import ROOT

PAGE = "papers/norms-and-sums/index.html"


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    if typeset.find_mathjax([ROOT]) is None or not shutil.which("node"):
        pytest.skip("node or node_modules/mathjax missing (npm install)")
    root = tmp_path_factory.mktemp("math-content")
    (root / "a.md").write_text("---\ntitle: Norms and sums\nyear: 2020\n---\n"
                               "The norm $\\lVert x \\rVert_2$ and\n\n$$\\sum_{i=1}^n \\mathbb{R}^i$$\n", encoding="utf-8")
    (root / "b.md").write_text("---\ntitle: No math here\nyear: 2021\n---\nJust words.\n", encoding="utf-8")
    return root


def site(content: Path, tmp: Path, **changes) -> Path:
    config = SiteConfig()
    config = replace(config, search=False, mathjax=replace(config.mathjax, npm_root=str(ROOT), self_host=True),
                     **{k: v for k, v in changes.items() if k != "mathjax"})
    if "mathjax" in changes:
        config = replace(config, mathjax=replace(config.mathjax, **changes["mathjax"]))
    build(content, tmp / "out", config, tmp)
    return tmp / "out"


@pytest.fixture(scope="module")
def built(content, tmp_path_factory) -> Path:
    return site(content, tmp_path_factory.mktemp("math-site"))


def test_build_mode_pages_link_only_the_stylesheet_and_its_fonts(built):
    out = built
    page = (out / PAGE).read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="/assets/mathjax/chtml.css">' in page
    assert not re.search(r'<script[^>]*src="[^"]*mathjax', page)  # no MathJax script, nor its configuration
    assert not (out / "assets" / "mathjax" / "tex-chtml.js").exists()  # self_host is for the browser only
    other = (out / "papers" / "no-math-here" / "index.html").read_text(encoding="utf-8")
    assert "chtml.css" not in other  # a page without formulas loads nothing for them
    css = (out / "assets" / "mathjax" / "chtml.css").read_text(encoding="utf-8")
    fonts = sorted(p.name for p in (out / "assets" / "mathjax" / "woff2").iterdir())
    named = sorted(set(re.findall(r'url\("woff2/([^"]+)"\)', css)))
    assert fonts == named and "mjx-ncm-n.woff2" in fonts and "mjx-ncm-ds.woff2" in fonts  # \mathbb
    assert "mjx-ncm-f.woff2" not in fonts  # no Fraktur in these formulas
    assert len(css) < 40_000 and "mjx-c.mjx-c211D" in css and "mjx-c.mjx-c1D504" not in css


def test_stylesheet_is_the_same_however_it_was_made(content, built, tmp_path):
    first = built
    again = site(content, tmp_path)  # its own store: typeset and cut from nothing
    name = "assets/mathjax/chtml.css"
    assert (first / name).read_bytes() == (again / name).read_bytes()


def test_font_url_loads_fonts_from_elsewhere(content, tmp_path):
    out = site(content, tmp_path, mathjax={"font_url": "https://cdn.example/fonts/"})
    css = (out / "assets" / "mathjax" / "chtml.css").read_text(encoding="utf-8")
    assert 'url("https://cdn.example/fonts/mjx-ncm-n.woff2")' in css and 'url("woff2/' not in css
    assert not (out / "assets" / "mathjax" / "woff2").exists()


def test_client_mode_pages_load_mathjax_with_the_safety_rules(content, tmp_path):
    out = site(content, tmp_path, math="client")
    page = (out / PAGE).read_text(encoding="utf-8")
    assert '<script defer src="/assets/mathjax/config.js"></script>' in page
    assert '<script defer src="/assets/mathjax/tex-chtml.js"></script>' in page
    assert "chtml.css" not in page and "\\(\\lVert x \\rVert_2\\)" in page
    config = (out / "assets" / "mathjax" / "config.js").read_text(encoding="utf-8")
    assert "function siteBuilderTeX" in config and "rules.install(MathJax.startup.document)" in config
    assert '"fonts": "/assets/mathjax/fonts"' in config
    assert not (out / "assets" / "mathjax" / "chtml.css").exists()
