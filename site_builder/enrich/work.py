"""What one source says about one paper, cleaned to plain text."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)$", re.I)


@dataclass
class Work:
    source: str  # "arxiv" | "openalex"
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str = ""
    published: str | None = None  # ISO date
    arxiv: str | None = None  # id without version
    doi: str | None = None  # lower case, no resolver prefix
    pdf: str | None = None
    keywords: list[str] = field(default_factory=list)
    abstract: str = ""
    journal_ref: str = ""  # arXiv's free-text reference to the published version
    venue_is_repository: bool = False  # OpenAlex's primary location is a preprint server

    def links(self) -> dict[str, str]:
        out = {}
        if self.arxiv:
            out["arxiv"] = f"https://arxiv.org/abs/{self.arxiv}"
        if self.doi:
            out["doi"] = f"https://doi.org/{self.doi}"
        if self.pdf:
            out["pdf"] = self.pdf
        return out


def clean(text: object, limit: int = 2000) -> str:
    """Plain one-line text: control and invisible characters gone, white space collapsed, length capped.

    Markup in it stays as characters (`<script>` is text, escaped by whatever shows it).
    """
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clean_doi(value: object) -> str | None:
    """A DOI in its bare lower-case form, or None if `value` is not one."""
    m = _DOI.match(clean(value, 300))
    return m.group(1).rstrip(".,;").lower() if m else None


def iso_date(value: object) -> str | None:
    """YYYY-MM-DD from an ISO date or datetime, else None."""
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", clean(value, 40))
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 and 1000 <= y <= 2999 else None


def plausible_year(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 1000 <= value <= 2999 else None
