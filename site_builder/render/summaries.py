"""Render every summary of the catalog to safe HTML and to plain text.

One renderer per markup (see _renderers); they share the building blocks in
render.html so math, figures and links look the same whatever the source.
"""
from __future__ import annotations

import re
from dataclasses import fields, replace
from importlib import import_module
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from ..cache import BuildCache, digest, paused_collection
from ..catalog import Catalog, Summary
from ..catalog.merge import title_key
from ..config import SiteConfig
from ..derived import Derive, compute
from ..records import MARKUP_FLAT_MARKDOWN, MARKUP_MARKDOWN, MARKUP_WIKITEXT, SummaryRecord
from . import citekeys
from . import links as scholarly
from . import memo
from .formulas import EarlyNode, typeset_summaries
from .typeset import Placeholders, placeholders
from ..parallel import Progress, imap_indexed, map_indexed
from .budget import MILLION, BudgetExceeded, unrendered_html, work_budget
from .html import LinkContext, RenderedMarkup, safe_url
from .outline import relevel_headings
from .sitepaths import base_path, under_base_path
from .plaintext import derive_title, excerpt, html_to_text, text_and_words

Renderer = Callable[[str, LinkContext], RenderedMarkup]
TEASER_CHARS = 220  # of plain text under each entry of a listing


class _Renderers(dict):
    """markup -> renderer, each imported when first used (an edit of one Markdown summary need not load
    the wikitext renderer and its parser)."""

    MODULES = {MARKUP_MARKDOWN: ("markdown", "render_markdown"),
               MARKUP_FLAT_MARKDOWN: ("markdown", "render_flat_markdown"),
               MARKUP_WIKITEXT: ("wikitext", "render_wikitext")}

    def __missing__(self, markup: str) -> Renderer:
        module, name = self.MODULES[markup]
        fn = self[markup] = getattr(import_module(f"{__package__}.{module}"), name)
        return fn

    def __contains__(self, markup: object) -> bool:
        return markup in self.MODULES

    def get(self, markup: str, default: Renderer | None = None) -> Renderer | None:  # type: ignore[override]
        return self[markup] if markup in self.MODULES else default


def _renderers() -> dict[str, Renderer]:
    return _Renderers()


def link_context(catalog: Catalog, config: SiteConfig, derive: Derive = compute) -> LinkContext:
    """How summaries link to each other: wiki titles and arXiv ids to our pages, citation keys to papers.

    `derive`: how values over the whole catalog are made (derived.py)."""
    wiki_pages: dict[str, str] = derive("wiki_pages", lambda: _wiki_pages(catalog), by_key=True)
    tables: list = []

    def cite_table(i: int) -> dict:
        if not tables:  # one pass over the papers for both tables
            tables.extend(citekeys.key_tables(_candidate(paper) for paper in catalog.papers))
        return tables[i]

    cited = citekeys.KeyIndex(tables=(derive("cite_arxiv", lambda: cite_table(0), by_key=True),
                                      derive("cite_names", lambda: cite_table(1), by_key=True)))

    def resolve_wiki_page(title: str) -> str | None:
        return wiki_pages.get(title_key(title.split("#", 1)[0]))

    def resolve_bibtex_key(key: str) -> str | None:
        found = cited.find(key)
        return found.url if found else None

    def cited_title(key: str) -> str | None:
        found = cited.find(key)
        return found.title if found else None

    return LinkContext(
        wiki_base=config.wiki_base,
        shortscience_base=config.shortscience_base,
        resolve_wiki_page=resolve_wiki_page,
        resolve_bibtex_key=resolve_bibtex_key,
        cited_title=cited_title,
    )


def _wiki_pages(catalog: Catalog) -> dict[str, str]:
    out: dict[str, str] = {}
    for s in catalog.summaries:
        if s.record.source != "statwiki":
            continue
        names = [s.record.title, *s.record.aliases]
        if s.record.source_url and "title=" in s.record.source_url:
            names.append(s.record.source_url.split("title=", 1)[1].replace("_", " "))
        for name in names:
            out[title_key(name)] = s.url
    return out


