"""What a reader sees around a summary: contents, anchors, reading time, credit, source links,
several summaries, the paper's buttons, previous/next, "newest", home charts, and no internal data.

Most checks read the fixture site built from tests/fixtures/reading-site/ (records written for
these tests); the helpers are also tested on their own.
"""
from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from site_builder.catalog import Catalog, Paper, Summary
from site_builder.catalog.model import Taxonomy, Term
from site_builder.output import charts
from site_builder.output.reading import (
    outline, paper_buttons, prefixed, reading_time, revision_url, source_links, summary_heading, summary_html,
)
from site_builder.output.sequences import neighbour_map
from site_builder.output.pages import SORTS
from site_builder.records import PaperMeta, SummaryRecord
from tests.output.test_links import broken_links

ROUTING = "papers/routing-signals-through-sparse-capsules/index.html"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def page(site, rel: str) -> BeautifulSoup:
    return soup((site[0] / rel).read_text(encoding="utf-8"))


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def visible_text(tree: BeautifulSoup) -> str:
    """What a reader can see: the body without scripts, the hidden search copy or JSON-LD."""
    body = tree.body
    for node in body.select("script, [hidden]"):
        node.decompose()
    return " ".join(body.get_text(" ").split())


# --- the built fixture ------------------------------------------------------------------


def test_fixture_site_is_valid_enough_to_trust(reading_site):
    root, report = reading_site
    assert report.diagnostics == [] and report.render_warnings == []
    checked, problems = broken_links(root, "http://localhost:8000/")
    assert checked > 100 and problems == []
    for html in root.rglob("*.html"):  # ids unique in every page, though three summaries share one
        ids = Counter(n.attrs["id"] for n in soup(html.read_text(encoding="utf-8")).select("[id]"))
        assert [i for i, n in ids.items() if n > 1] == [], html


def test_table_of_contents_lists_the_sections_of_a_long_summary(reading_site):
    tree = page(reading_site, ROUTING)
    (toc,) = tree.select("nav.toc")
    assert toc.attrs["aria-label"] == "Table of contents"
    assert toc.select_one("details[data-toc]") is not None and "open" not in toc.select_one("details").attrs
    # Three summaries on the page: one entry each; the long one lists its two top heading levels.
    top = [text_of(li.select_one("a")) for li in toc.select("ol.toc-list > li")]
    assert top == ["Summary from ShortScience (1 of 2)", "Summary by Ana Ruiz, Ben Tal", "Summary from ShortScience (2 of 2)"]
    long = toc.select("ol.toc-list > li")[1]
    assert [text_of(a) for a in long.select(":scope > ol a")] == [
        "Motivation", "Method", "Votes and agreement", "Experiments", "Discussion"]
    ids = {n.attrs["id"] for n in tree.select("[id]")}
    assert all(a.attrs["href"][1:] in ids for a in toc.select("a"))
    # The TOC comes before the text it lists (at the top on phones; CSS moves it right on wide screens).
    html = (reading_site[0] / ROUTING).read_text(encoding="utf-8")
    assert html.index('class="toc"') < html.index('class="summaries"')


def test_no_table_of_contents_for_a_short_summary(reading_site):
    assert page(reading_site, "papers/tables-before-graphs/index.html").select("nav.toc") == []


def test_every_heading_of_a_summary_has_an_anchor_link_with_a_name(reading_site):
    tree = page(reading_site, ROUTING)
    headings = tree.select(".prose :is(h3, h4, h5, h6)")
    assert [h.name for h in headings] == ["h3", "h3", "h4", "h5", "h6", "h6", "h3", "h3"]  # six author levels, capped at h6
    for h in headings:
        wrap = h.parent
        assert wrap.attrs["class"] == ["heading"]
        anchor = wrap.select_one("a.heading-anchor")
        assert anchor.attrs["href"] == "#" + h.attrs["id"]
        assert anchor.attrs["aria-label"] == f"Link to section: {text_of(h)}"


