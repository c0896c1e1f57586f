"""Parse one reference string (a bibliography entry) when the cited paper's title is known.

Summaries cite their own paper in every style: APA (`Zaheer, M., Kottur, S., & Smola, A. J.
(2017). Deep sets. In ...`), IEEE (`S. Sabour, N. Frosst, and G. E. Hinton, "Dynamic routing
between capsules," arXiv preprint arXiv:1710.09829, 2017`), GB/T and Vancouver (`Tran D, Blei D M.
Title[J]. arXiv preprint arXiv:1710.10742, 2017.`), Chicago/MLA (`Duan, Yan, Marcin Andrychowicz,
and ... "Title." In Advances in ..., 2017.`), plain (`Ilya Tolstikhin, Olivier Bousquet. Title,
2017`). Knowing the title is what makes them tractable: it is found in the string
(fuzzily, with rapidfuzz), everything before it is the author list and everything after it the
venue, year and identifiers. General-purpose reference parsers have to guess where the title is
and get it wrong in most of these styles (see benchmarks/identity_report.py).

Every step is a single pass or a bounded regular expression: the work is linear in the string,
and strings longer than MAX_REFERENCE are not parsed at all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..readers.names import person_name
from .tables import MAX_REFERENCE, canonical_venue

MIN_TITLE_SCORE = 90  # rapidfuzz partial_ratio, 0-100
MAX_AUTHORS = 60
_YEAR = re.compile(r"(?<![\d.:/-])(19[5-9]\d|20[0-4]\d)(?![\d])")
_ARXIV = re.compile(r"(?:arxiv[:\s]\s?|arxiv\.org/(?:abs|pdf)/|abs/)(\d{4}\.\d{4,5})(?:v\d{1,3})?", re.I)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>\])]{1,200})")
_URL = re.compile(r"https?://[^\s\]\[<>\"]{1,500}")
_PAGES = re.compile(r"\b(?:pp?\.?\s?)?\d{1,5}\s?[-–]\s?\d{1,5}\b|\b\d{1,4}:\d{1,5}(?:[-–]\d{1,5})?")
_LEAD = re.compile(r"^[\s#*:;•·-]*(?:\[\d{1,3}\]|\d{1,3}[.)](?!\d))?[\s.]*")
_PAREN_YEAR = re.compile(r"\(\s*((?:19|20)\d\d)[a-z]?(?:[-,/ ][^()]{0,20})?\)|\(\s*n\.\s?d\.\s*\)", re.I)
_ET_AL = re.compile(r",?\s*\bet\.?\s+al\b\.?|\s*(?:\.\.\.|…)\s*,?", re.I)
# "G.", "G. E.", "J.-P.", "Th.", a bare "D" -- but not "Li" or "Wu" (two letters without a dot are a name)
_INITIALS_ONLY = re.compile(r"^(?:(?:[A-Z][a-z]?\.|[A-Z](?![a-z]))(?:[\s-]{1,2}|$)){1,4}$")
_QUOTES = "\"“”„«»<>'‘’"
_WIKI_LINK = re.compile(r"\[\[(?:[^\[\]|]{0,300}\|)?([^\[\]|]{0,300})\]\]")
_EXT_LINK = re.compile(r"\[(https?://[^\s\[\]]{1,500})(?:\s([^\[\]]{0,300}))?\]")
_MD_LINK = re.compile(r"\[([^\[\]]{0,300})\]\((https?://[^\s()]{1,500})\)")
_TAG = re.compile(r"</?(?:ref|span|i|b|em|strong|nowiki|sup|sub|cite)\b[^<>]{0,200}>", re.I)


@dataclass
class Citation:
    """What one reference string says about the paper it cites."""

    title: str
    authors: list[str] = field(default_factory=list)
    complete: bool = True  # False when the list ends in "et al." or "..."
    family_names_only: bool = False  # "Klambauer, Unterthiner, Mayr and Hochreiter"
    year: int | None = None
    venue: str = ""
    arxiv: str | None = None
    doi: str | None = None
    url: str | None = None
    score: float = 0.0  # how well the title matched (0-100)


def clean(text: str) -> str:
    """Wiki and Markdown markup out of a reference: links become their text (URLs kept), tags go."""
    text = _WIKI_LINK.sub(lambda m: m.group(1), text)
    text = _EXT_LINK.sub(lambda m: f"{m.group(2) or ''} {m.group(1)}", text)
    text = _MD_LINK.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)
    text = _TAG.sub(" ", text)
    text = text.replace("'''", "").replace("''", "\"")
    return " ".join(text.split())


_WORD_SPAN = re.compile(r"[^\W_]+")


def normalise(text: str) -> tuple[str, list[int]]:
    """Lower-cased words joined by single spaces, and each kept character's offset in `text`."""
    parts: list[str] = []
    where: list[int] = []
    for m in _WORD_SPAN.finditer(text):
        if parts:
            parts.append(" ")
            where.append(m.start() - 1)
        word = m.group().lower()
        if len(word) != m.end() - m.start():  # lower() changed the length ("İ"): keep the original
            word = m.group()
        parts.append(word)
        where.extend(range(m.start(), m.end()))
    return "".join(parts), where