def _candidate(paper) -> citekeys.Candidate:
    """A paper as a citation key may name it: by arXiv id, or by first author and any year it is known by."""
    m = paper.meta
    aid = next((a for a in map(scholarly.arxiv_id, m.links.values()) if a), None)
    years = {y for y in (m.year, scholarly.arxiv_year(aid) if aid else None) if y}
    if m.first_published and m.first_published[:4].isdigit():
        years.add(int(m.first_published[:4]))
    return citekeys.Candidate(paper.url, m.title, tuple(m.authors), frozenset(years), aid)


def render_catalog(
    catalog: Catalog, config: SiteConfig, site_root: Path | None = None, *,
    cache: BuildCache | None = None, jobs: int = 1, progress: Progress | None = None,
    only: list[Summary] | None = None, links: LinkContext | None = None,
    math_progress: Progress | None = None,
    figure_progress: Progress | None = None,
) -> list[str]:
    """Render every summary (or `only` these) in place; returns the warnings, prefixed by origin.

    With a cache, a summary whose body, markup and link settings are unchanged
    (and whose link look-ups still get the same answers) is not rendered again;
    the rest are rendered on `jobs` cores. The result is the same either way.
    With `images: mirror`, remote figures are then downloaded once (figures/; the rendered
    HTML in the cache keeps the remote URLs) and the HTML points at the site's copies.
    Last, the plain text of each summary is derived, and its formulas are typeset
    (render/formulas.py: in the page with `math: build`, else only checked).
    """
    summaries = catalog.summaries if only is None else only
    renderers = _renderers()
    ctx = links or link_context(catalog, config)  # `links`: made earlier for the same catalog
    cache = cache or BuildCache.memory()
    warnings: list[str] = []
    # Every plain setting of the link context is part of the key; its look-up functions are checked by _same_answers.
    settings = repr([(f.name, getattr(ctx, f.name)) for f in fields(ctx) if not callable(getattr(ctx, f.name))]
                    + [config.render_budget, config.render_timeout])
    keys = [digest(s.record.markup, s.record.body, settings, wiki_base_of(s.record, ctx)) for s in summaries]
    results: list[dict | None] = []
    for key in keys:
        hit = cache.get("renders", key)
        results.append(hit if hit is not None and _same_answers(hit["asked"], ctx) else None)
        for made in hit.get("memo", ()) if results[-1] is not None else ():
            cache.get("memo", made)  # kept for the summary's next edit (memo.py)
    todo = [i for i, r in enumerate(results) if r is None]
    for markup in {summaries[i].record.markup for i in todo}:  # imported once, before workers are forked
        renderers.get(markup) or renderers[MARKUP_MARKDOWN]
    base = base_path(config.root_url)

    def fresh(k: int) -> tuple[dict, tuple[str, str, str, int, str], dict[str, str], Placeholders]:
        # The plain text too, while the worker has the HTML (formulas still TeX, which the text shows as Unicode),
        # and the formulas the math step will typeset (found here on all cores rather than in the parent).
        memo.start()
        out = render_one(summaries[todo[k]].record, ctx, config, renderers=renderers)
        html = under_base_path(out["html"], base)
        plain, words = text_and_words(html)
        # teaser, words and the texts table's key here too, on all cores
        text = (plain, derive_title(plain), excerpt(plain, TEASER_CHARS), words, digest(html))
        made = memo.used()  # highlighted code, formulas as text: kept with the rendering
        out["memo"] = sorted(made)
        return out, text, made, placeholders(out["html"])

    texts: dict[int, tuple[str, str, str, int, str]] = {}
    found_formulas: dict[int, Placeholders] = {}
    early = EarlyNode(config, site_root)  # Node started as soon as a formula is known to need it
    try:
        memo.remembering(lambda key: cache.get("memo", key))
        try:
            # (the results hold no cycles: no collection walks them while they come)
            for (out, text, made, found), i in zip(imap_indexed(fresh, len(todo), jobs, progress, collect=False), todo):
                results[i] = out
                if not out.get("timed_out"):
                    cache.put("renders", keys[i], out)
                for key, value in made.items():
                    cache.put("memo", key, value)
                texts[i] = text
                found_formulas[i] = found
                early.look(found)
        finally:
            memo.forget()
        with paused_collection():  # it makes no cyclic garbage either, and allocates per summary
            return _finish(config, site_root, summaries, results, texts, found_formulas, renderers, cache, jobs,
                           base, only, warnings, early, math_progress, figure_progress)
    finally:
        early.close()


