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
from site_builder.output.pagefind import stabilise_filters
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
    # the module PagefindUI imports from the page's bundlePath: a re-export of our query rule, which
    # imports the Pagefind module this build generated (no Pagefind code is kept in the theme)
    shim = (out / "assets" / "search" / "pagefind.js").read_text(encoding="utf-8")
    assert 'export * from "./query-rule.js";' in shim
    rule = (out / "assets" / "search" / "query-rule.js").read_text(encoding="utf-8")
    assert 'from "../../pagefind/pagefind.js"' in rule and (out / "pagefind" / "pagefind.js").is_file()
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
    assert not (out / "assets" / "search" / "pagefind.js").exists()
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


def test_records_keep_markup_as_text_and_escape_only_filters():
    """Issue 25: the default UI renders filter values as HTML (and titles, meta as text)."""
    from site_builder.catalog.model import Paper, Summary
    from site_builder.output.search import paper_record
    from site_builder.records import PaperMeta, SummaryRecord

    payload = "<img src=x onerror=alert(1)>"
    meta = PaperMeta(title=f"A & B {payload}", authors=["Ann <b>Bold</b>"], venue=f"Venue {payload}", year=2020,
                     abstract="Abstract & more.")
    summary = Summary(record=SummaryRecord(id="s1", source="markdown", markup="markdown", body=""), text="Text with a < b.")
    paper = Paper(id="a-b", meta=meta, summaries=[summary], topics=[payload, "R&D"])
    summary.paper = paper
    r = paper_record(paper)
    assert r.url == "/papers/a-b/"
    assert r.meta == {"title": f"A & B {payload}", "year": "2020"}  # rendered as text by the UI
    assert r.filters == {
        "year": ["2020"],
        "topic": ["&lt;img src=x onerror=alert(1)&gt;", "R&amp;D"],
        "venue": ["Venue &lt;img src=x onerror=alert(1)&gt;"],
        "source": ["Markdown"],
    }
    # What Pagefind's HTML reader made of the old hidden block: blocks joined, a full stop after each
    # that ends in a letter, digit, quote, ), $ or * (parser.rs), the title's words weighted 7, the authors' 3.
    assert r.content == (f"___PAGEFIND_WEIGHT___7 A & B {payload} ___END_PAGEFIND_WEIGHT___ "
                         "___PAGEFIND_WEIGHT___3 Ann <b>Bold</b> ___END_PAGEFIND_WEIGHT___ Text with a < b. Abstract & more.")


def test_a_word_like_a_pagefind_marker_is_indexed_as_a_word(tmp_path):
    """Pagefind takes ___PAGEFIND_WEIGHT___N in a record's text for its own marker; ours stay words."""
    from site_builder.output.pagefind import Indexer, Record
    from site_builder.output.search import _content

    text = _content(("A title", 7), "Weights ___PAGEFIND_WEIGHT___9 and ___END_PAGEFIND_WEIGHT___ are words here")
    bundle = tmp_path / "pagefind"
    Indexer([Record("/x/", text, {"title": "X"}, {})], bundle, "en").start().finish()
    (frag,) = (json.loads(unpack(f)) for f in (bundle / "fragment").glob("*.pf_fragment"))
    assert frag["content"] == "A title. Weights ___PAGEFIND_WEIGHT___9 and ___END_PAGEFIND_WEIGHT___ are words here."
    assert frag["word_count"] == 9


def test_a_cut_short_bundle_file_is_caught(tiny_site, tmp_path):
    from site_builder.output.pagefind import SearchIndexError, verify_bundle

    copy = tmp_path / "pagefind"
    shutil.copytree(tiny_site / "pagefind", copy)
    verify_bundle(copy)
    victim = sorted((copy / "fragment").glob("*.pf_fragment"))[0]
    victim.write_bytes(victim.read_bytes()[:-9])  # what an unfinished write leaves
    with pytest.raises(SearchIndexError, match="incomplete"):
        verify_bundle(copy)
    victim.write_bytes(b"")
    with pytest.raises(SearchIndexError, match="incomplete"):
        verify_bundle(copy)


