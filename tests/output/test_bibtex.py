"""BibTeX entries and citation keys."""
from __future__ import annotations

import pytest

from site_builder.catalog import Paper
from site_builder.output.bibtex import base_key, bibtex_entry, citation_keys, entry_type
from site_builder.records import PaperMeta


def paper(pid, title, authors=(), year=None, venue="", links=None):
    return Paper(id=pid, meta=PaperMeta(title=title, authors=list(authors), year=year, venue=venue, links=links or {}))


def test_key_is_family_name_year_and_first_significant_word():
    assert base_key(paper("a", "Deep Residual Learning", ["Kaiming He", "Xiangyu Zhang"], 2016)) == "he2016deep"
    assert base_key(paper("a", "On the Convergence of Adam", ["Sashank J. Reddi"], 2018)) == "reddi2018convergence"
    assert base_key(paper("a", "Pixel Recurrent Networks", ["Aäron van den Oord"], 2016)) == "vandenoord2016pixel"
    assert base_key(paper("a", "The Über Model")) == "uber"


def test_colliding_keys_get_letters_in_paper_id_order():
    papers = [paper("b-paper", "Deep Nets", ["Ann Lee"], 2020), paper("a-paper", "Deep Trees", ["Ann Lee"], 2020),
              paper("c", "Other", ["Bo Chen"], 2020)]
    assert citation_keys(papers) == {"a-paper": "lee2020deepa", "b-paper": "lee2020deepb", "c": "chen2020other"}
    assert citation_keys(list(reversed(papers))) == citation_keys(papers)


@pytest.mark.parametrize("venue, kind", [("", "misc"), ("arXiv e-prints", "misc"), ("CoRR", "misc"),
                                         ("Journal of Machine Learning Research", "article"), ("NIPS", "inproceedings"),
                                         ("ICLR", "inproceedings"), ("IEEE Transactions on Pattern Analysis", "article")])
def test_entry_type(venue, kind):
    assert entry_type(venue) == kind


def test_entry_fields_are_latex_escaped():
    p = paper("x", "Nets & Trees: 100% {Fun} with $x_1$", ["José García", "Li Wei"], 2019, "NeurIPS",
              {"arxiv": "https://arxiv.org/abs/1901.00001v2", "doi": "https://doi.org/10.1000/xyz_1"})
    entry = bibtex_entry(p, "garcia2019nets")
    assert entry.startswith("@inproceedings{garcia2019nets,\n")
    assert r"title         = {{Nets \& Trees: 100\% \{Fun\} with \$x\_1\$}}" in entry
    assert r"author        = {Garc{\'\i}a, Jos\'e and Wei, Li}" in entry
    assert "booktitle     = {NeurIPS}" in entry and "year          = {2019}" in entry
    assert "eprint        = {1901.00001}" in entry and "archivePrefix = {arXiv}" in entry
    assert r"doi           = {10.1000/xyz\_1}" in entry
    assert entry.endswith("}\n")


def test_paper_page_shows_the_entry_and_a_copy_button(sample_site):
    out, _ = sample_site
    page = (out / "papers" / "deep-residual-learning-for-image-recognition" / "index.html").read_text(encoding="utf-8")
    assert "@inproceedings{he2016deep," in page or "@misc{he2016deep," in page
    assert 'data-copy="bibtex-deep-residual-learning-for-image-recognition"' in page
    assert 'id="bibtex-deep-residual-learning-for-image-recognition"' in page
