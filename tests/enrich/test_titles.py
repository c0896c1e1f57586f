"""A title-search hit is taken only when its title is the paper's title."""
from __future__ import annotations

import pytest

from site_builder.enrich.titles import choose, normalise, same_title
from site_builder.enrich.work import Work


def work(title, authors=("Ada Quill",), year=2018, venue="", repository=False, doi=None, arxiv=None):
    return Work(source="openalex", title=title, authors=list(authors), year=year, venue=venue,
                venue_is_repository=repository, doi=doi, arxiv=arxiv)


@pytest.mark.parametrize("a, b", [
    ("Spectral Pruning of Recurrent Gates", "spectral pruning of recurrent gates."),
    ("Group Normalization", "Group Normalisation"),
    ("Non-Stationary Bandits: A Survey", "Nonstationary bandits - a survey"),
    ("$\\beta$-Warmup: Learning Rates Revisited", "beta-Warmup: Learning Rates Revisited"),
    ("Über Lattices", "Uber lattices"),
])
def test_the_same_title_written_differently(a, b):
    assert same_title(a, b)


@pytest.mark.parametrize("a, b", [
    ("Deep Lattice Learning for Image Recognition", "Deep Lattice Learning for Image Restoration"),
    ("Learning to Prune by Pruning", "Learning to Prune without Pruning"),
    ("Warm Starts for Cold Bandits", "Warm Starts for Cold Bandits, Revisited"),
    # a different paper sharing four words
    ("Spectral Pruning of Recurrent Gates", "Spectral Analysis of Recurrent Gates in Pruning Networks"),
    ("", "Anything"),
])
def test_different_titles(a, b):
    assert not same_title(a, b)


def test_normalise():
    assert normalise("  Ünïcode — and \\emph{TeX}: Fine-Tuning ") == "unicode and emph tex finetuning"


def test_an_exact_hit_is_taken():
    verdict = choose("Spectral Pruning of Recurrent Gates", [work("Spectral pruning of recurrent gates", doi="10.1/x"),
                                                            work("Spectral Methods", authors=["Zed"])])
    assert verdict.work is not None and verdict.work.doi == "10.1/x"


def test_a_hit_sharing_four_words_with_a_different_title_is_rejected():
    verdict = choose("Spectral Pruning of Recurrent Gates",
                     [work("Spectral Analysis of Recurrent Gates in Pruning Networks")])
    assert verdict.work is None and verdict.reason == "not-found"


def test_preprint_and_published_version_are_one_paper():
    verdict = choose("Spectral Pruning of Recurrent Gates", [
        work("Spectral Pruning of Recurrent Gates", venue="arXiv (Cornell University)", repository=True,
             arxiv="1811.01234"),
        work("Spectral Pruning of Recurrent Gates", venue="Conference on Imaginary Learning", doi="10.5555/spr"),
    ])
    assert verdict.work.venue == "Conference on Imaginary Learning"
    assert verdict.work.doi == "10.5555/spr" and verdict.work.arxiv == "1811.01234"


def test_same_title_by_different_authors_is_ambiguous():
    verdict = choose("Attention Everywhere", [work("Attention Everywhere", authors=["Ada Quill"]),
                                              work("Attention everywhere", authors=["Zeno Park"])])
    assert verdict.work is None and verdict.reason == "ambiguous" and len(verdict.candidates) == 2
    assert "Ada Quill" in verdict.candidates[0] or "Ada Quill" in verdict.candidates[1]


def test_a_truncated_title_is_a_doubt_not_a_match():
    verdict = choose("Continuous Adaptation of Imaginary Agents in Nonstationary and",
                     [work("Continuous Adaptation of Imaginary Agents in Nonstationary and Competitive Worlds")])
    assert verdict.work is None and verdict.reason == "ambiguous"
    assert verdict.candidates[0].startswith("Continuous Adaptation of Imaginary Agents")


def test_what_we_know_vetoes_a_hit():
    hit = work("Warm Starts for Cold Bandits", authors=["Dita Moor"], year=2016)
    assert choose("Warm Starts for Cold Bandits", [hit], year=2009).work is None  # years apart
    assert choose("Warm Starts for Cold Bandits", [hit], authors=["Someone Else"]).work is None
    assert choose("Warm Starts for Cold Bandits", [hit], year=2017, authors=["Moor, Dita"]).work is hit


def test_an_answer_by_id_with_an_unrelated_title():
    from site_builder.enrich.titles import unrelated

    assert unrelated("A Vanished Preprint", "Quantum Gardening Handbook")
    # a wiki page's short name for the paper still shares a word with the real title
    assert not unrelated("Tensorised Gates", "Wider and Cheaper: Tensorised Recurrent Gates for Sequences")
    assert not unrelated("Spectral Pruning of Recurrent Gates", "Spectral pruning of recurrent gates")
    assert not unrelated("", "Anything")  # nothing to compare with
