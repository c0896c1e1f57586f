"""Reader for statwiki (MediaWiki) Atom "user contributions" feeds, flattened to text.

Each entry is: the revision URL (`index.php?title=T&diff=N`), the page title, a
timestamp, `<p>user: comment</p> <hr /> <div>` + the HTML-escaped wikitext (with
`<br />` for newlines) + `</div>`, then the author's name. A page appears once per
revision; the newest revision is the page. Inside the escaped wikitext a raw `&`
is always `&amp;`, so an unescaped `&diff=` can only start a new entry.
"""
from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from urllib.parse import unquote

from .. import provenance as prov
from ..records import MARKUP_WIKITEXT, Collection, Diagnostic, PaperMeta, ReadResult, SummaryRecord
from ..render import links as scholarly
from . import course_table
from .names import english_list
from .presenters import merge_presenters, page_presenters, split_people

# The URL's parts may not run over another "http(s)://" or "&diff=": without that bound a
# word made of URL starts (`http://a` repeated) is rescanned from each of them.
_NOT_ANOTHER = r"(?:(?!https?://|&diff=)\S)"
_ENTRY = re.compile(
    rf"(?P<url>https?://{_NOT_ANOTHER}+?/index\.php\?title=(?P<page>{_NOT_ANOTHER}+?)&diff=(?P<rev>\d+))\s")
# An entry's head: `title timestamp <p>user: comment</p> <hr /> <div>`, read in steps (see _head).
_TIMESTAMP_P = re.compile(r"(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\s++<p>(?P<user>[^:<]*+):?\s*+")
_HEAD_END = re.compile(r"</p>\s*+<hr\s*+/?>\s*+<div>")
# The same head without the timestamp, to tell "no timestamp" from "not an entry at all".
_HEAD_NO_TS = re.compile(r"[^<]*+<p>[^<]*+</p>\s*+<hr\s*+/?>\s*+<div>")
_URL_START = re.compile(r"https?://")
_REDIRECT = re.compile(r"^\s*#REDIRECT\s*\[\[([^\]|]+)", re.I)
_NON_ARTICLE = re.compile(r"^(File|Image|User|User talk|Talk|Category|Template|MediaWiki|Help|Special)( talk)?:", re.I)
COURSE_KEY = re.compile(r"^(?P<subject>[a-z]{2,8})(?P<number>\d{3,4})(?P<term>[wfs])(?P<yy>\d{2})$", re.I)
_COURSE_PREFIX = re.compile(r"^(?P<key>[a-z]{2,8}\d{3,4}[wfs]\d{2})/(?P<rest>.+)$", re.I)
_COURSE_SUFFIX = re.compile(r"^(?P<rest>.+?)\s+(?P<code>[A-Z]{2,8}\d{3,4})$")
TERMS = {"w": "Winter", "f": "Fall", "s": "Spring"}


def looks_like(text: str) -> bool:
    return "<hr />" in text and "<div>" in text and bool(_ENTRY.search(text))


@dataclass
class Revision:
    """One revision of a wiki page, as the contributions feed lists it."""

    entry: int  # position in the file, for messages
    page: str  # page title as MediaWiki writes it (spaces, with namespace/prefix)
    url: str
    revision: int
    timestamp: str
    user: str
    comment: str
    wikitext: str


