"""Inline wikitext -> HTML by walking mwparserfromhell's node tree.

The text handed in is one paragraph, list item, cell or caption whose protected
regions are placeholders already. Apostrophes are read per line (quotes.py) before
parsing, so mwparserfromhell is asked to skip style tags. The result still carries
bold/italic sentinels and block marks; callers finish it with quotes.finish*.
"""
from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import parse_qs, urlsplit

from mwparserfromhell.nodes import (
    Comment, ExternalLink, HTMLEntity, Tag, Template, Text, Wikilink,
)

from ..html import link
from . import bounds, images, slots
from .filepath import normalize_title, wiki_page_url
from .protect import template_warning
from .quotes import do_quotes, finish_flow, strip_sentinels
from .state import (
    BLOCK_END, BLOCK_START, PLACEHOLDER_RE, PRIVATE_USE_RE, State, block, edge, plain_back, slugify,
)

# Tags kept as themselves (or a plain equivalent), attributes always dropped.
INLINE_TAGS = {
    "b": "b", "strong": "strong", "i": "i", "em": "em", "u": "u", "s": "s", "strike": "s",
    "del": "del", "ins": "ins", "sup": "sup", "sub": "sub", "small": "small", "code": "code",
    "tt": "code", "kbd": "kbd", "var": "var", "samp": "samp", "cite": "cite", "q": "q",
    "abbr": "abbr", "dfn": "dfn", "mark": "mark", "span": "span", "font": "span", "big": "span",
}
BLOCK_TAGS = {
    "center": ('<div class="center">', "</div>"), "div": ("<div>", "</div>"),
    "blockquote": ("<blockquote>", "</blockquote>"), "p": ("<p>", "</p>"),
    **{t: (f"<{t}>", f"</{t}>") for t in (
        "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tfoot",
        "tr", "td", "th")},
}
# Harmless wrappers whose content is kept without them.
UNWRAPPED_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
                  "footer", "nav", "aside", "main", "label", "bdi", "bdo", "time", "ruby", "rb",
                  "rt", "rp", "data"}
# An opening or closing tag of a known kind that lost its partner (for instance a
# <center> whose </center> is after a blank line) is dropped rather than shown.
STRAY_TAG = re.compile(
    r"</?(?:%s|math|ref|references|gallery|nowiki)\b[^<>]*>"
    % "|".join(sorted(set(INLINE_TAGS) | set(BLOCK_TAGS) | UNWRAPPED_TAGS, key=len, reverse=True)),
    re.I,
)
_BR = re.compile(r"<\s*/?\s*br\s*/?\s*>", re.I)
_TEXT_TOKENS = re.compile(f"(\ue000\\d+\ue001|{_BR.pattern}|{STRAY_TAG.pattern})", re.I)
_URL_LIKE = re.compile(r"^(?:https?:|ftp:|mailto:|//)", re.I)
_LINK_TRAIL = re.compile(r"^[a-z]+")


def render_inline(state: State, text: str) -> str:
    """Wikitext -> raw inline HTML (sentinels and block marks still in it)."""
    lines = [do_quotes(line.strip()) for line in text.split("\n")]
    code = bounds.parse(" ".join(line for line in lines if line), STRAY_TAG)
    return render_nodes(state, code.nodes)


def render_nodes(state: State, nodes) -> str:
    nodes = list(nodes)
    texts = {i: str(n) for i, n in enumerate(nodes) if isinstance(n, Text)}
    # [[http://x text]]: the extra brackets around an external link are not text
    for i, node in enumerate(nodes):
        if (isinstance(node, ExternalLink) and node.brackets
                and texts.get(i - 1, "").endswith("[") and texts.get(i + 1, "").startswith("]")):
            texts[i - 1] = texts[i - 1][:-1]
            texts[i + 1] = texts[i + 1][1:]
    out = []
    for i, node in enumerate(nodes):
        if isinstance(node, Text):
            out.append(render_text(state, texts[i]))
        elif isinstance(node, Wikilink):
            trail = ""
            m = _LINK_TRAIL.match(texts.get(i + 1, ""))
            if m and _is_page_link(node):  # [[link]]s: the letters join the link text
                trail = m.group(0)
                texts[i + 1] = texts[i + 1][len(trail):]
            out.append(render_wikilink(state, node, trail))
        elif isinstance(node, ExternalLink):
            out.append(render_external(state, str(node.url), node.title, node.brackets))
        elif isinstance(node, Tag):
            out.append(render_tag(state, node))
        elif isinstance(node, HTMLEntity):
            out.append(escape(node.normalize(), quote=False))
        elif isinstance(node, Template):
            state.warn(template_warning(node))
        elif isinstance(node, Comment):
            continue
        else:  # arguments, stray headings: nothing a reader should see
            continue
    return "".join(out)


def render_text(state: State, text: str) -> str:
    """Escape plain text once; expand placeholders; <br> variants become <br>."""
    out = []
    for piece in _TEXT_TOKENS.split(text):
        if not piece:
            continue
        if piece[0] not in "<\ue000":  # prose: none of the three patterns can match
            out.append(plain_back(escape(piece, quote=False)))
            continue
        m = PLACEHOLDER_RE.fullmatch(piece)
        if m:
            out.append(slots.expand(state, state.slots[int(m.group(1))]))
        elif _BR.fullmatch(piece):
            out.append("<br>")
        elif STRAY_TAG.fullmatch(piece):
            continue
        else:
            out.append(plain_back(escape(piece, quote=False)))
    return "".join(out)


