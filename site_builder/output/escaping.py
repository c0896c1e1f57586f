"""The escape a compiled theme template applies to each `{{ value }}`: markupsafe's, minus a copy.

markupsafe.escape(Markup) makes a new Markup of the same text (its `__html__`, then a Python-level
`Markup.__new__`, which copies the string): a page prints a summary's HTML, a partial's and each
macro's output that way. A Markup is already escaped and immutable, so the value itself is the
same answer. A plain string with none of the five characters markupsafe replaces is made a Markup
as it is, without markupsafe's two Python-level calls (most values printed are URLs, titles and
names); anything else goes to markupsafe.escape.
"""
from __future__ import annotations

from typing import Any

from markupsafe import Markup
from markupsafe import escape as _escape


_new = str.__new__


def escape(value: Any) -> Markup:
    kind = type(value)
    if kind is Markup:
        return value
    if kind is str and not ("&" in value or "<" in value or ">" in value or "'" in value or '"' in value):
        return _new(Markup, value)  # what Markup(value) makes of a str
    return _escape(value)
