"""The reference tables shipped with the package (site_builder/catalog/data/*.yaml), loaded once."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).with_name("data")
# Characters: a longer "reference" is a paragraph. Here, not in citations.py, because selfcite.py
# cuts the text into units by it before it knows whether any unit needs citations' parser.
MAX_REFERENCE = 2000


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    # libyaml where it is there (these are our own files: it reads them as PyYAML does, ten times faster)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((DATA / f"{name}.yaml").read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe


_NOT_WORD = re.compile(r"[\W_]+")


def words(text: str) -> str:
    """Lower case, every run of non-alphanumerics one space, padded: ' neural information processing '."""
    return " " + _NOT_WORD.sub(" ", text.lower()).strip() + " "


@lru_cache(maxsize=1)
def _venue_phrases() -> list[tuple[str, str]]:
    phrases = []
    for v in load("venues")["venues"]:
        for alias in v["aliases"]:
            phrases.append((words(alias), v["name"]))
    return sorted(phrases, key=lambda p: -len(p[0]))


def canonical_venue(text: str) -> str | None:
    """The short name of the venue `text` names (`In Advances in neural information processing
    systems, pp. 1-9` -> `NeurIPS`), or None. A workshop is not its conference."""
    w = words(text)
    if " workshop" in w:
        return None
    for phrase, name in _venue_phrases():
        if phrase in w:
            return name
    return None
