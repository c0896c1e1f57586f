"""Results of slow, pure conversions inside a summary's rendering, kept in the build cache between builds.

Highlighting a code block compiles a Pygments lexer's hundred regular
expressions, and turning a formula into text loads pylatexenc: a command-line
build that re-renders one edited summary spent more time on those (once per
process) than on the summary. The code blocks and formulas of an edited summary
are mostly the ones it had before, so `remembered` gives what the conversion
gave last time when the build cache holds it (table `memo`, keyed by a digest
of the conversion's kind, the library's version and its input), and only then
converts. render_catalog keeps the entries of each rendered summary with it
(`out["memo"]`), so they live as long as the summary's rendering does.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from ..cache import digest

_LOOKUP: list[Callable[[str], str | None]] = []  # the build cache's table, while render_catalog runs
_USED: dict[str, str] = {}  # key -> result of the conversions made or found since `start()`
_COLLECTING: list[bool] = [False]


def remembered(kind: str, parts: tuple[str, ...], make: Callable[[], str]) -> str:
    """`make()`, or what it gave before for the same `kind` and `parts`."""
    if not _LOOKUP and not _COLLECTING[0]:
        return make()
    key = _key(kind, parts) if sum(map(len, parts)) <= MAX_KEPT_KEY else digest(kind, *parts)
    value = _USED.get(key)
    if value is None and _LOOKUP:
        value = _LOOKUP[-1](key)
    if value is None:
        value = make()
    if _COLLECTING[0]:
        _USED[key] = value
    return value


MAX_KEPT_KEY = 2048  # characters of parts whose key is kept (8,192 of them at most: a few MB)


@lru_cache(maxsize=8192)  # a summary's formulas recur in it and across summaries: one digest each per process
def _key(kind: str, parts: tuple[str, ...]) -> str:
    return digest(kind, *parts)


def remembering(lookup: Callable[[str], str | None]) -> None:
    """Take results from `lookup` (until `forget()`)."""
    _LOOKUP.append(lookup)


def forget() -> None:
    _LOOKUP.pop()


def start() -> None:
    _USED.clear()
    _COLLECTING[0] = True


def used() -> dict[str, str]:
    """The results made or found since `start()`: key -> value (and collecting stops)."""
    _COLLECTING[0] = False
    found = dict(_USED)
    _USED.clear()
    return found