def _finish(config: SiteConfig, site_root: Path | None, summaries: list[Summary],
            results: list[dict | None], texts: dict[int, tuple[str, str, str, int, str]],
            found_formulas: dict[int, Placeholders], renderers: dict[str, Renderer], cache: BuildCache, jobs: int,
            base: str, only: list[Summary] | None, warnings: list[str], early: EarlyNode,
            math_progress: Progress | None, figure_progress: Progress | None) -> list[str]:
    """render_catalog once every summary is rendered: figures mirrored, results set, plain text, math."""
    mirrored: dict[str, str] = {}
    if config.images == "mirror":
        from ..figures.mirror import mirror

        mirrored, failed = mirror([f for out in results if out for f in out["figures"]], config,
                                  site_root or Path.cwd(), figure_progress)
        warnings += failed
    for s, out in zip(summaries, results):
        assert out is not None
        if s.record.markup not in renderers:
            warnings.append(f"{s.record.origins[0]}: unknown markup '{s.record.markup}', shown as plain text")
        html, figures = out["html"], list(out["figures"])
        if mirrored:
            from ..figures.localize import local_path, localize

            html = localize(html, mirrored)
            figures = [local_path(mirrored[f]) if f in mirrored else f for f in figures]
        s.html = under_base_path(html, base)  # site in a sub-folder
        s.warnings = list(out["warnings"])
        s.figures = figures
        s.found_links = {k: list(v) for k, v in out["links"].items()}
    # The HTML each text is of (and its digest, when that is the worker's HTML: no mirrored figures).
    early_texts = {i: (summaries[i].html, *text[:4], text[4] if not mirrored else None) for i, text in texts.items()}
    _plain_text(summaries, cache, jobs, early_texts)
    # The workers' formulas are those of s.html when it is their HTML unchanged (no sub-folder, no mirrored figures).
    known = {summaries[i].id: found for i, found in found_formulas.items()} if base == "/" and not mirrored else {}
    warnings += typeset_summaries(summaries, config, site_root, complete=only is None, jobs=jobs,
                                  progress=math_progress, known_formulas=known, early=early)
    for s in summaries:
        warnings.extend(f"{', '.join(s.record.origins)} [{s.id}]: {w}" for w in s.warnings)
    return warnings


def render_one(record: SummaryRecord, ctx: LinkContext, config: SiteConfig | None = None, *,
               renderers: dict[str, Renderer] | None = None) -> dict:
    """One summary's HTML and what it found, plus every link question it asked."""
    renderers = renderers or _renderers()
    asked: list[tuple[str, str, str | None]] = []

    def ask(kind: str, resolve: Callable[[str], str | None]) -> Callable[[str], str | None]:
        def recorded(q: str) -> str | None:
            answer = resolve(q)
            asked.append((kind, q, answer))
            return answer
        return recorded

    rctx = replace(ctx, wiki_base=wiki_base_of(record, ctx),
                   resolve_wiki_page=ask("wiki", ctx.resolve_wiki_page),
                   resolve_bibtex_key=ask("bibtex", ctx.resolve_bibtex_key),
                   cited_title=ask("cited", ctx.cited_title))
    config = config or SiteConfig()
    render = renderers.get(record.markup) or renderers[MARKUP_MARKDOWN]
    timed_out = False
    try:
        with work_budget(config.render_budget * MILLION, config.render_timeout):
            out = render(record.body, rctx)
            html = relevel_headings(out.html)  # pages show each summary under an <h2>
    except BudgetExceeded as exc:
        timed_out = exc.timed_out
        out = RenderedMarkup(html="", warnings=[f"{exc}; shown as plain text"])
        html = unrendered_html(record.body)
    result = {
        "html": html,
        "warnings": list(out.warnings),
        "figures": list(out.figures),
        "links": {k: sorted(set(v)) for k, v in sorted(out.links.items())},
        "asked": asked,
    }
    if timed_out:
        result["timed_out"] = True  # depends on the machine's speed: never cached
    return result