def locate_title(title: str, ref: str) -> tuple[int, int, float] | None:
    """Where `title` is in `ref` (character offsets) and how well it matched, or None."""
    t, _ = normalise(title)
    r, where = normalise(ref)
    if len(t) < 4 or not r:
        return None
    if len(t) > len(r):
        return None
    from rapidfuzz import fuzz  # here: an edit whose summary cites no reference need not load it

    hit = fuzz.partial_ratio_alignment(t, r, score_cutoff=MIN_TITLE_SCORE)
    if hit is None:
        return None
    start, end = hit.dest_start, hit.dest_end
    # Snap to whole words: a match may start or end inside one.
    while start > 0 and r[start - 1] != " ":
        start -= 1
    while end < len(r) and r[end] != " ":
        end += 1
    # The window is as long as the title: when the reference spells it shorter, it takes in a
    # neighbouring word ("2018", "arxiv"), which is dropped if the title does not have it.
    known = set(t.split())
    while True:
        first_end = r.find(" ", start, end)
        if first_end < 0 or r[start:first_end] in known:
            break
        start = first_end + 1
    while True:
        last_start = r.rfind(" ", start, end)
        if last_start < 0 or r[last_start + 1:end] in known:
            break
        end = last_start
    return where[start], where[end - 1] + 1, hit.score


def parse(ref: str, title: str) -> Citation | None:
    """The citation of the paper called `title` in the reference string `ref`, or None if `ref` cites another."""
    if len(ref) > MAX_REFERENCE:
        return None
    ref = clean(ref)
    found = locate_title(title, ref)
    if found is None:
        return None
    start, end, score = found
    start, end, full_title = _title_bounds(ref, start, end, title)
    before, after = ref[:start], ref[end:]
    cite = Citation(title=full_title, score=score)
    cite.arxiv = _first(_ARXIV, ref)
    doi = _first(_DOI, ref)
    cite.doi = doi.rstrip(".,;") if doi else None
    url = _first(_URL, after, group=0)
    cite.url = url.rstrip(".,;") if url else None
    before, paren_year = _strip_year(before)
    cite.authors, cite.complete, cite.family_names_only = parse_authors(before)
    cite.year = _year(after) or paren_year or _year(before)
    cite.venue = _venue(after)
    return cite


def _first(pattern: re.Pattern, text: str, group: int = 1) -> str | None:
    m = pattern.search(text)
    return m.group(group) if m else None


def _title_bounds(ref: str, start: int, end: int, title: str) -> tuple[int, int, str]:
    """Widen the match to the reference's whole title when the known title is only part of it
    ("Tensorized LSTMs" inside "<Wider and Deeper, ...: Tensorized LSTMs for Sequence Learning>").

    The reference's title is delimited by quotes or angle brackets around the match; without
    them the match is the title as it is.
    """
    left = max(ref.rfind(q, 0, start) for q in "\"“<«")
    right_candidates = [i for i in (ref.find(q, end) for q in "\"”>»") if i >= 0]
    right = min(right_candidates) if right_candidates else -1
    if left >= 0 and right >= 0 and right - left <= 400 and not any(q in ref[left + 1:start] for q in "\"”>»"):
        inner = ref[left + 1:right].strip(" ,.")
        if len(normalise(inner)[0]) > len(normalise(title)[0]) + 3 and len(title.split()) >= 2:
            return left + 1, right, inner
        return left + 1, right, ref[start:end]
    return start, end, ref[start:end]


def _strip_year(before: str) -> tuple[str, int | None]:
    """APA puts the year after the authors: `Ha, D., & Eck, D. (2018).` -> authors, 2018."""
    year = None
    m = None
    for m in _PAREN_YEAR.finditer(before):
        pass
    if m is not None:
        year = int(m.group(1)) if m.group(1) else None
        before = before[:m.start()] + " " + before[m.end():]
    return before, year


def _year(text: str) -> int | None:
    text = _ARXIV.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _PAGES.sub(" ", text)
    years = _YEAR.findall(text)
    return int(years[-1]) if years else None


def _venue(after: str) -> str:
    """The venue's short name when the venue table knows it, else "" (no guessing from free text)."""
    text = _URL.sub(" ", after)
    text = _ARXIV.sub(" ", text)
    return canonical_venue(text) or ""


