"""Plain records that readers produce and the catalog consumes.

Readers know nothing about pages; the catalog knows nothing about input formats.
These dataclasses are the only thing that crosses that line.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# How a summary body is written; decides which renderer turns it into HTML.
MARKUP_MARKDOWN = "markdown"          # ordinary Markdown with line structure
MARKUP_FLAT_MARKDOWN = "flat-markdown"  # ShortScience Markdown whose newlines were lost
MARKUP_WIKITEXT = "wikitext"          # MediaWiki source

SOURCES = ("shortscience", "statwiki", "markdown")


@dataclass
class PaperMeta:
    """What one input says about the paper a summary is about (may be empty)."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    venue: str = ""
    year: int | None = None
    source: str = ""  # where the metadata came from: "arXiv", "Bibsonomy", ...
    keywords: list[str] = field(default_factory=list)
    first_published: str | None = None  # ISO date
    abstract: str = ""
    links: dict[str, str] = field(default_factory=dict)  # arxiv, pdf, doi, openreview, paper, ...
    # Where each value came from, by field name ("year" -> "arXiv id", "authors" -> "self-citation").
    # A value without an entry came from the input's own metadata block.
    sources: dict[str, str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.title or self.authors or self.links)


@dataclass
class SummaryRecord:
    """One summary as read from one input file."""

    id: str
    source: str  # one of SOURCES
    markup: str  # one of the MARKUP_* constants
    body: str
    origins: list[str] = field(default_factory=list)  # input file names it was read from
    paper: PaperMeta = field(default_factory=PaperMeta)
    source_url: str | None = None
    # Who wrote the summary (a ShortScience author, a statwiki presenter): its credit.
    contributor: str | None = None
    # The account whose edit was scraped (a wiki user): at most "last edited by", never the credit.
    editor: str | None = None
    collection: str | None = None
    date: str | None = None  # ISO date or datetime of the summary (edit date), not the paper's
    comments: int | None = None
    votes: int | None = None
    title: str = ""  # the title the input gives the summary itself (wiki page title)
    presenter: str | None = None
    presented_on: str | None = None  # ISO date of a course presentation
    presented_order: int | None = None  # the row's place in the course table (0 first): order on one date
    revision: int | None = None
    aliases: list[str] = field(default_factory=list)  # other titles that redirect here
    # `draft: true` in a Markdown record: left out of the site unless drafts are asked for (--drafts).
    draft: bool = False


@dataclass
class Collection:
    """A group of summaries made together, e.g. one statwiki course."""

    key: str  # e.g. "stat946w18"
    name: str  # display name, e.g. "STAT 946, Winter 2018"
    source_url: str | None = None
    description: str = ""


@dataclass
class Diagnostic:
    """A warning or error about the input, with enough position to find it."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    entry: int | None = None
    level: str = "warning"  # "warning" | "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.entry is not None:
            where += f" (entry {self.entry})"
        return f"{where}: {self.level}: {self.message}"


@dataclass
class ReadResult:
    """Everything one reader got out of one input file."""

    records: list[SummaryRecord] = field(default_factory=list)
    collections: list[Collection] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
