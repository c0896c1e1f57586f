"""Related papers: the few most similar entries by text (TF-IDF) and shared topics.

Each entry (a paper, or a summary whose paper is unknown) becomes a sparse
TF-IDF vector of its title, keywords, topics and summary text. Only each
entry's strongest terms are kept, and similarities are accumulated through an
inverted index whose posting lists keep only the entries where the term weighs
most ("champion lists", as search engines do), so the cost grows linearly with
the number of entries, not with its square. Ties break on the URL, so the
result is the same on every build.
"""
from __future__ import annotations

import heapq
import math
import re
from collections import Counter

from .model import Catalog, Paper, Summary

Entry = Paper | Summary

TERMS_KEPT = 30      # strongest terms per entry (its vector)
QUERY_TERMS = 10     # of those, the ones used to look for neighbours
CHAMPIONS = 32       # entries kept per term in the inverted index
TOPIC_WEIGHT = 3.0   # a shared topic counts like a word used a few times in both
MIN_SCORE = 0.05     # below this, "related" would be noise
STOPWORDS = frozenset("""
about above after again against all also among and any are because been before being below between both but can
could did does doing done down during each either else even few for from further had has have having her here
him his how however into its itself just least less let like made make makes many may might more most much must
not now off often once one only other our out over own per same see seen shall she should show shown shows since
some such than that the their them then there these they this those though through thus too under until upon use
used uses using very via was way well were what when where whether which while who whom whose why will with within
without would yet you your paper papers summary authors author propose proposed proposes approach method methods
result results work new also first second two three based given show different example section figure table
""".split())
_WORD = re.compile(r"[a-z][a-z0-9]{2,}")


def entry_terms(entry: Entry) -> Counter:
    """Word counts of everything an entry says, plus its topics."""
    if isinstance(entry, Paper):
        text = " ".join([entry.title, " ".join(entry.meta.keywords), *(s.text for s in entry.summaries)])
    else:
        text = entry.display_title + " " + entry.text
    counts = Counter(_WORD.findall(text.lower()))
    for word in STOPWORDS & counts.keys():
        del counts[word]
    if isinstance(entry, Paper):
        for topic in entry.topics:
            counts["topic:" + topic] += 1
    return counts


def _vectors(entries: list[Entry]) -> list[dict[str, float]]:
    counts = [entry_terms(e) for e in entries]
    df: Counter = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(entries)
    # A term no other entry has cannot make two entries similar; one in every entry says nothing.
    idf = {t: math.log(n / d) * (TOPIC_WEIGHT if t.startswith("topic:") else 1.0) for t, d in df.items() if 2 <= d < n}
    vectors = []
    for c in counts:
        weights = [(term, (1 + math.log(tf)) * idf[term]) for term, tf in c.items() if term in idf]
        top = heapq.nsmallest(TERMS_KEPT, weights, key=lambda kv: (-kv[1], kv[0]))
        norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
        vectors.append({t: w / norm for t, w in top})
    return vectors


def related_entries(catalog: Catalog, k: int = 5) -> dict[str, list[Entry]]:
    """Entry URL -> up to k most similar other entries, best first."""
    entries: list[Entry] = sorted([*catalog.papers, *catalog.unidentified], key=lambda e: e.url)
    if len(entries) < 2:
        return {e.url: [] for e in entries}
    vectors = _vectors(entries)
    postings: dict[str, list[tuple[int, float]]] = {}
    for i, vec in enumerate(vectors):
        for term, w in vec.items():
            postings.setdefault(term, []).append((i, w))
    for term, plist in postings.items():
        plist.sort(key=lambda p: (-p[1], p[0]))
        del plist[CHAMPIONS:]
    out: dict[str, list[Entry]] = {}
    for i, vec in enumerate(vectors):
        scores: dict[int, float] = {}
        for term, w in list(vec.items())[:QUERY_TERMS]:
            for j, wj in postings[term]:
                if j != i:
                    scores[j] = scores.get(j, 0.0) + w * wj
        best = heapq.nsmallest(k, ((-round(s, 9), j) for j, s in scores.items() if s >= MIN_SCORE))
        out[entries[i].url] = [entries[j] for _, j in best]
    return out
