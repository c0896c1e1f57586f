"""Reverse indexes over the page cache's recorded steps (output/pagecache.py).

The page cache knows, per page, which steps (an object read, a helper call)
it made. Verifying all of them after a one-summary edit costs seconds at
10,000 summaries; these indexes answer the narrower question an incremental
rebuild asks: which steps mention the objects that changed, and which pages
read those steps.
"""
from __future__ import annotations

from array import array
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
        # Compact, for the server holds them all its life (a set per step was 200 bytes at least, for
        # 175,000 steps at 10,000 summaries): a step read by one page has that page's name, not a set of it;
        # the steps mentioning an object are an array of their ids, in order.
        self.readers: dict[int, str | set[str]] = {}
        self.by_object: dict[tuple, array] = {}
        self.shown_on: dict[tuple, set[str]] = {}
        self._indexed = 0
        for where, (_, ids) in pages.items():
            self.add_page(where, ids)
        self.index_steps()
        for where, page in page_list:
            self.show(where, page, keys)

    def index_steps(self) -> None:
        """Index the steps appended to the table since the last call."""
        by_object = self.by_object
        for i in range(self._indexed, len(self.table)):
            for key in mentions(self.table[i][0]):
                found = by_object.get(key)
                if found is None:
                    found = by_object[key] = array("I")
                found.append(i)
        self._indexed = len(self.table)

    def add_page(self, where: str, ids: Iterable[int]) -> None:
        readers = self.readers
        for i in ids:
            found = readers.get(i)
            if found is None:
                readers[i] = where
            elif type(found) is str:
                if found != where:
                    readers[i] = {found, where}
            else:
                found.add(where)

    def remove_page(self, where: str, ids: Iterable[int]) -> None:
        readers = self.readers
        for i in ids:
            found = readers.get(i)
            if found is None:
                continue
            if type(found) is str:
                if found == where:
                    del readers[i]
            else:
                found.discard(where)

    def show(self, where: str, page: Page, keys: dict[int, tuple]) -> None:
        for key in page_objects(page, keys):
            self.shown_on.setdefault(key, set()).add(page.path)

    def steps_of(self, identities: Iterable[tuple]) -> set[int]:
        """Live steps (read by some page) that mention any of `identities`."""
        out: set[int] = set()
        for key in identities:
            out.update(self.by_object.get(key, ()))
        return {i for i in out if self.readers.get(i)}

    def readers_of(self, steps: Iterable[int]) -> set[str]:
        out: set[str] = set()
        for i in steps:
            found = self.readers.get(i)
            if type(found) is str:
                out.add(found)
            elif found:
                out |= found
        return out

    def pages_showing(self, identities: Iterable[tuple]) -> set[str]:
        """Paths of the pages whose data holds one of `identities`."""
        out: set[str] = set()
        for key in identities:
            out |= self.shown_on.get(key, set())
        return out
