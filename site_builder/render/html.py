"""Small HTML building blocks shared by every markup renderer.

Both the Markdown and the wikitext renderers emit math, figures and links through
these functions, so the output has one shape whatever the input format was, and
URL safety is decided in exactly one place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from typing import Callable
from urllib.parse import urlsplit

SAFE_SCHEMES = {"http", "https", "mailto", "ftp"}
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def safe_url(url: str | None) -> str | None:
    """The URL if it is safe to put in href/src, else None.

    Relative URLs and http(s)/mailto/ftp are allowed; javascript:, data:, vbscript:
    and anything else with a scheme are refused. Browsers ignore control characters
    and whitespace inside a scheme ("java\\nscript:"), so they are removed before
    the scheme is read.
    """
    if url is None:
        return None
    url = url.strip()
    if not url:
        return None
    probe = _CONTROL.sub("", url)
    if ":" in probe.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        scheme = probe.split(":", 1)[0].lower()
        if scheme not in SAFE_SCHEMES:
            return None
    if probe.startswith("//"):
        return url  # protocol-relative: stays http(s)
    try:
        urlsplit(probe)
    except ValueError:
        return None
    return url


def is_external(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def link(url: str, text_html: str, *, title: str | None = None) -> str:
    """An <a> element; unsafe URLs give the text alone, external ones get rel=noopener."""
    href = safe_url(url)
    if href is None:
        return text_html
    attrs = f' href="{escape(href)}"'
    if title:
        attrs += f' title="{escape(title)}"'
    if is_external(href):
        attrs += ' rel="noopener"'
    return f"<a{attrs}>{text_html}</a>"


# MathJax's \href and \url make live links; a TeX link may not smuggle in javascript:.
_TEX_HREF = re.compile(r"\\(href|url)\s*\{([^{}]*)\}")


def defuse_tex(tex: str) -> str:
    """TeX with every \\href/\\url to an unsafe URL pointed at `#` instead."""
    def fix(m: re.Match) -> str:
        return m.group(0) if safe_url(m.group(2)) else f"\\{m.group(1)}{{#}}"

    return _TEX_HREF.sub(fix, tex)


def math_inline(tex: str) -> str:
    """Inline math for MathJax, which is configured to typeset only .math elements."""
    return f'<span class="math inline">\\({escape(defuse_tex(tex.strip()), quote=False)}\\)</span>'


def math_display(tex: str) -> str:
    """Display math; environments (align, equation...) are passed through unwrapped."""
    tex = defuse_tex(tex.strip())
    if re.match(r"\\begin\{[a-zA-Z*]+\}", tex) and re.search(r"\\end\{[a-zA-Z*]+\}\s*$", tex):
        body = tex
    else:
        body = f"\\[{tex}\\]"
    return f'<div class="math display">{escape(body, quote=False)}</div>'


def figure(src: str, caption_html: str = "", *, alt: str = "", href: str | None = None) -> str:
    """A figure with an image; without a caption the alt text says what it is."""
    url = safe_url(src)
    if url is None:
        return caption_html
    alt_text = alt or _caption_text(caption_html) or "figure from summary"
    img = f'<img src="{escape(url)}" alt="{escape(alt_text)}" loading="lazy">'
    target = safe_url(href) if href else None
    if target:
        img = f'<a href="{escape(target)}" rel="noopener">{img}</a>'
    cap = f"<figcaption>{caption_html}</figcaption>" if caption_html else ""
    return f"<figure>{img}{cap}</figure>"


def is_image_url(url: str) -> bool:
    path = urlsplit(url).path.lower() if safe_url(url) else ""
    return path.endswith(IMAGE_EXTENSIONS) or "i.imgur.com/" in url


def _caption_text(fragment: str) -> str:
    """A caption as alt text: no tags, its formulas as readable text rather than TeX."""
    from .plaintext import html_to_text  # pylatexenc: loaded only when a figure has a caption

    return " ".join(html_to_text(fragment).split()) if "<" in fragment else fragment.strip()


@dataclass
class LinkContext:
    """What a renderer needs to know about the rest of the site to resolve links.

    resolve_wiki_page(title) -> site path of our page for that wiki title, or None.
    resolve_bibtex_key(key)  -> site path of our paper page for a ShortScience
                                bibtex key (e.g. "journals/corr/1608.06993"), or None.
    """

    wiki_base: str = "https://wiki.math.uwaterloo.ca/statwiki/"
    shortscience_base: str = "https://www.shortscience.org/"
    resolve_wiki_page: Callable[[str], str | None] = lambda title: None
    resolve_bibtex_key: Callable[[str], str | None] = lambda key: None


@dataclass
class RenderedMarkup:
    """The result of rendering one summary body."""

    html: str
    warnings: list[str] = field(default_factory=list)
    # external links found in the text, by kind: "arxiv", "doi", "openreview", "pdf", ...
    links: dict[str, list[str]] = field(default_factory=dict)
    figures: list[str] = field(default_factory=list)  # image URLs in order of appearance
    headings: list[str] = field(default_factory=list)  # heading texts in order
