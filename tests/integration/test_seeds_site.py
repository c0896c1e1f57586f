"""Build the real scraped pages in ../shared/seeds (skipped when absent)."""
import json
from collections import Counter


def load(out, name):
    return json.loads((out / "api" / name).read_text(encoding="utf-8"))


def test_counts_per_source(seeds_site):
    out, report = seeds_site
    summaries = load(out, "summaries.json")
    papers = load(out, "papers.json")
    assert report.files_read == 5 and report.records == 42
    assert Counter(s["source"] for s in summaries) == {"shortscience": 18, "statwiki": 22}
    assert len(papers) == 27
    assert sum(1 for s in summaries if s["paper_id"] is None) == 13


def test_the_five_papers_of_the_metadata_listing(seeds_site):
    out, _ = seeds_site
    papers = {p["title"]: p for p in load(out, "papers.json")}
    expected = {
        "Group Normalization": (["Yuxin Wu", "Kaiming He"], 2018, ["cs.CV", "cs.LG"]),
        "Pixel Recurrent Neural Networks": (["Aäron Van Den Oord", "Nal Kalchbrenner", "Koray Kavukcuoglu"], 2016, ["dblp"]),
        "What shapes feature representations? Exploring datasets, architectures, and training":
            (["Katherine L. Hermann", "Andrew K. Lampinen"], 2020, ["cs.LG", "stat.ML"]),
        "Not All Unlabeled Data are Equal: Learning to Weight Data in Semi-supervised Learning":
            (["Zhongzheng Ren", "Raymond A. Yeh", "Alexander G. Schwing"], 2020, ["dataset", "semi-supervised", "machine-learning", "data", "2020"]),
        "Identity Mappings in Deep Residual Networks":
            (["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"], 2016, ["dblp"]),
    }
    for title, (authors, year, keywords) in expected.items():
        p = papers[title]
        assert (p["authors"], p["year"], p["keywords"]) == (authors, year, keywords), title
        assert p["abstract"] == "" or "more" not in p["abstract"].split()[-1:]
    assert papers["Group Normalization"]["topics"] == ["Computer Vision", "Machine Learning"]
    assert papers["Pixel Recurrent Neural Networks"]["topics"] == []  # dblp is not a topic
    assert "2020" not in papers["Not All Unlabeled Data are Equal: Learning to Weight Data in Semi-supervised Learning"]["topics"]


def test_repeated_summary_appears_once_with_both_files(seeds_site):
    out, _ = seeds_site
    summaries = load(out, "summaries.json")
    shared = [s for s in summaries if len(s["origins"]) > 1]
    assert len(shared) == 2
    for s in shared:
        assert [o[:3] for o in s["origins"]] == ["000", "004"]


def test_statwiki_rules(seeds_site):
    out, report = seeds_site
    summaries = [s for s in report.catalog.summaries if s.record.source == "statwiki"]
    titles = {s.record.title for s in summaries}
    assert not any(t.startswith("File:") for t in titles)
    assert "stat946w18" not in titles
    ambient = next(s for s in summaries if s.record.title.startswith("AmbientGAN"))
    assert ambient.record.revision == 32391
    assert ambient.record.aliases == ["AmbientGAN: Generative Models from Lossy Measurements"]
    course = (out / "collections" / "stat946w18" / "index.html").read_text(encoding="utf-8")
    assert "STAT 946, Winter 2018" in course


def test_every_page_of_the_seed_site_exists(seeds_site):
    out, _ = seeds_site
    for p in load(out, "papers.json"):
        assert (out / p["url"].lstrip("/") / "index.html").is_file()
    for s in load(out, "summaries.json"):
        path = s["url"].split("#")[0].lstrip("/")
        assert (out / path / "index.html").is_file()
