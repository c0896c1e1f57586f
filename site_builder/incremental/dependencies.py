"""Reverse indexes over the page cache's recorded steps (output/pagecache.py).

The page cache knows, per page, which steps (an object read, a helper call)
it made. Verifying all of them after a one-summary edit costs seconds at
10,000 summaries; these indexes answer the narrower question an incremental
rebuild asks: which steps mention the objects that changed, and which pages
read those steps.
"""
from __future__ import annotations

from typing import Any, Iterable

from ..output.pages import Page


def mentions(step: tuple) -> set[tuple]:
    """Identities of the catalog objects (and pages) a step reads or passes to a helper."""
    if step[0] == "obj":
        return {step[1]}
    _, ref, args, kwargs = step
    out: set[tuple] = set()
    if ref[0] == "method":
        out.add(ref[1])
    _refs(args, out)
    _refs(kwargs, out)
    return out


def _refs(picture: Any, out: set[tuple]) -> None:
    """Walk a value's picture (World.v): ("ref", key), ("page", path), or containers of them."""
    if not isinstance(picture, tuple) or not picture:
        return
    tag = picture[0]
    if tag == "ref" and len(picture) == 2:
        out.add(picture[1])
        return
    if tag == "page" and len(picture) == 2:
        out.add(("page", picture[1]))
        return
    for part in picture[1:]:
        if isinstance(part, tuple):
            for item in part:
                _refs(item, out)


def page_objects(page: Page, keys: dict[int, tuple]) -> set[tuple]:
    """Identities of the catalog objects in a page's data (top level and lists)."""
    out: set[tuple] = set()
    for value in page.data.values():
        for item in value if isinstance(value, list) else (value,):
            key = keys.get(id(item))
            if key is not None:
                out.add(key)
    return out


class Dependencies:
    """step id -> pages reading it; identity -> steps mentioning it; identity -> pages showing it (in memory:
    the preview server; incremental/stepindex.StoredDeps answers the same from the cache file)."""

    def __init__(self, table: list[tuple[tuple, str]], pages: dict[str, tuple], page_list: Iterable[tuple[str, Page]],
                 keys: dict[int, tuple]) -> None:
        self.table = table
        self.readers: dict[int, set[str]] = {}
        self.by_object: dict[tuple, set[int]] = {}
        self.shown_on: dict[tuple, set[str]] = {}
        self._indexed = 0
        for where, (_, ids) in pages.items():
            self.add_page(where, ids)
        self.index_steps()
        for where, page in page_list:
            self.show(where, page, keys)

    def index_steps(self) -> None:
        """Index the steps appended to the table since the last call."""
        for i in range(self._indexed, len(self.table)):
            for key in mentions(self.table[i][0]):
                self.by_object.setdefault(key, set()).add(i)
        self._indexed = len(self.table)

    def add_page(self, where: str, ids: Iterable[int]) -> None:
        for i in ids:
            self.readers.setdefault(i, set()).add(where)

    def remove_page(self, where: str, ids: Iterable[int]) -> None:
        for i in ids:
            readers = self.readers.get(i)
            if readers is not None:
                readers.discard(where)

    def show(self, where: str, page: Page, keys: dict[int, tuple]) -> None:
        for key in page_objects(page, keys):
            self.shown_on.setdefault(key, set()).add(page.path)

    def steps_of(self, identities: Iterable[tuple]) -> set[int]:
        """Live steps (read by some page) that mention any of `identities`."""
        out: set[int] = set()
        for key in identities:
            out |= self.by_object.get(key, set())
        return {i for i in out if self.readers.get(i)}

    def readers_of(self, steps: Iterable[int]) -> set[str]:
        return set().union(*(self.readers.get(i, ()) for i in steps))

    def pages_showing(self, identities: Iterable[tuple]) -> set[str]:
        """Paths of the pages whose data holds one of `identities`."""
        out: set[str] = set()
        for key in identities:
            out |= self.shown_on.get(key, set())
        return out
