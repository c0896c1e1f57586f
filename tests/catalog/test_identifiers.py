from site_builder.catalog.identifiers import apply, arxiv_month, from_dblp_key, from_url
from site_builder.records import PaperMeta


def pair(found):
    return (found.venue, found.year)


def test_proceedings_urls_give_venue_and_year():
    assert pair(from_url("http://papers.nips.cc/paper/6975-some-paper.pdf")) == ("NeurIPS", 2017)
    assert pair(from_url("https://papers.nips.cc/paper/2020/hash/abc-Abstract.html")) == ("NeurIPS", 2020)
    assert pair(from_url("http://proceedings.mlr.press/v70/doe17a/doe17a.pdf")) == ("ICML", 2017)
    assert pair(from_url("https://openaccess.thecvf.com/content_cvpr_2018/papers/x.pdf")) == ("CVPR", 2018)
    assert pair(from_url("https://openaccess.thecvf.com/content/ICCV2021/papers/x.pdf")) == ("ICCV", 2021)
    assert pair(from_url("https://openaccess.thecvf.com/content_cvpr_2016_workshops/x.pdf")) == (None, 2016)
    assert pair(from_url("https://aclanthology.org/P17-1001.pdf")) == ("ACL", 2017)
    assert pair(from_url("https://aclanthology.org/2020.emnlp-main.5/")) == ("EMNLP", 2020)


def test_unknown_ids_give_nothing_rather_than_a_guess():
    assert from_url("https://papers.nips.cc/paper/6000-between-two-known-years.pdf") is None  # in a gap of the table
    assert from_url("http://proceedings.mlr.press/v1/x.pdf") is None
    assert from_url("https://example.org/paper.pdf") is None


def test_dblp_keys():
    assert pair(from_dblp_key("conf/icml/DoeR15")) == ("ICML", 2015)
    assert pair(from_dblp_key("journals/corr/DoeR15")) == (None, 2015)  # CoRR is arXiv: no venue
    assert from_dblp_key("journals/unknownjournal/DoeR94") is None


def test_arxiv_month_and_year_with_their_source():
    assert arxiv_month("1710.09829") == "2017-10" and arxiv_month("cs/0112017") == "2001-12"
    meta = PaperMeta(title="T", links={"arxiv": "https://arxiv.org/abs/1710.09829"})
    apply(meta)
    assert meta.year == 2017 and meta.sources["year"] == "arXiv id"
    assert meta.sources["year.note"] == "arXiv submission month 2017-10"


def test_a_venue_url_beats_the_arxiv_year_and_the_scraped_year_beats_both():
    meta = PaperMeta(title="T", links={"arxiv": "https://arxiv.org/abs/1611.00001",
                                       "pdf": "http://proceedings.mlr.press/v70/x17a/x17a.pdf"})
    apply(meta)
    assert (meta.year, meta.venue, meta.sources["year"]) == (2017, "ICML", "PMLR volume")
    meta = PaperMeta(title="T", year=2016, venue="Somewhere", links={"pdf": "http://proceedings.mlr.press/v70/x.pdf"})
    apply(meta)
    assert (meta.year, meta.venue) == (2016, "Somewhere") and "year" not in meta.sources
