"""Citation keys read as papers: the site's paper when the key names one, else a readable name."""
from __future__ import annotations

import pytest

from site_builder.render.citekeys import Candidate, KeyIndex, parse, readable


@pytest.mark.parametrize("key, shown", [
    ("journals/corr/BahdanauCB14", "Bahdanau et al. 2014"),
    ("conf/cvpr/HeZRS16", "He et al. 2016"),
    ("journals/pieee/LeCunBBH98", "LeCun et al. 1998"),  # CamelCase family names stay whole
    ("conf/icml/McMahanMRHA17", "McMahan et al. 2017"),
    ("journals/corr/Smith99", "Smith 1999"),  # one author, last century
    ("journals/corr/abs-1409-0473", "arXiv:1409.0473"),
    ("journals/corr/1608.06993", "arXiv:1608.06993"),
    ("he2016deep", "He 2016"),  # Google Scholar style
    ("Vaswani2017", "Vaswani 2017"),
    ("k1", "k1"),  # no known style: as written
    ("journals/y/Other_19", "journals/y/Other_19"),
])
def test_readable_names(key, shown):
    assert readable(key) == shown


def test_a_bare_word_with_digits_is_not_a_dblp_key():
    assert parse("Layer2") is None and parse("conf/x/Layer2") is None


def paper(url, title, authors, years, arxiv=None):
    return Candidate(url, title, tuple(authors), frozenset(years), arxiv)


def test_index_matches_by_arxiv_id_and_by_first_author_initials_and_year():
    index = KeyIndex([
        paper("/papers/adam/", "Adam", ["Diederik P. Kingma", "Jimmy Ba"], {2014, 2015}, "1412.6980"),
        paper("/papers/pixelrnn/", "Pixel RNN", ["Aäron van den Oord", "Nal Kalchbrenner", "Koray Kavukcuoglu"], {2016}),
        paper("/papers/resnet/", "ResNet", ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"], {2016}),
        paper("/papers/other-he/", "Other", ["Kaiming He", "Ross Girshick"], {2016}),
    ])
    assert index.find("journals/corr/KingmaB14").url == "/papers/adam/"  # a year the paper is known by
    assert index.find("journals/corr/abs-1412-6980").title == "Adam"
    assert index.find("journals/corr/OordKK16").url == "/papers/pixelrnn/"  # particles and accents folded
    assert index.find("conf/cvpr/HeZRS16").url == "/papers/resnet/"  # initials decide between two He 2016
    assert index.find("he2016deep") is None  # fits both: names neither
    assert index.find("journals/corr/KingmaB17") is None  # wrong year
    assert index.find("journals/corr/KingmaX14") is None  # wrong co-author
    assert index.find("k1") is None
