"""Crawl the built sites: every internal link points at a file that was written.

Each page is parsed (stdlib html.parser) for every URL it references (href, src,
srcset, poster, og:/canonical URLs) and for the ids it defines. A URL is internal
when, resolved against the page's own URL, it lies under the site's base URL;
its path minus the base path must then be a file of the output ("dir/" means
"dir/index.html"), and a #fragment must be an id (or <a name>) of that page.
External links are not fetched. A third build hosts the sample site under a
sub-folder, because that is where a link forgetting the base path breaks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from site_builder.config import load_config
from site_builder.pipeline import build
from tests.conftest import CONTENT, ROOT

URL_ATTRS = {"href", "src", "poster", "action", "data", "cite"}


@dataclass
class PageRefs:
    urls: list[tuple[str, str]] = field(default_factory=list)  # (tag.attr, url)
    ids: set[str] = field(default_factory=set)


class RefCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs = PageRefs()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs if v is not None}
        if "id" in a:
            self.refs.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.refs.ids.add(a["name"])
        for name in URL_ATTRS & a.keys():
            self.refs.urls.append((f"{tag}.{name}", a[name].strip()))
        if "srcset" in a:  # "url 1x, url 2x" / "url 480w"
            for candidate in a["srcset"].split(","):
                if candidate.strip():
                    self.refs.urls.append((f"{tag}.srcset", candidate.split()[0]))
        if tag == "meta" and a.get("property", "") in {"og:url", "og:image"} and "content" in a:
            self.refs.urls.append((f"meta.{a['property']}", a["content"].strip()))


def parse(path: Path) -> PageRefs:
    collector = RefCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector.refs


def page_url(root: Path, page: Path, base_url: str) -> str:
    rel = page.relative_to(root).as_posix()
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return base_url + rel


def target_file(root: Path, site_path: str) -> Path:
    target = root / unquote(site_path)
    if site_path == "" or site_path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def broken_links(root: Path, base_url: str) -> tuple[int, list[str]]:
    """(internal links checked, problems as "page: tag.attr url -> why")."""
    base = urlsplit(base_url)
    pages = {p: parse(p) for p in sorted(root.rglob("*.html"))}
    checked, problems = 0, []
    for page, refs in pages.items():
        here = page_url(root, page, base_url)
        for where, ref in refs.urls:
            if not ref:
                problems.append(f"{page.relative_to(root)}: {where} is empty")
                continue
            absolute = urljoin(here, ref)
            parts = urlsplit(absolute)
            if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
                continue  # another site (or mailto:, data: ...): not ours to check
            if not parts.path.startswith(base.path):
                problems.append(f"{page.relative_to(root)}: {where} {ref} -> outside the base path {base.path}")
                continue
            checked += 1
            target = target_file(root, parts.path[len(base.path):])
            if not target.is_file():
                problems.append(f"{page.relative_to(root)}: {where} {ref} -> no file {target.relative_to(root)}")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{page.relative_to(root)}: {where} {ref} -> no id '{parts.fragment}' in "
                                    f"{target.relative_to(root)}")
    return checked, problems


@pytest.fixture(scope="module")
def subfolder_site(tmp_path_factory):
    """The sample site as it would be hosted at https://notes.example.net/shelf/."""
    out = tmp_path_factory.mktemp("subfolder") / "site"
    config = load_config(ROOT / "site.yaml")
    config.base_url = "https://notes.example.net/shelf/"
    config.mathjax.self_host = (ROOT / "node_modules" / "mathjax").is_dir()
    build(CONTENT, out, config, ROOT)
    return out, config.base_url


def test_sample_site_has_no_broken_internal_links(sample_site):
    root, _ = sample_site
    checked, problems = broken_links(root, load_config(ROOT / "site.yaml").root_url)
    assert checked > 500  # every page links to the stylesheet, the nav, its summaries ...
    assert problems == []


def test_links_respect_a_base_path(subfolder_site):
    root, base_url = subfolder_site
    checked, problems = broken_links(root, base_url)
    assert checked > 500
    assert problems == []


def test_seed_site_has_no_broken_internal_links(seeds_site):
    root, _ = seeds_site
    checked, problems = broken_links(root, "http://localhost:8000/")
    assert checked > 1000
    assert problems == []


def test_the_crawler_sees_broken_links(tmp_path):
    # the checks above are only worth something if a broken link is caught
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<p id="x"><a href="../">up</a> <a href="#x">self</a> <a href="#nope">bad id</a>'
        ' <img src="/sub/b/missing.png" srcset="/sub/a/index.html 1x, ../gone.png 2x">'
        ' <a href="https://other.example/">ext</a> <a href="/elsewhere/">outside</a>'
        ' <link rel="canonical" href="https://site.example/sub/a/"></p>', encoding="utf-8")
    (tmp_path / "index.html").write_text('<a href="a/#x">a</a>', encoding="utf-8")
    checked, problems = broken_links(tmp_path, "https://site.example/sub/")
    assert checked == 8
    assert [p.split(" -> ")[1] for p in problems] == [
        "no id 'nope' in a/index.html",
        "no file b/missing.png",
        "no file gone.png",
        "outside the base path /sub/",
    ]
