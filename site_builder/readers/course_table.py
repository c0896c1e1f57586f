"""The presentation table on a statwiki course page.

The table lists, per row: date, presenter, paper number, paper title, a link to
the paper and a link to the summary page. Columns are found by their header
text, not their position, and titles are matched tolerantly (case, punctuation,
plurals and small typos such as "adversial") because students typed them by hand.
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, unquote, urlsplit


MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
# The link's text stops at a "[" too: otherwise each unclosed "[http://..." rescans the cell.
_EXT_LINK = re.compile(r"(?<!\[)\[+\s*+(https?://[^\s\]\[]++)[^\]\[]*+\]+")
SIMILAR_ENOUGH = 0.9


@dataclass(frozen=True)
class Row:
    """One row of a course page's table of presentations."""

    date: str | None
    presenter: str
    title: str
    paper_url: str | None
    summary_page: str | None
    exact: bool = False
    position: int = 0  # the row's place in the table, 0 first


def parse(wikitext: str, course_key: str) -> list[Row]:
    year = _course_year(course_key)
    rows: list[Row] = []
    columns: dict[str, int] = {}
    for raw in re.split(r"^\|-.*$", wikitext, flags=re.M):
        cells = _cells(raw)
        if not cells:
            continue
        if not columns:
            columns = _header(cells)
            if columns:
                continue
        if not columns or len(cells) <= columns.get("title", 99):
            continue
        title = _plain(cells[columns["title"]])
        if not title or "(example)" in cells[columns.get("date", 0)].lower():
            continue
        rows.append(
            Row(
                date=_date(cells[columns["date"]], year) if "date" in columns else None,
                presenter=_plain(cells[columns["name"]]) if "name" in columns else "",
                title=title,
                paper_url=_first_url(cells[columns["paper"]]) if "paper" in columns and columns["paper"] < len(cells) else None,
                summary_page=_wiki_page(cells[columns["summary"]]) if "summary" in columns and columns["summary"] < len(cells) else None,
                position=len(rows),
            )
        )
    return rows


def match(rows: list[Row], title: str, page: str) -> Row | None:
    """The row about this page: by its summary link, else by a tolerant title match."""
    return TitleIndex(rows).match(title, page)


# Tolerant matching compares strings (difflib, quadratic in their length): titles longer
# than this are matched exactly only, and one table makes at most FUZZY_PAIRS tolerant
# comparisons (a real table makes a few thousand), so a crafted feed cannot make the
# work rows x pages x title length.
MAX_FUZZY_CHARS = 300
FUZZY_PAIRS = 50_000


class TitleIndex:
    """A table's rows, looked up by summary page and title; build once, match every page."""

    def __init__(self, rows: list[Row]):
        self.rows = rows
        self.normalised = [normalise(row.title) for row in rows]
        self.letters = [Counter(got) for got in self.normalised]
        self.by_page: dict[str, Row] = {}
        self.by_title: dict[str, Row] = {}
        for row, got in zip(rows, self.normalised):
            if row.summary_page:
                self.by_page.setdefault(row.summary_page.lower(), row)
            self.by_title.setdefault(got, row)
        self.fuzzy_left = FUZZY_PAIRS

    def match(self, title: str, page: str) -> Row | None:
        wanted = normalise(title)
        row = self.by_page.get(page.lower())
        if row is not None:
            return replace(row, exact=normalise(row.title) == wanted)
        row = self.by_title.get(wanted)
        if row is not None:
            return replace(row, exact=True)
        if len(wanted) > MAX_FUZZY_CHARS:
            return None
        best, best_score = None, 0.0
        letters = Counter(wanted)
        for row, got, got_letters in zip(self.rows, self.normalised, self.letters):
            total = len(got) + len(wanted)
            # Upper bounds of difflib's ratio, cheapest first: from the lengths, then from the
            # letters in common (its quick_ratio). Below SIMILAR_ENOUGH a row can never be the answer.
            if len(got) > MAX_FUZZY_CHARS or 2 * min(len(got), len(wanted)) < SIMILAR_ENOUGH * total:
                continue
            if self.fuzzy_left <= 0:
                break
            self.fuzzy_left -= 1
            common = sum((got_letters & letters).values())
            if 2 * common < SIMILAR_ENOUGH * total or 2 * common <= best_score * total:
                continue
            score = difflib.SequenceMatcher(None, got, wanted).ratio()
            if score > best_score:
                best, best_score = row, score
        return best if best is not None and best_score >= SIMILAR_ENOUGH else None


def normalise(title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", title.lower()).split()
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


def _cells(raw: str) -> list[str]:
    lines = [ln.strip() for ln in raw.strip().splitlines()]
    lines = [ln for ln in lines if ln.startswith(("|", "!")) and not ln.startswith(("{|", "|}", "|+"))]
    cells: list[str] = []
    for ln in lines:
        for cell in re.split(r"\|\||!!", ln[1:]):
            # `width="60pt"|Date`: the part before a single | is attributes
            if "|" in cell and "[" not in cell.split("|", 1)[0] and "=" in cell.split("|", 1)[0]:
                cell = cell.split("|", 1)[1]
            cells.append(cell.strip())
    return cells


def _header(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(c.lower() for c in cells):
        if cell == "date":
            found["date"] = i
        elif cell in ("name", "presenter", "names"):
            found["name"] = i
        elif cell == "title":
            found["title"] = i
        elif "link to the paper" in cell or cell == "paper":
            found["paper"] = i
        elif "summary" in cell:
            found["summary"] = i
    return found if "title" in found else {}


def _plain(cell: str) -> str:
    cell = _EXT_LINK.sub("", cell)
    return " ".join(re.sub(r"'{2,}|\[\[|\]\]", "", cell).split())


def _first_url(cell: str) -> str | None:
    m = re.search(r"https?://[^\s\]|]+", cell)
    return m.group(0) if m else None


def _wiki_page(cell: str) -> str | None:
    url = _first_url(cell)
    if not url or "title=" not in url:
        return None
    title = parse_qs(urlsplit(url).query).get("title", [""])[0]
    return unquote(title).replace("_", " ") or None


def _course_year(key: str) -> int | None:
    m = re.search(r"[wfs](\d{2})$", key)
    return 2000 + int(m.group(1)) if m else None


def _date(cell: str, year: int | None) -> str | None:
    m = re.match(r"\s*([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})", cell)
    if not m or year is None or m.group(1).lower() not in MONTHS:
        return None
    return f"{year:04d}-{MONTHS[m.group(1).lower()]:02d}-{int(m.group(2)):02d}"