def test_reading_time_credit_date_and_source_links(reading_site):
    tree = page(reading_site, ROUTING)
    articles = {text_of(a.select_one(".summary-heading")): a for a in tree.select("article.summary")}
    statwiki = [text_of(li) for li in articles["Summary by Ana Ruiz, Ben Tal"].select(".summary-facts > li")]
    assert statwiki[:3] == ["Presented by Ana Ruiz, Ben Tal on 5 March 2024", "Demo 101, Spring 2024",
                            "last edited by WikiAccount7 on 20 March 2024"]
    assert re.fullmatch(r"\d+ min read", statwiki[3]) and int(statwiki[3].split()[0]) >= 10
    assert statwiki[4] == "statwiki page, revision 4242"
    link = articles["Summary by Ana Ruiz, Ben Tal"].select_one(".summary-facts a[rel=noopener]")
    query = parse_qs(urlsplit(link.attrs["href"]).query)
    assert query == {"title": ["Routing_Signals"], "oldid": ["4242"]}  # the page at the revision shown
    one = [text_of(li) for li in articles["Summary from ShortScience (1 of 2)"].select(".summary-facts > li")]
    assert one == ["1 April 2024", "1 min read", "ShortScience page", "3 comments", "7 votes"]
    two = [text_of(li) for li in articles["Summary from ShortScience (2 of 2)"].select(".summary-facts > li")]
    assert two == ["1 min read", "1 comment", "1 vote"]  # no date, no page: nothing said about them


def test_several_summaries_are_listed_with_their_authors(reading_site):
    tree = page(reading_site, ROUTING)
    nav = tree.select_one("nav.summary-index")
    assert text_of(nav.select_one("h2")) == "3 summaries of this paper"
    assert [text_of(a) for a in nav.select("li > a")] == [
        "Summary from ShortScience (1 of 2)", "Summary by Ana Ruiz, Ben Tal", "Summary from ShortScience (2 of 2)"]
    headings = [text_of(h) for h in tree.select("h2.summary-heading")]
    assert len(set(headings)) == len(headings) == 3


def test_abstract_is_collapsible(reading_site):
    tree = page(reading_site, ROUTING)
    abstract = tree.select_one("details.abstract")
    assert text_of(abstract.select_one("summary")) == "Abstract" and "routing procedure" in text_of(abstract)


def test_no_internal_data_reaches_readers(reading_site):
    root, _ = reading_site
    for html in root.rglob("*.html"):
        shown = visible_text(soup(html.read_text(encoding="utf-8")))
        for internal in ("read from", ".md", "date not recorded", "dblp", "Keywords", "Origin", "conf/demo/", "journals/corr/"):
            assert internal not in shown, (html, internal)


def test_citation_keys_read_as_titles_or_author_and_year(reading_site):
    tree = page(reading_site, ROUTING)
    cites = {text_of(c): c.parent.attrs["href"] for c in tree.select(".prose cite")}
    assert cites == {
        "Bahdanau et al. 2014": "https://www.shortscience.org/paper?bibtexKey=journals/corr/BahdanauCB14",
        "Tables Before Graphs": "/papers/tables-before-graphs/",  # conf/demo/RuizT23: a paper of this site
    }


def test_paper_buttons(reading_site):
    def buttons(slug):
        tree = page(reading_site, f"papers/{slug}/index.html")
        return [(text_of(a), a.attrs["href"]) for a in tree.select("ul.paper-buttons a.button")]

    assert buttons("routing-signals-through-sparse-capsules") == [
        ("arXiv abstract", "https://arxiv.org/abs/2305.00001"), ("PDF", "https://arxiv.org/pdf/2305.00001")]
    assert buttons("tables-before-graphs") == [
        ("OpenReview", "https://openreview.net/forum?id=TbL23x"), ("DOI", "https://doi.org/10.5555/tables.2023")]
    assert buttons("a-paper-presented-later") == [("PDF", "https://example.org/later.pdf")]
    assert buttons("hidden-gains-losses-a-study") == [
        ("Search Google Scholar", "https://scholar.google.com/scholar?q=Hidden+Gains+%26+Losses%3A+A+Study"),
        ("Search Semantic Scholar", "https://www.semanticscholar.org/search?q=Hidden+Gains+%26+Losses%3A+A+Study")]


def _neighbours(site, slug):
    tree = page(site, f"papers/{slug}/index.html")
    rows = {}
    for row in tree.select("nav.neighbours li.neighbour-row"):
        where = text_of(row.select_one(".neighbour-where"))
        prev, nxt = row.select_one("a[rel=prev] .neighbour-title"), row.select_one("a[rel=next] .neighbour-title")
        rows[where] = (prev and text_of(prev), nxt and text_of(nxt))
    return rows


