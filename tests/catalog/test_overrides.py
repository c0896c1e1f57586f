"""content/papers.yaml and content/papers.enriched.yaml: precedence, ties and diagnostics."""
from pathlib import Path

from site_builder.catalog import build_catalog
from site_builder.catalog.overrides import load
from site_builder.config import SiteConfig
from site_builder.records import PaperMeta, SummaryRecord


def rec(sid, body="A summary of widgets.", **paper):
    sources = paper.pop("sources", {})
    return SummaryRecord(id=sid, source="markdown", markup="markdown", body=body, origins=[f"{sid}.md"],
                         paper=PaperMeta(sources=sources, **paper))


def catalog(tmp_path: Path, records, user: str = "", enriched: str = ""):
    if user:
        (tmp_path / "papers.yaml").write_text(user, encoding="utf-8")
    if enriched:
        (tmp_path / "papers.enriched.yaml").write_text(enriched, encoding="utf-8")
    overrides = load(tmp_path)
    return build_catalog(records, [], SiteConfig(), overrides), overrides.diagnostics


def test_the_users_value_beats_scraped_inferred_and_enriched(tmp_path):
    records = [rec("s1", title="Gears Without Teeth", year=2016, authors=["A. Byron"],
                   links={"arxiv": "https://arxiv.org/abs/1901.01234"})]
    cat, diags = catalog(tmp_path, records, user="""papers:
  - match: {arxiv: "1901.01234"}
    year: 2019
    authors: [Ada Byron, Charles Babbage]
    topics: [Widgets]
""", enriched="""papers:
  - match: {arxiv: "1901.01234"}
    year: 2018
    authors: [Ada B.]
    venue: ICML
    abstract: We study gears.
    source: openalex
    retrieved: 2026-12-01
""")
    assert diags == []
    p = cat.papers[0]
    assert (p.year, p.meta.authors, p.topics) == (2019, ["Ada Byron", "Charles Babbage"], ["Widgets"])
    assert p.meta.sources["year"] == p.meta.sources["authors"] == "papers.yaml"
    assert p.topic_sources == {"Widgets": "papers.yaml"}
    # enriched values fill what nobody else said
    assert (p.meta.venue, p.meta.abstract) == ("ICML", "We study gears.")
    assert p.meta.sources["venue"] == "enriched (openalex)"


def test_scraped_values_beat_enriched_ones_and_enriched_beat_self_citations(tmp_path):
    body = "= References =\n# Doe, J. (2015). Gears without teeth. In ICML.\n"
    records = [rec("s1", body=body, title="Gears Without Teeth", venue="Somewhere",
                   sources={"title": "wiki page name"})]
    cat, _ = catalog(tmp_path, records, enriched="""papers:
  - match: {title: "gears without teeth"}
    venue: NeurIPS
    authors: [Jane Doe, Richard Roe]
    source: arxiv
""")
    p = cat.papers[0]
    assert p.meta.venue == "Somewhere"  # scraped
    assert p.meta.authors == ["Jane Doe", "Richard Roe"] and p.meta.sources["authors"] == "enriched (arxiv)"
    assert p.year == 2015 and p.meta.sources["year"] == "self-citation"


def test_a_summary_tied_by_id_joins_its_paper(tmp_path):
    records = [rec("s1", title="Gears Without Teeth", links={"arxiv": "https://arxiv.org/abs/1901.01234"}),
               rec("ss-0123456789ab", body="Lee et al. propose gears.")]
    cat, diags = catalog(tmp_path, records, user="""summaries:
  ss-0123456789ab: {paper: {arxiv: "1901.01234"}}
""")
    assert diags == [] and cat.unidentified == []
    assert {s.id for s in cat.papers[0].summaries} == {"s1", "ss-0123456789ab"}
    assert cat.summaries[1].paper is cat.papers[0]


def test_a_tie_by_slug_and_a_tie_with_a_full_entry(tmp_path):
    records = [rec("s1", title="Gears Without Teeth"), rec("u1", body="One."), rec("u2", body="Two.")]
    cat, diags = catalog(tmp_path, records, user="""summaries:
  u1: {paper: {id: gears-without-teeth}}
  u2:
    paper:
      title: Sprockets All the Way Down
      authors: [Grace Hopper]
      year: 2020
""")
    assert diags == [] and cat.unidentified == []
    by_title = {p.title: p for p in cat.papers}
    assert {s.id for s in by_title["Gears Without Teeth"].summaries} == {"s1", "u1"}
    new = by_title["Sprockets All the Way Down"]
    assert (new.year, new.meta.authors, new.meta.sources["title"]) == (2020, ["Grace Hopper"], "papers.yaml")


def test_the_slug_stays_when_the_user_corrects_the_title(tmp_path):
    records = [rec("s1", title="Gears Withuot Teeth")]
    cat, _ = catalog(tmp_path, records, user="""papers:
  - match: {id: gears-withuot-teeth}
    title: Gears Without Teeth
""")
    assert cat.papers[0].title == "Gears Without Teeth" and cat.papers[0].id == "gears-withuot-teeth"


def test_bad_entries_are_file_line_warnings(tmp_path):
    records = [rec("s1", title="Gears Without Teeth")]
    _, diags = catalog(tmp_path, records, user="""papers:
  - match: {arxiv: "1901.99999"}
    year: 2019
  - match: {title: Gears Without Teeth}
    yaer: 2019
    authors: Ada Byron
    year: "twenty"
  - title: no match key
  - match: {isbn: "123"}
summaries:
  ss-nothere: {paper: {title: X}}
colour: blue
""")
    text = sorted((d.line, str(d)) for d in diags)
    assert [t for _, t in text] == [
        "papers.yaml:2: warning: the entry matching {arxiv: '1901.99999'} finds no paper; not used",
        "papers.yaml:5: warning: unknown key 'yaer' (did you mean 'year'?) in the paper entry; ignored",
        "papers.yaml:7: warning: 'year': expected a year such as 2017, got 'twenty'; ignored",
        "papers.yaml:8: warning: paper entry without a usable 'match:' ({arxiv: ...}, {doi: ...}, {title: ...} or {id: ...}); skipped",
        "papers.yaml:9: warning: 'match': unknown match key 'isbn' (use arxiv, doi, title or id), got {'isbn': '123'}; ignored",
        "papers.yaml:9: warning: paper entry without a usable 'match:' ({arxiv: ...}, {doi: ...}, {title: ...} or {id: ...}); skipped",
        "papers.yaml:11: warning: summaries: no summary has the id 'ss-nothere'",
        "papers.yaml:12: warning: unknown key 'colour' (expected papers, summaries); ignored",
    ]


def test_invalid_yaml_is_one_warning_and_the_build_goes_on(tmp_path):
    cat, diags = catalog(tmp_path, [rec("s1", title="T")], user="papers: [\n  - match: {arxiv: \n")
    assert len(diags) == 1 and diags[0].file == "papers.yaml" and "invalid YAML" in diags[0].message
    assert cat.papers[0].title == "T"


def test_an_unquoted_arxiv_id_is_reported_not_misread(tmp_path):
    _, diags = catalog(tmp_path, [rec("s1", title="T")], user="papers:\n  - match: {arxiv: 1710.10740}\n    year: 2017\n")
    assert "must be quoted" in str(diags[0])
