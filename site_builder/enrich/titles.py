"""Is a search hit the paper we asked for? Taken only when its title really is the same title.

Titles are compared normalised (accents, case, TeX markup, punctuation and hyphens
do not count). A hit is accepted when
  * the normalised titles are nearly equal: rapidfuzz's ratio is at least ACCEPT (90) and
    the edit distance, spaces ignored, is at most one character per 40 (spelling
    variants such as "normalisation"/"normalization" pass; "Image Recognition" and
    "Image Restoration" do not, nor does a different title sharing a few words);
  * the lengths are sane (the shorter at least 90 % of the longer);
  * what we already know does not contradict it (a year more than two years off, or
    author lists with no family name in common).
Several accepted hits that share a first author are versions of one paper (a preprint
and its published version): the published one is taken, with the preprint's arXiv id.
Accepted hits by different authors, and near misses (ratio at least DOUBT, or one
title cut short of the other), are reported as ambiguous with their titles; the rest
is not found. Nothing is guessed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .work import Work

ACCEPT = 90.0
DOUBT = 80.0
MIN_LENGTH_RATIO = 0.9
_TEX_COMMAND = re.compile(r"\\([A-Za-z]+)")


def normalise(title: str) -> str:
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _TEX_COMMAND.sub(r" \1 ", text).replace("-", "").replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def same_title(a: str, b: str) -> bool:
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    ca, cb = na.replace(" ", ""), nb.replace(" ", "")
    if min(len(ca), len(cb)) / max(len(ca), len(cb)) < MIN_LENGTH_RATIO:
        return False
    allowed = max(1, min(len(ca), len(cb)) // 40)
    return fuzz.ratio(na, nb) >= ACCEPT and Levenshtein.distance(ca, cb, score_cutoff=allowed + 1) <= allowed


def near(a: str, b: str) -> bool:
    """Worth showing as a candidate: close, or one title is the other cut short."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return False
    short, long_ = sorted((na, nb), key=len)
    return fuzz.ratio(na, nb) >= DOUBT or (len(short.split()) >= 4 and long_.startswith(short))


def unrelated(known: str, found: str) -> bool:
    """An answer by id whose title shares no word of four letters or more with the paper's: the id is
    probably not this paper's (a cited paper's link, say). A short or renamed title still shares one."""
    words = {w for w in normalise(known).split() if len(w) >= 4}
    return bool(words) and not words & set(normalise(found).split()) and not near(known, found)


@dataclass
class Verdict:
    work: Work | None = None
    reason: str | None = None  # "ambiguous" | "not-found" when work is None
    candidates: list[str] = field(default_factory=list)  # "Title (year, first author)" of doubtful hits


def choose(title: str, works: list[Work], *, year: int | None = None, authors: list[str] | None = None) -> Verdict:
    taken = [w for w in works if same_title(title, w.title)]
    fitting = [w for w in taken if _consistent(w, year, authors or [])]
    groups = _versions(fitting)
    if len(groups) == 1:
        return Verdict(work=_best_version(groups[0]))
    doubtful = [w for w in works if w in taken or near(title, w.title)]
    if groups or doubtful:
        return Verdict(reason="ambiguous", candidates=describe(fitting if len(groups) > 1 else doubtful))
    return Verdict(reason="not-found")


def _consistent(work: Work, year: int | None, authors: list[str]) -> bool:
    if year and work.year and abs(work.year - year) > 2:
        return False
    if authors and work.authors and not (_families(authors) & _families(work.authors)):
        return False
    return True


def _families(names: list[str]) -> set[str]:
    """Family names as the last word of the family part ("Last, First" or "First Last")."""
    out = set()
    for name in names:
        words = normalise(name.split(",")[0] if "," in name else name).split()
        if words:
            out.add(words[-1])
    return out


def _versions(works: list[Work]) -> list[list[Work]]:
    """Accepted hits grouped by first author's family name (unknown authors join any group)."""
    groups: dict[str, list[Work]] = {}
    unknown = []
    for w in works:
        fam = sorted(_families(w.authors[:1]))
        if fam:
            groups.setdefault(fam[0], []).append(w)
        else:
            unknown.append(w)
    out = list(groups.values())
    if unknown:
        if out:
            for group in out:
                group.extend(unknown)
        else:
            out = [unknown]
    return out


def _best_version(works: list[Work]) -> Work:
    """The published version if there is one, completed with what the other versions know."""
    ranked = sorted(works, key=lambda w: (w.venue_is_repository or not w.venue, not w.doi, not w.authors, w.title))
    best = ranked[0]
    for other in ranked[1:]:
        best = replace(best, arxiv=best.arxiv or other.arxiv, pdf=best.pdf or other.pdf,
                       abstract=best.abstract or other.abstract, authors=best.authors or other.authors)
    return best


def describe(works: list[Work]) -> list[str]:
    out = []
    for w in works[:5]:
        bits = [str(w.year)] if w.year else []
        if w.authors:
            bits.append(w.authors[0] + (" et al." if len(w.authors) > 1 else ""))
        if w.doi:
            bits.append(f"doi:{w.doi}")
        elif w.arxiv:
            bits.append(f"arXiv:{w.arxiv}")
        text = w.title + (f" ({', '.join(bits)})" if bits else "")
        if text not in out:
            out.append(text)
    return out
