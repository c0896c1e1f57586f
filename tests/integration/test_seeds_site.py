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
    # arXiv categories by name, then the default taxonomy's rules over title and abstract
    assert papers["Group Normalization"]["topics"][:2] == ["Computer Vision", "Machine Learning"]
    assert "Normalization" in papers["Group Normalization"]["topics"]
    assert "Dblp" not in papers["Pixel Recurrent Neural Networks"]["topics"]  # dblp is not a topic
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


def test_paper_identity_counts(seeds_site):
    """Issue 26: the scrapes' own text gives most papers a year, authors and a topic."""
    out, report = seeds_site
    papers = load(out, "papers.json")
    summaries = load(out, "summaries.json")
    statwiki_papers = {s["paper_id"] for s in summaries if s["source"] == "statwiki" and s["paper_id"]}
    with_year = [p for p in papers if p["year"]]
    assert len(with_year) >= 20, len(with_year)
    assert sum(1 for p in papers if p["id"] in statwiki_papers and p["authors"]) >= 12
    assert sum(1 for p in papers if p["topics"]) >= 0.9 * len(papers)
    for p in papers:  # every value says where it came from
        for field in ("year", "authors", "venue", "title"):
            if p[field]:
                assert p["sources"][field], (p["title"], field)
        for topic in p["topics"]:
            assert p["sources"][f"topics.{topic}"]
    capsules = next(p for p in papers if p["title"] == "Dynamic Routing Between Capsules")
    assert capsules["authors"] == ["S. Sabour", "N. Frosst", "G. E. Hinton"] and capsules["year"] == 2017
    assert capsules["sources"]["authors"] == "self-citation"
    assert capsules["sources"]["year"] == "NeurIPS proceedings URL" and capsules["venue"] == "NeurIPS"
    audio = next(p for p in papers if p["title"].startswith("Neural Audio Synthesis"))
    assert (audio["venue"], audio["year"], audio["sources"]["year"]) == ("ICML", 2017, "PMLR volume")
    # a feed timestamp or a course term is never a paper's year
    assert all(p["sources"].get("year") not in ("feed", "course") for p in with_year)


def test_statwiki_credit_is_the_presenter_never_the_wiki_account(seeds_site):
    out, report = seeds_site
    summaries = [s for s in load(out, "summaries.json") if s["source"] == "statwiki"]
    accounts = {s["editor"] for s in summaries}
    assert accounts == {"S3wen"}
    assert not any(s["contributor"] in accounts for s in summaries)
    capsules = next(s for s in summaries if s["title"] == "Dynamic Routing Between Capsules")
    assert capsules["contributor"] == "Tong Yang" and capsules["presented_on"] == "2018-04-03"
    for s in summaries:
        page = (out / s["url"].split("#")[0].lstrip("/") / "index.html").read_text(encoding="utf-8")
        # The account is at most "last edited by" (output/reading credit line), never the credit.
        assert "Summary by S3wen" not in page and "Presented by S3wen" not in page
        assert page.count("S3wen") == page.count("last edited by S3wen")
    page = (out / capsules["url"].split("#")[0].lstrip("/") / "index.html").read_text(encoding="utf-8")
    assert "Tong Yang" in page


def test_unidentified_summaries_have_honest_titles_and_are_listed(seeds_site):
    out, report = seeds_site
    unidentified = [s for s in load(out, "summaries.json") if s["paper_id"] is None]
    assert {u[0] for u in report.unidentified} == {s["id"] for s in unidentified}  # the build lists them all
    for s in unidentified:
        title = s["title"]
        assert not title.rstrip("…").endswith(("et al", "i.e", "e.g", "Dr")), title
        assert title.lower().strip("#* ") not in ("setup", "introduction", "summary", "untitled summary"), title
    lee = next(s for s in unidentified if s["id"] == "ss-ef0fbcc2bb03")
    assert lee["title"].startswith("Lee et al. propose")
    # its "[1] ... arXiv abs/1712.02328" is a reference to another paper, not its own
    assert lee["paper_id"] is None


def _headings(html: str) -> list[tuple[str, str]]:
    import re
    return [(tag, re.sub(r"<[^>]+>", "", text).strip()) for tag, text in re.findall(r"<(h[1-6])\b[^>]*>(.*?)</\1>", html, re.S)]


def test_issue_27_fidelity_in_the_built_pages(seeds_site):
    """Sibling headings stay siblings, table spans are kept, and statwiki's $...$ is math."""
    import re
    out, _ = seeds_site
    papers = {p["title"].lower(): (out / p["url"].lstrip("/") / "index.html") for p in load(out, "papers.json")}

    def page(words: str) -> str:
        (path,) = [path for title, path in papers.items() if words in title]
        return path.read_text(encoding="utf-8")

    sketch = _headings(page("sketch drawings"))
    at = sketch.index(("h3", "Methodology"))
    assert sketch[at + 1:at + 7] == [("h4", "Dataset"), ("h4", "Sketch-RNN"), ("h4", "Unconditional Generation"),
                                     ("h4", "Training"), ("h4", "Model Configuration"), ("h3", "Experiments")]
    lstm = dict((text, tag) for tag, text in _headings(page("tensorized lstm")))
    assert lstm["Efficiency Analysis"] == lstm["Accuracy Analysis"] == "h4"
    assert page("inference with integers").count('<th colspan="2">') == 2
    for title in ("self normalizing", "one-shot imitation", "spectral normalization"):
        html = page(title)
        text = re.sub(r"<[^>]+>", " ", re.sub(r'<(span|div) class="math[^"]*">.*?</\1>', " ", html, flags=re.S))
        assert not re.search(r"\$\\|\$[A-Za-z]\w*[:(]", text), title  # no raw TeX between dollars
