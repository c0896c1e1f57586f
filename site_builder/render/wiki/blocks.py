"""The line-by-line pass: headings, rules, lists, tables and paragraphs.

mwparserfromhell gives nodes, not block structure, so lines are grouped here and
each group's inline text goes through inline.render_inline.
"""
from __future__ import annotations

import re
from html import unescape

from ..budget import charge
from . import images, lists, tables
from .inline import render_inline
from .quotes import finish_flow
from .state import State, strip_block_marks

_RULE = re.compile(r"^-{4,}")
_HEADINGS = [(level, re.compile(rf"^={{{level}}}(.+)={{{level}}}\s*$")) for level in range(6, 0, -1)]


def render_blocks(state: State, text: str, *, first_line_plain: bool = False) -> list[str]:
    """Wikitext -> list of block HTML strings.

    first_line_plain: the first line is inline text even if it starts like a list
    (a table cell's text after "|" is on the <td> line and is never a list).
    """
    charge(len(text), "reading wikitext blocks")  # a nested table's lines are read once per level
    out: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.extend(images.paragraph_blocks(state, paragraph))
            paragraph.clear()

    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        plain = first_line_plain and i == 0
        if not line.strip():
            flush()
            i += 1
            continue
        if not plain:
            heading = parse_heading(line)
            if heading:
                flush()
                out.append(render_heading(state, *heading))
                i += 1
                continue
            indent = tables.table_start(line)
            if indent is not None:
                flush()
                end, closed = tables.table_end(lines, i)
                if not closed:
                    opening = " ".join(line.split())[:60]
                    state.warn(f"table opened at line {i + 1} ('{opening}') is not closed by |}}; "
                               "closed at the end of its section")
                html = tables.render_table(
                    lines[i:end], lambda t: render_fragment(state, t),
                    lambda t: "\n".join(render_blocks(state, t)))
                out.append("<dl><dd>" * indent + html + "</dd></dl>" * indent)
                i = end
                continue
            if lists.is_list_line(line):
                flush()
                j = i
                while j < len(lines) and lists.is_list_line(lines[j]):
                    j += 1
                out.append(lists.render_list(lines[i:j], lambda c, k: _list_item(state, c, k)))
                i = j
                continue
            if _RULE.match(line):
                flush()
                out.append("<hr>")
                line = _RULE.sub("", line)
                if not line.strip():
                    i += 1
                    continue
        _display_if_alone(state, line)
        paragraph.append(line)
        i += 1
    flush()
    return out


def render_fragment(state: State, text: str) -> str:
    """A table cell or caption: inline if one line, else blocks with paragraphs."""
    if "\n" not in text.strip():
        return finish_flow(render_inline(state, text.strip()))
    return "\n".join(render_blocks(state, text, first_line_plain=True))


def _list_item(state: State, content: str, kind: str) -> str:
    if kind == ":":  # ":<math>...</math>" is an indented display formula
        _display_if_alone(state, content)
    return finish_flow(render_inline(state, content))


def _display_if_alone(state: State, line: str) -> None:
    """A <math> with nothing else on its line is display math."""
    slot = state.slot_of(line)
    if slot is not None and slot.kind == "math" and slot.mode == "auto":
        slot.mode = "display"


def parse_heading(line: str) -> tuple[int, str] | None:
    """(level, text) as MediaWiki reads "== x ==": the longest matching run of '='."""
    if not line.startswith("="):  # most lines: no pattern can match
        return None
    for level, pattern in _HEADINGS:
        m = pattern.match(line)
        if m:
            return level, m.group(1)
    return None


def render_heading(state: State, level: int, text: str) -> str:
    inner = strip_block_marks(finish_flow(render_inline(state, text.strip())))
    plain = " ".join(unescape(re.sub(r"<[^>]+>", "", inner)).split())
    state.headings.append(plain)
    tag = f"h{min(level + 1, 6)}"  # "=" is h2: the page title is the only h1
    return f'<{tag} id="{state.unique_id(plain)}">{inner}</{tag}>'
