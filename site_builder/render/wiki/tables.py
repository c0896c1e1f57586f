"""{| ... |} tables -> <table>; attributes are thrown away, except a cell's colspan and
rowspan when they are whole numbers from 1 to MAX_SPAN (the table's shape is content)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

_HEADING = re.compile(r"^=.+=\s*$")
# "width=60 style='x' nowrap" before a single | in a cell: attributes, not content
_ATTRS = re.compile(r"""^\s*(?:[A-Za-z_:][-\w:.]*\s*(?:=\s*(?:"[^"]*"|'[^']*'|[^\s"'|]+))?\s*)*$""")


_SPAN = re.compile(r"""(?:^|\s)(colspan|rowspan)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""", re.I)
MAX_SPAN = 1000


@dataclass
class _Cell:
    """One table cell."""

    header: bool
    lines: list[str]
    spans: str = ""  # ' colspan="2"' and/or ' rowspan="3"', ready for the tag


@dataclass
class _Table:
    """One table being rendered."""

    caption: list[str] | None = None
    rows: list[list[_Cell]] = field(default_factory=list)
    before: list[str] = field(default_factory=list)  # stray text ahead of any cell


def table_start(line: str) -> int | None:
    """Indent depth (leading ':') if the line opens a table, else None."""
    m = re.match(r"^(:*)\s*\{\|", line)
    return len(m.group(1)) if m else None


def table_end(lines: list[str], start: int) -> tuple[int, bool]:
    """(index after the table, closed?). An unclosed table stops at the next heading."""
    depth = 0
    for j in range(start, len(lines)):
        s = lines[j].strip().lstrip(":") if j == start else lines[j].strip()
        if s.startswith("{|"):
            depth += 1
        elif s.startswith("|}"):
            depth -= 1
            if depth == 0:
                return j + 1, True
        elif j > start and _HEADING.match(lines[j]):
            return j, False
    return len(lines), False


def split_attrs(cell: str) -> str:
    """Cell text without a leading 'attributes|' part."""
    return cell_parts(cell)[0]


def cell_parts(cell: str) -> tuple[str, str]:
    """(cell text, its safe spans as tag attributes) of 'attributes|text' or 'text'."""
    before, bar, after = cell.partition("|")
    if bar and "[[" not in before and _ATTRS.match(before):
        return after, _spans(before)
    return cell, ""


def _spans(attrs: str) -> str:
    found = {}
    for m in _SPAN.finditer(attrs):
        value = next(v for v in m.groups()[1:] if v is not None).strip()
        if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_SPAN:
            found.setdefault(m.group(1).lower(), int(value))
    return "".join(f' {name}="{found[name]}"' for name in ("colspan", "rowspan") if name in found)


def parse(lines: list[str]) -> _Table:
    table = _Table()
    row: list[_Cell] | None = None
    target: list[str] | None = None  # where continuation lines go
    nested = 0  # depth of a table inside the current cell
    wrappers = 0  # "{|" lines directly inside an empty table (see below)
    for line in lines[1:]:
        s = line.strip()
        if nested:
            target.append(line)
            nested += s.startswith("{|") - s.startswith("|}")
            continue
        if s.startswith("{|"):
            if not table.rows and target is None and table.caption is None:
                # A table opened inside a table that has nothing yet: the outer one is
                # an empty wrapper left by an editor, so read on as the same table.
                wrappers += 1
                continue
            if target is None or target is table.caption:
                row = _new_row(table, row)
                row.append(_Cell(False, []))
                target = row[-1].lines
            target.append(line)
            nested = 1
        elif s.startswith("|}"):
            if not wrappers:
                break
            wrappers -= 1
        elif s.startswith("|-"):
            row, target = None, None
            table.rows.append([])
            row = table.rows[-1]
        elif s.startswith("|+"):
            table.caption = [split_attrs(s[2:])]
            target = table.caption
        elif s.startswith(("|", "!")):
            header = s[0] == "!"
            row = _new_row(table, row)
            parts = re.split(r"!!|\|\|", s[1:]) if header else s[1:].split("||")
            for part in parts:
                text, spans = cell_parts(part)
                row.append(_Cell(header, [text], spans))
            target = row[-1].lines
        elif target is not None:
            target.append(line)
        elif s:
            table.before.append(line)
    return table


def _new_row(table: _Table, row):
    if row is None:
        table.rows.append([])
        row = table.rows[-1]
    return row


def render_table(lines: list[str], fragment: Callable[[str], str], before: Callable[[str], str]) -> str:
    """fragment(cell wikitext) -> HTML for a cell; before(text) -> HTML for stray text."""
    table = parse(lines)
    out = []
    if table.before:
        out.append(before("\n".join(table.before)))
    html = ["<table>"]
    if table.caption is not None:
        html.append(f"<caption>{fragment(chr(10).join(table.caption))}</caption>")
    html.append("<tbody>")
    for row in table.rows:
        if not row:
            continue
        cells = []
        for cell in row:
            tag = "th" if cell.header else "td"
            cells.append(f"<{tag}{cell.spans}>{fragment(chr(10).join(cell.lines))}</{tag}>")
        html.append("<tr>" + "".join(cells) + "</tr>")
    html.append("</tbody></table>")
    out.append('<div class="table-wrap">' + "\n".join(html) + "</div>")
    return "\n".join(out)
