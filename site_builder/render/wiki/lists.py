"""Runs of lines starting with * # ; : -> nested <ul>/<ol>/<dl>, as MediaWiki nests them."""
from __future__ import annotations

import re
from typing import Callable

_PREFIX = re.compile(r"^[*#:;]+")
_LIST_OPEN = {"*": "<ul>", "#": "<ol>", ";": "<dl>", ":": "<dl>"}
_LIST_CLOSE = {"*": "</ul>", "#": "</ol>", ";": "</dl>", ":": "</dl>"}
_ITEM_OPEN = {"*": "<li>", "#": "<li>", ";": "<dt>", ":": "<dd>"}
_ITEM_CLOSE = {"*": "</li>", "#": "</li>", ";": "</dt>", ":": "</dd>"}


def is_list_line(line: str) -> bool:
    return bool(_PREFIX.match(line))


def _same_list(a: str, b: str) -> bool:
    return a == b or (a in ";:" and b in ";:")  # a term and its definitions share a <dl>


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
            lst, item = stack.pop()
            out += [_ITEM_CLOSE[item], _LIST_CLOSE[lst]]
        if common == len(prefix):  # another item at the same depth
            out += [_ITEM_CLOSE[stack[-1][1]], _ITEM_OPEN[prefix[-1]]]
            stack[-1][1] = prefix[-1]
        for ch in prefix[common:]:  # deeper: new lists inside the open item
            out += [_LIST_OPEN[ch], _ITEM_OPEN[ch]]
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
        lst, item = stack.pop()
        out += [_ITEM_CLOSE[item], _LIST_CLOSE[lst]]
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
