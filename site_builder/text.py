"""Characters no output file may hold, and the one function that removes them.

XML 1.0 (feeds, sitemap) cannot hold C0 control characters other than tab,
newline and carriage return, nor U+FFFE/U+FFFF; HTML calls every control
character a parse error; UTF-8 cannot encode a lone surrogate (which YAML's
"\\ud800" escape makes), so one would abort the write of the whole page.
"""
from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_invalid(text: str) -> bool:
    return bool(CONTROL.search(text) or _SURROGATE.search(text))


def clean_text(text: str) -> str:
    """`text` without control characters; surrogate pairs joined, lone surrogates as U+FFFD."""
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return CONTROL.sub("", text)
