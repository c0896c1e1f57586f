"""URL slugs and every other value that becomes part of an output path.

A slug is ASCII, lower case, words joined by hyphens. Text in other scripts is
transliterated (anyascii: ISC licence, maintained), so 李明 is `li-ming` and
Иван Петров `ivan-petrov`, not `untitled`. Plain ASCII text slugs exactly as it
always did (the regex below), so existing URLs do not move.

A slug must never merge two different things. Where it would lose what tells
two texts apart, it carries a short hash of the text after an underscore:
`C++` is `c_…`, not `c`; 李明 and 黎明 (both `li-ming`) get different hashes.
The hash depends only on the text, never on what else was read or in which
order, and an underscore never occurs in a slug without one, so a hashed slug
can never equal a plain one. Plain means: ASCII letters and digits (Latin
letters with accents count, as their accent-free spelling) separated by spaces
or punctuation that carries no meaning in a name (`. , : ; ! ? ' " ( ) / &`…).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Characters that tell nothing apart when dropped from a name (the rest, such as + # * @ =, do).
_PLAIN_ASCII = re.compile(r"[A-Za-z0-9\s.,:;!?'\"()\[\]{}/&_`-]*")
_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,99}")
_WORD_PER_CHARACTER = ("CJK", "HANGUL")  # scripts whose one character is one word or syllable
HASH_LEN = 8
DEFAULT_MAX_LEN = 80


def _to_ascii(text: str) -> str:
    """ASCII spelling of `text`; ideographs become space-separated syllables ("Li Ming")."""
    if text.isascii():
        return text
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            out.append(ch)
            continue
        spelled = anyascii(ch)
        out.append(f" {spelled} " if unicodedata.name(ch, "").startswith(_WORD_PER_CHARACTER) else spelled)
    return "".join(out)


@lru_cache(maxsize=65536)  # templates slug the same authors and topics on thousands of pages
def slugify(text: str, max_len: int = DEFAULT_MAX_LEN) -> str:
    """The readable slug of `text` (may be shared by different texts: see unique_slug)."""
    slug = _NOT_SLUG.sub("-", _to_ascii(text).lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug or "untitled"


def identity(text: str) -> str:
    """What makes two names the same name: case, width and runs of spaces do not count."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def text_hash(text: str) -> str:
    return hashlib.sha256(identity(text).encode("utf-8", "surrogatepass")).hexdigest()[:HASH_LEN]


def is_plain(text: str) -> bool:
    """True when the slug keeps everything that tells `text` from other texts (module doc)."""
    if text.isascii():
        return bool(_PLAIN_ASCII.fullmatch(text))
    for ch in unicodedata.normalize("NFKD", text):
        if ch.isascii():
            if not _PLAIN_ASCII.fullmatch(ch):
                return False
        elif not (unicodedata.category(ch)[0] in "PZM" or unicodedata.name(ch, "").startswith("LATIN ")):
            return False
    return True


@lru_cache(maxsize=65536)
def unique_slug(text: str, max_len: int = DEFAULT_MAX_LEN) -> str:
    """A slug no different text has: the readable slug, with `_<hash>` when that alone could be shared.

    A pure function of the text, so templates (the `slug` filter) and the catalog agree
    on every taxonomy URL without consulting each other.
    """
    full = _NOT_SLUG.sub("-", _to_ascii(text).lower()).strip("-")
    slug = slugify(text, max_len)
    if full and len(full) <= max_len and is_plain(text):
        return slug
    return f"{slug}_{text_hash(text)}"


def is_safe_segment(value: str) -> bool:
    """True for a value that can be one folder name of a URL as it is: `stat946w18`, `md-3f2a…`.

    Never `.` or `..`, no `/`, no spaces or control characters, at most 100 characters.
    """
    return bool(_SAFE_SEGMENT.fullmatch(value))


def safe_key(value: str) -> str:
    """`value` as one path segment: itself when safe, else its slug and a hash of it (never shared)."""
    if is_safe_segment(value):
        return value
    return f"{slugify(value, 60)}_{text_hash(value)}"


# Sub-paths of listing pages (/papers/page/2/, /papers/by-year/): never a paper's slug.
LISTING_SLUGS = frozenset({"page", "by-year", "a-z"})


def assign_slugs(items: list[tuple[str, str]], reserved: frozenset[str] = frozenset()) -> list[str]:
    """A distinct slug for each (text, tiebreak key), whatever order the items come in.

    The readable slug when nothing else in `items` (or `reserved`) has it and the text is
    plain; otherwise `_<hash>`: of the text, or, for the one of several equal texts that
    does not sort first, of the text and its tiebreak key. Long titles keep their cut slug
    unless another title cuts to the same one.
    """
    candidates = [slugify(text) if is_plain(text) and slugify(text) != "untitled" else unique_slug(text)
                  for text, _ in items]
    groups: dict[str, list[int]] = {}
    for i, slug in enumerate(candidates):
        groups.setdefault(slug, []).append(i)
    out = [""] * len(items)
    used = set(reserved) | set(groups)
    for slug in sorted(groups):
        members = sorted(groups[slug], key=lambda i: (identity(items[i][0]), items[i][1]))
        for n, i in enumerate(members):
            if n == 0 and slug not in reserved:
                out[i] = slug
                continue
            text, key = items[i]
            base = slug.split("_", 1)[0]
            seed = text if n == 0 or identity(text) != identity(items[members[0]][0]) else f"{text}\x00{key}"
            digest = hashlib.sha256(identity(seed).encode("utf-8", "surrogatepass")).hexdigest()
            size = HASH_LEN
            while f"{base}_{digest[:size]}" in used:  # only by a crafted collision: lengthen, never share
                size += 2
            out[i] = f"{base}_{digest[:size]}"
            used.add(out[i])
    return out
