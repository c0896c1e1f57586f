"""Searches that never rescan: the building blocks of the linear-time wikitext passes.

A lazy regex body (`<ref>(.*?)</ref>`) searched from every opener rescans the rest
of the text from each opener that is never closed, which is quadratic in the text.
These helpers find each closer once and hand the same answer to every opener that
asks before it.
"""
from __future__ import annotations

import re


class NextMatch:
    """`pattern.search(text, pos)`, remembering the last answer.

    A search from `since` that found its first match at `found` answers every later
    question from a position in [since, found.start()] (nothing matches in between),
    and a search that found nothing answers every question from after `since`. So
    questions asked in increasing order scan the text once. The pattern must match
    the same way whichever position the search starts from (closers such as
    `</ref\\s*>` do).
    """

    def __init__(self, pattern: re.Pattern, text: str):
        self.pattern, self.text = pattern, text
        self.since = len(text) + 1
        self.found: re.Match | None = None

    def after(self, pos: int) -> re.Match | None:
        if self.since <= pos and (self.found is None or self.found.start() >= pos):
            return self.found
        self.since, self.found = pos, self.pattern.search(self.text, pos)
        return self.found


class Closers:
    """The next closing tag of each name (`</ref>`, `</math >`...), case-insensitive."""

    def __init__(self, text: str):
        self.text = text
        self.by_name: dict[str, NextMatch] = {}

    def after(self, name: str, pos: int) -> re.Match | None:
        name = name.lower()
        finder = self.by_name.get(name)
        if finder is None:
            finder = self.by_name[name] = NextMatch(re.compile(rf"</{re.escape(name)}\s*>", re.I), self.text)
        return finder.after(pos)
