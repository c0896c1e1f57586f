from site_builder.catalog import build_catalog
from site_builder.config import SiteConfig, TopicRule
from site_builder.records import Collection, PaperMeta, SummaryRecord


def rec(id, body="text", origins=("a.txt",), **paper):
    return SummaryRecord(id=id, source="shortscience", markup="flat-markdown", body=body,
                         origins=list(origins), paper=PaperMeta(**paper))


def test_same_summary_in_two_files_is_one_with_both_origins():
    cat = build_catalog([rec("s1", origins=["b.txt"]), rec("s1", origins=["a.txt"])], [], SiteConfig())
    assert len(cat.summaries) == 1
    assert cat.summaries[0].record.origins == ["a.txt", "b.txt"]


def test_duplicate_without_metadata_attaches_to_the_copy_with_metadata():
    bare = rec("s1", origins=["flat.txt"])
    full = rec("s1", origins=["meta.txt"], title="Widgets", authors=["A B"], year=2019)
    cat = build_catalog([bare, full], [], SiteConfig())
    assert len(cat.papers) == 1 and cat.unidentified == []
    assert cat.papers[0].title == "Widgets"
    assert cat.summaries[0].paper is cat.papers[0]


def test_papers_merge_on_arxiv_id_or_normalised_title():
    a = rec("s1", title="Widgets: A Study", links={"arxiv": "https://arxiv.org/abs/1901.00001"})
    b = rec("s2", title="Another spelling entirely", links={"pdf": "https://arxiv.org/pdf/1901.00001v2.pdf"})
    c = rec("s3", title="widgets - a study!")
    d = rec("s4", title="Unrelated")
    cat = build_catalog([a, b, c, d], [], SiteConfig())
    sizes = sorted(len(p.summaries) for p in cat.papers)
    assert sizes == [1, 3]


def test_unidentified_summary_is_honest():
    cat = build_catalog([rec("s1")], [], SiteConfig())
    assert cat.papers == []
    (s,) = cat.unidentified
    assert s.paper is None and s.url == "/summaries/s1/"
    years = cat.taxonomies["years"]
    assert [t.key for t in years.terms] == ["unknown"]
    assert years.terms[0].summaries == [s]


def test_year_from_venue_then_arxiv_id_then_first_published():
    cat = build_catalog([
        rec("s1", title="V", year=2015, links={"arxiv": "https://arxiv.org/abs/1701.00001"}),
        rec("s2", title="A", links={"arxiv": "https://arxiv.org/abs/1701.00001x"}),
        rec("s3", title="F", first_published="2012-04-01"),
        rec("s4", title="N"),
    ], [], SiteConfig())
    got = {p.title: (p.year, p.year_source) for p in cat.papers}
    assert got["V"] == (2015, "scraped")
    assert got["F"] == (2012, "first published date")
    assert got["N"] == (None, None)


def test_topics_from_keywords_and_config_rules():
    config = SiteConfig(topics=[TopicRule(topic="Widgets", match=["widget"])])
    cat = build_catalog([rec("s1", title="Deep widget nets", keywords=["cs.CV", "dblp", "2019", "semi-supervised"])], [], config)
    # "semi-supervised" is a phrase of the taxonomy's rule, so it files the paper under that topic
    assert cat.papers[0].topics == ["Computer Vision", "Semi-supervised Learning", "Widgets"]
    assert [t.key for t in cat.taxonomies["topics"].terms] == ["computer-vision", "semi-supervised-learning", "widgets"]


def test_collections_and_authors_taxonomies():
    r = rec("s1", title="T", authors=["Jane Doe", "Åsa Berg"])
    r.collection = "cs999w19"
    cat = build_catalog([r], [Collection(key="cs999w19", name="CS 999, Winter 2019")], SiteConfig())
    assert [t.name for t in cat.taxonomies["collections"].terms] == ["CS 999, Winter 2019"]
    assert [t.key for t in cat.taxonomies["authors"].terms] == ["asa-berg", "jane-doe"]


def test_slugs_are_unique_and_stable():
    cat = build_catalog([rec("s1", title="Same"), rec("s2", title="Same?", links={"doi": "https://doi.org/10.1/x"})], [], SiteConfig())
    assert len(cat.papers) == 1  # same normalised title: one paper
    cat = build_catalog([rec("s1", title="Same"), rec("s2", title="Same 2"), rec("s3", title="Sáme")], [], SiteConfig())
    ids = {p.title: p.id for p in cat.papers}
    # "Sáme" is another paper whose slug would be "same": it gets a hash of its title, whatever the order read.
    assert ids["Same"] == "same" and ids["Same 2"] == "same-2" and ids["Sáme"].startswith("same_")
    again = build_catalog([rec("s3", title="Sáme"), rec("s2", title="Same 2"), rec("s1", title="Same")], [], SiteConfig())
    assert {p.title: p.id for p in again.papers} == ids


def _picture(cat) -> list:
    """Everything the catalog decided, in comparable form."""
    papers = [(p.id, repr(p.meta), p.topics, p.topic_sources, [s.id for s in p.summaries]) for p in cat.papers]
    summaries = [(s.id, s.own_link, s.paper.id if s.paper else None, repr(s.record.paper)) for s in cat.summaries]
    terms = {k: [(t.key, t.name, [p.id for p in t.papers], [s.id for s in t.summaries]) for t in tax.terms]
             for k, tax in cat.taxonomies.items()}
    return [papers, summaries, terms, cat.aliases]


def test_the_catalog_is_the_same_on_several_cores(monkeypatch):
    """Citations of a summary's own paper, links to it and topics, worked out in forked workers, give
    the same catalog as in one process (the seeds, whose statwiki pages cite their papers, when present)."""
    from site_builder import parallel
    from site_builder.pipeline import BuildReport, read_inputs

    from ..conftest import CONTENT, SEEDS

    monkeypatch.setattr(parallel, "MIN_PER_JOB", 1)  # forked workers even for the small sample site
    for folder in (CONTENT, SEEDS):
        if not folder.is_dir():
            continue
        pictures = []
        for jobs in (1, 2):
            records, collections = read_inputs(folder, BuildReport())
            pictures.append(_picture(build_catalog(records, collections, SiteConfig(), jobs=jobs)))
        assert pictures[0] == pictures[1], folder
        if folder == SEEDS:  # the parallel part had work to do
            assert any(p[3] for p in pictures[0][0])  # topics were found
