"""`draft: true` keeps a Markdown record off the site unless drafts are asked for (issue 28)."""
from __future__ import annotations

import shutil

import pytest

from site_builder import cli
from site_builder.config import SiteConfig
from site_builder.pipeline import build
from site_builder.readers import markdown_records

from .conftest import CONTENT

DRAFT = """---
title: "Zebrafish Counting With Unfinished Networks"
authors: [Quill Draftsman]
year: 2023
keywords: [cs.LG]
contributor: Quill Draftsman
date: 2024-06-01
draft: true
---
An unfinished note about xylophonic zebrafish.
"""
WORDS = [b"Zebrafish Counting", b"xylophonic", b"Quill Draftsman", b"zebrafish-counting"]


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("drafts")
    shutil.copytree(CONTENT, root / "content")
    (root / "content" / "summaries" / "zebrafish.md").write_text(DRAFT, encoding="utf-8")
    built = {}
    for drafts in (False, True):
        config = SiteConfig(search=False, drafts=drafts)
        config.mathjax.self_host = False
        out = root / f"out-{drafts}"
        built[drafts] = out, build(root / "content", out, config, root, use_cache=False)
    return built


def test_a_draft_is_nowhere_in_the_site(sites):
    out, report = sites[False]
    assert report.drafts == 1
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 40
    for path in files:  # pages, listings, feeds, sitemap, JSON, BibTeX ...
        data = path.read_bytes()
        assert not any(w in data for w in WORDS), path
    assert not any("zebrafish" in p.as_posix() for p in files)


def test_drafts_are_shown_with_a_badge_when_asked_for(sites):
    out, report = sites[True]
    assert report.drafts == 0
    page = out / "papers" / "zebrafish-counting-with-unfinished-networks" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "xylophonic" in html and 'class="badge badge-draft">Draft<' in html
    assert b"Zebrafish Counting" in (out / "feed.xml").read_bytes()
    assert b"Zebrafish Counting" in (out / "api" / "papers.json").read_bytes()
    others = (out / "papers" / "dropout-a-simple-way-to-prevent-neural-networks-from-overfitting" / "index.html")
    assert "badge-draft" not in others.read_text(encoding="utf-8")


@pytest.mark.parametrize("value, draft, warned", [("true", True, False), ("false", False, False), ("", False, False),
                                                  ("maybe", True, True), ("1", True, True), ("[x]", True, True)])
def test_the_draft_key(value, draft, warned):
    text = f"---\ntitle: T\ndraft: {value}\n---\nBody.\n"
    result = markdown_records.read(text, "n.md")
    assert result.records[0].draft is draft
    assert any("'draft'" in str(d) for d in result.diagnostics) is warned
    again = markdown_records.read(markdown_records.dump(result.records[0]), "n.md")
    assert again.records[0].draft is draft  # import writes it back


def test_build_says_how_many_drafts_were_left_out(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "zebrafish.md").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "content" / "done.md").write_text(DRAFT.replace("draft: true", "draft: false").replace("Zebrafish", "Finished"),
                                                  encoding="utf-8")
    (tmp_path / "site.yaml").write_text("search: false\nmathjax: {self_host: false}\n", encoding="utf-8")
    args = ["build", "--content", str(tmp_path / "content"), "--output", str(tmp_path / "out"),
            "--config", str(tmp_path / "site.yaml"), "--jobs", "1"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "drafts         1 left out" in out and "summaries      1" in out
    assert cli.main([*args, "--drafts"]) == 0
    out = capsys.readouterr().out
    assert "drafts" not in out and "summaries      2" in out
    assert (tmp_path / "out" / "papers" / "zebrafish-counting-with-unfinished-networks" / "index.html").is_file()
