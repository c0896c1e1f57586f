"""The reference-string parser, one written example per citation style (our own examples)."""
import time

import pytest

from site_builder.catalog.citations import parse, parse_authors
from site_builder.catalog.selfcite import find

CASES = [
    # style, title, reference, authors, complete, year, venue, arxiv
    ("APA", "Learning Widgets from Sprockets",
     "Doe, J., Roe, R. A., Kowalski, T., & Nguyen, B. (2019). Learning widgets from sprockets. In Advances in "
     "Neural Information Processing Systems (pp. 101-110).",
     ["J. Doe", "R. A. Roe", "T. Kowalski", "B. Nguyen"], True, 2019, "NeurIPS", None),
    ("IEEE", "Gears Without Teeth",
     "A. Byron, C. Babbage, and G. M. Hopper, \u201cGears without teeth,\u201d arXiv preprint arXiv:1901.01234v2, 2019",
     ["A. Byron", "C. Babbage", "G. M. Hopper"], True, 2019, "", "1901.01234"),
    ("GB/T", "Implicit Widget Models for Sprocket Studies",
     "Wu J, Lovelace A D. Implicit Widget Models for Sprocket Studies[J]. arXiv preprint arXiv:1802.04321, 2018.",
     ["J. Wu", "A. D. Lovelace"], True, 2018, "", "1802.04321"),
    ("plain", "Wasserstein Widgets",
     "Ada Byron, Charles Babbage, Grace Hopper. Wasserstein Widgets, 2017",
     ["Ada Byron", "Charles Babbage", "Grace Hopper"], True, 2017, "", None),
    ("Chicago", "One-shot widget learning",
     "Doe, Jane, Richard Roe, and Tomasz Kowalski. \"One-shot widget learning.\" In International Conference on "
     "Machine Learning, pp. 1087-1098. 2018.",
     ["Jane Doe", "Richard Roe", "Tomasz Kowalski"], True, 2018, "ICML", None),
    ("semicolons", "Efficient Widgets: A Survey",
     "Doe, Jane; Roe, Richard; Kowalski, Tomasz (2017-03-27). \"Efficient Widgets: A Survey\". arXiv:1703.01234 [cs].",
     ["Jane Doe", "Richard Roe", "Tomasz Kowalski"], True, 2017, "", "1703.01234"),
    ("et al.", "Pruning widgets for efficient gears",
     "Li, Hao, et al. \"Pruning widgets for efficient gears.\" arXiv preprint arXiv:1608.01234 (2016).",
     ["Hao Li"], False, 2016, "", "1608.01234"),
    ("family names", "Self-Normalizing Widgets",
     "Doe, Roe, Kowalski and Nguyen. \"Self-Normalizing Widgets.\" arXiv: 1706.01234. (2017).",
     ["Doe", "Roe", "Kowalski", "Nguyen"], True, 2017, "", "1706.01234"),
    ("BibTeX and", "On the Convergence of Widgets",
     "Jane A. Doe and Richard Roe and Tomasz Kowalski. \"On the Convergence of Widgets.\" International Conference "
     "on Learning Representations. 2018",
     ["Jane A. Doe", "Richard Roe", "Tomasz Kowalski"], True, 2018, "ICLR", None),
    ("APA, n.d.", "Multi-Scale Widgets",
     "Wu, G., Li, D., & Ye, T. (n.d.). Multi-Scale Widgets. ICLR 2018.",
     ["G. Wu", "D. Li", "T. Ye"], True, 2018, "ICLR", None),
    ("wiki markup", "Widgets in the Wild",
     "# Doe, Jane; Roe, Richard (2015). [http://arxiv.org/abs/1511.01234 \"Widgets in the Wild\"]. arXiv:1511.01234 [cs].",
     ["Jane Doe", "Richard Roe"], True, 2015, "", "1511.01234"),
]


@pytest.mark.parametrize("style,title,ref,authors,complete,year,venue,arxiv", CASES, ids=[c[0] for c in CASES])
def test_every_citation_style(style, title, ref, authors, complete, year, venue, arxiv):
    cite = parse(ref, title)
    assert cite is not None
    assert cite.authors == authors
    assert cite.complete is complete
    assert (cite.year, cite.venue, cite.arxiv) == (year, venue, arxiv)


def test_a_reference_to_another_paper_gives_nothing():
    assert parse("Doe, J. (2015). Gears and pulleys. In ICML.", "Learning widgets from sprockets") is None


def test_a_known_short_title_takes_the_citations_full_title():
    cite = parse("Ada Byron and Alan Turing. <Wide and Deep: Tensorized Widgets for Sprocket Learning> (2017)",
                 "Tensorized Widgets")
    assert cite.title == "Wide and Deep: Tensorized Widgets for Sprocket Learning"
    assert cite.authors == ["Ada Byron", "Alan Turing"] and cite.year == 2017


def test_a_sentence_that_mentions_the_title_is_not_a_citation():
    body = "= Intro =\nIn the paper Gears Without Teeth the idea is simple, and in 2015 others tried it.\n"
    assert find(body, "Gears Without Teeth") is None


def test_find_picks_the_self_citation_among_the_references():
    body = ("= Summary =\nText.\n= References =\n# Doe, J. (2015). Gears and pulleys. In ICML.\n"
            "# A. Byron, C. Babbage, and G. M. Hopper, \"Gears without teeth,\" NeurIPS, 2017\n")
    cite = find(body, "Gears Without Teeth")
    assert cite.authors == ["A. Byron", "C. Babbage", "G. M. Hopper"] and cite.year == 2017 and cite.venue == "NeurIPS"


def test_author_segments_that_are_not_names_give_no_authors():
    assert parse_authors("Retrieved March 25, 2018, from https://example.org/x")[0] == []
    assert parse_authors("As an alternative the method of")[0] == []


def test_hostile_input_is_linear():
    """Long runs of the characters the patterns care about: bounded work, whatever the text."""
    for chunk in ("a, ", "(2017", "[[", "\"", "A. ", "et al. ", "arXiv:", "1234-", " & "):
        body = chunk * 200_000
        started = time.perf_counter()
        find(body, "Gears Without Teeth and Other Widgets")
        parse(body[:5000], "Gears Without Teeth")
        assert time.perf_counter() - started < 3, chunk
