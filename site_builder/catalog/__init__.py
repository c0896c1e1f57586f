"""Catalog: merge records into papers and summaries, then build the taxonomies."""
from __future__ import annotations

from .. import provenance as prov
from ..config import SiteConfig
from ..records import Collection, Diagnostic, PaperMeta, SummaryRecord
from . import identifiers, ownlink, selfcite
from .merge import group_papers, merge_summaries, paper_keys, title_key
from .model import Catalog, Paper, Summary, Taxonomy, Term
from .overrides import Entry, Overrides, Tie
from .slugs import slugify, unique_slug
from .topics import assign_topics
from ..readers.names import last_first

__all__ = ["build_catalog", "Catalog", "Paper", "Summary", "Taxonomy", "Term"]

YEAR_UNKNOWN = "unknown"


def build_catalog(records: list[SummaryRecord], collections: list[Collection], config: SiteConfig,
                  overrides: Overrides | None = None, jobs: int = 1) -> Catalog:
    """Records -> papers, summaries and taxonomies. `overrides`: papers.yaml and
    papers.enriched.yaml (overrides.load); their problems are added to its diagnostics.
    `jobs`: the reading of each summary's text (its citation of its paper, its link to it, its
    topic mentions) is done on that many cores (parallel.py); the catalog is the same."""
    overrides = overrides or Overrides()
    summaries = merge_summaries(records)
    texts = _TextFacts(summaries, jobs)
    for i, s in enumerate(summaries):  # what each summary's own text says about its paper
        meta = s.record.paper
        if meta.title and (not meta.authors or meta.year is None):
            cite = texts.citation(i, meta.title)
            if cite is not None:
                selfcite.apply(meta, cite)
    pending = _tie_summaries(summaries, overrides, texts)
    papers = group_papers(summaries)
    _tie_by_slug(papers, pending, overrides)
    _apply_entries(papers, overrides)
    for paper in papers:
        identifiers.apply(paper.meta)
    # Each paper's topics depend on that paper alone: worked out on `jobs` cores, set here in order.
    for paper, (topics, sources) in zip(papers, _map(lambda p: _topics_of(p, config), papers, jobs)):
        paper.topics, paper.topic_sources = topics, sources
    known = {c.key: c for c in collections}
    for s in summaries:
        key = s.record.collection
        if key and key not in known:
            known[key] = Collection(key=key, name=key)
    for key, name in config.collections.items():
        if key in known:
            known[key].name = name
    colls = [known[k] for k in sorted(known)]
    catalog = Catalog(
        papers=papers,
        summaries=summaries,
        taxonomies={},
        collections=colls,
    )
    catalog.taxonomies = build_taxonomies(catalog)
    catalog.aliases = {
        alias: s.url for s in summaries for alias in s.record.aliases
    }
    return catalog


def _map(fn, items: list, jobs: int) -> list:
    """[fn(x) for x in items], on `jobs` forked cores when there are enough items (parallel.py)."""
    if jobs <= 1:
        return [fn(x) for x in items]
    from ..parallel import map_indexed

    return map_indexed(lambda i: fn(items[i]), len(items), jobs)


def _topics_of(paper: Paper, config: SiteConfig) -> tuple[list[str], dict[str, str]]:
    assign_topics(paper, config)
    return paper.topics, paper.topic_sources


class _TextFacts:
    """Each summary's citation of its paper's title and link to its paper, read from its text on
    `jobs` cores before the catalog needs them (both depend on the text and title alone)."""

    def __init__(self, summaries: list[Summary], jobs: int) -> None:
        self.summaries = summaries
        # Asked for below: a citation where the metadata lacks authors or a year; a link where there is none.
        self.titles = {i: s.record.paper.title for i, s in enumerate(summaries)
                       if s.record.paper.title and (not s.record.paper.authors or s.record.paper.year is None)}
        bare = [i for i, s in enumerate(summaries) if s.record.paper.is_empty()]
        asked = sorted({*self.titles, *bare})
        bare_set = set(bare)

        def facts(i: int) -> tuple:
            body = summaries[i].record.body
            return (selfcite.find(body, self.titles[i]) if i in self.titles else None,
                    ownlink.own_link(body) if i in bare_set else _UNASKED)

        found = _map(facts, asked, jobs)
        self.cites = {i: f[0] for i, f in zip(asked, found) if i in self.titles}
        self.links = {i: f[1] for i, f in zip(asked, found) if i in bare_set}
        self.index = {id(s): i for i, s in enumerate(summaries)}

    def citation(self, i: int, title: str):
        """selfcite.find(summary i's text, title)."""
        if self.titles.get(i) == title:
            return self.cites[i]
        return selfcite.find(self.summaries[i].record.body, title)  # (its title changed meanwhile)

    def own_link(self, s: Summary) -> tuple[str, str] | None:
        """ownlink.own_link(s's text)."""
        i = self.index.get(id(s))
        if i is not None and i in self.links:
            return self.links[i]
        return ownlink.own_link(s.record.body)


