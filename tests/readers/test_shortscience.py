from site_builder.readers import detect, shortscience
from tests.conftest import seed_file

WITH_METADATA = """Welcome to ShortScience.org! |

- A made-up blurb line about the site.
- Another blurb line.

Sparse Widgets for Dense Gadgets

Doe, Jane and Roe, Richard

Imaginary Conference on Widgets - 2019 via Local Bibsonomy

Keywords: cs.LG, widgets, dblp, 2019

**First published:** 2019/05/04 (5 years ago)

**Abstract:** First line of an abstract
that was hard-wrapped
by the scraper.
more
less

Doe, Jane and Roe, Richard

Imaginary Conference on Widgets - 2019 via Local Bibsonomy

Keywords: cs.LG, widgets, dblp, 2019

[link]
The summary of sparse widgets. #### Heading * a * b ![]() |
3 Comments
|

Untitled Venue Paper

Ann Lee and Bo Chen

- 2021 via Local arXiv

Keywords: misc

[link]
Second summary text. |

About
"""

FLAT = """![]() |
Welcome to ShortScience.org! |
![]() ![]() ![]() |
[link]
Only the summary survived here. ![]() |
[link]
Another one, with a trailing bar |
"""


def test_metadata_block_is_parsed_and_furniture_dropped():
    result = shortscience.read(WITH_METADATA, "page.txt")
    assert result.diagnostics == []
    first, second = result.records
    p = first.paper
    assert p.title == "Sparse Widgets for Dense Gadgets"
    assert p.authors == ["Jane Doe", "Richard Roe"]
    assert (p.venue, p.year, p.source) == ("Imaginary Conference on Widgets", 2019, "Bibsonomy")
    assert p.keywords == ["cs.LG", "widgets", "dblp", "2019"]
    assert p.first_published == "2019-05-04"
    assert p.abstract == "First line of an abstract that was hard-wrapped by the scraper."
    assert first.body == "The summary of sparse widgets. #### Heading * a * b"
    assert first.comments == 3
    assert first.source == "shortscience" and first.origins == ["page.txt"]
    assert second.paper.venue == "" and second.paper.year == 2021 and second.paper.source == "arXiv"
    assert second.body == "Second summary text."
    assert second.comments is None
    for rec in result.records:
        assert "Welcome" not in rec.body and "About" not in rec.body and "blurb" not in rec.body


def test_listing_without_metadata_keeps_only_summaries():
    result = shortscience.read(FLAT, "flat.txt")
    assert [r.body for r in result.records] == ["Only the summary survived here.", "Another one, with a trailing bar"]
    assert all(r.paper.is_empty() for r in result.records)


def test_same_text_gives_same_id_across_files():
    a = shortscience.read(FLAT, "a.txt").records[0]
    b = shortscience.read("Welcome to ShortScience.org! |\n[link]\nOnly the summary survived here. |\n", "b.txt").records[0]
    assert a.id == b.id


def test_metadata_without_link_is_reported():
    text = "Lonely Paper\n\nA B\n\nVenue - 2020 via Local arXiv\n\nKeywords: x\n"
    result = shortscience.read(text + "\n[link]\nbody |\n\nOrphan Title\n\nC D\n\nVenue - 2021 via Local arXiv\n", "o.txt")
    assert len(result.records) == 1
    assert any("without a [link]" in d.message for d in result.diagnostics)


def test_detected_from_content():
    assert detect(FLAT) == "shortscience"
    assert detect(WITH_METADATA) == "shortscience"


def test_seed_listing_with_metadata():
    path = seed_file("002")
    result = shortscience.read(path.read_text(encoding="utf-8"), path.name)
    titles = [r.paper.title for r in result.records]
    assert len(titles) == 5
    assert titles[0] == "Group Normalization"
    assert result.records[0].paper.authors == ["Yuxin Wu", "Kaiming He"]
    assert result.records[0].paper.keywords == ["cs.CV", "cs.LG"]
    assert result.records[0].paper.first_published == "2018-03-22"
    pixel = result.records[1].paper
    assert pixel.authors == ["Aäron Van Den Oord", "Nal Kalchbrenner", "Koray Kavukcuoglu"]
    assert (pixel.year, pixel.source) == (2016, "Bibsonomy")
    assert result.records[3].paper.venue == ""
    assert result.records[4].paper.venue == "European Conference on Computer Vision"
    assert [r.paper.year for r in result.records] == [2018, 2016, 2020, 2020, 2016]
    for r in result.records:
        assert not r.body.endswith("|") and "more\nless" not in r.body


def test_seed_listing_comment_count():
    path = seed_file("001")
    result = shortscience.read(path.read_text(encoding="utf-8"), path.name)
    assert len(result.records) == 5
    assert [r.comments for r in result.records] == [None, 1, None, None, None]
