"""Author name lists as written by bibliographic sources."""
from __future__ import annotations

import re


def parse_authors(line: str) -> list[str]:
    """Split `A and B and C` and turn `Last, First` into `First Last`.

    Both spellings occur on the same site (`He, Kaiming and Zhang, Xiangyu` and
    `Yuxin Wu and Kaiming He`); diacritics are kept as written.
    """
    parts = [p.strip() for p in re.split(r"(?<!\s)\s+and\s+", line.strip()) if p.strip()]
    return [display_name(p) for p in parts]


def display_name(name: str) -> str:
    name = " ".join(name.split())
    if name.count(",") == 1:
        last, first = (s.strip() for s in name.split(","))
        if first and last:
            return f"{first} {last}"
    return name


def last_first(name: str) -> str:
    """`Kaiming He` -> `He, Kaiming` (for sorting and the last-first display option)."""
    parts = name.split()
    if len(parts) < 2:
        return name
    # Keep lower-case particles with the family name: "Aäron van den Oord" -> "van den Oord, Aäron"
    i = len(parts) - 1
    while i > 1 and parts[i - 1][:1].islower():
        i -= 1
    return f"{' '.join(parts[i:])}, {' '.join(parts[:i])}"
