"""`yaml.safe_load` for front matter, through libyaml where it answers the same.

PyYAML's own parser is pure Python and most of the time spent reading Markdown
records (~1 ms a file); libyaml (`CSafeLoader`) is 6x faster. The two do not
agree on every text: libyaml accepts a tab or `?` in places PyYAML rejects and a
byte-order mark inside the text, nests deeper than PyYAML's recursion allows,
and reads a bare `!` tag as "" where PyYAML gives None. So libyaml only gets
text made of the characters below, nested at most _MAX_DEPTH deep; whatever it
raises, and all other text, goes to PyYAML as before, which then gives its own
result, error message and position. (Differential fuzzing of the two found no
other difference on such text.)
"""
from __future__ import annotations

import functools
import re
from typing import Any

import yaml

_CLoader = getattr(yaml, "CSafeLoader", None)  # None when PyYAML was built without libyaml
# Anything but newline, printable ASCII other than "!" and "?", and Unicode other than the
# C1 controls, NBSP, U+2028/U+2029, surrogates and the byte-order mark U+FEFF.
_OTHER_PATTERN = "[^\n\x20\x22-\x3e\x40-\x7e\xa1-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
# The same test for ASCII text, whose pattern compiles a hundred times faster: a command-line
# build that reads one edited record pays the compiling, not the matching.
_OTHER_ASCII = re.compile("[^\n\x20\x22-\x3e\x40-\x7e]")
_MAX_DEPTH = 40


@functools.cache
def _other() -> re.Pattern[str]:
    return re.compile(_OTHER_PATTERN)


def _plain(text: str) -> bool:
    return (_OTHER_ASCII if text.isascii() else _other()).search(text) is None


def safe_load(text: str) -> Any:
    if _CLoader is not None and _plain(text):
        try:
            loader = _CLoader(text)
            try:
                node = loader.get_single_node()
                if node is None:
                    return None
                if _shallow(node):
                    return loader.construct_document(node)
            finally:
                loader.dispose()
        except Exception:  # noqa: BLE001 - PyYAML raises it again below, in its own words
            pass
    return yaml.safe_load(text)


def _shallow(root: yaml.Node) -> bool:
    """No path from the root deeper than _MAX_DEPTH (aliases followed, so cycles are deep)."""
    stack = [(root, 1)]
    budget = 100_000  # aliases can make the paths exponentially many
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if depth > _MAX_DEPTH or budget < 0:
            return False
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
    return True
