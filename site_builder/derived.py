"""Values worked out from the whole catalog's metadata, once per full build.

Template globals and link resolvers need a few tables over every paper (the
citation keys, which page a wiki title or arXiv id is, the topics by name). A
text-only edit cannot change them (incremental/delta.py lets through nothing
else), so the command line's incremental build takes them from the session
store instead of loading the whole catalog to make them again. Code that makes
such a table asks for it by name: `derive("citation_keys", lambda: ...)`; a full
build computes it (and `Recorded` keeps it for the store), an incremental one
reads it back (incremental/stored.py). A value computed without `derive` is
still correct there, only slower: it loads every object it reads. A large table
that is only looked up by key (never iterated, never given to a template) is
asked for with `by_key=True`: an incremental build then reads the keys it looks
up, not the whole table.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

T = TypeVar("T")
Derive = Callable[..., Any]  # (name, fn, by_key=False) -> value


def compute(name: str, fn: Callable[[], T], by_key: bool = False) -> T:
    return fn()


class Recorded:
    """A full build's `derive`: computes each value and keeps it, to be saved with the session."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.by_key: set[str] = set()  # names of the tables looked up only by key

    def __call__(self, name: str, fn: Callable[[], T], by_key: bool = False) -> T:
        value = self.values[name] = fn()
        if by_key:
            self.by_key.add(name)
        return value