_UNASKED = ("", "")


def text_facts(s: Summary, config: SiteConfig) -> tuple:
    """What the catalog reads off a summary's text (not its metadata): its citation of its own
    paper, its link to its paper, and the topic mentions that count when nothing else gave a
    topic. An edit that changes none of these cannot change the catalog (incremental/session.py)."""
    from .topics import phrase_counts, rules_for

    paper = s.paper
    title = s.record.paper.title or (paper.title if paper else "")
    cite = selfcite.find(s.record.body, title) if title else None
    link = ownlink.own_link(s.record.body) if paper is None else None
    counts = None
    if paper is not None and (not paper.topics or any("mentions" in v for v in paper.topic_sources.values())):
        counts = sorted(phrase_counts(s.record.body, rules_for(config)).items())
    return cite, link, counts, len(s.record.body.split()) if counts is not None else 0


def _entry_meta(entry: Entry) -> PaperMeta:
    """The paper an entry describes, as metadata with the entry's provenance."""
    meta = PaperMeta()
    v = entry.values
    for name in ("title", "authors", "year", "venue", "abstract", "keywords"):
        prov.offer(meta, name, v.get(name), entry.source)
    prov.offer(meta, "first_published", v.get("published"), entry.source)
    links = dict(v.get("links") or {})
    if "arxiv" in entry.match and "arxiv" not in links:
        links["arxiv"] = f"https://arxiv.org/abs/{entry.match['arxiv']}"
    if "doi" in entry.match and "doi" not in links:
        links["doi"] = f"https://doi.org/{entry.match['doi']}"
    for kind, url in links.items():
        prov.offer(meta, f"links.{kind}", url, entry.source)
    if "title" in entry.match and not meta.title:
        prov.offer(meta, "title", entry.match["title"], entry.source)
    return meta


def _entry_keys(entry: Entry) -> list[str]:
    keys = []
    if "arxiv" in entry.match:
        keys.append("arxiv:" + entry.match["arxiv"])
    if "doi" in entry.match:
        keys.append("doi:" + entry.match["doi"])
    if "title" in entry.match:
        keys.append("title:" + title_key(entry.match["title"]))
    return keys


def _tie_summaries(summaries: list[Summary], overrides: Overrides,
                   texts: _TextFacts | None = None) -> list[tuple[Summary, "Tie"]]:
    """Give unidentified summaries a paper: the user's `summaries:` ties first, then the
    summary's own link (ownlink.py) when some input or entry knows that paper. Returns the
    ties by paper slug ({id: ...}), which join their paper after grouping (_tie_by_slug)."""
    pending: list[tuple[Summary, Tie]] = []
    by_id = {s.id: s for s in summaries}
    entries_by_key: dict[str, Entry] = {}
    for entry in overrides.entries:  # the user's after the enriched ones: the user's win
        if entry.values.get("title"):
            for key in _entry_keys(entry):
                entries_by_key[key] = entry
    for tie in overrides.ties:
        s = by_id.get(tie.summary)
        if s is None:
            overrides.diagnostics.append(Diagnostic(tie.file, f"summaries: no summary has the id '{tie.summary}'", line=tie.line))
            continue
        if set(tie.entry.match) == {"id"} and not tie.entry.values:
            pending.append((s, tie))  # joins the paper with that slug once papers have slugs
            continue
        meta = _entry_meta(tie.entry)
        if not meta.title:
            known = next((entries_by_key[k] for k in _entry_keys(tie.entry) if k in entries_by_key), None)
            if known is not None:
                prov.offer(meta, "title", known.values["title"], known.source)
        s.record.paper = meta
        tie.used = True
    known_keys = {k for s in summaries for k in paper_keys(s.record.paper) if not k.startswith("title:")}
    for s in summaries:
        if not s.record.paper.is_empty():
            continue
        s.own_link = texts.own_link(s) if texts is not None else ownlink.own_link(s.record.body)
        if s.own_link is None:
            continue
        kind, url = s.own_link
        key = paper_keys(PaperMeta(links={kind: url}))
        if not key:
            continue
        if key[0] in known_keys:
            s.record.paper = PaperMeta(links={kind: url}, sources={f"links.{kind}": prov.SUMMARY_LINK})
        elif key[0] in entries_by_key:
            entry = entries_by_key[key[0]]
            s.record.paper = PaperMeta(title=entry.values["title"], links={kind: url},
                                       sources={"title": entry.source, f"links.{kind}": prov.SUMMARY_LINK})
    return pending


def _tie_by_slug(papers: list[Paper], pending: list[tuple[Summary, "Tie"]], overrides: Overrides) -> None:
    from .order import newest_summary_first

    by_slug = {p.id: p for p in papers}
    for s, tie in pending:
        paper = by_slug.get(tie.entry.match["id"])
        if paper is None:
            overrides.diagnostics.append(Diagnostic(
                tie.file, f"summaries: '{tie.summary}': no paper has the id '{tie.entry.match['id']}'", line=tie.line))
            continue
        s.paper = paper
        paper.summaries = sorted([*paper.summaries, s], key=newest_summary_first)


