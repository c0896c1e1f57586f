"""Who presented a statwiki summary: its `= Presented by =` section and the course table's Name cell.

On a course wiki the students who present a paper write its page; the account whose
edits were scraped is often someone else (a TA importing pages). So the presenters are
the summary's credit, and the wiki account is only its last editor.
"""
from __future__ import annotations

import re

from .names import person_name, same_person, tidy_case

# "= Presented by =", "== Presenters ==", "=Team members:=" ... (a heading on its own line)
# (Character classes that cannot overlap, so a failed try costs one pass over its line.)
_HEADING = re.compile(
    r"^=+[ \t']*(?:presented[ \t]+by|presenters?|presentation[ \t]+by|summary[ \t]+by|"
    r"summari[sz]ed[ \t]+by|written[ \t]+by|authors?[ \t]+of[ \t]+(?:the|this)[ \t]+summary|"
    r"group[ \t]+members?|team[ \t]+members?|contributors?)[ \t:']*=+[ \t]*$",
    re.I | re.M)
# "'''Presented by:''' Ada Byron" on a line of its own, outside a heading
_INLINE = re.compile(r"^[ \t']*(?:presented[ \t]+by|presenters?[ \t']*:)[ \t:']*(\S[^\n]*)$", re.I | re.M)
_NEXT_HEADING = re.compile(r"^=", re.M)
_LINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]|]*)\]\]|\[https?://[^\s\[\]]+[ \t]+([^\]\[]*)\]")  # no "[" inside: no rescans
_MARKUP = re.compile(r"'{2,}|<[^>\n]{0,200}>")
_LIST_MARK = re.compile(r"^[ \t]*(?:[#*:;-]+|\d{1,2}[.)])[ \t]*")
MAX_PEOPLE = 8  # a longer "list" is prose, not a list of presenters
MAX_NAME_WORDS = 6
MAX_LINE = 300  # characters; a longer line is prose


def page_presenters(wikitext: str) -> list[str]:
    """Names from the page's own presenters section (or `Presented by:` line), normalised."""
    head = _HEADING.search(wikitext)
    if head:
        nxt = _NEXT_HEADING.search(wikitext, head.end())
        block = wikitext[head.end(): nxt.start() if nxt else len(wikitext)]
        lines = block.splitlines()
    else:
        inline = _INLINE.search(wikitext[:20_000])
        if not inline:
            return []
        lines = [inline.group(1)]
    names: list[str] = []
    for line in lines:
        if len(line) > MAX_LINE:
            return []
        names += split_people(line)
        if len(names) > MAX_PEOPLE:
            return []
    return names


def split_people(text: str) -> list[str]:
    """`Ada Byron, Alan Turing & Grace Hopper` -> three names; `Yang, Tong(Richard)` -> one (family name first)."""
    text = _LINK.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = _MARKUP.sub("", text)
    text = _LIST_MARK.sub("", text).strip()
    if not text:
        return []
    # split, then strip: "\s*" around the separators retried a run of spaces from each of them
    parts = [p.strip() for p in re.split(r";|&|\band\b|\n", text) if p.strip()]
    names: list[str] = []
    for part in parts:
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        # One comma between two single words is "Family, Given" (statwiki pages write "Yang, Tong")
        if len(pieces) == 2 and all(len(re.sub(r"\([^)]*\)", "", p).split()) == 1 for p in pieces):
            pieces = [part]
        for p in pieces:
            if len(p.split()) > MAX_NAME_WORDS or not re.search(r"[^\W\d_]", p):
                return []  # a sentence, not a name
            # "Family, Given" is turned round; "Given Family" is kept as typed (only its case tidied)
            name = person_name(p) if "," in p else tidy_case(" ".join(p.split()))
            if name:
                names.append(name)
    return names


def merge_presenters(table: list[str], page: list[str]) -> list[str]:
    """The course table's names, then any the page adds; the same person once (the table's spelling)."""
    out = list(table)
    for name in page:
        if not any(same_person(name, other) for other in out):
            out.append(name)
    return out
