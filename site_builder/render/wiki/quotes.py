"""Bold and italic apostrophes, the way MediaWiki reads them, and paragraph splitting.

mwparserfromhell only recognises balanced '' and ''' pairs and leaves the rest as
text; MediaWiki instead reads each line with doQuotes, which guesses at odd counts
and closes whatever is open at the end of the line. This is a port of doQuotes that
emits private-use sentinels instead of tags; finish() turns them into <b>/<i> once
the inline HTML is built, closing and reopening them around block elements.
"""
from __future__ import annotations

import re

from .state import BLOCK_END, BLOCK_START, EDGE_END, EDGE_START

B_OPEN, B_CLOSE, I_OPEN, I_CLOSE = "\ue020", "\ue021", "\ue022", "\ue023"
_TAGS = {B_OPEN: "<b>", B_CLOSE: "</b>", I_OPEN: "<i>", I_CLOSE: "</i>"}
_APOSTROPHES = re.compile(r"(''+)")
_TOKENS = re.compile(
    f"({BLOCK_START}.*?{BLOCK_END}|{EDGE_START}.*?{EDGE_END}|[{B_OPEN}{B_CLOSE}{I_OPEN}{I_CLOSE}])", re.S
)
_EMPTY_PAIR = re.compile(r"<(b|i)>(\s*)</\1>")
# The characters every match of _TOKENS starts with: a text without any is one piece.
_ANY_MARK = re.compile(f"[{BLOCK_START}{EDGE_START}{B_OPEN}{B_CLOSE}{I_OPEN}{I_CLOSE}]")


def do_quotes(line: str) -> str:
    """One line of wikitext with its apostrophe markup replaced by sentinels."""
    arr = _APOSTROPHES.split(line)
    if len(arr) == 1:
        return line
    bold = italics = 0
    for i in range(1, len(arr), 2):
        n = len(arr[i])
        if n == 4:  # ''''x'''' is an apostrophe then bold
            arr[i - 1] += "'"
            arr[i], n = "'''", 3
        elif n > 5:  # only the last five count as markup
            arr[i - 1] += "'" * (n - 5)
            arr[i], n = "'''''", 5
        if n == 2:
            italics += 1
        elif n == 3:
            bold += 1
        elif n == 5:
            italics += 1
            bold += 1
    if bold % 2 and italics % 2:
        _demote_one_bold(arr)
    return _convert(arr)


def _demote_one_bold(arr: list[str]) -> None:
    """Odd bold and odd italics: one ''' is probably an apostrophe plus ''."""
    single = multi = space = -1
    for i in range(1, len(arr), 2):
        if len(arr[i]) != 3:
            continue
        before = arr[i - 1]
        x1, x2 = before[-1:], before[-2:-1]
        if x1 == " ":
            if space == -1:
                space = i
        elif x2 == " ":
            single = i  # after a one-letter word: "a l'''x"
            break
        elif multi == -1:
            multi = i
    for choice in (single, multi, space):
        if choice > -1:
            arr[choice] = "''"
            arr[choice - 1] += "'"
            return


