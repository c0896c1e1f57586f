"""Atom feeds, checked with a real feed parser (feedparser)."""
from __future__ import annotations

import feedparser
import pytest

from site_builder.catalog import Paper, Summary
from site_builder.config import SiteConfig
from site_builder.output.feeds import atom_datetime, entry_date, render_feed
from site_builder.records import PaperMeta, SummaryRecord


def parse(path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_site_feed_lists_newest_summaries_first(sample_site):
    out, report = sample_site
    feed = parse(out / "feed.xml")
    assert feed.feed.title == "Paper Notes"
    assert feed.feed.link == "http://localhost:8000/"
    assert len(feed.entries) == report.summaries
    own_date = {s.id: s.record.date for s in report.catalog.summaries}
    has_date = [bool(own_date[e.id.rsplit("#", 1)[-1].rstrip("/").rsplit("/", 1)[-1]]) for e in feed.entries]
    assert has_date == sorted(has_date, reverse=True)  # summaries with their own date come first
    dated = [e.updated for e, d in zip(feed.entries, has_date) if d]
    assert dated == sorted(dated, reverse=True) and len(dated) >= 3
    first = feed.entries[0]
    assert first.link.startswith("http://localhost:8000/")
    assert first.author and first.summary and first.title
    # Math in the excerpt is readable text, not TeX.
    assert all("\\frac" not in e.summary and "\\(" not in e.summary for e in feed.entries)


def test_topic_feed_is_advertised_and_holds_only_that_topic(sample_site):
    out, _ = sample_site
    page = (out / "topics" / "normalization" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml" title="Paper Notes: Normalization" href="/topics/normalization/feed.xml">' in page
    feed = parse(out / "topics" / "normalization" / "feed.xml")
    assert feed.entries
    for e in feed.entries:
        assert "Normalization" in [t.term for t in e.tags]
    titles = {e.title.split(" — ")[0] for e in feed.entries}
    assert "Layer Normalization" in titles
    assert "Adam: A Method for Stochastic Optimization" not in titles


def test_every_page_advertises_the_site_feed(sample_site):
    out, _ = sample_site
    for page in out.rglob("*.html"):
        assert 'type="application/atom+xml" title="Paper Notes (all summaries)" href="/feed.xml"' in page.read_text(encoding="utf-8"), page


def _summary(sid, date=None, year=None, title="T", body_text="text"):
    paper = Paper(id=sid, meta=PaperMeta(title=title, year=year))
    s = Summary(record=SummaryRecord(id=sid, source="markdown", markup="markdown", body="", date=date, contributor="Ann & <Bob>"), paper=paper)
    s.text = body_text
    paper.summaries.append(s)
    return s


def test_undated_summaries_fall_back_to_the_paper_year_and_come_last():
    newer, older, undated = _summary("a", "2020-05-01"), _summary("b", "2019-01-02T10:00:00"), _summary("c", year=2015)
    assert entry_date(undated, "x") == (False, "2015-01-01T00:00:00Z")
    xml = render_feed(title="t", feed_url="http://e.org/feed.xml", page_url="http://e.org/", feed_id="http://e.org/feed.xml",
                      summaries=[undated, older, newer], config=SiteConfig(), canonical=lambda p: "http://e.org" + p,
                      fallback="2021-01-01T00:00:00Z")
    feed = feedparser.parse(xml)
    assert not feed.bozo
    assert [e.id.rsplit("#", 1)[-1] for e in feed.entries] == ["a", "b", "c"]
    assert feed.feed.updated == "2020-05-01T00:00:00Z"
    assert feed.entries[0].author == "Ann & <Bob>"  # escaped by the XML library, read back intact


def test_control_characters_from_scraped_text_do_not_break_the_xml():
    s = _summary("a", "2020-05-01", body_text="bad \x00\x0b byte \ufffe and ]]> end")
    xml = render_feed(title="t\x07", feed_url="u", page_url="p", feed_id="i", summaries=[s], config=SiteConfig(),
                      canonical=lambda p: "http://e.org" + p, fallback="2021-01-01T00:00:00Z")
    feed = feedparser.parse(xml)
    assert not feed.bozo
    assert "byte" in feed.entries[0].summary and "]]>" in feed.entries[0].summary


@pytest.mark.parametrize("value, expected", [
    ("2018-02-03", "2018-02-03T00:00:00Z"),
    ("2018-02-03T04:05:06", "2018-02-03T04:05:06Z"),
    ("2018-02-03T04:05:06Z", "2018-02-03T04:05:06Z"),
    ("2018-02-03T04:05:06-05:00", "2018-02-03T04:05:06-05:00"),
    (None, None),
])
def test_atom_datetime(value, expected):
    assert atom_datetime(value) == expected


def test_feed_entry_limit_follows_the_config():
    summaries = [_summary(f"s{i:02d}", f"2020-01-{i + 1:02d}") for i in range(30)]
    xml = render_feed(title="t", feed_url="u", page_url="p", feed_id="i", summaries=summaries,
                      config=SiteConfig(feed_entries=5), canonical=lambda p: "http://e.org" + p, fallback="x")
    feed = feedparser.parse(xml)
    assert [e.id.rsplit("#", 1)[-1] for e in feed.entries] == ["s29", "s28", "s27", "s26", "s25"]


def test_feeds_ranked_once_pick_what_sorting_each_feed_alone_picks():
    # feed_parts orders every summary once and takes each feed's first ones in that order;
    # that must be exactly what sorting the feed's own summaries gives, ties and undated ones included.
    from site_builder.catalog import build_catalog
    from site_builder.output.feeds import feed_entries, feed_parts, feed_sources

    keywords = [["cs.LG"], ["cs.CV"], ["cs.LG", "cs.CV"], ["cs.CL"]]
    records = [SummaryRecord(id=f"s{i:02d}", source="markdown", markup="markdown", body="text",
                             date=None if i % 4 == 0 else f"2020-0{1 + i % 3}-0{1 + i % 2}",  # repeated dates: ties
                             paper=PaperMeta(title=f"Paper {i}", year=2010 + i % 6, keywords=keywords[i % 4]))
               for i in range(40)]
    config = SiteConfig(feed_entries=7)
    catalog = build_catalog(records, [], config)
    fallback, parts = feed_parts(catalog, config)
    sources = feed_sources(catalog, config)
    assert len(parts) == len(sources) > 2  # the site feed and a feed per topic
    for (source, entries), alone in zip(parts, sources):
        expected = feed_entries(alone.summaries, fallback, config)
        assert [(d, s.id) for d, s in entries] == [(d, s.id) for d, s in expected]
        assert len(entries) == min(7, len(alone.summaries))
