"""sitemap.xml, robots.txt and what each page's <head> tells search engines and link previews."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from site_builder.catalog import Paper, Summary
from site_builder.output.seo import scholarly_article, script_json
from site_builder.records import PaperMeta, SummaryRecord

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class Head(HTMLParser):
    """Collects <meta>, <link> and JSON-LD scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("name") or a["property"]] = a.get("content", "")
        elif tag == "link":
            self.links.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_jsonld = True
            self.jsonld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld[-1] += data


def head(path) -> Head:
    h = Head()
    h.feed(path.read_text(encoding="utf-8"))
    return h


def test_sitemap_lists_every_indexable_page_with_lastmod(sample_site):
    out, _ = sample_site
    root = ET.fromstring((out / "sitemap.xml").read_bytes())
    locs = {u.findtext("sm:loc", namespaces=NS): u.findtext("sm:lastmod", namespaces=NS) for u in root.findall("sm:url", NS)}
    pages = {"http://localhost:8000/" + p.relative_to(out).as_posix().removesuffix("index.html")
             for p in out.rglob("*.html") if p.name != "404.html" and "/assets/" not in p.as_posix()}
    indexable = {p for p in pages if "noindex" not in head(out / (p.removeprefix("http://localhost:8000/") + "index.html")).meta.get("robots", "")}
    assert set(locs) == indexable
    assert locs["http://localhost:8000/papers/layer-normalization/"] == "2024-02-20"
    assert all(v is None or len(v) == 10 for v in locs.values())


def test_robots_points_at_the_sitemap(sample_site):
    out, _ = sample_site
    assert (out / "robots.txt").read_text() == "User-agent: *\nAllow: /\n\nSitemap: http://localhost:8000/sitemap.xml\n"


def test_paper_page_head(sample_site):
    out, _ = sample_site
    h = head(out / "papers" / "layer-normalization" / "index.html")
    canonical = [l["href"] for l in h.links if l.get("rel") == "canonical"]
    assert canonical == ["http://localhost:8000/papers/layer-normalization/"]
    assert h.meta["og:url"] == canonical[0] and h.meta["og:type"] == "article"
    assert h.meta["og:title"] == "Layer Normalization"
    assert h.meta["description"] and "\\" not in h.meta["description"] and len(h.meta["description"]) <= 161
    assert h.meta["og:description"] == h.meta["description"]
    assert h.meta["og:image"].endswith(".png")  # the first figure of the top summary
    (data,) = [json.loads(j) for j in h.jsonld]
    assert data["@type"] == "ScholarlyArticle" and data["name"] == "Layer Normalization"
    assert data["url"] == canonical[0] and data["datePublished"] == "2016"
    assert "https://arxiv.org/abs/1607.06450" in data["sameAs"]
    assert data["review"][0]["author"]["name"] == "Jane Park"  # the presenter, not the wiki account


def test_listing_head_and_noindex_for_other_orders(tmp_path):
    from site_builder.config import SiteConfig
    from site_builder.pipeline import build
    from tests.conftest import CONTENT, ROOT

    out = tmp_path / "site"
    build(CONTENT, out, SiteConfig(page_size=2, search=False), ROOT)  # long enough to need pages per order
    main = head(out / "papers" / "index.html")
    assert main.meta["og:type"] == "website" and "robots" not in main.meta
    assert head(out / "papers" / "a-z" / "index.html").meta["robots"] == "noindex, follow"
    assert head(out / "papers" / "a-z" / "page" / "2" / "index.html").meta["robots"] == "noindex, follow"
    sitemap = (out / "sitemap.xml").read_text()
    assert "/papers/page/2/" in sitemap and "/papers/a-z/" not in sitemap


def _paper(title, authors=(), contributor="x"):
    paper = Paper(id="p", meta=PaperMeta(title=title, authors=list(authors), year=2020))
    s = Summary(record=SummaryRecord(id="s1", source="markdown", markup="markdown", body="", contributor=contributor), paper=paper)
    paper.summaries.append(s)
    return paper


def test_json_ld_cannot_close_its_script_element():
    paper = _paper("</script><script>alert(1)</script> & <!-- x", ["A </script> B"], contributor="<b>")
    text = script_json(scholarly_article(paper, lambda p: "https://e.org" + p, None))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & <!-- x"