def _convert(arr: list[str]) -> str:
    out: list[str] = []
    buffer = ""
    state = ""
    for i, piece in enumerate(arr):
        if i % 2 == 0:
            if state == "both":
                buffer += piece
            else:
                out.append(piece)
            continue
        n = len(piece)
        if n == 2:
            if state == "i":
                out.append(I_CLOSE); state = ""
            elif state == "bi":
                out.append(I_CLOSE); state = "b"
            elif state == "ib":
                out.append(B_CLOSE + I_CLOSE + B_OPEN); state = "b"
            elif state == "both":
                out.append(B_OPEN + I_OPEN + buffer + I_CLOSE); state = "b"
            else:
                out.append(I_OPEN); state += "i"
        elif n == 3:
            if state == "b":
                out.append(B_CLOSE); state = ""
            elif state == "bi":
                out.append(I_CLOSE + B_CLOSE + I_OPEN); state = "i"
            elif state == "ib":
                out.append(B_CLOSE); state = "i"
            elif state == "both":
                out.append(I_OPEN + B_OPEN + buffer + B_CLOSE); state = "i"
            else:
                out.append(B_OPEN); state += "b"
        else:  # five
            if state == "b":
                out.append(B_CLOSE + I_OPEN); state = "i"
            elif state == "i":
                out.append(I_CLOSE + B_OPEN); state = "b"
            elif state == "bi":
                out.append(I_CLOSE + B_CLOSE); state = ""
            elif state == "ib":
                out.append(B_CLOSE + I_CLOSE); state = ""
            elif state == "both":
                out.append(I_OPEN + B_OPEN + buffer + B_CLOSE + I_CLOSE); state = ""
            else:
                buffer, state = "", "both"
    # whatever is still open closes at the end of the line
    if state in ("b", "ib"):
        out.append(B_CLOSE)
    if state in ("i", "bi", "ib"):
        out.append(I_CLOSE)
    if state == "bi":
        out.append(B_CLOSE)
    if state == "both" and buffer:
        out.append(B_OPEN + I_OPEN + buffer + I_CLOSE + B_CLOSE)
    return "".join(out)


def strip_sentinels(text: str) -> str:
    return re.sub(f"[{B_OPEN}{B_CLOSE}{I_OPEN}{I_CLOSE}]", "", text)


def finish(raw: str) -> list[tuple[bool, str]]:
    """Inline HTML with sentinels and block marks -> [(is_block, html), ...].

    Bold/italic still open at a block element, or at the start or end tag of an
    inline element, are closed before it and reopened after it, so the result is
    well nested whatever the apostrophes did ("''a [[x|b'' c]]").
    """
    if _ANY_MARK.search(raw) is None:  # no sentinel and no block or edge mark: _TOKENS would find nothing
        html = _drop_empty_pairs(raw)
        return [(False, html)] if html else []
    pieces: list[tuple[bool, str]] = []
    current: list[str] = []
    open_tags: list[str] = []  # B_OPEN / I_OPEN, innermost last

    def close_all() -> None:
        for tag in reversed(open_tags):
            current.append(_TAGS[B_CLOSE if tag == B_OPEN else I_CLOSE])

    for token in _TOKENS.split(raw):
        if not token:
            continue
        if token[0] == BLOCK_START:
            close_all()
            pieces.append((False, "".join(current)))
            pieces.append((True, token[1:-1]))
            current = [_TAGS[t] for t in open_tags]
        elif token[0] == EDGE_START:
            close_all()
            current.append(token[1:-1])
            current.extend(_TAGS[t] for t in open_tags)
        elif token in (B_OPEN, I_OPEN):
            open_tags.append(token)
            current.append(_TAGS[token])
        elif token in (B_CLOSE, I_CLOSE):
            opener = B_OPEN if token == B_CLOSE else I_OPEN
            if opener not in open_tags:
                continue  # a closer whose opener went elsewhere: drop it
            # close down to the matching tag, then reopen the ones above it
            at = len(open_tags) - 1 - open_tags[::-1].index(opener)
            above = open_tags[at + 1:]
            for tag in reversed(above):
                current.append(_TAGS[B_CLOSE if tag == B_OPEN else I_CLOSE])
            current.append(_TAGS[token])
            del open_tags[at:]
            for tag in above:
                open_tags.append(tag)
                current.append(_TAGS[tag])
        else:
            current.append(token)
    close_all()
    pieces.append((False, "".join(current)))
    result = []
    for is_block, html in pieces:
        if not is_block:
            html = _drop_empty_pairs(html)
            if not html:
                continue
        result.append((is_block, html))
    return result


def _drop_empty_pairs(html: str) -> str:
    if "<b>" not in html and "<i>" not in html:  # what _EMPTY_PAIR needs
        return html
    while True:
        new = _EMPTY_PAIR.sub(r"\2", html)
        if new == html:
            return html
        html = new


def finish_flow(raw: str) -> str:
    """Finished HTML for a place where blocks may sit among inline content (li, td)."""
    return "".join(html for _, html in finish(raw)).strip()