_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.:\[\]@-]+(?:/[A-Za-z0-9._~%!$&()*+,;=:@-]*)*/")


def wiki_base_of(record: SummaryRecord, ctx: LinkContext) -> str:
    """The wiki a page of wikitext came from: its own revision URL names it (…/index.php?title=…);
    the configured `wiki_base` serves records that do not say. Another MediaWiki's feed thus gets
    its figures and links from its own wiki, not from statwiki."""
    url = record.source_url or ""
    if record.markup != MARKUP_WIKITEXT or not url.startswith(("http://", "https://")):
        return ctx.wiki_base
    head, sep, _ = url.partition("index.php?")
    parts = urlsplit(head) if sep else None
    # A plain scheme://host/path/ only: nothing a feed could smuggle into every figure's URL.
    if parts is None or not parts.netloc or parts.query or parts.fragment or not head.endswith("/") \
            or not _PLAIN_URL.fullmatch(head) or safe_url(head) is None:
        return ctx.wiki_base
    return head


def _same_answers(asked: list[tuple[str, str, str | None]], ctx: LinkContext) -> bool:
    """A cached render is valid only if the rest of the site still answers its link questions alike."""
    resolvers = {"wiki": ctx.resolve_wiki_page, "bibtex": ctx.resolve_bibtex_key, "cited": ctx.cited_title}
    return all(resolvers[kind](q) == answer for kind, q, answer in asked)


def _text_and_title(html: str) -> tuple[str, str]:
    text = html_to_text(html)
    return text, derive_title(text)


def _teaser_and_words(text: str) -> tuple[str, int]:
    return excerpt(text, TEASER_CHARS), len(text.split())


def _plain_text(summaries: list[Summary], cache: BuildCache, jobs: int,
                early: dict[int, tuple[str, str, str, str, int, str | None]] | None = None) -> None:
    """Plain text and derived title of each summary's HTML, formulas still TeX (pylatexenc is slow: cached and parallel).

    `early`: summary index -> (HTML, text, title, teaser, words, digest of the HTML or None) worked out with the rendering.
    """
    early = early or {}
    keys = [early[i][5] or digest(s.html) if i in early and early[i][0] is s.html else digest(s.html)
            for i, s in enumerate(summaries)]
    found: list[tuple[str, str] | None] = []
    counted: dict[int, tuple[str, int]] = {}  # teaser and words of the early texts
    for i, (s, key) in enumerate(zip(summaries, keys)):
        value = cache.get("texts", key)
        if value is None and i in early and early[i][0] is s.html:
            value = early[i][1:3]
            counted[i] = early[i][3:5]
            cache.put("texts", key, value)
        found.append(value)
    todo = [i for i, v in enumerate(found) if v is None]
    for i, value in zip(todo, map_indexed(lambda k: _text_and_title(summaries[todo[k]].html), len(todo), jobs)):
        found[i] = value
        cache.put("texts", keys[i], value)
    for i, (s, value) in enumerate(zip(summaries, found)):
        assert value is not None
        s.text, s.derived_title = value
        s.teaser, s.words = counted[i] if i in counted else _teaser_and_words(s.text)
