"""mwparserfromhell on a leash: openers that cannot be closed are made plain text first.

mwparserfromhell's tokenizer reads an opener (`[[`, `[http://`, `<span>`, `{{`) by
trying to parse up to its closer and, when there is none, backtracks and reads it as
text; the next opener then tries the rest of the text again. On text with many
openers that never close this is quadratic, with a large constant (`<a ` repeated:
two and a half minutes for 40 KB). Whether an opener can close is a question one
pass over the text answers, so before parsing:

- a `<name` with no `>` before the next `<` cannot be a tag: its `<` becomes plain;
- tags are paired by name with a stack (`</span>` closes the nearest open `<span>`);
  an open tag left without a partner becomes text, or disappears if it is one of the
  tags the renderer drops when stray (inline.STRAY_TAG), exactly as it would after
  parsing; void and self-closing tags need no partner;
- `[[`/`]]` and `[` + URL/`]` are paired with one stack; an opener left without a
  partner gets a plain `[`;
- every `{{` left by the template pass (protect.py) is unmatched or no template:
  its braces become plain; so does a `{|` or `=` that starts the text (a table or a
  heading would be tried there, and the line-by-line pass has already said it is none).

"Plain" is a private-use stand-in (state.PLAIN_*) that mwparserfromhell reads as an
ordinary character and the renderer turns back (state.PLAIN_BACK), so the page shows
the same text. (HTML entities would do too, but cost mwparserfromhell a node each.)
What remains for mwparserfromhell are constructs whose closer exists; their parse
costs about the sum of their lengths (nested ones count once per level), which is
charged to the summary's work budget before parsing (budget.py) — deep nesting, the
one way left to make the parse super-linear, runs out of budget instead.
"""
from __future__ import annotations

import re

import mwparserfromhell
from mwparserfromhell.definitions import SINGLE, URI_SCHEMES
from mwparserfromhell.nodes import Text
from mwparserfromhell.smart_list import SmartList
from mwparserfromhell.wikicode import Wikicode

from ..budget import charge
from .state import PLAIN_BRACE, PLAIN_BRACKET, PLAIN_EQUALS, PLAIN_LT

_SCHEMES = "|".join(
    sorted((re.escape(s) + (":(?://)" if slashes else ":") for s, slashes in URI_SCHEMES.items()), key=len, reverse=True))
# "[[" before a URL (or "[" and a URL) is "[" + an external link, as mwparserfromhell reads it.
_BRACKETS = re.compile(rf"\[\[(?!\[?(?://|{_SCHEMES}))|\]|\[(?=//|(?:{_SCHEMES}))", re.I)
_TITLE_END = re.compile(r"[|<>\[\]{}]")  # the first of these ends a link's title, or makes it invalid
_TAG_START = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
_NEEDS_NO_PARTNER = frozenset(SINGLE)  # br, hr, img..., and li, td... which may stay open
_DOUBLE_BRACE = re.compile(r"\{(?=\{)|(?<=\{)\{")


# The characters mwparserfromhell's tokenizer stops at (its Tokenizer.regex; its C tokenizer also ends
# the text at a NUL): text without any is one text node.
_TOKENIZER_MARKERS = re.compile(r"[{}\[\]<>|=&'#*;:/\\\"\-!\n\x00]")


def parse(text: str, stray_tag: re.Pattern) -> mwparserfromhell.wikicode.Wikicode:
    """mwparserfromhell.parse (style tags skipped) of `text` made safe to parse, its cost charged.

    Most paragraphs of prose hold no character the tokenizer stops at: their one text node is
    made here, without the parser's set-up (tests/render/test_fast_paths.py compares the two)."""
    safe, cost = prepare(text, stray_tag)
    charge(cost, "parsing wikitext")
    if _TOKENIZER_MARKERS.search(safe) is None:
        return Wikicode(SmartList([Text(safe)] if safe else []))
    return mwparserfromhell.parse(safe, skip_style_tags=True)


def prepare(text: str, stray_tag: re.Pattern) -> tuple[str, int]:
    """(`text` with its unclosable openers made plain, the parse's estimated work)."""
    if not any(c in text for c in "<[{") and not text.startswith("="):
        return text, len(text)
    edits: dict[int, tuple[int, str]] = {}  # position -> (characters replaced, replacement)
    spans = _tags(text, edits, stray_tag) + _links(text, edits)
    if "{{" in text:
        for m in _DOUBLE_BRACE.finditer(text):
            edits[m.start()] = (1, PLAIN_BRACE)
    if text.startswith("{|"):
        edits[0] = (1, PLAIN_BRACE)
    elif text.startswith("="):
        edits[0] = (1, PLAIN_EQUALS)
    out, pos = [], 0
    for at in sorted(edits):
        if at < pos:
            continue
        width, replacement = edits[at]
        out += [text[pos:at], replacement]
        pos = at + width
    out.append(text[pos:])
    return "".join(out), len(text) + spans


