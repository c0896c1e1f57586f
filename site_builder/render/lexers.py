"""Pygments lexers by name, looked up once per name.

`get_lexer_by_name` scans Pygments' whole lexer table and builds a new lexer on
every call (about 0.5 ms); a lexer keeps no state between `highlight` calls, so
one instance per name serves every code block of the build.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
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


# The language names code blocks give: Markdown fences, <syntaxhighlight lang=...> / <source lang=...>.
_NAMED = re.compile(r"(?:```|~~~)[ \t]*([\w+#.-]+)|\blang\s*=\s*[\"']?([\w+#.-]+)")


def preload(sources: Iterable[str]) -> None:
    """Look up now every lexer these sources' code blocks name.

    Pygments imports a lexer's module on first use (~0.1 s): a preview server
    does this once after its first build, whose pages were rendered by workers,
    so that its first edit does not pay for it.
    """
    names = set()
    for text in sources:
        for fence, attr in _NAMED.findall(text):
            names.add(fence or attr)
    for name in sorted(names):
        lexer_named(name)
        lexer_named(name.lower())