def _apply_entries(papers: list[Paper], overrides: Overrides) -> None:
    """Enriched entries, then the user's, onto the papers they match (provenance ranks decide)."""
    index: dict[str, Paper] = {}
    for paper in papers:
        index["id:" + paper.id] = paper
        metas = [paper.meta] + [s.record.paper for s in paper.summaries]
        for meta in metas:
            for key in paper_keys(meta):
                index.setdefault(key, paper)
    for entry in overrides.entries:
        keys = _entry_keys(entry) + (["id:" + entry.match["id"]] if "id" in entry.match else [])
        hits = {id(index[k]): index[k] for k in keys if k in index}
        if not hits:
            overrides.diagnostics.append(Diagnostic(
                entry.file, f"the entry matching {_show_match(entry)} finds no paper; not used", line=entry.line))
            continue
        if len(hits) > 1:
            overrides.diagnostics.append(Diagnostic(
                entry.file, f"the entry matching {_show_match(entry)} finds {len(hits)} different papers; not used",
                line=entry.line))
            continue
        paper = next(iter(hits.values()))
        entry.used = True
        meta = _entry_meta(entry)
        for name in ("title", "authors", "year", "venue", "abstract", "first_published"):
            if prov.offer(paper.meta, name, getattr(meta, name), entry.source):
                paper.meta.sources.pop(f"{name}.note", None)
        if meta.keywords:
            if entry.source == prov.USER:
                paper.meta.keywords = list(meta.keywords)
                paper.meta.sources["keywords"] = prov.USER
            else:
                paper.meta.keywords += [k for k in meta.keywords if k not in paper.meta.keywords]
        for kind, url in meta.links.items():
            prov.offer(paper.meta, f"links.{kind}", url, entry.source)
        if entry.values.get("topics"):
            paper.entry_topics.append((entry.source, list(entry.values["topics"])))


def _show_match(entry: Entry) -> str:
    return "{" + ", ".join(f"{k}: {v!r}" for k, v in entry.match.items()) + "}"


def build_taxonomies(catalog: Catalog) -> dict[str, Taxonomy]:
    years = Taxonomy("years", "Year", "Years")
    topics = Taxonomy("topics", "Topic", "Topics")
    venues = Taxonomy("venues", "Venue", "Venues")
    authors = Taxonomy("authors", "Author", "Authors")
    colls = Taxonomy("collections", "Collection", "Collections")

    def add(tax: dict[str, Term], key: str, name: str) -> Term:
        return tax.setdefault(key, Term(key=key, name=name))

    by: dict[str, dict[str, Term]] = {t: {} for t in ("years", "topics", "venues", "authors", "collections")}
    for paper in catalog.papers:
        year_key = str(paper.year) if paper.year else YEAR_UNKNOWN
        add(by["years"], year_key, str(paper.year) if paper.year else "Year unknown").papers.append(paper)
        for topic in paper.topics:
            add(by["topics"], unique_slug(topic), topic).papers.append(paper)
        if paper.meta.venue:
            add(by["venues"], unique_slug(paper.meta.venue), paper.meta.venue).papers.append(paper)
        for author in paper.meta.authors:
            add(by["authors"], unique_slug(author), author).papers.append(paper)
        for coll in paper.collections:
            add(by["collections"], coll, coll).papers.append(paper)
    for s in catalog.unidentified:
        add(by["years"], YEAR_UNKNOWN, "Year unknown").summaries.append(s)
        if s.record.collection:
            add(by["collections"], s.record.collection, s.record.collection).summaries.append(s)
    names = {c.key: c for c in catalog.collections}
    for key, term in by["collections"].items():
        if key in names:
            term.name, term.source_url = names[key].name, names[key].source_url

    # Years newest first with "unknown" last; the rest alphabetically.
    years.terms = sorted(by["years"].values(), key=lambda t: (t.key == YEAR_UNKNOWN, -int(t.key) if t.key.isdigit() else 0))
    for tax, store in ((topics, by["topics"]), (venues, by["venues"]), (colls, by["collections"])):
        tax.terms = sorted(store.values(), key=lambda t: (slugify(t.name), t.key))
    # Authors A to Z by family name, as a library index would list them.
    authors.terms = sorted(by["authors"].values(), key=lambda t: (slugify(last_first(t.name)), t.key))
    # A paper is in several terms (its year, venue, authors, topics): its sort key is worked out once.
    order = {id(p): (-(p.year or 0), p.title.lower(), p.id) for p in catalog.papers}
    for tax in (years, topics, venues, authors, colls):
        for term in tax.terms:
            term.papers.sort(key=lambda p: order[id(p)])
    return {t.key: t for t in (years, topics, venues, authors, colls)}
