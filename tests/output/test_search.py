"""Pagefind search: what is indexed, filters, the search page, readable math, determinism.

The index files are read back the way Pagefind's browser code reads them:
gzip, a `pagefind_dcd` marker, then JSON (fragments) or CBOR (metadata, filters).
"""
from __future__ import annotations

import gzip
import json
import random
import shutil
from pathlib import Path

import cbor2
import pytest

from site_builder.config import SiteConfig
from site_builder.output.search import stabilise_filters
from site_builder.pipeline import build
from tests.conftest import ROOT

MARKER = b"pagefind_dcd"

WHITENING = """---
title: "Whitening Layers for Deep Networks"
authors: [Ada Example, Bo Sample]
venue: Workshop on Made-Up Results
year: 2018
keywords: [cs.LG, normalization, whitening]
date: 2024-01-02
---
Each layer applies $\\mathrm{zcawhiten}(\\mathbf{x}) = \\frac{\\mathbf{x} - \\mu}{\\sigma}$ before the nonlinearity.

Raw markup such as <img src=x onerror=alert(1)> stays text.
"""

SECOND = """---
title: "A Second Made-Up Paper"
year: 2019
keywords: [cs.CV, optimization]
---
Plain prose about optimization, without formulas.
"""


def unpack(path: Path) -> bytes:
    raw = gzip.decompress(path.read_bytes())
    assert raw.startswith(MARKER)
    return raw[len(MARKER):]


def fragments(site: Path) -> dict[str, dict]:
    """Indexed page URL -> its Pagefind fragment (content, meta, filters)."""
    out = {}
    for f in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = json.loads(unpack(f))
        out[data["url"]] = data
    return out


def meta_index(site: Path) -> list:
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    (language, info), = entry["languages"].items()
    return cbor2.loads(unpack(site / "pagefind" / f"pagefind.{info['hash']}.pf_meta"))


def filter_values(site: Path) -> dict[str, list[str]]:
    out = {}
    for name, file_hash in meta_index(site)[3]:
        key, values = cbor2.loads(unpack(site / "pagefind" / "filter" / f"{file_hash}.pf_filter"))
        out[key] = [v[0] for v in values]
    return out


