"""Swap the regions no wiki rule may touch for placeholders, before any rule runs.

Order matters: comments, <nowiki>, <pre>, code and <math> are found in one
left-to-right scan (whichever starts first wins, as in MediaWiki's preprocessor);
then TeX written bare in the text (\\begin{align}..., $$...$$); then templates are
cut out of what is left; last come <gallery> and <ref>, whose bodies already have
their math protected.
"""
from __future__ import annotations

import re

from ..html import defuse_tex
from .scan import Closers, NextMatch
from .state import Slot, State

# Openers only: each region's end is found by a search that never rescans (scan.py).
# Attributes stop at "<" as well as ">", so an opener that never closes costs its own length.
_VERBATIM_OPEN = re.compile(  # the "<" outside the alternatives: the regex then jumps from "<" to "<"
    r"<(?:(?P<comment>!--)"
    r"|(?P<center>center\s*+>\s*+<math(?P<cattrs>\s[^<>]*+)?>)"
    r"|(?P<tag>nowiki|pre|math|syntaxhighlight|source)(?P<attrs>\s[^<>]*?)?(?P<end>/>|>))",
    re.I,
)
_COMMENT_END = re.compile("-->")
_MATH_CLOSE = re.compile("</math", re.I)
_CENTRED_MATH_END = re.compile(r"</math\s*>\s*</center\s*>", re.I)
_UNCLOSED_MATH = re.compile(r"<math(\s[^<>]*)?>(.*?)(?=\n\s*\n|\Z)", re.I | re.S)
_TEX_START = re.compile(
    r"(?P<skip>(?:https?|ftp)://[^\s\[\]<>\"]*|\[//[^\s\[\]<>\"]*|\[\[[^\]|\n]*|<(?P<code>code|tt)\b[^<>]*>)"
    r"|(?P<environment>\\begin\{[A-Za-z]+\*?\})|(?P<double>\$\$)|(?P<single>\$)",
    re.I,
)
_DOLLAR = re.compile(r"\$")
# A blank line, or a line of list, table or heading markup, ends a paragraph: inline math cannot cross it.
_NOT_IN_INLINE_MATH = re.compile(r"\n[ \t]*(?:\n|[*#:;|!=]|\{\|)")
_TEX_ENVIRONMENT = re.compile(r"\\(begin|end)\{([A-Za-z]+\*?)\}")
_DOUBLE_DOLLAR = re.compile(r"\$\$")
_LATER_OPEN = re.compile(r"<(?P<tag>gallery|references|ref)(?P<attrs>\s[^<>]*?)?(?P<end>/>|>)", re.I)
_MAGIC_WORDS = re.compile(
    r"__(?:NOTOC|FORCETOC|TOC|NOEDITSECTION|NEWSECTIONLINK|NONEWSECTIONLINK|NOGALLERY|"
    r"HIDDENCAT|NOCONTENTCONVERT|NOCC|NOTITLECONVERT|NOTC|INDEX|NOINDEX|STATICREDIRECT|"
    r"DISAMBIG|EXPECTUNUSEDCATEGORY)__"
)


def protect(state: State, text: str) -> str:
    text = _protect_verbatim(state, text)
    text = _protect_bare_tex(state, text)
    text = _remove_templates(state, text)
    text = _MAGIC_WORDS.sub("", text)
    return _protect_refs_and_galleries(state, text)


def attr(attrs: str | None, name: str) -> str | None:
    """Value of one attribute in a tag's attribute text (read, never copied out)."""
    if not attrs:  # most tags have none: nothing to search
        return None
    m = re.search(rf"\b{name}\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s/>]+))", attrs or "", re.I)
    return next((g for g in m.groups() if g is not None), None) if m else None


def has_flag(attrs: str | None, name: str) -> bool:
    if not attrs:
        return False
    return re.search(rf"(?:^|\s){name}(?:\s|=|$)", attrs or "", re.I) is not None


def _math_slot(tex: str, attrs: str | None, mode: str = "auto") -> Slot:
    display = (attr(attrs, "display") or "").lower()
    if display in ("block", "inline"):
        mode = "display" if display == "block" else "inline"
    return Slot("math", body=defuse_tex(tex), mode=mode)