def parse_revisions(text: str, name: str, result: ReadResult) -> list[Revision]:
    starts = list(_ENTRY.finditer(text))
    revisions = []
    for n, m in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
        chunk = text[m.end():end]

        def report(problem: str) -> None:
            line, column = position(text, m.start())
            result.diagnostics.append(Diagnostic(
                name, f"feed entry {n + 1} (at character {m.start()}, revision {m.group('rev')}): {problem}; skipped",
                line=line, column=column, entry=n + 1))

        head = _head(chunk)
        if not head:
            if _HEAD_NO_TS.match(chunk):
                report("no timestamp (YYYY-MM-DDTHH:MM:SSZ) after the title")
            elif "<div>" not in chunk:
                report("cut off or malformed: no '<p>user: comment</p> <hr /> <div>' head before its text")
            else:
                report("malformed head: expected 'title timestamp <p>user: comment</p> <hr /> <div>'")
            continue
        body_end = chunk.find("</div>", head.end)
        if body_end < 0:
            report(f"cut off after {len(chunk) - head.end} characters of text (no closing </div>)")
            continue
        escaped = chunk[head.end:body_end]
        wikitext = html.unescape(re.sub(r"<br\s*+/?>\s?", "\n", escaped))
        title = html.unescape(head.title).strip()
        if not title:
            title = unquote(m.group("page")).replace("_", " ")
            line, column = position(text, m.start())
            result.diagnostics.append(Diagnostic(
                name, f"feed entry {n + 1} (at character {m.start()}) has no title; using '{title}' from its URL",
                line=line, column=column, entry=n + 1))
        revisions.append(
            Revision(
                entry=n + 1,
                page=title,
                url=html.unescape(m.group("url")),
                revision=int(m.group("rev")),
                timestamp=head.timestamp,
                user=html.unescape(head.user).strip(),
                comment=html.unescape(head.comment).strip(),
                wikitext=wikitext.strip("\n"),
            )
        )
    cut = _cut_url(text, starts[-1].end() if starts else 0)
    if cut is not None:
        line, column = position(text, cut)
        result.diagnostics.append(Diagnostic(
            name, f"feed entry {len(starts) + 1} (at character {cut}): cut off inside its revision URL; skipped",
            line=line, column=column, entry=len(starts) + 1))
    return revisions


@dataclass
class _Head:
    title: str
    timestamp: str
    user: str
    comment: str
    end: int  # where the escaped wikitext starts


def _head(chunk: str) -> _Head | None:
    """`title timestamp <p>user: comment</p> <hr /> <div>` at the start of an entry, or None.

    The title runs to the first timestamp followed by `<p>`, the comment to the first
    `</p> <hr /> <div>` after it. (As one regex with a lazy title this rescanned the rest
    of the entry from every timestamp: quadratic on a head that never closes.)
    """
    ts = _TIMESTAMP_P.search(chunk)
    if ts is None:
        return None
    end = _HEAD_END.search(chunk, ts.end())
    if end is None:
        return None
    title = chunk[:ts.start()].rstrip()
    return _Head(title, ts.group("ts"), ts.group("user"), chunk[ts.end():end.start()], end.end())


def _cut_url(text: str, tail_from: int) -> int | None:
    """Where an entry's revision URL starts when the feed ends inside it, else None.

    That is the first `http(s)://` of the text's last word (at or after `tail_from`, the
    end of the last whole entry's URL) when the word holds `index.php`.
    """
    end = len(text.rstrip())
    start = end
    while start > tail_from and not text[start - 1].isspace():
        start -= 1
    url = _URL_START.search(text, start, end)
    if url is None or "index.php" not in text[url.start():end]:
        return None
    return url.start()


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset (a feed is often one long line)."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def newest_by_page(revisions: list[Revision]) -> dict[str, Revision]:
    """The newest revision of each page, whatever order the feed lists them in."""
    newest: dict[str, Revision] = {}
    for rev in revisions:
        cur = newest.get(rev.page)
        if cur is None or (rev.timestamp, rev.revision) > (cur.timestamp, cur.revision):
            newest[rev.page] = rev
    return newest


def course_name(key: str) -> str:
    m = COURSE_KEY.match(key)
    if not m:
        return key
    term = TERMS[m.group("term").lower()]
    return f"{m.group('subject').upper()} {m.group('number')}, {term} 20{m.group('yy')}"


def split_title(page: str, course_keys: list[str]) -> tuple[str, str | None]:
    """`stat946w18/Title` or `Title STAT946` -> ("Title", course key)."""
    m = _COURSE_PREFIX.match(page)
    if m:
        return m.group("rest").strip(), m.group("key").lower()
    m = _COURSE_SUFFIX.match(page)
    if m:
        code = m.group("code").lower()
        key = next((k for k in sorted(course_keys) if k.startswith(code)), code)
        return m.group("rest").strip(), key
    return page.strip(), None


