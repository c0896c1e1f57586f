"""Small HTML building blocks shared by every markup renderer.

Both the Markdown and the wikitext renderers emit math, figures and links through
these functions, so the output has one shape whatever the input format was, and
URL safety is decided in exactly one place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape, unescape
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


# Links written by the scraped or summarised text, not by the site: user-generated content, marked
# as MediaWiki marks its external links (nofollow) and as search engines ask (ugc); noopener keeps
# the opened page from reaching back into this one. The theme's own links keep plain noopener.
EXTERNAL_REL = "nofollow ugc noopener"


def is_external(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def link(url: str, text_html: str, *, title: str | None = None) -> str:
    """An <a> element; unsafe URLs give the text alone, external ones get EXTERNAL_REL."""
    href = safe_url(url)
    if href is None:
        return text_html
    attrs = f' href="{escape(href)}"'
    if title:
        attrs += f' title="{escape(title)}"'
    if is_external(href):
        attrs += f' rel="{EXTERNAL_REL}"'
    return f"<a{attrs}>{text_html}</a>"


# MathJax's \href and \url make live links; a TeX link may not smuggle in javascript:.
_TEX_HREF = re.compile(r"\\(href|url)\s*\{([^{}]*)\}")


def defuse_tex(tex: str) -> str:
    """TeX with every \\href/\\url to an unsafe URL pointed at `#` instead."""
    if "\\href" not in tex and "\\url" not in tex:  # nearly every formula: nothing to look at
        return tex
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


def figure(src: str, caption_html: str = "", *, alt: str = "", href: str | None = None,
           show_caption: bool = True) -> str:
    """A figure with an image; without a caption the alt text says what it is.

    `show_caption=False` (a wiki image that is not a thumbnail or framed): the caption is
    not shown under the image but is its alt text and tooltip, as MediaWiki does.
    """
    img = image(src, caption_html, alt=alt, tooltip=not show_caption)
    if img is None:
        return caption_html
    target = safe_url(href) if href else None
    if target:
        img = f'<a href="{escape(target)}" rel="{EXTERNAL_REL}">{img}</a>'
    cap = f"<figcaption>{caption_html}</figcaption>" if caption_html and show_caption else ""
    return f"<figure>{img}{cap}</figure>"


def image(src: str, caption_html: str = "", *, alt: str = "", tooltip: bool = False,
          css_class: str = "") -> str | None:
    """An <img> (None for an unsafe URL): alt from `alt`, else the caption's text; the caption as tooltip if asked."""
    url = safe_url(src)
    if url is None:
        return None
    caption_text = plain_text(caption_html)
    attrs = f' alt="{escape(alt or caption_text or "figure")}"'
    if tooltip and caption_text:
        attrs += f' title="{escape(caption_text)}"'
    if css_class:
        attrs += f' class="{css_class}"'
    return f'<img src="{escape(url)}"{attrs} loading="lazy">'


def is_image_url(url: str) -> bool:
    path = urlsplit(url).path.lower() if safe_url(url) else ""
    return path.endswith(IMAGE_EXTENSIONS) or "i.imgur.com/" in url


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, on one line (for alt and title attributes); formulas as readable text, not TeX."""
    if 'class="math' in fragment:
        from .plaintext import html_to_text  # pylatexenc: loaded only for a caption with math

        return " ".join(html_to_text(fragment).split())
    return " ".join(unescape(re.sub(r"<[^>]+>", "", fragment)).split())


@dataclass
class LinkContext:
    """What a renderer needs to know about the rest of the site to resolve links.

    resolve_wiki_page(title) -> site path of our page for that wiki title, or None.
    resolve_bibtex_key(key)  -> site path of our paper page for a ShortScience
                                bibtex key (e.g. "journals/corr/1608.06993"), or None.
    cited_title(key)         -> the title of the paper of ours a citation key names, or None
                                (render/citekeys.py reads the key when it is None).
    """

    wiki_base: str = "https://wiki.math.uwaterloo.ca/statwiki/"
    shortscience_base: str = "https://www.shortscience.org/"
    resolve_wiki_page: Callable[[str], str | None] = lambda title: None
    resolve_bibtex_key: Callable[[str], str | None] = lambda key: None
    cited_title: Callable[[str], str | None] = lambda key: None


@dataclass
class RenderedMarkup:
    """The result of rendering one summary body."""

    html: str
    warnings: list[str] = field(default_factory=list)
    # external links found in the text, by kind: "arxiv", "doi", "openreview", "pdf", ...
    links: dict[str, list[str]] = field(default_factory=dict)
    figures: list[str] = field(default_factory=list)  # image URLs in order of appearance
    headings: list[str] = field(default_factory=list)  # heading texts in order
