"""Pygments lexers by name, looked up once per name.

`get_lexer_by_name` scans Pygments' whole lexer table and builds a new lexer on
every call (about 0.5 ms); a lexer keeps no state between `highlight` calls, so
one instance per name serves every code block of the build.
"""
from __future__ import annotations

from functools import lru_cache

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound


@lru_cache(maxsize=None)
def lexer_named(name: str) -> Lexer | None:
    """The lexer Pygments has for `name` (an alias such as "python"), or None."""
    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None
