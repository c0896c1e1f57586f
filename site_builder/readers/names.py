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


# Lower-case particles that stay lower case inside a family name ("Aäron van den Oord").
PARTICLES = frozenset("van von der den de del della di da du dos das le la bin ibn al y zu ter ten".split())
_INITIALS = re.compile(r"^(?:[A-Z]\.?){1,3}$|^(?:[A-Z]\.-?){1,3}$")


def tidy_case(name: str) -> str:
    """Capitalise the words typed all in lower case ("wenqing liu" -> "Wenqing Liu"); keep "LeCun", "van"."""
    words = name.split()
    out = []
    for i, w in enumerate(words):
        if w.islower() and (w not in PARTICLES or i == 0 or i == len(words) - 1):
            w = "-".join(part[:1].upper() + part[1:] for part in w.split("-"))
        out.append(w)
    return " ".join(out)


def person_name(raw: str) -> str:
    """One person's name as people write it ("First Middle Last"), whatever the input's order.

    `Sabour, S.` -> `S. Sabour`; `Tran D` and `Blei D M` (initials after the family name, as
    Vancouver and GB/T styles write them) -> `D. Tran`, `D. M. Blei`; `Yang, Tong(Richard)` ->
    `Tong (Richard) Yang`; `liu, wenqing` -> `Wenqing Liu`. nameparser splits the parts.
    """
    from nameparser import HumanName

    text = " ".join(raw.replace("(", " (").split()).strip(" ,;.") if raw.strip(" ,;.") else ""
    if raw.rstrip().endswith(".") and _INITIALS.match(raw.split()[-1] if raw.split() else ""):
        text += "."  # "Hinton, G. E." keeps its last initial's dot
    if not text:
        return ""
    words = text.split()
    if "," not in text and len(words) >= 2 and words[0][:1].isupper() and not _INITIALS.match(words[0]) \
            and all(_INITIALS.match(w) or (len(w) == 1 and w.isupper()) for w in words[1:]):
        # Family name first, initials after: "Tran D", "Blei D M", "Volokitin A"
        initials = " ".join(_dotted(w) for w in words[1:])
        return tidy_case(f"{initials} {words[0]}")
    name = HumanName(text)
    if not name.last and not name.first:
        return tidy_case(text)
    first = " ".join(_dotted(w) if _INITIALS.match(w) else w for w in name.first.split())
    middle = " ".join(_dotted(w) if _INITIALS.match(w) else w for w in name.middle.split())
    parts = [first, f"({name.nickname})" if name.nickname else "", middle, name.last, name.suffix]
    return tidy_case(" ".join(p for p in parts if p))


def _dotted(initials: str) -> str:
    """`GE` -> `G. E.`, `J.` -> `J.`, `J.-P.` kept."""
    if "-" in initials:
        return initials if initials.endswith(".") else initials + "."
    letters = [c for c in initials if c.isalpha()]
    return " ".join(f"{c}." for c in letters)


def same_person(a: str, b: str) -> bool:
    """The same name up to order, case, nicknames and punctuation ("Xia Fan" / "Fan Xia")."""
    def key(n: str) -> frozenset[str]:
        n = re.sub(r"\([^)]*\)", " ", n)
        return frozenset(w for w in re.split(r"[^\w]+", n.lower()) if w)
    return bool(key(a)) and key(a) == key(b)


def english_list(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
