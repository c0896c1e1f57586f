"""`site-builder check` and the checkers it shares with the test-suite (site_builder/check/)."""
from __future__ import annotations

import pytest

from site_builder import cli
from site_builder.check.feeds import check_feeds
from site_builder.check.html import find_vnu
from site_builder.config import load_config

from .conftest import ROOT
from .server.conftest import make_site

BROKEN_ABOUT = """{% extends "base.html" %}
{% block content %}
<h1>About</h1>
<p><a href="{{ url('/papers/no-such-paper/') }}">gone</a> <a href="{{ url('/papers/') }}#nowhere">no anchor</a>
<img src="{{ url('/images/missing-figure.png') }}" alt="missing"></p>
<div><span></div>
{% endblock %}
"""


def check(capsys, site, *extra) -> tuple[int, str, str]:
    code = cli.main(["check", "--content", str(site / "content"), "--config", str(site / "site.yaml"), "--jobs", "1", *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_good_site_is_one_line_and_exit_0(tmp_path, capsys):
    site = make_site(tmp_path / "site")
    code, out, err = check(capsys, site, "--no-html-check")
    assert code == 0, out + err
    assert out.count("\n") == 1 and out.startswith("check: no problems in ")
    assert "internal links" in out and "HTML not validated (--no-html-check)" in out
    assert not (site / ".site-builder-cache").exists() and not (site / "_site").exists()  # nothing of the site's touched


def test_problems_are_named_with_page_and_target_and_exit_1(tmp_path, capsys):
    site = make_site(tmp_path / "site")
    (site / "templates").mkdir()
    (site / "templates" / "about.html").write_text(BROKEN_ABOUT, encoding="utf-8")
    code, out, err = check(capsys, site)
    assert code == 1
    lines = out.splitlines()
    assert "about/index.html: a.href /papers/no-such-paper/ -> no file papers/no-such-paper/index.html" in lines
    assert "about/index.html: a.href /papers/#nowhere -> no id 'nowhere' in papers/index.html" in lines
    assert "about/index.html: img.src /images/missing-figure.png -> no file images/missing-figure.png" in lines
    if find_vnu(ROOT)[0] is not None:  # the stray </div> of the override
        assert any(line.startswith("about/index.html:") and ": error: " in line for line in lines), out
        assert "HTML validated (vnu)" in err
    assert err.startswith(f"check: {len(lines)} problems in ")


def test_usage_config_and_build_failures_keep_their_codes(tmp_path, capsys):
    site = make_site(tmp_path / "site")
    (site / "site.yaml").write_text("base_url: example.org\n", encoding="utf-8")
    assert check(capsys, site)[0] == 2
    (site / "site.yaml").write_text("search: false\n", encoding="utf-8")
    (site / "templates").mkdir()
    (site / "templates" / "about.html").write_text("{% extends 'base.html' %}{% block content %}{{ nope }}{% endblock %}")
    code, _, err = check(capsys, site, "--no-html-check")
    assert code == 3 and "about.html:1" in err and "nope" in err


def test_the_sample_sites_feeds_and_sitemap(sample_site):
    root, report = sample_site
    checked, problems = check_feeds(root, load_config(ROOT / "site.yaml").root_url)
    assert checked >= 3 and problems == []


def test_the_feed_checker_sees_problems(tmp_path):
    base = "https://site.example/sub/"
    (tmp_path / "papers" / "a").mkdir(parents=True)
    (tmp_path / "papers" / "a" / "index.html").write_text("<p>a</p>", encoding="utf-8")
    (tmp_path / "feed.xml").write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><updated>2024-01-01T00:00:00Z</updated>'
        '<link rel="self" href="https://site.example/sub/feed.xml"/>'
        '<entry><id>1</id><title>Fine</title><updated>2024-01-01T00:00:00Z</updated>'
        '<link href="https://site.example/sub/papers/a/"/></entry>'
        '<entry><id>2</id><title>Gone</title><updated>2024-01-01T00:00:00Z</updated>'
        '<link href="https://site.example/sub/papers/b/"/></entry>'
        '<entry><id>3</id><title>No date</title><link href="/x"/><link rel="related" href="https://other.example/"/></entry>'
        '<entry><id>4</id><title>Off site</title><updated>2024-01-01T00:00:00Z</updated>'
        '<link href="https://other.example/a"/></entry>'
        '</feed>', encoding="utf-8")
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "feed.xml").write_text("<feed><entry></feed>", encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://site.example/sub/papers/a/</loc></url>'
        '<url><loc>https://site.example/sub/papers/c/</loc></url></urlset>', encoding="utf-8")
    checked, problems = check_feeds(tmp_path, base)
    assert checked == 3
    assert problems == [
        "feed.xml: the feed has no <id>",
        "feed.xml: entry 2 ('Gone') link https://site.example/sub/papers/b/ -> no file papers/b/index.html",
        "feed.xml: entry 3 ('No date') has no <updated>",
        "feed.xml: entry 3 ('No date') link /x -> outside the base path /sub/",
        "sitemap.xml: url 2 https://site.example/sub/papers/c/ -> no file papers/c/index.html",
        problems[-1],
    ]
    assert problems[-1].startswith("topics/feed.xml: not well-formed XML")