def test_previous_and_next_follow_the_course_then_year_then_topic(reading_site):
    # Course: by presentation date, then the table's row (same day), then the unpresented.
    assert _neighbours(reading_site, "tables-before-graphs")["Course: Demo 101, Spring 2024"] == (
        None, "Routing Signals Through Sparse Capsules")
    routing = _neighbours(reading_site, "routing-signals-through-sparse-capsules")
    assert routing["Course: Demo 101, Spring 2024"] == ("Tables Before Graphs", "A Paper Presented Later")
    assert routing["Year: 2023"] == (None, "Tables Before Graphs")  # first published later: newer
    assert _neighbours(reading_site, "hidden-gains-losses-a-study")["Course: Demo 101, Spring 2024"] == (
        "A Paper Presented Later", None)
    # A topic in its listing's newest-first order: paper dates, not the 2030 summary date.
    assert _neighbours(reading_site, "hidden-gains-losses-a-study")["Topic: Machine Learning"] == (
        "Tables Before Graphs", "A Paper Presented Later")
    assert list(routing) == ["Course: Demo 101, Spring 2024", "Year: 2023", "Topic: Machine Learning"]


def test_newest_means_the_paper_date(reading_site):
    tree = page(reading_site, "papers/index.html")
    assert [text_of(a) for a in tree.select(".entry-title a")] == [
        "Routing Signals Through Sparse Capsules", "Tables Before Graphs", "Hidden Gains & Losses: A Study",
        "A Paper Presented Later"]
    home = page(reading_site, "index.html")
    assert text_of(home.select_one("#recent-h")) == "Newest papers"
    assert text_of(home.select_one("section[aria-labelledby=recent-h] .entry-title a")) == (
        "Routing Signals Through Sparse Capsules")


def test_home_charts_are_svg_with_text_alternatives(reading_site):
    tree = page(reading_site, "index.html")
    figures = tree.select("section.charts figure.chart")
    assert [f.attrs["id"] for f in figures] == ["chart-years", "chart-topics"]
    for f in figures:
        svg = f.select_one("svg")
        assert svg.attrs["role"] == "img"
        title = svg.select_one("title")
        desc = svg.select_one("desc")
        assert svg.attrs["aria-labelledby"] == title.attrs["id"]
        assert svg.attrs["aria-describedby"] == desc.attrs["id"]
        rows = [(text_of(tr.select_one("th")), int(text_of(tr.select_one("td")))) for tr in f.select("details tbody tr")]
        bars = [r for r in svg.select("rect.chart-bar")]
        assert len(bars) == len(rows)
        if f.attrs["id"] == "chart-years":
            assert rows == [("2021", 1), ("2022", 1), ("2023", 4)]
            assert "6 summaries" in text_of(desc) and "2023 (4)" in text_of(desc)
            heights = [float(b.attrs["height"]) for b in bars]
            assert heights[2] == max(heights) and heights[0] == heights[1] < heights[2]
        else:  # every paper is cs.LG; the topic taxonomy may add more (catalog/topics.py)
            assert rows[0] == ("Machine Learning", 6)
            assert [n for _, n in rows] == sorted((n for _, n in rows), reverse=True)
            for label, count in rows:  # the same numbers as the topic pages
                (link,) = [a for a in f.select("details tbody th a") if text_of(a) == label]
                topic = page(reading_site, link.attrs["href"].strip("/") + "/index.html")
                entries = topic.select(".entry-title a")
                assert count == sum(len(page(reading_site, a.attrs["href"].strip("/") + "/index.html")
                                        .select("article.summary")) for a in entries)
        assert not svg.select("script, foreignObject, a")  # a picture, nothing to run or follow
    # No chart library: the page loads only the theme's own scripts.
    assert [s.attrs.get("src") for s in tree.select("script[src]")] == ["/assets/theme-init.js", "/assets/site.js"]


# --- the helpers on their own -----------------------------------------------------------


def make_summary(sid, html="", source="markdown", paper=None, **record):
    s = Summary(record=SummaryRecord(id=sid, source=source, markup="markdown", body="", **record), paper=paper)
    s.html = html
    if paper is not None:
        paper.summaries.append(s)
    return s


LONG = ('<h3 id="a">A <span class="math inline">\\(x\\)</span></h3><p>t</p><h4 id="b"><a href="#a">B</a>'
        '<sup class="reference" id="r1"><a href="#n1">[1]</a></sup></h4><h5 id="c">C</h5><h3 id="d">D</h3>'
        '<ol><li id="n1">note</li></ol>')


