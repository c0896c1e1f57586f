"""Pygments lexers by name, looked up once per name; and highlighted code, remembered between builds.

`get_lexer_by_name` scans Pygments' whole lexer table and builds a new lexer on
every call (about 0.5 ms); a lexer keeps no state between `highlight` calls, so
one instance per name serves every code block of the build.

Making a lexer compiles its token rules, a hundred regular expressions for
Python, so `highlighted` gives the HTML of a code block from the build cache
when the same code was highlighted before (render/memo.py), and only then asks
Pygments; `has_lexer` answers without making a lexer.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from pygments import __version__ as _PYGMENTS

from .memo import remembered

if TYPE_CHECKING:
    from pygments.lexer import Lexer

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


# Highlighted code blocks made by this process, newest last: the same snippet in several summaries
# (a course's boilerplate, a site's repeated example) goes through Pygments once per worker.
_MADE: OrderedDict[tuple[str, str, str], str] = OrderedDict()
MAX_MADE = 1024
MAX_KEPT_CODE = 4096  # characters: longer code is highlighted each time (the memory stays small)


def highlighted(kind: str, lang: str, code: str, make: Callable[[], str]) -> str:
    """What `make()` gives for this code (`kind` names the caller and its formatter), remembered
    between builds (render/memo.py) and within this process."""
    return remembered(kind, (_PYGMENTS, lang, code), lambda: _made_once((kind, lang, code), make))


def _made_once(key: tuple[str, str, str], make: Callable[[], str]) -> str:
    if len(key[2]) > MAX_KEPT_CODE:
        return make()
    html = _MADE.get(key)
    if html is None:
        html = _MADE[key] = make()
        if len(_MADE) > MAX_MADE:
            _MADE.popitem(last=False)
    else:
        _MADE.move_to_end(key)
    return html