def _tags(text: str, edits: dict[int, tuple[int, str]], stray_tag: re.Pattern) -> int:
    """Pair the tags; unpaired openers go to `edits`. Returns the paired spans' total length."""
    open_tags: dict[str, list[tuple[int, int]]] = {}  # name -> [(start, end of the open tag)]
    spans = 0
    none = len(text)  # "not found": every later search would fail too, so it is kept
    next_lt = next_gt = -1
    for m in _TAG_START.finditer(text):
        if next_gt < m.end():
            found = text.find(">", m.end())
            next_gt = none if found < 0 else found
        if next_lt <= m.start():
            found = text.find("<", m.start() + 1)
            next_lt = none if found < 0 else found
        if next_gt == none or next_lt < next_gt:  # no ">" before the next "<": not a tag
            edits[m.start()] = (1, PLAIN_LT)
            continue
        closing, name = m.group(1) == "/", m.group(2).lower()
        if closing:
            stack = open_tags.get(name)
            if stack:
                start, _ = stack.pop()
                spans += next_gt + 1 - start
        elif text[next_gt - 1] != "/" and name not in _NEEDS_NO_PARTNER:
            open_tags.setdefault(name, []).append((m.start(), next_gt + 1))
    for stack in open_tags.values():
        for start, end in stack:
            edits[start] = (end - start, "") if stray_tag.fullmatch(text, start, end) else (1, PLAIN_LT)
    return spans


def _links(text: str, edits: dict[int, tuple[int, str]]) -> int:
    """Pair [[...]] and [url ...] as mwparserfromhell does; unpaired openers go to `edits`.
    Returns the paired spans' total length.

    An external link's text may hold [[links]] but no other [url: there "[url" is text,
    and its "]" ends whatever [[link]] is open inside it. A [[link]]'s title ends at "|"
    (then its text may hold anything but "]]") or at its "]]"; a title that meets a
    bracket or "<", ">" first is no link, so the "]" is read again by what is open around it.
    """
    stack: list[tuple[int, int, int]] = []  # (position, 2 for "[[" or 1 for "[url", where its title ends)
    unpaired: list[tuple[int, int, int]] = []
    inside: dict[int, list[int]] = {}  # [url ... openers read as text inside an open [url
    urls_open = 0  # [url ... entries on the stack
    spans = 0
    pos = 0
    while m := _BRACKETS.search(text, pos):
        token, pos = m.group(0), m.end()
        if token == "[[":
            title_end = _TITLE_END.search(text, pos)
            stack.append((m.start(), 2, title_end.start() if title_end else len(text)))
            continue
        if token != "]":
            if stack and stack[-1][1] == 1:  # text inside [url ...]; plain too if that never closes
                inside.setdefault(stack[-1][0], []).append(m.start())
            else:
                stack.append((m.start(), 1, 0))
                urls_open += 1
            continue
        while stack:
            start, kind, title_end = stack[-1]
            double = text.startswith("]]", m.start())
            if kind == 1:  # "]" ends the innermost [url ...]
                spans += m.end() - stack.pop()[0]
                urls_open -= 1
            elif text[title_end:title_end + 1] == "|" and title_end < m.start():  # in the link's text
                if double:
                    stack.pop()
                    pos = m.end() + 1
                    spans += pos - start
                elif urls_open:  # a "]" inside [url ...] ends it, and this link
                    unpaired.append(stack.pop())
                    continue
            elif title_end == m.start() and double:
                stack.pop()
                pos = m.end() + 1
                spans += pos - start
            else:  # the title met a bracket or "<", ">": no link
                unpaired.append(stack.pop())
                continue
            break
    for start, width, _ in stack + unpaired:
        # "[[x" keeps its second "[" (plain text now) unless a third one follows it
        width = 2 if width == 2 and text.startswith("[", start + 2) else 1
        edits[start] = (width, PLAIN_BRACKET * width)
        for inner in inside.get(start, ()):  # no "]" follows an unclosed [url: nor these
            edits[inner] = (1, PLAIN_BRACKET)
    return spans
