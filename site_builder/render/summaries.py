"""Render every summary of the catalog to safe HTML and to plain text.

One renderer per markup (see _renderers); they share the building blocks in
render.html so math, figures and links look the same whatever the source.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Callable

from ..catalog import Catalog
from ..catalog.merge import title_key
from ..config import SiteConfig
from ..records import MARKUP_FLAT_MARKDOWN, MARKUP_MARKDOWN, MARKUP_WIKITEXT
from . import links as scholarly
from . import mathcheck
from .html import LinkContext, RenderedMarkup
from .plaintext import derive_title, html_to_text

Renderer = Callable[[str, LinkContext], RenderedMarkup]


def _renderers() -> dict[str, Renderer]:
    from .markdown import render_flat_markdown, render_markdown
    from .wikitext import render_wikitext

    return {
        MARKUP_MARKDOWN: render_markdown,
        MARKUP_FLAT_MARKDOWN: render_flat_markdown,
        MARKUP_WIKITEXT: render_wikitext,
    }


def link_context(catalog: Catalog, config: SiteConfig) -> LinkContext:
    """How summaries link to each other: wiki titles and arXiv ids to our pages."""
    wiki_pages: dict[str, str] = {}
    for s in catalog.summaries:
        if s.record.source != "statwiki":
            continue
        names = [s.record.title, *s.record.aliases]
        if s.record.source_url and "title=" in s.record.source_url:
            names.append(s.record.source_url.split("title=", 1)[1].replace("_", " "))
        for name in names:
            wiki_pages[title_key(name)] = s.url
    by_arxiv: dict[str, str] = {}
    for paper in catalog.papers:
        for url in paper.meta.links.values():
            aid = scholarly.arxiv_id(url)
            if aid:
                by_arxiv[aid] = paper.url

    def resolve_wiki_page(title: str) -> str | None:
        return wiki_pages.get(title_key(title.split("#", 1)[0]))

    def resolve_bibtex_key(key: str) -> str | None:
        aid = scholarly.arxiv_id(key)
        return by_arxiv.get(aid) if aid else None

    return LinkContext(
        wiki_base=config.wiki_base,
        shortscience_base=config.shortscience_base,
        resolve_wiki_page=resolve_wiki_page,
        resolve_bibtex_key=resolve_bibtex_key,
    )


def render_catalog(catalog: Catalog, config: SiteConfig, site_root: Path | None = None) -> list[str]:
    """Render every summary in place; returns the warnings, prefixed by origin."""
    renderers = _renderers()
    ctx = link_context(catalog, config)
    warnings: list[str] = []
    for s in catalog.summaries:
        render = renderers.get(s.record.markup)
        if render is None:
            warnings.append(f"{s.record.origins[0]}: unknown markup '{s.record.markup}', shown as plain text")
            render = renderers[MARKUP_MARKDOWN]
        out = render(s.record.body, ctx)
        s.html = out.html
        s.warnings = list(out.warnings)
        s.figures = list(out.figures)
        s.found_links = {k: sorted(set(v)) for k, v in sorted(out.links.items())}
    warnings += check_math(catalog, config, site_root)
    for s in catalog.summaries:
        s.text = html_to_text(s.html)
        s.derived_title = derive_title(s.text)
        warnings.extend(f"{', '.join(s.record.origins)} [{s.id}]: {w}" for w in s.warnings)
    return warnings


def check_math(catalog: Catalog, config: SiteConfig, site_root: Path | None) -> list[str]:
    """Let MathJax itself judge every formula; failing ones become readable TeX."""
    roots = [(site_root or Path.cwd()) / config.mathjax.npm_root, Path.cwd()]
    npm_root = mathcheck.find_mathjax(roots)
    if npm_root is None or not shutil.which("node"):
        return ["math not checked: node or the npm package mathjax is missing (npm install mathjax@4)"]
    per_summary = {s.id: mathcheck.formulas(s.html) for s in catalog.summaries}
    try:
        cache = (site_root or Path.cwd()) / ".site-builder-cache" / "mathcheck.json"
        errors = mathcheck.check([f for fs in per_summary.values() for f in fs], npm_root, cache)
    except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as exc:
        return [f"math not checked: {exc}"]
    for s in catalog.summaries:
        bad = [(f, errors[f]) for f in per_summary[s.id] if f in errors]
        if bad:
            s.html = mathcheck.replace_failed(s.html, errors)
            s.warnings += [f"formula MathJax cannot typeset ({err}), shown as TeX: {tex[:80]}" for (tex, _), err in bad]
    return []
