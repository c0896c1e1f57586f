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

import math
import re
from collections import Counter
from functools import lru_cache

from .model import Catalog, Paper, Summary

Entry = Paper | Summary

TERMS_KEPT = 30      # strongest terms per entry (its vector)
QUERY_TERMS = 12     # of those, the ones used to look for neighbours
CHAMPIONS = 40       # entries kept per term in the inverted index
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


@lru_cache(maxsize=None)
def text_terms(text: str) -> tuple[tuple[str, int], ...]:
    """Word counts of a text (cached: serve rebuilds reuse unchanged summaries)."""
    counts = Counter(w for w in _WORD.findall(text.lower()) if w not in STOPWORDS)
    return tuple(sorted(counts.items()))


def entry_counts(entry: Entry) -> Counter:
    counts: Counter = Counter()
    if isinstance(entry, Paper):
        texts = [entry.title, " ".join(entry.meta.keywords)] + [s.text for s in entry.summaries]
        for topic in entry.topics:
            counts["topic:" + topic] += 1
    else:
        texts = [entry.display_title, entry.text]
    for text in texts:
        counts.update(dict(text_terms(text)))
    return counts


def _vectors(entries: list[Entry]) -> list[dict[str, float]]:
    counts = [entry_counts(e) for e in entries]
    df: Counter = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(entries)
    vectors = []
    for c in counts:
        weights = {}
        for term, tf in c.items():
            if df[term] < 2:  # a term no other entry has cannot make two entries similar
                continue
            w = (1 + math.log(tf)) * math.log(n / df[term])
            if term.startswith("topic:"):
                w *= TOPIC_WEIGHT
            if w > 0:
                weights[term] = w
        top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:TERMS_KEPT]
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
        best = sorted(((round(s, 9), j) for j, s in scores.items() if s >= MIN_SCORE), key=lambda x: (-x[0], x[1]))
        out[entries[i].url] = [entries[j] for _, j in best[:k]]
    return out