@pytest.fixture(scope="module")
def tiny_content(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("search-content")
    (content / "whitening.md").write_text(WHITENING, encoding="utf-8")
    (content / "second.md").write_text(SECOND, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def tiny_site(tiny_content, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("search-site") / "site"
    build(tiny_content, out, SiteConfig(), ROOT)
    return out


def test_only_papers_and_summaries_are_indexed(sample_site):
    out, report = sample_site
    catalog = report.catalog
    expected = {p.url for p in catalog.papers} | {s.url for s in catalog.unidentified}
    assert set(fragments(out)) == expected  # no home, listing, taxonomy, about or search page
    assert (out / "pagefind" / "pagefind-ui.js").is_file()
    assert (out / "pagefind" / "pagefind-ui.css").is_file()


def test_results_carry_title_year_and_filters(sample_site):
    out, report = sample_site
    frags = fragments(out)
    for paper in report.catalog.papers:
        frag = frags[paper.url]
        assert frag["meta"]["title"] == paper.title
        assert frag["meta"]["year"] == str(paper.year or "unknown")
        assert frag["filters"]["year"] == [str(paper.year or "unknown")]
        assert sorted(frag["filters"].get("topic", [])) == sorted(paper.topics)
    for s in report.catalog.unidentified:
        assert frags[s.url]["filters"]["year"] == ["unknown"]
        assert frags[s.url]["meta"]["title"] == s.display_title
    values = filter_values(out)
    assert set(values) == {"year", "topic", "venue", "source"}
    assert {"ShortScience", "statwiki", "Markdown"} <= set(values["source"])
    assert "2017" in values["year"] and "unknown" in values["year"]
    assert "Normalization" in values["topic"]
    assert "Neural Information Processing Systems" in values["venue"]


def test_index_holds_summary_text_not_page_furniture(sample_site):
    out, _ = sample_site
    frag = fragments(out)["/papers/attention-is-all-you-need/"]
    assert "Transformer" in frag["content"]
    for furniture in ("Skip to content", "Last edited", "Cite this paper", "Related summaries", "Filed under"):
        assert furniture not in frag["content"], furniture


def test_math_is_indexed_as_readable_text(tiny_site):
    frag = fragments(tiny_site)["/papers/whitening-layers-for-deep-networks/"]
    text = frag["content"]
    assert "zcawhiten" in text and "μ" in text and "σ" in text
    for soup in ("\\frac", "\\mathbf", "\\mathrm", "\\mu", "$"):
        assert soup not in text, soup
    # The visible page carries the formulas typeset at build time.
    html = (tiny_site / "papers" / "whitening-layers-for-deep-networks" / "index.html").read_text(encoding="utf-8")
    assert "<mjx-container" in html and "<mjx-mfrac" in html


def test_filters_of_a_made_up_paper(tiny_site):
    frag = fragments(tiny_site)["/papers/whitening-layers-for-deep-networks/"]
    assert frag["filters"] == {
        "source": ["Markdown"],
        "topic": ["Machine Learning", "Normalization", "Whitening"],
        "venue": ["Workshop on Made-Up Results"],
        "year": ["2018"],
    }
    assert filter_values(tiny_site)["year"] == ["2018", "2019"]


def test_search_page_and_header_form(sample_site):
    out, _ = sample_site
    page = (out / "search" / "index.html").read_text(encoding="utf-8")
    for needle in ('href="/pagefind/pagefind-ui.css"', 'src="/pagefind/pagefind-ui.js"', 'src="/assets/search.js"',
                   'data-bundle="/pagefind/"', 'id="search"', "<noscript>"):
        assert needle in page, needle
    assert "triggerSearch" in (out / "assets" / "search.js").read_text(encoding="utf-8")
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<form class="site-search" role="search" action="/search/" method="get">' in home
    assert 'name="q"' in home


def test_sub_folder_hosting_prefixes_the_bundle(tiny_content, tmp_path):
    out = tmp_path / "site"
    build(tiny_content, out, SiteConfig(base_url="https://example.org/notes/"), ROOT)
    page = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-bundle="/notes/pagefind/"' in page and 'data-base="/notes/"' in page
    assert 'action="/notes/search/"' in page


def test_search_off_writes_no_index_page_or_form(tiny_content, tmp_path):
    out = tmp_path / "site"
    build(tiny_content, out, SiteConfig(search=False), ROOT)
    assert not (out / "pagefind").exists()
    assert not (out / "search").exists()
    html = (out / "papers" / "whitening-layers-for-deep-networks" / "index.html").read_text(encoding="utf-8")
    assert "site-search" not in html and "data-pagefind" not in html


def test_stabilised_bundle_does_not_depend_on_pagefind_hash_order(tiny_site, tmp_path):
    """Pagefind writes filters in hash-map order; shuffle that order and stabilise again."""
    shuffled = tmp_path / "pagefind"
    shutil.copytree(tiny_site / "pagefind", shuffled)
    entry = json.loads((shuffled / "pagefind-entry.json").read_text(encoding="utf-8"))
    info = entry["languages"]["en"]
    meta_file = shuffled / f"pagefind.{info['hash']}.pf_meta"
    meta = cbor2.loads(unpack(meta_file))
    rng = random.Random(4)
    for i, (name, file_hash) in enumerate(meta[3]):
        path = shuffled / "filter" / f"{file_hash}.pf_filter"
        key, values = cbor2.loads(unpack(path))
        rng.shuffle(values)
        path.unlink()
        meta[3][i] = [name, f"en_shuffled{i}"]
        (path.parent / f"en_shuffled{i}.pf_filter").write_bytes(gzip.compress(MARKER + cbor2.dumps([key, values])))
    meta[3].reverse()
    meta_file.unlink()
    info["hash"] = "en_shuffledmeta"
    (shuffled / "pagefind.en_shuffledmeta.pf_meta").write_bytes(gzip.compress(MARKER + cbor2.dumps(meta)))
    (shuffled / "pagefind-entry.json").write_text(json.dumps(entry), encoding="utf-8")

    stabilise_filters(shuffled)

    original = {p.relative_to(tiny_site / "pagefind"): p.read_bytes() for p in (tiny_site / "pagefind").rglob("*") if p.is_file()}
    again = {p.relative_to(shuffled): p.read_bytes() for p in shuffled.rglob("*") if p.is_file()}
    assert sorted(again) == sorted(original)
    assert again == original


def test_two_builds_give_identical_bundles(tiny_content, tiny_site, tmp_path):
    out = tmp_path / "again"
    build(tiny_content, out, SiteConfig(), ROOT)
    first = {p.relative_to(tiny_site): p.read_bytes() for p in (tiny_site / "pagefind").rglob("*") if p.is_file()}
    second = {p.relative_to(out): p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    assert first == second
