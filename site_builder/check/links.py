"""Crawl a built site: every internal link points at a file that was written.

Each page is parsed (stdlib html.parser) for every URL it references (href, src,
srcset, poster, og:/canonical URLs) and for the ids it defines. A URL is internal
when, resolved against the page's own URL, it lies under the site's base URL;
its path minus the base path must then be a file of the output ("dir/" means
"dir/index.html"), and a #fragment must be an id (or <a name>) of that page.
External links are not fetched.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

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
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
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


def internal_target(root: Path, base_url: str, absolute: str) -> tuple[Path | None, str | None]:
    """(the output file an absolute URL names, None) when it is this site's; (None, why) when it
    is this site's but outside the base path; (None, None) when it is another site's."""
    base, parts = urlsplit(base_url), urlsplit(absolute)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None, None  # another site (or mailto:, data: ...): not ours to check
    if not parts.path.startswith(base.path):
        return None, f"outside the base path {base.path}"
    return target_file(root, parts.path[len(base.path):]), None


def broken_links(root: Path, base_url: str) -> tuple[int, list[str]]:
    """(internal links checked, problems as "page: tag.attr url -> why")."""
    pages = {p: parse(p) for p in sorted(root.rglob("*.html"))}
    checked, problems = 0, []
    for page, refs in pages.items():
        here = page_url(root, page, base_url)
        name = page.relative_to(root)
        for where, ref in refs.urls:
            if not ref:
                problems.append(f"{name}: {where} is empty")
                continue
            absolute = urljoin(here, ref)
            target, outside = internal_target(root, base_url, absolute)
            if outside:
                problems.append(f"{name}: {where} {ref} -> {outside}")
            if target is None:
                continue
            checked += 1
            fragment = urlsplit(absolute).fragment
            if not target.is_file():
                problems.append(f"{name}: {where} {ref} -> no file {_rel(root, target)}")
            elif fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(fragment) not in ids:
                    problems.append(f"{name}: {where} {ref} -> no id '{fragment}' in {_rel(root, target)}")
    return checked, problems


def _rel(root: Path, target: Path) -> str:
    try:
        return target.relative_to(root).as_posix()
    except ValueError:  # ".." in the URL took it out of the output
        return target.as_posix()
