"""Runs of lines starting with * # ; : -> nested <ul>/<ol>/<dl>, as MediaWiki nests them.

One difference from MediaWiki: ":" lines that follow no ";" term are plain
indentation, so they become <div class="indent"> rather than a <dl> without
terms, which HTML does not allow.
"""
from __future__ import annotations

import re
from typing import Callable

_PREFIX = re.compile(r"^[*#:;]+")
_LIST_OPEN = {"*": "<ul>", "#": "<ol>", ";": "<dl>", ":": '<div class="indent">'}
_LIST_CLOSE = {"*": "</ul>", "#": "</ol>", ";": "</dl>", ":": "</div>"}
_ITEM_OPEN = {"*": "<li>", "#": "<li>", ";": "<dt>", ":": "<dd>"}
_ITEM_CLOSE = {"*": "</li>", "#": "</li>", ";": "</dt>", ":": "</dd>"}


def _item_open(lst: str, item: str) -> str:
    return "<div>" if lst == ":" else _ITEM_OPEN[item]


def _item_close(lst: str, item: str) -> str:
    return "</div>" if lst == ":" else _ITEM_CLOSE[item]


def _close(lst: str, item: str) -> list[str]:
    """Close the open item and its list; a <dl> may not end on a term, so a term
    nobody defined (";Bold line" is a common MediaWiki idiom) gets an empty <dd>."""
    tail = ["<dd></dd>"] if lst == ";" and item == ";" else []
    return [_item_close(lst, item), *tail, _LIST_CLOSE[lst]]


def is_list_line(line: str) -> bool:
    return bool(_PREFIX.match(line))


def _same_list(a: str, b: str) -> bool:
    return a == b or (a == ";" and b == ":")  # a term and its definitions share a <dl>


def render_list(lines: list[str], render_item: Callable[[str, str], str]) -> str:
    """render_item(content, kind) -> finished HTML of one item; kind is * # ; or :."""
    out: list[str] = []
    stack: list[list[str]] = []  # [list char, open item char] per level
    for line in lines:
        prefix = _PREFIX.match(line).group(0)
        content = line[len(prefix):]
        common = 0
        while common < min(len(stack), len(prefix)) and _same_list(stack[common][0], prefix[common]):
            common += 1
        while len(stack) > common:
            out += _close(*stack.pop())
        if common == len(prefix):  # another item at the same depth
            out += [_item_close(*stack[-1]), _item_open(stack[-1][0], prefix[-1])]
            stack[-1][1] = prefix[-1]
        for ch in prefix[common:]:  # deeper: new lists inside the open item
            out += [_LIST_OPEN[ch], _item_open(ch, ch)]
            stack.append([ch, ch])
        if prefix[-1] == ";":
            term, definition = split_term(content)
            out.append(render_item(term, ";"))
            if definition is not None:
                out += ["</dt>", "<dd>"]
                stack[-1][1] = ":"
                out.append(render_item(definition, ":"))
        else:
            out.append(render_item(content, prefix[-1]))
    while stack:
        out += _close(*stack.pop())
    return "".join(out)


def split_term(content: str) -> tuple[str, str | None]:
    """";term : definition" on one line: the first colon outside links and URLs."""
    depth = 0
    for i, ch in enumerate(content):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif ch == ":" and depth == 0 and not content[i + 1:i + 3] == "//":
            return content[:i], content[i + 1:]
    return content, None