def test_outline_nests_two_levels_and_keeps_math_but_not_links():
    s = make_summary("s1", LONG)
    assert outline(s) == [("a", 'A <span class="math inline">\\(x\\)</span>', [("b", "B")]), ("d", "D", [])]
    assert outline(make_summary("s2", '<h3 id="a">A</h3><h3 id="b">B</h3>')) == []  # two headings: no contents


def test_ids_are_prefixed_only_when_summaries_share_a_page():
    alone = make_summary("s1", LONG, paper=Paper("p", PaperMeta(title="P")))
    assert 'id="a"' in summary_html(alone) and 'href="#n1"' in summary_html(alone)
    paper = Paper("q", PaperMeta(title="Q"))
    first, second = make_summary("s2", LONG, paper=paper), make_summary("s3", LONG, paper=paper)
    assert 'id="s3-a"' in summary_html(second) and 'href="#s3-n1"' in summary_html(second)
    assert [x[0] for x in outline(first)] == ["s2-a", "s2-d"]
    assert prefixed('<a href="https://x.org/#frag" id="k">', "p-") == '<a href="https://x.org/#frag" id="p-k">'


def test_prefixing_finds_exactly_what_the_pattern_finds():
    """prefixed() searches with str.find; it must change what `_ID_OR_FRAGMENT.sub` changes: the
    leftmost matches, not overlapping, none after a word character, none without a closing quote."""
    import random

    from site_builder.output.reading import _ID_OR_FRAGMENT

    def by_pattern(html: str, prefix: str) -> str:
        return _ID_OR_FRAGMENT.sub(lambda m: f'{m.group(1)}{prefix}{m.group(2)}"', html)

    pieces = ['id="', 'href="#', "i", "d", "=", '"', "h", "#", "x", " ", "-", "_", "é", "²", "<", ">", "\n"]
    rng = random.Random(29)
    for _ in range(20_000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 24)))
        assert prefixed(html, "p-") == by_pattern(html, "p-"), html
    assert prefixed(LONG, "p-") == by_pattern(LONG, "p-") != LONG
    assert prefixed(LONG, "") == LONG


def test_anchor_names_the_section_without_the_footnote_mark():
    html = summary_html(make_summary("s1", LONG))
    assert 'aria-label="Link to section: B"' in html and 'aria-label="Link to section: A \\(x\\)"' in html
    assert html.count('class="heading-anchor"') == 4
    escaped = summary_html(make_summary("s2", '<h3 id="q">Q &amp; A &lt;b&gt;</h3><h4 id="r"><em>R &amp; S</em></h4>'))
    assert 'aria-label="Link to section: Q &amp; A &lt;b&gt;"' in escaped  # escaped once, not twice
    assert 'aria-label="Link to section: R &amp; S"' in escaped


def test_headings_of_several_summaries_are_told_apart():
    paper = Paper("p", PaperMeta(title="P"))
    a = make_summary("a", source="shortscience", paper=paper)
    b = make_summary("b", source="shortscience", paper=paper)
    c = make_summary("c", source="statwiki", paper=paper, presenter="Row Presenter")
    d = make_summary("d", source="markdown", paper=paper, contributor="Dana")
    assert [summary_heading(x) for x in (a, b, c, d)] == [
        "Summary from ShortScience (1 of 2)", "Summary from ShortScience (2 of 2)",
        "Summary by Row Presenter", "Summary by Dana"]
    assert summary_heading(make_summary("e", source="shortscience", paper=Paper("x", PaperMeta()))) == "Summary"


def test_reading_time_and_revision_urls():
    assert [reading_time(n) for n in (0, 1, 220, 221, 2000)] == ["", "1 min read", "1 min read", "2 min read", "10 min read"]
    assert revision_url("http://w.org/index.php?title=A_B", 12) == "http://w.org/index.php?title=A_B&oldid=12"
    assert revision_url("http://w.org/index.php?title=A&oldid=3", 12) == "http://w.org/index.php?title=A&oldid=3"
    assert revision_url("http://w.org/wiki/A", None) == "http://w.org/wiki/A"


def test_source_links_refuse_unsafe_urls():
    assert source_links(make_summary("x", source="statwiki", source_url="javascript:alert(1)", revision=3)) == []
    assert source_links(make_summary("y", source="markdown", source_url="https://blog.example/post")) == [
        ("Source", "https://blog.example/post")]