def _protect_verbatim(state: State, text: str) -> str:
    out: list[str] = []
    pos = scan = 0
    closers = Closers(text)
    comment_end = NextMatch(_COMMENT_END, text)
    math_close = NextMatch(_MATH_CLOSE, text)
    while m := _VERBATIM_OPEN.search(text, scan):
        if m.group("comment") is not None:  # removed, to its end or the end of the text
            end = comment_end.after(m.end())
            out.append(text[pos:m.start()])
            pos = scan = end.end() if end else len(text)
            continue
        if m.group("center") is not None:  # <center><math>..</math></center>: display math
            close = math_close.after(m.end())
            tail = _CENTRED_MATH_END.match(text, close.start()) if close else None
            if tail is None:
                scan = m.start() + 1
                continue
            out += [text[pos:m.start()], state.protect(_math_slot(text[m.end():close.start()], m.group("cattrs"), "display"))]
            pos = scan = tail.end()
            continue
        body, end = _tag_body(m, closers)
        if end is None:  # never closed: not a region (an unclosed <math> is read below)
            scan = m.start() + 1
            continue
        out += [text[pos:m.start()], state.protect(_verbatim_slot(m.group("tag").lower(), m.group("attrs"), body))]
        pos = scan = end
    out.append(text[pos:])
    text = "".join(out)

    def unclosed(m: re.Match) -> str:
        state.warn("<math> not closed by </math>; closed at the end of the paragraph")
        return state.protect(_math_slot(m.group(2), m.group(1)))

    return _UNCLOSED_MATH.sub(unclosed, text)


def _tag_body(m: re.Match, closers: Closers) -> tuple[str, int | None]:
    """(body, end of the closing tag) of the tag opened at `m`; ("", None) when it never closes."""
    if m.group("end") == "/>":
        return "", m.end()
    close = closers.after(m.group("tag"), m.end())
    if close is None:
        return "", None
    return m.string[m.end():close.start()], close.end()


def _verbatim_slot(tag: str, attrs: str | None, body: str) -> Slot:
    if tag == "math":
        return _math_slot(body, attrs)
    if tag in ("syntaxhighlight", "source"):
        lang = attr(attrs, "lang") or attr(attrs, "language") or ""
        return Slot("code", body=body, lang=lang, inline=has_flag(attrs, "inline"))
    return Slot(tag, body=body)


def _protect_bare_tex(state: State, text: str) -> str:
    """TeX written straight into the wikitext: \\begin{env}...\\end{env} and $$...$$ as
    display math, $...$ as inline math (statwiki typeset these in the browser).

    `$...$` follows the rules of the Markdown renderer's dollarmath (`$5 and $10` stays
    text): no space after the opening or before the closing dollar, no digit before the
    opening or after the closing one, not escaped (`\\$`), not empty; and, since math
    never spans blocks, no blank line or line of list or table markup inside. An
    environment inside the dollars belongs to the inline formula. URLs, link targets
    and <code> are skipped (verbatim regions are placeholders already).
    """
    if "$" not in text and "\\begin" not in text:
        return text
    environments = _environment_ends(text)
    dollars, double_dollars = NextMatch(_DOLLAR, text), NextMatch(_DOUBLE_DOLLAR, text)
    closers = Closers(text)
    out, pos, scan = [], 0, 0
    while m := _TEX_START.search(text, scan):
        start, kind = m.start(), m.lastgroup
        mode, body_start, end = "display", m.end(), None
        if kind == "skip":
            scan = m.end()
            if m.group("code"):
                close = closers.after(m.group("code"), m.end())
                scan = close.end() if close else m.end()
            continue
        if kind == "double":
            close = double_dollars.after(m.end())
            end, body_end = (close.end(), close.start()) if close else (None, 0)
        elif kind == "single":
            mode = "inline"
            end, body_end = _dollar_end(text, start, dollars)
        else:
            end = environments.get(start)
            body_start, body_end = start, end
        if end is None or (kind != "environment" and _escaped(text, start)):
            scan = m.end()
            continue
        out += [text[pos:start], state.protect(Slot("math", body=defuse_tex(text[body_start:body_end]), mode=mode))]
        pos = scan = end
    out.append(text[pos:])
    return "".join(out)


def _dollar_end(text: str, start: int, dollars: NextMatch) -> tuple[int | None, int]:
    """(end, end of the formula) of inline math opened by the "$" at `start`, or (None, 0)."""
    after = text[start + 1:start + 2]
    if not after or after.isspace() or text[start - 1:start].isdigit():
        return None, 0
    close = dollars.after(start + 1)
    while close is not None and _escaped(text, close.start()):
        close = dollars.after(close.start() + 1)
    if close is None:
        return None, 0
    at = close.start()
    if at == start + 1 or text[at - 1].isspace() or text[at + 1:at + 2].isdigit():
        return None, 0
    if _NOT_IN_INLINE_MATH.search(text, start, at):
        return None, 0
    return at + 1, at


