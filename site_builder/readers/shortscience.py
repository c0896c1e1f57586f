"""Reader for ShortScience listing pages (as scraped to text).

A listing is a run of blocks. Each summary follows a `[link]` line. On pages that
kept paper metadata, the lines before `[link]` hold: title, authors, a
`<venue> - <year> via <source>` line, `Keywords:`, optionally `**First published:**`
and `**Abstract:**` (ended by `more`/`less`), and then the same authors/venue/keywords
block again. Everything else on the page (banner, blurb, image placeholders,
`About`) is furniture and is dropped.
"""
from __future__ import annotations

import hashlib
import re

from ..records import (
    MARKUP_FLAT_MARKDOWN,
    Diagnostic,
    PaperMeta,
    ReadResult,
    SummaryRecord,
)
from .limits import oversized
from .names import parse_authors

LINK_LINE = "[link]"
# Venue and source end in a non-space character, so a run of spaces is crossed once
# (a lazy `.*?\s*` retried the whole run from each of its spaces).
_VENUE_LINE = re.compile(
    r"^(?P<venue>(?:.*?\S)??)\s*+-\s++(?P<year>\d{4})\s++via\s++(?:Local\s++)?(?P<source>.*?\S)\s*+$")
_COMMENTS_LINE = re.compile(r"^(\d+)\s+Comments?\s*$", re.I)
_FIRST_PUBLISHED = re.compile(r"^\*\*First published:\*\*\s*(\d{4})/(\d{2})/(\d{2})")
_ABSTRACT = re.compile(r"^\*\*Abstract:\*\*\s*(.*)$")
_RESIDUE_TAIL = re.compile(r"(?:\s*!\[\]\(\))*\s*\|?\s*$")
_RESIDUE_CHARS = "![]()|"  # with whitespace (\s is str.isspace), all _RESIDUE_TAIL can match
_FURNITURE = re.compile(r"^(?:(?:!\[\]\(\)\s*)+\|?|\|)$")


def looks_like(text: str) -> bool:
    return bool(re.search(r"^\[link\]\s*$", text, re.M)) or "Welcome to ShortScience.org" in text


def clean_summary(text: str) -> str:
    """Strip the scrape's trailers (` ![]() |`, ` |`) from a summary body."""
    # The trailer can only match in the run of whitespace and "![]()|" that ends the text:
    # running the regex there alone spares it a failed try at every character of the body.
    start = len(text)
    while start and (text[start - 1] in _RESIDUE_CHARS or text[start - 1].isspace()):
        start -= 1
    return (text[:start] + _RESIDUE_TAIL.sub("", text[start:])).strip()


def summary_id(body: str) -> str:
    """Stable id from the text itself, so the same summary in two files is one."""
    norm = " ".join(body.split())
    return "ss-" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:12]


def read(text: str, name: str) -> ReadResult:
    result = ReadResult()
    lines = text.splitlines()
    link_rows = [i for i, line in enumerate(lines) if line.strip() == LINK_LINE]
    block_start = 0
    for n, row in enumerate(link_rows):
        paper = _parse_metadata(lines[block_start:row], name, block_start, result)
        end = link_rows[n + 1] if n + 1 < len(link_rows) else len(lines)
        body_lines, comments, consumed = _take_summary(lines, row + 1, end)
        body = clean_summary("\n".join(body_lines))
        too_big = oversized(body, name, what=f"the summary after the [link] on line {row + 1}", line=row + 2)
        if not body:
            result.diagnostics.append(
                Diagnostic(name, "[link] line with no summary text after it", line=row + 1)
            )
        elif too_big:
            result.diagnostics.append(too_big)
        else:
            result.records.append(
                SummaryRecord(
                    id=summary_id(body),
                    source="shortscience",
                    markup=MARKUP_FLAT_MARKDOWN,
                    body=body,
                    origins=[name],
                    paper=paper,
                    comments=comments,
                )
            )
        block_start = consumed
    tail = [ln for ln in lines[block_start:] if ln.strip()]
    if any(_VENUE_LINE.match(ln.strip()) for ln in tail):
        result.diagnostics.append(
            Diagnostic(name, "paper metadata block without a [link] summary after it", line=block_start + 1)
        )
    return result


def _take_summary(lines: list[str], start: int, end: int) -> tuple[list[str], int | None, int]:
    """Summary lines after `[link]`: up to a blank line, a comments count or a lone `|`."""
    body: list[str] = []
    comments = None
    i = start
    while i < end and not lines[i].strip():
        i += 1
    while i < end:
        line = lines[i].strip()
        m = _COMMENTS_LINE.match(line)
        if m:
            comments = int(m.group(1))
            i += 1
            break
        if not line or line == "|":
            break
        body.append(lines[i].rstrip())
        i += 1
    while i < end and lines[i].strip() in ("", "|"):
        i += 1
    return body, comments, i


def _parse_metadata(block: list[str], name: str, offset: int, result: ReadResult) -> PaperMeta:
    """Paper metadata from the lines before a `[link]`; empty when the page lost it."""
    rows = [(offset + i, ln.strip()) for i, ln in enumerate(block)]
    rows = [(i, ln) for i, ln in rows if ln and not _FURNITURE.match(ln)]
    venue_at = _last_paper(rows, name, result)
    if venue_at is None:
        return PaperMeta()
    if venue_at < 2:
        result.diagnostics.append(
            Diagnostic(name, "venue line without title and authors before it", line=rows[venue_at][0] + 1)
        )
        return PaperMeta()
    venue = _VENUE_LINE.match(rows[venue_at][1])
    assert venue is not None
    meta = PaperMeta(
        title=rows[venue_at - 2][1],
        authors=parse_authors(rows[venue_at - 1][1]),
        venue=venue.group("venue").strip(),
        year=int(venue.group("year")),
        source=venue.group("source").strip(),
    )
    rest = [ln for _, ln in rows[venue_at + 1:]]
    abstract: list[str] = []
    in_abstract = False
    for ln in rest:
        if in_abstract:
            if ln in ("more", "less"):
                in_abstract = False
                continue
            abstract.append(ln)
            continue
        if ln.startswith("Keywords:") and not meta.keywords:
            meta.keywords = [k.strip() for k in ln[len("Keywords:"):].split(",") if k.strip()]
        elif m := _FIRST_PUBLISHED.match(ln):
            meta.first_published = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
        elif m := _ABSTRACT.match(ln):
            in_abstract = True
            if m.group(1):
                abstract.append(m.group(1))
    # The scrape keeps the abstract's hard line breaks; they are not paragraph breaks.
    meta.abstract = " ".join(abstract).strip()
    return meta


def _last_paper(rows: list[tuple[int, str]], name: str, result: ReadResult) -> int | None:
    """Index in `rows` of the venue line of the paper the next summary belongs to.

    A paper's block names its venue twice, each time right after the authors line.
    A venue line after a different authors line starts another paper: the one before
    it lost its `[link]` and summary, which is reported; the last paper wins.
    """
    venues = [k for k, (_, ln) in enumerate(rows) if _VENUE_LINE.match(ln)]
    if not venues:
        return None
    current = venues[0]
    for k in venues[1:]:
        if k >= 1 and current >= 1 and rows[k - 1][1] == rows[current - 1][1]:
            continue  # the block's repeated authors + venue lines
        first = rows[current - 2] if current >= 2 else rows[current]
        result.diagnostics.append(Diagnostic(
            name, f"paper metadata block for '{first[1][:80]}' has no [link] summary after it; skipped",
            line=first[0] + 1))
        current = k
    return current
