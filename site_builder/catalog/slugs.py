"""URL slugs: ASCII, lower case, hyphens; unique within one namespace."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)  # templates slug the same authors and topics on thousands of pages
def slugify(text: str, max_len: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug or "untitled"


# Sub-paths of listing pages (/papers/page/2/, /papers/by-year/): never a paper's slug.
LISTING_SLUGS = frozenset({"page", "by-year", "a-z"})


class SlugSet:
    """Hands out unique slugs; callers must ask in a deterministic order."""

    def __init__(self, reserved: frozenset[str] = frozenset()) -> None:
        self._used: set[str] = set(reserved)

    def take(self, text: str) -> str:
        base = slugify(text)
        slug, n = base, 2
        while slug in self._used:
            slug = f"{base}-{n}"
            n += 1
        self._used.add(slug)
        return slug
