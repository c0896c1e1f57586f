"""Feeds and the sitemap: well-formed XML, and every link in them names a page of the output.

An Atom feed must also have the elements feed readers rely on (RFC 4287: the feed's and each
entry's id, title and updated); an entry's link is what a reader opens, so it must exist.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

from .links import internal_target

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def check_feeds(root: Path, base_url: str) -> tuple[int, list[str]]:
    """(XML files checked, problems as "file: what -> why")."""
    problems: list[str] = []
    files = sorted(root.rglob("*.xml"))
    for path in files:
        name = path.relative_to(root).as_posix()
        try:
            doc = ET.parse(path).getroot()
        except ET.ParseError as exc:
            problems.append(f"{name}: not well-formed XML ({exc})")
            continue
        if doc.tag == f"{ATOM}feed":
            problems += _atom(root, base_url, name, doc)
        elif doc.tag == f"{SITEMAP}urlset":
            for i, loc in enumerate(doc.iter(f"{SITEMAP}loc"), 1):
                problems += _link(root, base_url, name, f"url {i}", (loc.text or "").strip())
    return len(files), problems


def _atom(root: Path, base_url: str, name: str, feed: ET.Element) -> list[str]:
    problems = [f"{name}: the feed has no <{tag}>" for tag in ("id", "title", "updated") if feed.find(ATOM + tag) is None]
    for link in feed.findall(f"{ATOM}link"):
        if link.get("rel") == "self":
            problems += _link(root, base_url, name, "feed link rel=self", link.get("href", ""))
    for i, entry in enumerate(feed.findall(f"{ATOM}entry"), 1):
        title = (entry.findtext(f"{ATOM}title") or "").strip()
        what = f"entry {i}" + (f" ({title[:60]!r})" if title else "")
        problems += [f"{name}: {what} has no <{tag}>" for tag in ("id", "title", "updated") if entry.find(ATOM + tag) is None]
        links = [a for a in entry.findall(f"{ATOM}link") if a.get("rel", "alternate") == "alternate"]
        if not links:
            problems.append(f"{name}: {what} has no link to its page")
        for link in links:
            problems += _link(root, base_url, name, f"{what} link", link.get("href", ""))
    return problems


def _link(root: Path, base_url: str, name: str, what: str, url: str) -> list[str]:
    if not url:
        return [f"{name}: {what} is empty"]
    target, outside = internal_target(root, base_url, urljoin(base_url + name, url))  # relative to the file
    if outside:
        return [f"{name}: {what} {url} -> {outside}"]
    if target is not None and not target.is_file():
        return [f"{name}: {what} {url} -> no file {target.relative_to(root).as_posix() if root in target.parents else target}"]
    return []