def wrap(open_tag: str, close_tag: str, inner: str) -> str:
    """An inline element around content that may hold block marks: split around them."""
    out = []
    for piece in re.split(f"({BLOCK_START}.*?{BLOCK_END})", inner, flags=re.S):
        if piece.startswith(BLOCK_START):
            out.append(piece)
        elif piece:
            out.append(edge(open_tag) + piece + edge(close_tag))
    return "".join(out)


_TEXT_SLOT = "\ue0ff"


def anchor(url: str, text_html: str) -> str:
    """html.link around raw inline HTML (which may still hold marks)."""
    html = link(url, _TEXT_SLOT)
    if html == _TEXT_SLOT:  # unsafe URL: the text alone
        return text_html
    open_tag, close_tag = html.split(_TEXT_SLOT)
    return wrap(open_tag, close_tag, text_html)


def render_tag(state: State, node: Tag) -> str:
    if node.wiki_markup:  # list/table markup in the middle of inline text stays text
        return render_text(state, str(node))
    name = str(node.tag).strip().lower()
    inner = render_nodes(state, node.contents.nodes) if node.contents else ""
    if name == "br":
        return "<br>"
    if name == "hr":
        return block("<hr>")
    if name in INLINE_TAGS:
        tag = INLINE_TAGS[name]
        open_tag = '<span class="big">' if name == "big" else f"<{tag}>"
        return wrap(open_tag, f"</{tag}>", inner) if inner else ""
    if name in BLOCK_TAGS:
        open_tag, close_tag = BLOCK_TAGS[name]
        return block(open_tag + finish_flow(inner) + close_tag)
    if name in UNWRAPPED_TAGS:
        return inner
    # Anything else (script, iframe, img, style, form, ...) is shown as the text it is.
    source = str(node)
    if node.self_closing or not node.contents:
        return render_text(state, source) if not STRAY_TAG.fullmatch(source) else ""
    contents = str(node.contents)
    close_at = source.rfind("</")
    opening = source[: close_at - len(contents)] if close_at >= 0 else source
    closing = source[close_at:] if close_at >= 0 else ""
    return escape(opening, quote=False) + inner + escape(closing, quote=False)


def _is_page_link(node: Wikilink) -> bool:
    title = str(node.title).strip()
    ns = title.split(":", 1)[0].strip().lower() if ":" in title else ""
    return ns not in ("file", "image", "category", "media") and not _URL_LIKE.match(title)


def render_wikilink(state: State, node: Wikilink, trail: str = "") -> str:
    raw_title = unescape(strip_sentinels(PRIVATE_USE_RE.sub("", str(node.title)))).strip()
    colon = raw_title.startswith(":")
    title = raw_title.lstrip(":").strip()
    ns = title.split(":", 1)[0].strip().lower() if ":" in title else ""
    if _URL_LIKE.match(title):  # [[http://x|text]]: an external link in the wrong brackets
        url, _, words = title.partition(" ")
        label = node.text
        if label is None and words.strip():
            label = bounds.parse(words, STRAY_TAG)
        return render_external(state, url, label, True)
    if ns in ("file", "image") and not colon:
        return images.render_file_link(state, title.split(":", 1)[1], node.text)
    if ns == "category" and not colon:
        return ""  # category membership is not content
    if node.text is not None and str(node.text).strip():
        text_html = render_nodes(state, node.text.nodes).strip()
    else:
        text_html = render_text(state, unescape(str(node.title)).strip().lstrip(":"))
    text_html += escape(trail)
    if ns == "media":
        name = title.split(":", 1)[1]
        return images.media_link(state, name, text_html)
    return anchor(page_href(state, title), text_html)


def page_href(state: State, title: str) -> str:
    """Our page for a wiki title if we have one, else the page on the wiki."""
    page, _, fragment = title.partition("#")
    if not page.strip():
        return "#" + slugify(fragment)
    page = normalize_title(page)
    if page.lower().startswith("file:") or page.lower().startswith("image:"):
        return images.file_page(state, page.split(":", 1)[1])
    local = state.ctx.resolve_wiki_page(page)
    if local:
        return local + ("#" + slugify(fragment) if fragment.strip() else "")
    return wiki_page_url(page, state.ctx.wiki_base, fragment)


def render_external(state: State, url: str, label, brackets: bool) -> str:
    url = strip_sentinels(PRIVATE_USE_RE.sub("", url)).strip()
    if label is not None and str(label).strip():
        text_html = render_nodes(state, label.nodes).strip()
    elif brackets:
        state.numbered_links += 1
        text_html = f"[{state.numbered_links}]"
    else:
        text_html = escape(url, quote=False)
    state.add_link(url)
    return anchor(_local_page(state, url) or url, text_html)


def _local_page(state: State, url: str) -> str | None:
    """A full URL of a page on our own wiki, when we publish that page too."""
    base = urlsplit(state.ctx.wiki_base)
    parts = urlsplit(url)
    if not base.netloc or parts.netloc.lower() != base.netloc.lower():
        return None
    title = parse_qs(parts.query).get("title", [None])[0]
    if not title or parts.path != base.path + "index.php" or "diff" in parse_qs(parts.query):
        return None
    local = state.ctx.resolve_wiki_page(normalize_title(title))
    if not local:
        return None
    return local + ("#" + slugify(parts.fragment) if parts.fragment else "")
