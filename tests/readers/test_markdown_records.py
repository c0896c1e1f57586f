from site_builder.readers import detect, markdown_records
from site_builder.readers.shortscience import read as read_listing
from site_builder.records import PaperMeta, SummaryRecord

DOC = """---
title: "A Paper: With a Colon"
authors: [Jane Doe, Richard Roe]
year: 2020
keywords: cs.LG, widgets
links: {arxiv: "https://arxiv.org/abs/2001.00001"}
contributor: jd
date: 2024-01-02
---
Body with *emphasis*.
"""


def test_front_matter_record():
    result = markdown_records.read(DOC, "a.md")
    rec = result.records[0]
    assert rec.paper.title == "A Paper: With a Colon"
    assert rec.paper.authors == ["Jane Doe", "Richard Roe"]
    assert rec.paper.keywords == ["cs.LG", "widgets"]
    assert rec.date == "2024-01-02" and rec.contributor == "jd"
    assert rec.body == "Body with *emphasis*."
    assert rec.source == "markdown" and rec.origins == ["a.md"]
    assert detect(DOC) == "markdown"


def test_bad_yaml_is_reported_with_position():
    result = markdown_records.read("---\ntitle: [unclosed\n---\nx\n", "bad.md")
    assert result.records == []
    (d,) = result.diagnostics
    assert d.file == "bad.md" and d.line is not None and d.level == "error"


def test_unknown_key_is_reported():
    result = markdown_records.read("---\ntitel: x\n---\nbody\n", "typo.md")
    assert "titel" in result.diagnostics[0].message


def test_dump_then_read_gives_the_same_record():
    rec = SummaryRecord(
        id="ss-123", source="shortscience", markup="flat-markdown", body="Text #### H * a * b $x_1$",
        origins=["one.txt", "two.txt"], comments=2, votes=5, editor="WikiUser", presented_order=3,
        paper=PaperMeta(title="T", authors=["A B"], venue="V", year=2019, source="Bibsonomy",
                        keywords=["k"], first_published="2019-01-02", abstract="Abs.", links={"arxiv": "https://arxiv.org/abs/1901.00001"}),
    )
    back = markdown_records.read(markdown_records.dump(rec), "x.md").records[0]
    assert back == rec


def test_scraped_listing_round_trips():
    text = "[link]\nA summary with `code` and $a*b$ and #### heading |\n"
    rec = read_listing(text, "l.txt").records[0]
    assert markdown_records.read(markdown_records.dump(rec), "l.md").records[0] == rec
