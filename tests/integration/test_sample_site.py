"""Build the embedded sample site and check what a reader would see."""
import json

from site_builder.config import load_config
from site_builder.pipeline import build
from tests.conftest import CONTENT, ROOT


def load(out, name):
    return json.loads((out / "api" / name).read_text(encoding="utf-8"))


def test_counts(sample_site):
    out, report = sample_site
    assert (report.files_read, report.records, report.summaries, report.papers) == (5, 8, 7, 5)
    assert report.diagnostics == []


def test_every_section_has_pages(sample_site):
    out, _ = sample_site
    for rel in ["index.html", "404.html", "about/index.html", "papers/index.html",
                "years/index.html", "years/2017/index.html", "years/unknown/index.html",
                "topics/index.html", "topics/computer-vision/index.html", "topics/normalization/index.html",
                "venues/index.html", "authors/index.html", "authors/kaiming-he/index.html",
                "collections/stat441w24/index.html", "images/dropout-network.svg",
                "assets/style.css", "assets/pygments.css"]:
        assert (out / rel).is_file(), rel


def test_papers_json_contract(sample_site):
    out, _ = sample_site
    papers = load(out, "papers.json")
    keys = {"id", "title", "authors", "year", "venue", "keywords", "topics", "abstract", "first_published", "links", "url", "summaries"}
    for p in papers:
        assert keys <= set(p)
        assert isinstance(p["authors"], list) and isinstance(p["links"], dict)
        assert p["year"] is None or isinstance(p["year"], int)
        assert (out / p["url"].lstrip("/") / "index.html").is_file()
    by_title = {p["title"]: p for p in papers}
    attention = by_title["Attention Is All You Need"]
    assert attention["authors"][6] == "Łukasz Kaiser"
    assert (attention["year"], attention["venue"], attention["first_published"]) == (2017, "Neural Information Processing Systems", "2017-06-12")
    # keywords by name, and the default taxonomy's rule for "attention" in the title
    assert attention["topics"] == ["Attention", "Computation and Language", "Machine Learning", "Natural Language Processing",
                                   "Sequence Models"]
    assert attention["sources"]["topics.Sequence Models"].startswith("topic rules")
    assert attention["sources"]["year"] == "scraped" and attention["sources"]["authors"] == "scraped"
    adam = by_title["Adam: A Method for Stochastic Optimization"]
    assert len(adam["summaries"]) == 2  # statwiki + Markdown record, joined by arXiv id
    assert adam["year"] == 2015
    layer = by_title["Layer Normalization"]
    assert layer["year"] == 2016  # from the arXiv id in the course table
    assert layer["links"]["arxiv"] == "https://arxiv.org/abs/1607.06450"


def test_summaries_json_contract(sample_site):
    out, _ = sample_site
    summaries = load(out, "summaries.json")
    keys = {"id", "paper_id", "source", "origins", "source_url", "contributor", "collection", "date", "comments", "url", "text"}
    for s in summaries:
        assert keys <= set(s)
        assert s["source"] in ("shortscience", "statwiki", "markdown")
        assert s["text"] and "<" not in s["text"] and "\\frac" not in s["text"]
    resnet = [s for s in summaries if len(s["origins"]) == 2]
    assert len(resnet) == 1 and resnet[0]["paper_id"] == "deep-residual-learning-for-image-recognition"
    unidentified = [s for s in summaries if s["paper_id"] is None]
    assert len(unidentified) == 1 and unidentified[0]["comments"] == 1
    layer = next(s for s in summaries if s["source"] == "statwiki" and "Layer" in s.get("title", ""))
    # the presenter (course table) is the credit; the wiki account is only the last editor
    assert layer["contributor"] == "Jane Park" and layer["editor"] == "JPark" and layer["collection"] == "stat441w24"
    assert layer["date"] == "2024-02-20T18:30:00Z"
    assert "first draft" not in layer["text"]  # the older revision lost


def test_paper_page_shows_metadata_and_summaries(sample_site):
    out, _ = sample_site
    page = (out / "papers" / "attention-is-all-you-need" / "index.html").read_text(encoding="utf-8")
    for needle in ["Ashish Vaswani", "Neural Information Processing Systems", "12 June 2017",
                   'href="/topics/computation-and-language/"', 'href="/years/2017/"',
                   "2 comments", 'class="breadcrumbs']:
        assert needle in page, needle
    unknown = (out / "years" / "unknown" / "index.html").read_text(encoding="utf-8")
    assert "paper not identified" in unknown


def test_same_input_gives_identical_bytes(tmp_path):
    config = load_config(ROOT / "site.yaml")
    config.mathjax.self_host = False
    a, b = tmp_path / "a", tmp_path / "b"
    build(CONTENT, a, config, ROOT)
    build(CONTENT, b, config, ROOT)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
