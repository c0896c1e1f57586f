"""sitemap.xml (every page, lastmod from summary dates) and robots.txt pointing at it."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Callable, Iterable

from ..catalog import Paper, Summary
from .feeds import xml_safe_tree
from .pages import Page

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _dates(obj) -> Iterable[str]:
    if isinstance(obj, Paper):
        yield from (s.sort_date for s in obj.summaries)
    elif isinstance(obj, Summary):
        yield obj.sort_date


def page_lastmod(page: Page, newest: dict[int, str | None] | None = None) -> str | None:
    """Newest summary date shown on the page (YYYY-MM-DD), or None when undated.

    `newest`: each entry's own newest date by id, filled as entries are met (a paper is listed on
    a dozen pages: its year, venue, authors, topics...); only while the entries are alive."""
    data = page.data
    shown: list = []
    for key in ("paper", "summary"):
        if key in data:
            shown.append(data[key])
    for key in ("items", "recent"):
        shown += list(data.get(key) or [])
    newest = {} if newest is None else newest
    dates = []
    for obj in shown:
        date = newest.get(id(obj), "")
        if date == "":
            date = newest[id(obj)] = max((d[:10] for d in _dates(obj) if d), default=None)
        if date:
            dates.append(date)
    return max(dates, default=None)


def sitemap_xml(pages: list[Page], canonical: Callable[[str], str]) -> str:
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    newest: dict[int, str | None] = {}
    for page in sorted(pages, key=lambda p: p.path):
        if page.path.endswith("404.html") or not page.indexable:
            continue
        url = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = canonical(page.path)
        lastmod = page_lastmod(page, newest)
        if lastmod:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = lastmod
    xml_safe_tree(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def robots_txt(canonical: Callable[[str], str]) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {canonical('/sitemap.xml')}\n"


def sitemap_files(pages: list[Page], canonical: Callable[[str], str]) -> dict[str, str]:
    return {"sitemap.xml": sitemap_xml(pages, canonical), "robots.txt": robots_txt(canonical)}