def parse_authors(segment: str) -> tuple[list[str], bool, bool]:
    """The author list before a title -> (names, complete, family names only).

    Names come back as people write them ("S. Sabour", "Geoffrey E. Hinton"); an empty list
    when the segment does not look like names at all.
    """
    text = _LEAD.sub("", segment, count=1)
    text = text.strip().strip(_QUOTES).strip(" ,.:;")
    if not text or len(text) > 1500:
        return [], True, False
    complete = True
    if _ET_AL.search(text):
        complete = False
        text = _ET_AL.sub("", text).strip(" ,.")
    text = re.sub(r"\s*&\s*|,?\s+\band\b\s+", " ; ", text)
    if ";" in text and "," in text and not _apa_like(text):
        groups = [g for g in (p.strip(" ,") for p in text.split(";")) if g]
        # "Sze, Vivienne; Chen, Yu-Hsin" (semicolons between inverted names) or the last
        # "and" of an IEEE/plain list: "S. Sabour, N. Frosst ; G. E. Hinton"
        if all(g.count(",") == 1 for g in groups) and all(_is_inverted(g) for g in groups):
            pieces = groups
        else:
            pieces = [p for g in groups for p in _split_commas(g)]
    else:
        pieces = [p for g in text.split(";") for p in _split_commas(g)]
    pieces = [p.strip(" .,") if not p.rstrip().endswith(".") or not _INITIALS_ONLY.match(p.strip().split()[-1])
              else p.strip(" ,") for p in pieces]
    pieces = [p for p in pieces if p]
    if not pieces or len(pieces) > MAX_AUTHORS or not all(_looks_like_name(p) for p in pieces):
        return [], complete, False
    family_only = len(pieces) > 1 and all(len(p.split()) == 1 and not _INITIALS_ONLY.match(p) for p in pieces)
    names = [person_name(p) for p in pieces]
    return [n for n in names if n], complete, family_only


def _apa_like(text: str) -> bool:
    """`Engel, J., Resnick, C. ; Simonyan, K.`: surname, initials pairs."""
    parts = [p.strip() for p in re.split(r"[,;]", text) if p.strip()]
    initials = sum(1 for p in parts if _INITIALS_ONLY.match(p))
    return initials >= 1 and initials * 2 >= len(parts) - 1


def _is_inverted(group: str) -> bool:
    last, first = (s.strip() for s in group.split(",", 1))
    return bool(last) and bool(first) and len(last.split()) <= 3


def _split_commas(group: str) -> list[str]:
    """One ;-free group of an author list -> one string per person.

    `Zaheer, M., Kottur, S.` -> pairs (APA); `Duan, Yan, Marcin Andrychowicz` -> the first
    person inverted (Chicago/MLA); `Tran D, Blei D M` and `S. Sabour, N. Frosst` -> one per
    comma; a lone `Sutskever, Ilya` is one inverted name.
    """
    parts = [p.strip() for p in group.split(",") if p.strip()]
    if len(parts) <= 1:
        return parts
    if all(_INITIALS_ONLY.match(p) for p in parts[1::2]) and len(parts) % 2 == 0 \
            and not any(_INITIALS_ONLY.match(p) for p in parts[0::2]):
        return [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2)]
    if len(parts) == 2 and len(parts[0].split()) == 1 and len(parts[1].split()) <= 2 \
            and not _INITIALS_ONLY.match(parts[0]) and not _looks_vancouver(parts[1]):
        return [f"{parts[0]}, {parts[1]}"]
    if len(parts) >= 3 and len(parts[0].split()) == 1 and len(parts[1].split()) <= 2 \
            and all(len(p.split()) >= 2 for p in parts[2:]) and not _looks_vancouver(parts[1]):
        return [f"{parts[0]}, {parts[1]}", *parts[2:]]
    return parts


def _looks_vancouver(piece: str) -> bool:
    """`Blei D M`: a family name and bare capital initials."""
    words = piece.split()
    return len(words) >= 2 and all(re.fullmatch(r"[A-Z]{1,3}", w) for w in words[1:])


def _looks_like_name(piece: str) -> bool:
    words = piece.replace(",", " ").split()
    if not words or len(words) > 6:
        return False
    if any(ch.isdigit() for ch in piece) or "/" in piece or "http" in piece or "@" in piece:
        return False
    lowers = [w for w in words if w[:1].islower() and w.lower() not in _PARTICLES]
    return len(lowers) <= 1 and any(ch.isalpha() for ch in piece)


_PARTICLES = frozenset("van von der den de del della di da du dos das le la bin al y ter ten zu".split())
