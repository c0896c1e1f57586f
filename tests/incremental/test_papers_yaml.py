"""Editing content/papers.yaml (or the enriched file) rebuilds what it changes, on every build path."""
from __future__ import annotations

from pathlib import Path

from site_builder.incremental.persist import build_site

from ..test_cache import tree
from .test_persist import age
from .test_session import clean_build, config, start

FIRST = """papers:
  - match: {title: "Dropout: A Simple Way to Prevent Neural Networks from Overfitting"}
    venue: JMLR
"""
SECOND = """papers:
  - match: {title: "Dropout: A Simple Way to Prevent Neural Networks from Overfitting"}
    venue: Journal of Machine Learning Research
    year: 2013
"""


def dropout_page(site: Path) -> str:
    return (site / "out" / "papers" / "dropout-a-simple-way-to-prevent-neural-networks-from-overfitting"
            / "index.html").read_text(encoding="utf-8")


def test_a_session_rebuilds_when_papers_yaml_changes(site: Path) -> None:
    cfg = config()
    (site / "content" / "papers.yaml").write_text(FIRST, encoding="utf-8")
    session = start(site, cfg)
    assert "JMLR" in dropout_page(site)
    (site / "content" / "papers.yaml").write_text(SECOND, encoding="utf-8")
    session.build(cfg)
    assert session.last_mode == "full" and "papers.yaml" in session.why_full
    page = dropout_page(site)
    assert "Journal of Machine Learning Research" in page and "2013" in page
    assert tree(site / "out") == clean_build(site, cfg)


def test_build_command_path_notices_papers_yaml_and_the_enriched_file(site: Path) -> None:
    cfg = config()
    age(site / "content")
    build_site(site / "content", site / "out", cfg, site)
    (site / "content" / "papers.yaml").write_text(SECOND, encoding="utf-8")
    age(site / "content")
    report = build_site(site / "content", site / "out", cfg, site)
    assert report.files_changed and "2013" in dropout_page(site)
    assert tree(site / "out") == clean_build(site, cfg)
    (site / "content" / "papers.enriched.yaml").write_text(
        'papers:\n  - match: {title: "Adam: A Method for Stochastic Optimization"}\n'
        '    keywords: [math.OC]\n    source: arxiv\n', encoding="utf-8")
    age(site / "content")
    report = build_site(site / "content", site / "out", cfg, site)
    assert report.files_changed and (site / "out" / "topics" / "optimization-and-control").is_dir()
    assert tree(site / "out") == clean_build(site, cfg)
    # neither file is read as a summary, so neither is warned about as an unknown format
    assert not [d for d in report.diagnostics if "papers" in d.file]


def test_a_text_edit_that_adds_a_self_citation_rebuilds_the_papers_metadata(site: Path) -> None:
    cfg = config()
    record = site / "content" / "summaries" / "zz-gears.md"
    record.write_text("---\ntitle: Gears Without Teeth\n---\nA summary of gears.\n", encoding="utf-8")
    session = start(site, cfg)
    record.write_text("---\ntitle: Gears Without Teeth\n---\nA summary of gears.\n\n## References\n\n"
                      "1. Byron, A., & Hopper, G. (2019). Gears without teeth. In ICML.\n", encoding="utf-8")
    session.build(cfg)
    assert session.last_mode == "full" and "what a summary's text says" in session.why_full
    page = (site / "out" / "papers" / "gears-without-teeth" / "index.html").read_text(encoding="utf-8")
    assert "A. Byron" in page and "2019" in page
    assert tree(site / "out") == clean_build(site, cfg)
