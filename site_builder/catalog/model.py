"""The content model the site is made of: papers, summaries and taxonomies."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..records import Collection, PaperMeta, SummaryRecord

MATH_DENSE = 100  # typeset formulas in one summary


@dataclass
class Summary:
    """One summary, merged from every input file it appeared in."""

    record: SummaryRecord
    paper: "Paper | None" = None
    # Filled by the render stage:
    html: str = ""
    text: str = ""
    derived_title: str = ""
    teaser: str = ""  # the opening of `text` that listings show (kept apart so a later edit leaves listings alone)
    words: int = 0  # words in `text`: the reading time pages show
    figures: list[str] = field(default_factory=list)
    found_links: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # An unidentified summary's link to what it presents as its own paper (catalog/ownlink.py):
    # (kind, URL), kept so the build can say which paper to add.
    own_link: tuple[str, str] | None = None
    # Element and class names its typeset formulas use (math: build): what the math stylesheet must style.
    math_css: tuple[str, ...] = ()
    # Whether it holds so many typeset formulas (MATH_DENSE `<mjx-container` elements: thousands of elements)
    # that the theme lays out only what is near the screen (style.css: .math-dense); whether formulas are
    # left as TeX for MathJax in the browser (math: client, or no Node at build time). Set with the
    # HTML by the math step (render/formulas.py), which knows them without scanning the HTML again.
    math_dense: bool = False
    math_in_browser: bool = False

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def url(self) -> str:
        if self.paper is not None:
            return f"{self.paper.url}#{self.id}"
        return f"/summaries/{self.id}/"

    @property
    def display_title(self) -> str:
        if self.paper is not None:
            return self.paper.title
        return self.record.title or self.derived_title or "Untitled summary"

    @property
    def sort_date(self) -> str:
        return self.record.date or ""


@dataclass
class Paper:
    """A paper and the summaries of it."""

    id: str
    meta: PaperMeta
    summaries: list[Summary] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    # topic -> where it came from ("keywords", "topic rules: title", "papers.yaml", ...)
    topic_sources: dict[str, str] = field(default_factory=dict)
    # topics named by papers.yaml / papers.enriched.yaml entries: (source, topics)
    entry_topics: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def year_source(self) -> str | None:
        """Which source gave the year (provenance names: "scraped", "arXiv id", ...), None without a year."""
        return None if self.meta.year is None else self.meta.sources.get("year", "scraped")

    @property
    def url(self) -> str:
        return f"/papers/{self.id}/"

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def year(self) -> int | None:
        return self.meta.year

    @property
    def newest_date(self) -> str:
        return max((s.sort_date for s in self.summaries), default="")

    @property
    def collections(self) -> list[str]:
        return sorted({s.record.collection for s in self.summaries if s.record.collection})


@dataclass
class Term:
    """One value of a taxonomy (a topic, a year, a venue, an author, a collection)."""

    key: str  # slug used in the URL
    name: str
    papers: list[Paper] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)  # unidentified summaries listed here too
    description: str = ""
    source_url: str | None = None

    @property
    def count(self) -> int:
        return len(self.papers) + len(self.summaries)


@dataclass
class Taxonomy:
    """One way of grouping papers (topics, years, venues, authors, collections), with its terms."""

    key: str  # "topics", "years", ...
    singular: str
    plural: str
    terms: list[Term] = field(default_factory=list)

    def url(self, term: Term | None = None) -> str:
        return f"/{self.key}/" if term is None else f"/{self.key}/{term.key}/"


@dataclass
class Catalog:
    """Everything the site is made of: papers, summaries, taxonomies and collections."""

    papers: list[Paper]
    summaries: list[Summary]
    taxonomies: dict[str, Taxonomy]
    collections: list[Collection]
    aliases: dict[str, str] = field(default_factory=dict)  # old wiki title -> site path

    @property
    def unidentified(self) -> list[Summary]:
        return [s for s in self.summaries if s.paper is None]
