"""Crawl the built sites: every internal link points at a file that was written.

The crawler is site_builder/check/links.py (what `site-builder check` runs). A third
build hosts the sample site under a sub-folder, because that is where a link
forgetting the base path breaks.
"""
from __future__ import annotations

import pytest

from site_builder.check.links import broken_links
from site_builder.config import load_config
from site_builder.pipeline import build
from tests.conftest import CONTENT, ROOT


@pytest.fixture(scope="module")
def subfolder_site(tmp_path_factory):
    """The sample site as it would be hosted at https://notes.example.net/shelf/."""
    out = tmp_path_factory.mktemp("subfolder") / "site"
    config = load_config(ROOT / "site.yaml")
    config.base_url = "https://notes.example.net/shelf/"
    config.mathjax.self_host = (ROOT / "node_modules" / "mathjax").is_dir()
    build(CONTENT, out, config, ROOT)
    return out, config.base_url


def test_sample_site_has_no_broken_internal_links(sample_site):
    root, _ = sample_site
    checked, problems = broken_links(root, load_config(ROOT / "site.yaml").root_url)
    assert checked > 500  # every page links to the stylesheet, the nav, its summaries ...
    assert problems == []


def test_links_respect_a_base_path(subfolder_site):
    root, base_url = subfolder_site
    checked, problems = broken_links(root, base_url)
    assert checked > 500
    assert problems == []


def test_seed_site_has_no_broken_internal_links(seeds_site):
    root, _ = seeds_site
    checked, problems = broken_links(root, "http://localhost:8000/")
    assert checked > 1000
    assert problems == []


def test_the_crawler_sees_broken_links(tmp_path):
    # the checks above are only worth something if a broken link is caught
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<p id="x"><a href="../">up</a> <a href="#x">self</a> <a href="#nope">bad id</a>'
        ' <img src="/sub/b/missing.png" srcset="/sub/a/index.html 1x, ../gone.png 2x">'
        ' <a href="https://other.example/">ext</a> <a href="/elsewhere/">outside</a>'
        ' <link rel="canonical" href="https://site.example/sub/a/"></p>', encoding="utf-8")
    (tmp_path / "index.html").write_text('<a href="a/#x">a</a>', encoding="utf-8")
    checked, problems = broken_links(tmp_path, "https://site.example/sub/")
    assert checked == 8
    assert [p.split(" -> ")[1] for p in problems] == [
        "no id 'nope' in a/index.html",
        "no file b/missing.png",
        "no file gone.png",
        "outside the base path /sub/",
    ]