def test_a_failing_indexer_fails_the_build_with_a_message(tiny_content, tmp_path, monkeypatch):
    from site_builder.output.pagefind import SearchIndexError

    monkeypatch.setenv("PAGEFIND_BINARY_PATH", shutil.which("false"))
    with pytest.raises(SearchIndexError, match="Pagefind failed"):
        build(tiny_content, tmp_path / "site", SiteConfig(), ROOT)
    assert not (tmp_path / "site").exists()  # nothing published


def bundle_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site / "pagefind").as_posix(): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}


@pytest.fixture
def in_parts(monkeypatch) -> SiteConfig:
    """The sample site's config, with parts small enough to split its index into three or more."""
    from site_builder.config import load_config
    from site_builder.output import search

    monkeypatch.setattr(search, "PART_CHARS", 2000)
    config = load_config(ROOT / "site.yaml")
    config.mathjax.self_host = False
    return config


def test_an_index_in_parts_is_deterministic_and_unchanged_parts_are_linked(tmp_path, in_parts):
    """Issue 29: parts of PART_CHARS, each its own bundle; a rebuild links the parts whose records are the same."""
    from site_builder.output import search
    from tests.conftest import CONTENT

    config = in_parts
    site = tmp_path / "site"
    build(CONTENT, site, config, tmp_path)
    manifest = json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8"))
    paths = [p["path"] for p in manifest["parts"]]
    assert manifest["filters"] == ["year", "topic", "venue", "source"]
    assert paths[0] == "" and len(paths) >= 3 and paths[1:] == [f"part-{j}/" for j in range(1, len(paths))]
    pages = 0
    for path in paths:
        entry = json.loads((site / "pagefind" / path / "pagefind-entry.json").read_text(encoding="utf-8"))
        pages += entry["languages"]["en"]["page_count"]
    records = search.search_records(build(CONTENT, tmp_path / "again", config, tmp_path / "other").catalog)
    assert pages == len(records)
    assert bundle_files(tmp_path / "again") == bundle_files(site)  # the same bytes from a separate build

    # A full rebuild with the cache: every part linked from the published index, not indexed again.
    inodes = {p: p.stat().st_ino for p in (site / "pagefind").rglob("*.pf_fragment")}
    build(CONTENT, site, config, tmp_path)
    assert {p: p.stat().st_ino for p in (site / "pagefind").rglob("*.pf_fragment")} == inodes
    # --clean indexes again (same bytes, new files).
    build(CONTENT, site, config, tmp_path, use_cache=False)
    assert {p: p.stat().st_ino for p in (site / "pagefind").rglob("*.pf_fragment")}.keys() == inodes.keys()
    assert all(p.stat().st_ino != ino for p, ino in inodes.items())
    assert bundle_files(site) == bundle_files(tmp_path / "again")


def test_a_symlink_in_the_published_index_is_not_reused(tmp_path, in_parts):
    from tests.conftest import CONTENT

    config = in_parts
    site = tmp_path / "site"
    build(CONTENT, site, config, tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the site", encoding="utf-8")
    (site / "pagefind" / "part-1" / "fragment" / "en_planted.pf_fragment").symlink_to(secret)
    kept = {p: p.stat().st_ino for p in (site / "pagefind").glob("fragment/*.pf_fragment")}  # part 0: reused
    build(CONTENT, site, config, tmp_path)
    assert not any(p.is_symlink() for p in (site / "pagefind").rglob("*"))
    assert {p: p.stat().st_ino for p in (site / "pagefind").glob("fragment/*.pf_fragment")} == kept


def test_repeated_indexer_runs_give_the_same_complete_bundle(tmp_path):
    """The service's last writes used to be cut short about once in ten runs; now every run is whole and equal."""
    from site_builder.output.pagefind import Indexer, Record

    words = "normal batch layer gradient attention whitening sparse graph policy reward".split()
    records = [Record(f"/papers/p{i:03}/", " ".join(words[(i * j) % 10] for j in range(300)),
                      {"title": f"Paper {i}", "year": str(2000 + i % 20)},
                      {"year": [str(2000 + i % 20)], "topic": [words[i % 10], words[(i + 3) % 10]]})
               for i in range(120)]
    runs = []
    for n in range(10):
        bundle = tmp_path / f"run{n}"
        assert Indexer(records, bundle, "en").start().finish() == len(records)  # verified inside
        runs.append({p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()})
    assert all(run == runs[0] for run in runs)