def page_url(wiki_index: str, page: str) -> str:
    return f"{wiki_index}?title={page.replace(' ', '_')}"


def read(text: str, name: str) -> ReadResult:
    result = ReadResult()
    revisions = parse_revisions(text, name, result)
    pages = newest_by_page(revisions)
    course_pages = {p: r for p, r in pages.items() if COURSE_KEY.match(p)}
    course_keys = sorted(p.lower() for p in course_pages)
    redirects: dict[str, str] = {}
    articles: list[Revision] = []
    for page in sorted(pages):
        rev = pages[page]
        if _NON_ARTICLE.match(page) or page in course_pages:
            continue
        target = _REDIRECT.match(rev.wikitext)
        if target:
            redirects[page] = target.group(1).strip().replace("_", " ")
        elif rev.wikitext.strip():
            articles.append(rev)

    tables = {
        key: course_table.TitleIndex(course_table.parse(course_pages[p].wikitext, key))
        for p, key in ((p, p.lower()) for p in course_pages)
    }
    for key in course_keys:
        page = next(p for p in course_pages if p.lower() == key)
        result.collections.append(
            Collection(key=key, name=course_name(key), source_url=page_url(_index(course_pages[page].url), page))
        )

    for rev in articles:
        title, course = split_title(rev.page, course_keys)
        wiki_index = _index(rev.url)
        record = SummaryRecord(
            id="sw-" + hashlib.sha1(rev.page.encode("utf-8")).hexdigest()[:12],
            source="statwiki",
            markup=MARKUP_WIKITEXT,
            body=rev.wikitext,
            origins=[name],
            paper=PaperMeta(title=title, sources={"title": prov.PAGE_NAME}),
            source_url=page_url(wiki_index, rev.page),
            editor=rev.user or None,  # the account whose edit was scraped; the credit is the presenters'
            collection=course,
            date=rev.timestamp,
            title=title,
            revision=rev.revision,
            aliases=sorted(old for old, new in redirects.items() if new == rev.page),
        )
        table_names: list[str] = []
        for key, index in sorted(tables.items()):
            row = index.match(title, rev.page)
            if row:
                _enrich(record, row, key)
                table_names = split_people(row.presenter)
                break
        presenters = merge_presenters(table_names, page_presenters(rev.wikitext))
        if presenters:
            record.contributor = record.presenter = english_list(presenters)
        result.records.append(record)
    return result


def _index(revision_url: str) -> str:
    return revision_url.split("?", 1)[0]


def _enrich(record: SummaryRecord, row: course_table.Row, course: str) -> None:
    """Add what the course's presentation table says about this summary's paper."""
    record.collection = record.collection or course
    record.presented_on = row.date
    record.presented_order = row.position
    if row.paper_url:
        kind = scholarly.classify(row.paper_url) or "paper"
        record.paper.links[kind] = scholarly.canonical(kind, row.paper_url)
        record.paper.sources[f"links.{kind}"] = prov.COURSE_TABLE
        if kind == "arxiv" and row.paper_url.endswith(".pdf"):
            record.paper.links["pdf"] = row.paper_url
            record.paper.sources["links.pdf"] = prov.COURSE_TABLE
    # The course table gives the title as the course wrote it: it wins over the page's name
    # ("stat946f20/Mixup"), unless it is typed in capitals and the page's name is not. When
    # the two differ only in case and punctuation, the one typed with more care wins.
    title = row.title.strip().rstrip(".").strip()
    if not title or (title.isupper() and not record.paper.title.isupper()):
        return
    if not row.exact or _care(title) > _care(record.paper.title):
        record.paper.title = title
        record.paper.sources["title"] = prov.COURSE_TABLE


def _care(title: str) -> int:
    """Capitalised words, not all caps: how carefully a title was typed."""
    if title.isupper():
        return 0
    return sum(1 for w in title.split() if w[:1].isupper())
