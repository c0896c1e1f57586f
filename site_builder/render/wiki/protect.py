"""Swap the regions no wiki rule may touch for placeholders, before any rule runs.

Order matters: comments, <nowiki>, <pre>, code and <math> are found in one
left-to-right scan (whichever starts first wins, as in MediaWiki's preprocessor);
then TeX written bare in the text (\\begin{align}..., $$...$$); then templates are
cut out of what is left; last come <gallery> and <ref>, whose bodies already have
their math protected.
"""
from __future__ import annotations

import re

import mwparserfromhell

from ..html import defuse_tex
from .state import Slot, State

_VERBATIM = re.compile(
    r"(?P<comment><!--.*?(?:-->|\Z))"
    r"|<center\s*>\s*<math(?P<cattrs>\s[^>]*)?>(?P<ctex>(?:(?!</math).)*?)</math\s*>\s*</center\s*>"
    r"|<(?P<tag>nowiki|pre|math|syntaxhighlight|source)(?P<attrs>\s[^>]*?)?(?:/>|>(?P<body>.*?)</(?P=tag)\s*>)",
    re.I | re.S,
)
_UNCLOSED_MATH = re.compile(r"<math(\s[^>]*)?>(.*?)(?=\n\s*\n|\Z)", re.I | re.S)
_TEX_START = re.compile(r"\\begin\{([A-Za-z]+\*?)\}|\$\$")
_LATER = re.compile(
    r"<(?P<tag>gallery|references|ref)(?P<attrs>\s[^>]*?)?(?:/>|>(?P<body>.*?)</(?P=tag)\s*>)",
    re.I | re.S,
)
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
    m = re.search(rf"\b{name}\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s/>]+))", attrs or "", re.I)
    return next((g for g in m.groups() if g is not None), None) if m else None


def has_flag(attrs: str | None, name: str) -> bool:
    return re.search(rf"(?:^|\s){name}(?:\s|=|$)", attrs or "", re.I) is not None


def _math_slot(tex: str, attrs: str | None, mode: str = "auto") -> Slot:
    display = (attr(attrs, "display") or "").lower()
    if display in ("block", "inline"):
        mode = "display" if display == "block" else "inline"
    return Slot("math", body=defuse_tex(tex), mode=mode)


def _protect_verbatim(state: State, text: str) -> str:
    def replace(m: re.Match) -> str:
        if m.group("comment") is not None:
            return ""
        if m.group("ctex") is not None:  # <center><math>..</math></center>
            return state.protect(_math_slot(m.group("ctex"), m.group("cattrs"), "display"))
        tag, attrs, body = m.group("tag").lower(), m.group("attrs"), m.group("body") or ""
        if tag == "math":
            return state.protect(_math_slot(body, attrs))
        if tag in ("syntaxhighlight", "source"):
            lang = attr(attrs, "lang") or attr(attrs, "language") or ""
            return state.protect(Slot("code", body=body, lang=lang, inline=has_flag(attrs, "inline")))
        return state.protect(Slot(tag, body=body))

    text = _VERBATIM.sub(replace, text)

    def unclosed(m: re.Match) -> str:
        state.warn("<math> not closed by </math>; closed at the end of the paragraph")
        return state.protect(_math_slot(m.group(2), m.group(1)))

    return _UNCLOSED_MATH.sub(unclosed, text)


def _protect_bare_tex(state: State, text: str) -> str:
    """\\begin{env}...\\end{env} and $$...$$ written straight into the wikitext."""
    out, pos = [], 0
    while True:
        m = _TEX_START.search(text, pos)
        if not m:
            break
        end = _tex_end(text, m)
        if end is None:  # never closed: leave it as text
            out.append(text[pos:m.end()])
            pos = m.end()
            continue
        out.append(text[pos:m.start()])
        tex = text[m.start():end]
        if tex.startswith("$$"):
            tex = tex[2:-2]
        out.append(state.protect(Slot("math", body=defuse_tex(tex), mode="display")))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _tex_end(text: str, m: re.Match) -> int | None:
    if m.group(0) == "$$":
        close = text.find("$$", m.end())
        return None if close < 0 else close + 2
    env = re.escape(m.group(1))
    depth = 1
    for tok in re.finditer(rf"\\(begin|end)\{{{env}\}}", text[m.end():]):
        depth += 1 if tok.group(1) == "begin" else -1
        if depth == 0:
            return m.end() + tok.end()
    return None


def _remove_templates(state: State, text: str) -> str:
    """Templates can span lines and paragraphs, so they go before any line is read."""
    if "{{" not in text:
        return text
    code = mwparserfromhell.parse(text)
    for node in code.filter(recursive=True, forcetype=(
            mwparserfromhell.nodes.Template, mwparserfromhell.nodes.Argument)):
        try:
            code.remove(node)
        except ValueError:
            continue  # inside a template removed already
        if isinstance(node, mwparserfromhell.nodes.Template):
            state.warn(template_warning(node))
    return str(code)


def template_warning(node) -> str:
    return f"unknown template {{{{{str(node.name).strip()}}}}} removed"


def _protect_refs_and_galleries(state: State, text: str) -> str:
    def replace(m: re.Match) -> str:
        tag, attrs, body = m.group("tag").lower(), m.group("attrs"), m.group("body")
        if tag == "gallery":
            return state.protect(Slot("gallery", body=body or ""))
        if tag == "references":
            for inner in _LATER.finditer(body or ""):  # named notes defined in the list
                if inner.group("tag").lower() == "ref" and inner.group("body"):
                    state.notes.define(attr(inner.group("attrs"), "name"), inner.group("body"))
            return state.protect(Slot("reflist"))
        return state.protect(Slot("ref", body=body or "", name=attr(attrs, "name")))

    return _LATER.sub(replace, text)
