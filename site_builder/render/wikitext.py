"""MediaWiki wikitext (statwiki pages) -> safe HTML.

Pipeline: protect regions no rule may touch (math, nowiki, code, refs; see
wiki/protect.py), read the text line by line into blocks (wiki/blocks.py), render
each block's inline text from mwparserfromhell's nodes (wiki/inline.py), then place
the footnotes. Every piece of source text is escaped exactly once, and no attribute
written by the author reaches the output.
"""
from __future__ import annotations

import re
from html import escape, unescape

from .html import LinkContext, RenderedMarkup, link
from .wiki.blocks import render_blocks
from .wiki.filepath import wiki_image_url  # noqa: F401  (public helper)
from .wiki.inline import page_href, render_inline
from .wiki.protect import protect
from .wiki.quotes import finish_flow
from .wiki.refs import Footnotes
from .wiki.state import PLACEHOLDER_RE, PRIVATE_USE_RE, REFLIST, State, plain_back, strip_block_marks

_REDIRECT = re.compile(r"^\s*#redirect\s*:?\s*\[\[([^\]|]+)(?:\|[^\]]*)?\]\]", re.I)

__all__ = ["render_wikitext", "wiki_image_url"]


def render_wikitext(source: str, ctx: LinkContext | None = None) -> RenderedMarkup:
    state = State(ctx or LinkContext())
    state.notes = Footnotes(lambda body: finish_flow(render_inline(state, body)))
    text = PRIVATE_USE_RE.sub("", source.replace("\r\n", "\n").replace("\r", "\n"))

    redirect = _REDIRECT.match(text)
    if redirect:
        target = unescape(redirect.group(1)).strip()
        html = f"<p>Redirects to {link(page_href(state, target), escape(target, quote=False))}</p>"
        return RenderedMarkup(html=html)

    text = protect(state, text)
    html = "\n".join(render_blocks(state, text))
    html = _place_footnotes(state, html)
    # Nothing private may leak: any mark left (e.g. a placeholder in a URL) goes.
    html = PRIVATE_USE_RE.sub("", plain_back(strip_block_marks(PLACEHOLDER_RE.sub("", html))))
    return RenderedMarkup(
        html=html,
        warnings=state.warnings,
        links=state.links,
        figures=state.figures,
        headings=state.headings,
    )


def _place_footnotes(state: State, html: str) -> str:
    notes = state.notes.render_list(state.warn)
    if REFLIST in html:
        html = html.replace(REFLIST, notes, 1)
        return html.replace(REFLIST, "")
    return html + ("\n" + notes if notes else "")