def _escaped(text: str, at: int) -> bool:
    """An odd number of backslashes before `at`."""
    n = 0
    while at - n > 0 and text[at - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def _environment_ends(text: str) -> dict[int, int]:
    """Start of each \\begin{env} -> end of the \\end{env} that closes it (same environment,
    nested ones counted), found in one pass with a stack per environment name."""
    open_at: dict[str, list[int]] = {}
    ends: dict[int, int] = {}
    for m in _TEX_ENVIRONMENT.finditer(text):
        stack = open_at.setdefault(m.group(2), [])
        if m.group(1) == "begin":
            stack.append(m.start())
        elif stack:
            ends[stack.pop()] = m.end()
    return ends


def _remove_templates(state: State, text: str) -> str:
    """Templates can span lines and paragraphs, so they go before any line is read.

    Braces are paired the way MediaWiki's preprocessor pairs them, in one pass: runs of
    "{" open, runs of "}" close the innermost open run, three braces at a time when both
    sides have three (an {{{argument}}}), else two. Each outermost pair is removed; a
    template (not an argument) is reported by name. A template whose name is empty or
    holds brackets or a line break is none and stays as text, as on the wiki.
    """
    if "{{" not in text:
        return text
    out, pos = [], 0
    for start, end, braces in _outermost(_brace_pairs(text)):
        name = text[start + braces:end - braces].split("|", 1)[0].strip()
        if braces == 2 and (not name or _NOT_IN_NAMES.search(name)):
            continue
        out.append(text[pos:start])
        pos = end
        if braces == 2:
            state.warn(f"unknown template {{{{{name}}}}} removed")
    out.append(text[pos:])
    return "".join(out)


_BRACE_RUN = re.compile(r"\{\{+|\}\}+")
_NOT_IN_NAMES = re.compile(r"[\[\]{}<>\n]")


def _brace_pairs(text: str) -> list[tuple[int, int, int]]:
    """(start, end, 2 or 3) of every matched {{...}} and {{{...}}}, in closing order."""
    stack: list[list[int]] = []  # [start of an opening run, braces still open in it]
    pairs = []
    for m in _BRACE_RUN.finditer(text):
        if m.group(0)[0] == "{":
            stack.append([m.start(), len(m.group(0))])
            continue
        at, left = m.start(), len(m.group(0))
        while left >= 2 and stack:
            top = stack[-1]
            used = 3 if top[1] >= 3 and left >= 3 else 2
            top[1] -= used
            pairs.append((top[0] + top[1], at + used, used))
            at, left = at + used, left - used
            if top[1] < 2:
                stack.pop()
    return pairs


def _outermost(pairs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The pairs no other pair contains, in text order."""
    found: list[tuple[int, int, int]] = []
    for pair in sorted(pairs, key=lambda p: (p[0], -p[1])):
        if not found or pair[0] >= found[-1][1]:
            found.append(pair)
    return found


def template_warning(node) -> str:
    return f"unknown template {{{{{str(node.name).strip()}}}}} removed"


def _protect_refs_and_galleries(state: State, text: str) -> str:
    out: list[str] = []
    pos = scan = 0
    closers = Closers(text)
    while m := _LATER_OPEN.search(text, scan):
        body, end = _tag_body(m, closers)
        if end is None:
            scan = m.start() + 1
            continue
        out += [text[pos:m.start()], _later_slot(state, m.group("tag").lower(), m.group("attrs"), body)]
        pos = scan = end
    out.append(text[pos:])
    return "".join(out)


def _later_slot(state: State, tag: str, attrs: str | None, body: str) -> str:
    if tag == "gallery":
        return state.protect(Slot("gallery", body=body))
    if tag == "references":
        closers = Closers(body)
        scan = 0
        while inner := _LATER_OPEN.search(body, scan):  # named notes defined in the list
            inner_body, end = _tag_body(inner, closers)
            if end is None:
                scan = inner.start() + 1
                continue
            if inner.group("tag").lower() == "ref" and inner_body:
                state.notes.define(attr(inner.group("attrs"), "name"), inner_body)
            scan = end
        return state.protect(Slot("reflist"))
    return state.protect(Slot("ref", body=body, name=attr(attrs, "name")))