def test_buttons_never_link_unsafe_urls():
    paper = Paper("p", PaperMeta(title="T", links={"pdf": "javascript:alert(1)", "doi": "https://doi.org/10.1/x"}))
    assert paper_buttons(paper) == [("doi", "DOI", "https://doi.org/10.1/x")]


def catalog_of(papers, unidentified=()):
    summaries = [s for p in papers for s in p.summaries] + list(unidentified)
    years: dict[str, Term] = {}
    topics: dict[str, Term] = {}
    for p in papers:
        years.setdefault(str(p.year or "unknown"), Term(str(p.year or "unknown"), str(p.year))).papers.append(p)
        for t in p.topics:
            topics.setdefault(t.lower(), Term(t.lower(), t)).papers.append(p)
    for s in unidentified:
        years.setdefault("unknown", Term("unknown", "Year unknown")).summaries.append(s)
    taxes = {"years": Taxonomy("years", "Year", "Years", list(years.values())),
             "topics": Taxonomy("topics", "Topic", "Topics", list(topics.values()))}
    return Catalog(papers=papers, summaries=summaries, taxonomies=taxes, collections=[])


def test_year_chart_fills_the_gaps_and_puts_unknown_apart():
    papers = []
    for i, (year, n) in enumerate([(2015, 2), (2018, 1), (None, 3)]):
        p = Paper(f"p{i}", PaperMeta(title=f"T{i}", year=year))
        for k in range(n):
            make_summary(f"s{i}{k}", paper=p)
        papers.append(p)
    cat = catalog_of(papers, [make_summary("u1")])
    rows = charts.year_rows(cat)
    assert [(r.label, r.count, r.muted) for r in rows] == [
        ("2015", 2, False), ("2016", 0, False), ("2017", 0, False), ("2018", 1, False), ("unknown", 4, True)]
    (years,) = [c for c in charts.home_charts(cat) if c["key"] == "years"]
    assert years["svg"].count("<rect") == 5 and "chart-bar-muted" in years["svg"]
    assert years["desc"] == "7 summaries; the most for year 2015 (2); from 2015 to 2018; 4 of papers whose year is not known."


def test_topic_chart_keeps_the_biggest_topics_and_escapes_names():
    papers = []
    for i in range(charts.TOP_TOPICS + 3):
        p = Paper(f"p{i}", PaperMeta(title=f"T{i}"), topics=[f"<Topic {i:02d}>"])
        for k in range(i + 1):
            make_summary(f"s{i}-{k}", paper=p)
        papers.append(p)
    rows, more = charts.topic_rows(catalog_of(papers))
    assert len(rows) == charts.TOP_TOPICS and more == 3 and rows[0].label == "<Topic 12>" and rows[0].count == 13
    (chart,) = [c for c in charts.home_charts(catalog_of(papers)) if c["key"] == "topics"]
    assert "&lt;Topic 12&gt;" in chart["svg"] and "<Topic" not in chart["svg"]


@pytest.mark.parametrize("top, ticks", [(1, [0, 1]), (3, [0, 1, 2, 3]), (7, [0, 2, 4, 6, 8]), (32, [0, 10, 20, 30, 40]),
                                        (100, [0, 25, 50, 75, 100])])
def test_chart_grid_lines_are_round(top, ticks):
    assert charts._ticks(top) == ticks


def test_neighbours_are_worked_out_once_for_all_entries():
    papers = [Paper(f"p{i}", PaperMeta(title=f"T{i}", year=2020), topics=["Topic"]) for i in range(4)]
    for i, p in enumerate(papers):
        make_summary(f"s{i}", paper=p, date=f"2024-01-0{i + 1}")
    table = neighbour_map(catalog_of(papers), SORTS[0][3])
    assert set(table) == {p.url for p in papers}
    assert [r[0] for r in table[papers[0].url]] == ["year", "topic"]
    # Newest summary first within one year: p3, p2, p1, p0; neighbours as (path, title).
    assert [table[p.url][0][3:] for p in papers] == [
        (("/papers/p1/", "T1"), None), (("/papers/p2/", "T2"), ("/papers/p0/", "T0")),
        (("/papers/p3/", "T3"), ("/papers/p1/", "T1")), (None, ("/papers/p2/", "T2"))]
