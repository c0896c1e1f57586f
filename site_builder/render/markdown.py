"""Markdown summaries to HTML with markdown-it-py.

CommonMark plus tables, strikethrough, linkify, ``$``/``$$`` math, amsmath
environments, footnotes and heading anchors. Raw HTML is off (it shows as text),
every href/src goes through ``safe_url``, math goes through ``math_inline`` /
``math_display`` so MathJax finds it, and a paragraph holding only an image (or an
image URL), optionally followed by an emphasised caption, becomes a ``<figure>``.

The parser is built once; everything that depends on the page being rendered (the
LinkContext and the RenderedMarkup being filled) travels in markdown-it's ``env``.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import Any
from html import escape
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore, normalize
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.amsmath import RE_OPEN as AMSMATH_OPEN
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .budget import charge
from .html import (
    EXTERNAL_REL,
    LinkContext,
    RenderedMarkup,
    figure,
    is_external,
    is_image_url,
    link,
    math_display,
    math_inline,
    safe_url,
)
from . import citekeys
from .lexers import highlighted, lexer_named
from .links import canonical, classify, shortscience_bibtex_key

COLLECTED_LINK_KINDS = ("arxiv", "doi", "openreview", "pdf")
_CITE = re.compile(r"\\cite[pt]?\*?\{([^{}]*)\}")  # keys stop at "{" too: "\\cite{" repeated is no rescan
_IMGUR_PAGE = re.compile(r"https?://(?:www\.|m\.)?imgur\.com/([A-Za-z0-9]{5,})/?$")


def render_markdown(text: str, ctx: LinkContext | None = None) -> RenderedMarkup:
    """HTML for one Markdown summary, with the links, figures and headings found in it."""
    result = RenderedMarkup(html="")
    env = {"ctx": ctx or LinkContext(), "result": result, "open_links": [], "seen_links": set()}
    charge(4 * len(text), "parsing Markdown")  # block, inline and render passes, and our core rules
    result.html = _parser(_needless_rules(text)).render(text, env)
    return result


def render_flat_markdown(text: str, ctx: LinkContext | None = None) -> RenderedMarkup:
    """Like render_markdown, for ShortScience text whose newlines were lost."""
    from .restore import restore_markdown  # here: Markdown with its newlines (an edited record) never needs it

    result = render_markdown(restore_markdown(text), ctx)
    fences = [m.start() for m in re.finditer("```", text)]
    if len(fences) % 2 and not any("code fence" in w for w in result.warnings):
        at = fences[-1]
        near = " ".join(text[at:at + 40].split())
        result.warnings.append(f'code fence ``` at character {at + 1} of the summary is never closed; shown as text: "{near}"')
    return result


# Rules that cannot match a text without one of these substrings (each rule returns False at
# once or after reading on, unless its marker is there): block rules are tried at every line
# and inline rules at every character the text rule stops at, so a summary without, say, a "|"
# is parsed faster without the table rule and to the same tokens.
_RULE_MARKERS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("table",), ("|",)),  # its header line must hold a "|"
    (("blockquote",), (">",)),
    (("reference",), ("]:",)),  # "[label]:", the colon right after the bracket
    (("footnote_def", "footnote_ref"), ("[^",)),
    (("footnote_inline",), ("^[",)),
    (("math_block",), ("$$",)),
    (("amsmath",), ("\\begin",)),
    (("fence",), ("```", "~~~")),
    (("heading",), ("#",)),
    (("lheading",), ("=", "-")),  # its underline
    (("math_inline",), ("$",)),
    (("cite",), ("\\cite",)),
    (("escape",), ("\\",)),
    (("backticks",), ("`",)),
    (("strikethrough",), ("~",)),
    (("emphasis",), ("*", "_")),
    (("link",), ("[",)),
    (("image",), ("![",)),
    (("autolink",), ("<",)),
    (("entity",), ("&",)),
    (("linkify",), ("://",)),  # the inline rule (_linkify_rule); the core rule is gated by _gate_linkify
)
# Raw HTML is off: these two always return False.
_ALWAYS_NEEDLESS = ("html_block", "html_inline")


def _needless_rules(text: str) -> tuple[str, ...]:
    """The rules of _RULE_MARKERS whose markers `text` lacks (every text markdown-it parses is
    made of pieces of the summary's, so none of them can match anywhere in it)."""
    needless: list[str] = []
    for names, markers in _RULE_MARKERS:  # plain loops: generators cost more than the scans here
        for marker in markers:
            if marker in text:
                break
        else:
            needless += names
    return tuple(needless)


@lru_cache(maxsize=64)  # a few sets of needless rules cover most summaries; a parser takes 0.3 ms to make
def _parser(needless: tuple[str, ...] = ()) -> MarkdownIt:
    """The parser, without the rules `needless` (see _needless_rules): the tokens are the same."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.core.ruler.at("normalize", _normalize_rule)
    md.enable(["table", "strikethrough", "linkify"])
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})  # "model.py" is not a URL
    _gate_linkify(md.linkify)
    md.inline.ruler.at("linkify", _linkify_rule)
    md.validateLink = _validate_link  # per-instance hook markdown-it provides for this
    md.normalizeLink = _normalize_link  # and this one
    # no space inside the dollars and no digit around them: "$5 and $10" stays text
    dollarmath_plugin(md, allow_space=False, allow_digits=False, double_inline=True)
    amsmath_plugin(md)
    _gate_amsmath(md)
    footnote_plugin(md)
    md.core.ruler.push("heading_ids", _heading_ids_rule)
    md.inline.ruler.before("escape", "cite", _cite_rule)
    _gate_labels(md)
    md.core.ruler.before("text_join", "dollar_balance", _dollar_balance_rule)
    md.core.ruler.push("structure", _structure_rule)
    md.core.ruler.push("figures", _figure_rule)
    for name, rule in _RENDER_RULES.items():
        md.add_render_rule(name, rule)
    md.disable([*_ALWAYS_NEEDLESS, *(n for n in needless if n != "linkify")])
    if "linkify" in needless:  # the inline rule only: the core rule also finds "mailto:" and "//" links
        md.inline.ruler.disable("linkify")
    return md


def _normalize_rule(state: StateCore) -> None:
    """markdown-it's normalize rule (CR LF and CR to LF, NUL to U+FFFD), skipped for a text with
    neither: its regex otherwise replaces every LF by a LF."""
    if "\r" in state.src or "\0" in state.src:
        normalize(state)


def _gate_linkify(linkify) -> None:
    """Give linkify-it, in markdown-it's core linkify rule, only the words that can hold a
    link that rule is still needed for.

    With fuzzy links and e-mails off only a schema ("http:", "//", "mailto:"...) can
    match. Links with "://" are made by the inline rule (_linkify_rule) as the text is
    parsed, so what the core rule can still find is a "mailto:" or a "//" link without a
    scheme; and a link never holds a space. linkify-it's `test` and `match` try every
    schema to the end of the text they are given (quadratic on a word of many "http:"),
    so they get each such word alone, and only words of at most MAX_CORE_LINK_CHARS.
    """
    assert not (linkify._opts.get("fuzzy_link") or linkify._opts.get("fuzzy_email"))
    schemas = [name for name in linkify._compiled if name]
    assert all(":" in name or "//" in name for name in schemas), schemas
    test, match = linkify.test, linkify.match

    def words(text: str):
        if "mailto:" not in text.lower() and "//" not in text:
            return
        for m in _WORD.finditer(text):
            word = m.group(0)
            if len(word) <= MAX_CORE_LINK_CHARS and ("mailto:" in word.lower() or _BARE_SLASHES.search(word)):
                yield m.start(), word

    def bounded_match(text: str):
        found = []
        for at, word in words(text):
            for link in match(word) or []:
                link.index, link.last_index = link.index + at, link.last_index + at
                found.append(link)
        return found or None

    linkify.pretest = lambda text: ":" in text or "//" in text
    linkify.test = lambda text: any(test(word) for _, word in words(text))
    linkify.match = bounded_match


_WORD = re.compile(r"\S+")
_BARE_SLASHES = re.compile(r"(?<!:)//")
MAX_CORE_LINK_CHARS = 512
_SCHEME_CHAR = re.compile(r"[a-z0-9.+-]", re.I)
_URL_END = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
MAX_URL_CHARS = 2048


def _linkify_rule(state: StateInline, silent: bool) -> bool:
    """markdown-it's inline linkify rule (a URL at "://"), without its two rescans.

    It found the scheme with a regex searched over all the text pending since the last
    token, and gave linkify-it the rest of the summary: both quadratic on text with many
    "://" that do not make links. Here the scheme is read backwards from the end of the
    pending text, and linkify-it gets the text up to the next space (a URL has none),
    at most MAX_URL_CHARS past the "://".
    """
    if state.linkLevel > 0:
        return False
    pos, src = state.pos, state.src
    if pos + 3 > state.posMax or src[pos:pos + 3] != "://":
        return False
    pending = state.pending
    start = len(pending)
    while start and _SCHEME_CHAR.match(pending, start - 1):
        start -= 1
    proto = pending[start:]
    if not proto or not proto[0].isascii() or not proto[0].isalpha():
        return False
    limit = min(state.posMax, pos + MAX_URL_CHARS)
    end = _URL_END.search(src, pos, limit)
    found = state.md.linkify.match_at_start(src[pos - len(proto):end.start() if end else limit])
    if not found:
        return False
    url = found.url.rstrip("*")  # a "*" at the end is emphasis, not the URL
    full_url = state.md.normalizeLink(url)
    if not state.md.validateLink(full_url):
        return False
    if not silent:
        state.pending = pending[:start]
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": full_url}
        token.markup, token.info = "linkify", "auto"
        token = state.push("text", "", 0)
        token.content = state.md.normalizeLinkText(url)
        token = state.push("link_close", "a", -1)
        token.markup, token.info = "linkify", "auto"
    state.pos += len(url) - len(proto)
    return True


def _gate_amsmath(md: MarkdownIt) -> None:
    """Skip the amsmath block rule at a \\begin{env} line when no later line of the block ends
    with its \\end{env}: it would fail anyway, after reading every line to the end of the
    block (quadratic on many unclosed environments)."""
    rule = next(r.fn for r in md.block.ruler.__rules__ if r.name == "amsmath")

    def gated(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        first = state.src[state.bMarks[start_line] + state.tShift[start_line]:state.eMarks[start_line]]
        opening = re.match(AMSMATH_OPEN, first)
        if opening is None:
            return False
        closing = rf"\end{{{opening.group(1)}{opening.group(2)}}}"
        ends = state.env.setdefault("amsmath_ends", {}).get((id(state), closing))
        if ends is None:
            ends = [line for line in range(len(state.bMarks) - 1)
                    if state.src[state.bMarks[line]:state.eMarks[line]].rstrip().endswith(closing)]
            state.env["amsmath_ends"][(id(state), closing)] = ends
        i = bisect_left(ends, start_line)
        if i == len(ends) or ends[i] >= end_line:
            return False
        return rule(state, start_line, end_line, silent)

    md.block.ruler.at("amsmath", gated)


def _gate_labels(md: MarkdownIt) -> None:
    """Skip the rules that read a bracketed label (links, images, inline footnotes) at a "["
    with no "]" after it in the text being parsed: they would fail anyway.

    They fail expensively: markdown-it's label reader retries nested labels up to
    maxNesting deep from every "[", about 100 µs each, so a summary of a few hundred
    thousand "[" took minutes. Where a "]" follows the answer is the rules' own.
    """
    for name, offset in (("link", 0), ("image", 1), ("footnote_inline", 1)):
        rule = next(r.fn for r in md.inline.ruler.__rules__ if r.name == name)
        md.inline.ruler.at(name, _label_gate(rule, offset))


def _label_gate(rule, offset: int):
    def gated(state: StateInline, silent: bool) -> bool:
        closers = getattr(state, "closing_brackets", None)
        if closers is None:
            closers = state.closing_brackets = [m.start() for m in re.finditer(r"\]", state.src)]
        i = bisect_right(closers, state.pos + offset)
        if i == len(closers) or closers[i] >= state.posMax:
            return False
        return rule(state, silent)

    return gated


def _validate_link(url: str) -> bool:
    return safe_url(url) is not None


# An http(s) URL that markdown-it's normalizeLink gives back unchanged: lowercase ASCII host
# labels (nothing for punycode to do, each within mdurl's 63 characters), no port, user or
# percent sign, and only path, query and fragment characters mdurl.encode keeps as they are.
_PLAIN_LINK = re.compile(r"https?://[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,7}(?:[/?#][A-Za-z0-9._~/?#=&+-]*)?")


def _normalize_link(url: str) -> str:
    """markdown-it's normalizeLink (parse, punycode, format, percent-encode: a tenth of the
    Markdown step), skipped for the plain URLs it returns unchanged (tests/render/test_fast_paths.py)."""
    if _PLAIN_LINK.fullmatch(url):
        return url
    return normalizeLink(url)


def _slug(title: str) -> str:
    slug = re.sub(r"[^\w\- ]", "", title.lower()).strip()
    return re.sub(r"[\s]+", "-", slug) or "section"


# --- parse rules ---------------------------------------------------------------------


def _heading_ids_rule(state: StateCore) -> None:
    """An id on every heading: its slug, with -1, -2… for repeats, as mdit-py-plugins' anchors
    plugin gives them, but resuming each slug's count instead of trying -1, -2… again for
    every repeat (quadratic on a summary of many equal headings)."""
    taken: set[str] = set()
    next_number: dict[str, int] = {}
    for i, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        children = state.tokens[i + 1].children or []
        base = _slug("".join(c.content for c in children if c.type in ("text", "code_inline")))
        slug, n = base, next_number.get(base, 1)
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        next_number[base] = n
        taken.add(slug)
        token.attrSet("id", slug)


def _cite_rule(state: StateInline, silent: bool) -> bool:
    """``\\cite{key1,key2}`` outside math: a citation token."""
    if state.src[state.pos] != "\\":
        return False
    m = _CITE.match(state.src, state.pos)
    if not m:
        return False
    if not silent:
        token = state.push("cite", "", 0)
        token.meta = {"keys": _cite_keys(m.group(1))}
    state.pos = m.end()
    return True


def _dollar_balance_rule(state: StateCore, every_paragraph: bool = False) -> None:
    """Warn for each paragraph left with an odd number of unescaped ``$`` (math never spans paragraphs).

    Only paragraphs whose content has a "$" are read: their text children are pieces of that content,
    or links made from it, whose text keeps a "$" as it was (`every_paragraph`: read them all, which a
    test checks gives the same warnings)."""
    for token in state.tokens:
        if token.type != "inline" or not (every_paragraph or "$" in token.content):
            continue
        texts = [child.content for child in token.children or [] if child.type == "text"]
        if sum(t.count("$") for t in texts) % 2:
            where = f"line {token.map[0] + 1}" if token.map else "text"
            last = next(t for t in reversed(texts) if "$" in t)
            at = last.rfind("$")
            near = " ".join(last[max(0, at - 30):at + 30].split())
            state.env["result"].warnings.append(f'unbalanced $ in text ({where} of the summary, near "{near}")')


def _structure_rule(state: StateCore) -> None:
    """Warn about structure markdown-it accepts silently: an unclosed fence runs to
    the end of the summary, and blocks nested past maxNesting are cut off."""
    lines: list[str] = []  # the source's lines, once a fence needs them
    limit = state.md.options.maxNesting
    for token in state.tokens:
        if token.type == "fence" and token.map:
            lines = lines or state.src.split("\n")
            last = lines[token.map[1] - 1].strip() if token.map[1] - 1 < len(lines) else ""
            closed = token.map[1] - 1 > token.map[0] and last.startswith(token.markup) and not last.strip(token.markup[0])
            if not closed:
                state.env["result"].warnings.append(
                    f"code fence {token.markup} opened at line {token.map[0] + 1} of the summary is never closed; "
                    "it runs to the end")
        if token.nesting == 1 and token.level >= limit - 1:
            line = f"line {token.map[0] + 1}" if token.map else "somewhere"
            state.env["result"].warnings.append(
                f"blocks nested more than {limit} levels deep at {line} of the summary; the deeper part is not shown")
            break


def _figure_rule(state: StateCore) -> None:
    """Replace paragraphs that hold only an image (plus an optional caption) by a figure token."""
    tokens = state.tokens
    i = 0
    while i + 2 < len(tokens):
        if tokens[i].type == "paragraph_open" and tokens[i + 2].type == "paragraph_close":
            fig = _as_figure(tokens[i + 1].children or [])
            if fig is not None:
                fig.map = tokens[i].map
                tokens[i : i + 3] = [fig]
        i += 1


def _as_figure(children: list[Token]) -> Token | None:
    items = [t for t in children if not (t.type == "softbreak" or (t.type == "text" and not t.content.strip()))]
    image = _leading_image(items)
    if image is None:
        return None
    src, alt, href, used = image
    rest = items[used:]
    caption: list[Token] = []
    if rest:
        if not (rest[0].type == "em_open" and rest[-1].type == "em_close" and _single_em(rest)):
            return None
        caption = rest[1:-1]
    token = Token("figure", "figure", 0)
    token.meta = {"src": src, "alt": alt, "href": href}
    token.children = caption
    return token


def _leading_image(items: list[Token]) -> tuple[str, str, str | None, int] | None:
    """(src, alt, href, tokens used) for an image, a linked image or an image URL."""
    if not items:
        return None
    first = items[0]
    if first.type == "image":
        return first.attrGet("src") or "", _plain(first.children), None, 1
    if first.type != "link_open" or len(items) < 3 or items[2].type != "link_close":
        return None
    href, inner = str(first.attrGet("href") or ""), items[1]
    if inner.type == "image":
        return inner.attrGet("src") or "", _plain(inner.children), href, 3
    if first.markup == "linkify" or (inner.type == "text" and inner.content == href):
        if is_image_url(href):
            return href, "", None, 3
        page = _IMGUR_PAGE.match(href)
        if page:  # an imgur page: its image is served from i.imgur.com
            return f"https://i.imgur.com/{page.group(1)}.png", "", href, 3
    return None


def _single_em(tokens: list[Token]) -> bool:
    depth = 0
    for n, token in enumerate(tokens):
        depth += {"em_open": 1, "em_close": -1}.get(token.type, 0)
        if depth == 0 and n != len(tokens) - 1:
            return False
    return True


def _plain(children: list[Token] | None) -> str:
    return "".join(t.content for t in children or [] if t.type in ("text", "code_inline", "math_inline"))


# --- render rules --------------------------------------------------------------------


def _render_math_inline(self, tokens, idx, options, env) -> str:
    tex, keys = _without_cites(tokens[idx].content)
    return math_inline(tex) + _cites_after_math(keys, env)


def _render_math_inline_double(self, tokens, idx, options, env) -> str:
    # $$…$$ inside a paragraph: a block <div> cannot sit in <p>, so display style inline
    tex, keys = _without_cites(tokens[idx].content)
    return math_inline("\\displaystyle " + tex.strip()) + _cites_after_math(keys, env)


def _render_math_block(self, tokens, idx, options, env) -> str:
    tex, keys = _without_cites(tokens[idx].content)
    cites = f'<p class="math-cites">{_cites_after_math(keys, env).strip()}</p>' if keys else ""
    return math_display(tex) + cites + "\n"


def _render_cite(self, tokens, idx, options, env) -> str:
    return _cite_links(tokens[idx].meta["keys"], env["ctx"])


def _render_link_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    href = _resolve_bibtex_link(str(token.attrGet("href") or ""), env["ctx"])
    safe = safe_url(href)
    env["open_links"].append(safe is not None)
    if safe is None:
        env["result"].warnings.append(f"unsafe link removed: {href[:80]}")
        return ""
    _collect_link(safe, env)
    token.attrSet("href", safe)
    if is_external(safe):
        token.attrSet("rel", EXTERNAL_REL)
    return self.renderToken(tokens, idx, options, env)


def _render_link_close(self, tokens, idx, options, env) -> str:
    opened = env["open_links"].pop() if env["open_links"] else True
    return self.renderToken(tokens, idx, options, env) if opened else ""


def _render_image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    src = safe_url(str(token.attrGet("src") or ""))
    if src is None:
        return escape(alt)
    env["result"].figures.append(src)
    title = token.attrGet("title")
    title_attr = f' title="{escape(str(title))}"' if title else ""
    return f'<img src="{escape(src)}" alt="{escape(alt)}"{title_attr} loading="lazy">'


def _render_figure(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    src, alt, href = token.meta["src"], token.meta["alt"], token.meta["href"]
    caption = self.renderInline(token.children or [], options, env) if token.children else ""
    if safe_url(src) is not None:
        env["result"].figures.append(src)
    return figure(src, caption, alt=alt, href=href) + "\n"


def _render_fence(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    lang = token.info.strip().split()[0] if token.info.strip() else ""
    return highlighted("markdown-fence", lang, token.content, lambda: _fence(lang, token.content))


def _fence(lang: str, code: str) -> str:
    lexer = _lexer(lang)
    if lexer is None:
        return f"<pre><code>{escape(code)}</code></pre>\n"
    from pygments import highlight

    html = highlight(code, lexer, _formatter())
    return html.replace('<div class="highlight">', f'<div class="highlight" data-lang="{escape(lang)}">', 1)


@lru_cache(maxsize=None)
def _formatter() -> Any:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=False, cssclass="highlight")


def _render_code_block(self, tokens, idx, options, env) -> str:
    return f"<pre><code>{escape(tokens[idx].content)}</code></pre>\n"


def _render_table_open(self, tokens, idx, options, env) -> str:
    return '<div class="table-wrap">\n' + self.renderToken(tokens, idx, options, env)


def _render_table_close(self, tokens, idx, options, env) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def _render_heading_open(self, tokens, idx, options, env) -> str:
    env["result"].headings.append(_plain(tokens[idx + 1].children).strip())
    return self.renderToken(tokens, idx, options, env)


_RENDER_RULES = {
    "math_inline": _render_math_inline,
    "math_inline_double": _render_math_inline_double,
    "math_block": _render_math_block,
    "math_block_label": _render_math_block,
    "amsmath": _render_math_block,
    "cite": _render_cite,
    "link_open": _render_link_open,
    "link_close": _render_link_close,
    "image": _render_image,
    "figure": _render_figure,
    "fence": _render_fence,
    "code_block": _render_code_block,
    "table_open": _render_table_open,
    "table_close": _render_table_close,
    "heading_open": _render_heading_open,
}


# --- helpers -------------------------------------------------------------------------


def _lexer(lang: str):
    return lexer_named(lang) if lang else None


def _cite_keys(raw: str) -> list[str]:
    return [key.strip() for key in raw.split(",") if key.strip()]


def _cite_links(keys: list[str], ctx: LinkContext) -> str:
    """Each key as a link to the cited paper (ours when known, else ShortScience's page for the key),
    named by the paper's title when we have it, else by what the key says ("Bahdanau et al. 2014")."""
    links = []
    for key in keys:
        target = ctx.resolve_bibtex_key(key) or f"{ctx.shortscience_base}paper?bibtexKey={quote(key, safe='/:')}"
        name = ctx.cited_title(key) or citekeys.readable(key)
        links.append(link(target, f"<cite>{escape(name, quote=False)}</cite>"))
    return ", ".join(links)


def _without_cites(tex: str) -> tuple[str, list[str]]:
    """TeX with its ``\\cite{…}`` removed (MathJax cannot typeset them) and their keys."""
    if "\\cite" not in tex:
        return tex, []
    keys = [key for m in _CITE.finditer(tex) for key in _cite_keys(m.group(1))]
    return (_CITE.sub("", tex), keys) if keys else (tex, [])


def _cites_after_math(keys: list[str], env) -> str:
    return f" ({_cite_links(keys, env['ctx'])})" if keys else ""


def _resolve_bibtex_link(href: str, ctx: LinkContext) -> str:
    key = shortscience_bibtex_key(href)
    return (ctx.resolve_bibtex_key(key) or href) if key else href


def _collect_link(url: str, env) -> None:
    kind = classify(url)
    if kind in COLLECTED_LINK_KINDS:
        url = canonical(kind, url)
        if (kind, url) not in env["seen_links"]:  # a set beside the lists: no scan per link
            env["seen_links"].add((kind, url))
            env["result"].links.setdefault(kind, []).append(url)
