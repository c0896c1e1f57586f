"""Merge records: one summary per text, one paper per work.

A summary scraped from two listing pages is one summary that remembers both
files. Summaries of the same paper (same arXiv id, or same title once case and
punctuation are ignored) become one paper. A summary with no paper metadata
stays unattached rather than being given invented metadata.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .. import provenance as prov
from ..records import PaperMeta, SummaryRecord
from ..render import links as scholarly
from .model import Paper, Summary
from .order import newest_summary_first
from .slugs import LISTING_SLUGS, assign_slugs


def merge_summaries(records: list[SummaryRecord]) -> list[Summary]:
    by_id: dict[str, SummaryRecord] = {}
    for rec in records:
        cur = by_id.get(rec.id)
        by_id[rec.id] = rec if cur is None else _merge_record(cur, rec)
    return [Summary(record=by_id[k]) for k in sorted(by_id)]


def _merge_record(a: SummaryRecord, b: SummaryRecord) -> SummaryRecord:
    """Keep the first record's text; take anything it lacks from the second."""
    paper = a.paper if not a.paper.is_empty() else b.paper
    merged = replace(a, paper=paper, origins=sorted(set(a.origins) | set(b.origins)))
    for name in ("source_url", "contributor", "editor", "collection", "date", "presenter", "presented_on", "revision", "votes"):
        if getattr(merged, name) is None and getattr(b, name) is not None:
            setattr(merged, name, getattr(b, name))
    if b.comments is not None:
        merged.comments = max(merged.comments or 0, b.comments)
    merged.aliases = sorted(set(a.aliases) | set(b.aliases))
    return merged


def title_key(title: str) -> str:
    """Titles that differ only in case and punctuation are one paper's; `+` and `#` count
    (C++ is not C), and a title of no word at all (punctuation, emoji) is compared whole."""
    words = " ".join(re.sub(r"[^\w+#]+", " ", title.lower()).split())
    return words or " ".join(title.split())


def paper_keys(meta: PaperMeta) -> list[str]:
    """What identifies the paper: its arXiv id, DOI, OpenReview id, normalised title."""
    keys = []
    for url in meta.links.values():
        aid = scholarly.arxiv_id(url)
        if aid:
            keys.append("arxiv:" + aid)
        elif (d := scholarly.doi(url)) and "doi.org" in url.lower():
            keys.append("doi:" + d.lower())
        elif "openreview.net" in url.lower() and (oid := scholarly.openreview_id(url)):
            keys.append("openreview:" + oid)
    if meta.title:
        keys.append("title:" + title_key(meta.title))
    return keys


def group_papers(summaries: list[Summary]) -> list[Paper]:
    """Union summaries that share an arXiv id or a normalised title."""
    parent: dict[str, str] = {}

    def find(k: str) -> str:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    owned = [s for s in summaries if not s.record.paper.is_empty()]
    firsts = []  # each summary's first key (worked out once: the links and title are parsed for it)
    for s in owned:
        keys = paper_keys(s.record.paper)
        firsts.append(keys[0])
        for k in keys[1:]:
            parent[find(k)] = find(keys[0])
    groups: dict[str, list[Summary]] = {}
    for s, first in zip(owned, firsts):
        groups.setdefault(find(first), []).append(s)

    papers = []
    for members in groups.values():
        meta = combine_meta([m.record.paper for m in members])
        papers.append(Paper(id="", meta=meta, summaries=sorted(members, key=newest_summary_first)))
    papers.sort(key=lambda p: (title_key(p.title), p.summaries[0].id))
    # Each paper's slug from its title; the tiebreak (its first summary id) matters only between equal titles.
    ids = assign_slugs([(p.title, min(s.id for s in p.summaries)) for p in papers], reserved=LISTING_SLUGS)
    for paper, paper_id in zip(papers, ids):
        paper.id = paper_id
        for s in paper.summaries:
            s.paper = paper
    return papers


def combine_meta(metas: list[PaperMeta]) -> PaperMeta:
    """Field by field, the value from the best-ranked source (provenance.RANK), then the fullest
    metadata; links and keywords are united. Each value keeps its source."""
    ranked = sorted(metas, key=lambda m: -_richness(m))
    out = PaperMeta()
    for m in ranked:
        for name in ("title", "venue", "abstract", "first_published", "authors", "year"):
            value = getattr(m, name)
            if prov.offer(out, name, list(value) if isinstance(value, list) else value, prov.source_of(m, name)):
                for note in (f"{name}.note",):
                    if note in m.sources:
                        out.sources[note] = m.sources[note]
                    else:
                        out.sources.pop(note, None)
        if not out.source and m.source:
            out.source = m.source
        for kw in m.keywords:
            if kw not in out.keywords:
                out.keywords.append(kw)
        for kind, url in sorted(m.links.items()):
            prov.offer(out, f"links.{kind}", url, prov.source_of(m, f"links.{kind}"))
    return out


def _richness(m: PaperMeta) -> int:
    return sum(bool(x) for x in (m.title, m.authors, m.venue, m.year, m.keywords, m.abstract, m.links))


