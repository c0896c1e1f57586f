"""Pygments lexers by name, looked up once per name; and highlighted code, remembered between builds.

`get_lexer_by_name` scans Pygments' whole lexer table and builds a new lexer on
every call (about 0.5 ms); a lexer keeps no state between `highlight` calls, so
one instance per name serves every code block of the build.

Making a lexer compiles its token rules, a hundred regular expressions for
Python: a command-line build that re-renders one edited summary spent more time
there than on the summary. So `highlighted` gives the HTML of a code block from
the build cache when the same code was highlighted before (render_catalog keeps
the entries with the summaries that use them), and only then asks Pygments.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from pygments import __version__ as _PYGMENTS

from ..cache import digest

if TYPE_CHECKING:
    from pygments.lexer import Lexer

_LOOKUP: list[Callable[[str], str | None]] = []  # the build cache's entries, while render_catalog runs
_USED: dict[str, str] = {}  # key -> HTML of the code blocks highlighted since `start()`


@lru_cache(maxsize=None)
def lexer_named(name: str) -> Lexer | None:
    """The lexer Pygments has for `name` (an alias such as "python"), or None."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


@lru_cache(maxsize=None)
def has_lexer(name: str) -> bool:
    """Whether Pygments has a lexer for `name`, without making one."""
    from pygments.lexers import find_lexer_class_by_name
    from pygments.util import ClassNotFound

    try:
        find_lexer_class_by_name(name)
    except ClassNotFound:
        return False
    return True


def highlighted(kind: str, lang: str, code: str, make: Callable[[], str]) -> str:
    """What `make()` gives for this code (`kind` names the caller and its formatter): remembered."""
    key = digest(_PYGMENTS, kind, lang, code)
    html = _USED.get(key)
    if html is None and _LOOKUP:
        html = _LOOKUP[-1](key)
    if html is None:
        html = make()
    _USED[key] = html
    return html


def remembering(lookup: Callable[[str], str | None]) -> None:
    """Take highlighted code from `lookup` (until `forget()`)."""
    _LOOKUP.append(lookup)


def forget() -> None:
    _LOOKUP.pop()


def start() -> None:
    _USED.clear()


def used() -> dict[str, str]:
    """The code blocks highlighted since `start()`: key -> HTML."""
    return dict(_USED)
