"""What one rendering run accumulates, and the private-use characters it marks text with.

Protected regions (math, nowiki, refs, ...) are swapped for placeholders before any
wiki rule runs, so no rule can touch them. Block-level HTML produced inside inline
text is wrapped in block markers so paragraphs can be split around it later. All of
these are Unicode private-use characters, removed from the source before anything
else so an author cannot forge them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..html import LinkContext
from ..links import canonical, classify

PLACEHOLDER = "\ue000{}\ue001"
PLACEHOLDER_RE = re.compile("\ue000(\\d+)\ue001")
BLOCK_START, BLOCK_END = "\ue010", "\ue011"
EDGE_START, EDGE_END = "\ue012", "\ue013"  # around an inline element's <tag> or </tag>
REFLIST = "\ue030"  # where <references /> stands until all notes are known
# Stand-ins for characters that must reach the page as text, not start wiki markup
# (bounds.py); mwparserfromhell reads them as plain text, PLAIN_BACK turns them back.
PLAIN_LT, PLAIN_BRACKET, PLAIN_BRACE, PLAIN_EQUALS = "\ue040", "\ue041", "\ue042", "\ue043"
PLAIN_BACK = str.maketrans({PLAIN_LT: "&lt;", PLAIN_BRACKET: "[", PLAIN_BRACE: "{", PLAIN_EQUALS: "="})
PRIVATE_USE_RE = re.compile("[\ue000-\ue0ff]")


def plain_back(text: str) -> str:
    """`text.translate(PLAIN_BACK)`, which is slow on any non-ASCII text (our marks make most
    pieces such), skipped when no stand-in is there (a search for each is fast)."""
    if PLAIN_LT in text or PLAIN_BRACKET in text or PLAIN_BRACE in text or PLAIN_EQUALS in text:
        return text.translate(PLAIN_BACK)
    return text


@dataclass
class Slot:
    """One protected region of the source."""

    kind: str  # math | nowiki | pre | code | gallery | ref | reflist
    body: str = ""
    mode: str = "auto"  # math: inline | display | auto (decided by position)
    name: str | None = None  # ref name
    lang: str = ""  # code language
    inline: bool = False  # code: <syntaxhighlight inline>


@dataclass
class State:
    """Where the wikitext renderer is in a page."""

    ctx: LinkContext
    slots: list[Slot] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    links: dict[str, list[str]] = field(default_factory=dict)
    figures: list[str] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)  # (link kind or "figure", URL) already listed
    headings: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    id_numbers: dict[str, int] = field(default_factory=dict)  # slug -> last number given (unique_id)
    numbered_links: int = 0
    notes: object = None  # refs.Footnotes, set by the entry point
    # a plain image's figure HTML -> its inline form (wiki/images.py arrange)
    inline_images: dict[str, str] = field(default_factory=dict)

    def protect(self, slot: Slot) -> str:
        self.slots.append(slot)
        return PLACEHOLDER.format(len(self.slots) - 1)

    def slot_of(self, text: str) -> Slot | None:
        """The slot if text is exactly one placeholder (surrounding space allowed)."""
        m = PLACEHOLDER_RE.fullmatch(text.strip())
        return self.slots[int(m.group(1))] if m else None

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def add_link(self, url: str) -> None:
        kind = classify(url)
        if kind:
            url = canonical(kind, url)
            if (kind, url) not in self.seen:  # a set beside the lists: a page of links is no quadratic scan
                self.seen.add((kind, url))
                self.links.setdefault(kind, []).append(url)

    def add_figure(self, url: str) -> None:
        if ("figure", url) not in self.seen:
            self.seen.add(("figure", url))
            self.figures.append(url)

    def unique_id(self, text: str) -> str:
        """The heading's slug, then slug-2, slug-3...; each slug's count resumes where it
        stopped, so many equal headings do not each try every number again."""
        base = slugify(text) or "section"
        candidate, n = base, self.id_numbers.get(base, 1)
        while candidate in self.ids:
            n += 1
            candidate = f"{base}-{n}"
        self.id_numbers[base] = n
        self.ids.add(candidate)
        return candidate


def slugify(text: str) -> str:
    """Heading id; also applied to [[#Anchor]] targets so they meet.

    Underscores become hyphens, so slugs never collide with the cite_note-N ids.
    """
    return re.sub(r"[\W_]+", "-", text.lower()).strip("-")


def block(html: str) -> str:
    """Mark finished block-level HTML that sits inside inline text."""
    return BLOCK_START + strip_block_marks(html) + BLOCK_END


def edge(tag_html: str) -> str:
    """Mark an inline element's opening or closing tag, so open bold/italic can be
    closed before it and reopened after it (keeping the nesting well formed)."""
    return EDGE_START + tag_html + EDGE_END


def strip_block_marks(html: str) -> str:
    return html.replace(BLOCK_START, "").replace(BLOCK_END, "")
