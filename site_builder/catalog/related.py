"""Related papers: the few most similar entries by text (TF-IDF) and shared topics.

Each entry (a paper, or a summary whose paper is unknown) becomes a sparse
TF-IDF vector of its title, keywords, topics and summary text. Only each
entry's strongest terms are kept, and similarities are accumulated through an
inverted index whose posting lists keep only the entries where the term weighs
most ("champion lists", as search engines do), so the cost grows linearly with
the number of entries, not with its square. Ties break on the URL, so the
result is the same on every build.

`RelatedIndex` keeps everything the computation needs (term counts, document
frequencies, vectors, full posting lists, champion lists, which entries query
which term, the results), so that after an edit to a few entries it can be
brought up to date exactly -- the same lists, in the same order, down to the
last bit of every score -- at the cost of the entries the edit can reach
instead of the whole catalog. It holds URLs only, no catalog objects, so it
pickles into the build cache.
"""
from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable
from itertools import islice
from operator import itemgetter

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

# A word is what the regular expression [a-z][a-z0-9]{2,} finds in the lower-cased text. `_words`
# gets the same counts in fewer steps: one byte table lower-cases A-Z and turns everything but
# a-z0-9 into a space (non-ASCII characters become "?" first), then the text is split on spaces.
_BYTE_MAP = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or 48 <= c <= 57 else 32 for c in range(256))
# The only characters outside ASCII whose str.lower() holds an ASCII letter or digit
# ("İ" -> "i̇", Kelvin sign -> "k"); a test checks this against the running Python's Unicode tables.
ODD_LOWER = ("\u0130", "\u212a")
_DIGITS = "0123456789"
_SCORE_SLACK = 1e-8  # > how far round(s, 9) can move a score; see _top


def _words(text: str) -> Counter:
    """Counter(re.findall(r"[a-z][a-z0-9]{2,}", text.lower())), computed faster."""
    if text.isascii():
        raw = text.encode("ascii")
    else:
        for ch in ODD_LOWER:
            if ch in text:
                text = text.replace(ch, ch.lower())
        raw = text.encode("ascii", "replace")
    counts = Counter(raw.translate(_BYTE_MAP).decode("ascii").split())
    # Runs of letters and digits: the expression starts at the first letter and needs three characters.
    for run in [w for w in counts if len(w) < 3 or w[0] in _DIGITS]:
        n = counts.pop(run)
        word = run.lstrip(_DIGITS)
        if len(word) >= 3:
            counts[word] += n
    return counts


def entry_terms(entry: Entry) -> Counter:
    """Word counts of everything an entry says, plus its topics."""
    if isinstance(entry, Paper):
        text = " ".join([entry.title, " ".join(entry.meta.keywords), *(s.text for s in entry.summaries)])
    else:
        text = entry.display_title + " " + entry.text
    counts = _words(text)
    for word in STOPWORDS & counts.keys():
        del counts[word]
    if isinstance(entry, Paper):
        for topic in entry.topics:
            counts["topic:" + topic] += 1
    return counts


def _idf(term: str, df: int, n: int) -> float | None:
    # A term no other entry has cannot make two entries similar; one in every entry says nothing.
    if 2 <= df < n:
        return math.log(n / df) * (TOPIC_WEIGHT if term.startswith("topic:") else 1.0)
    return None


class _TfWeights(dict):
    """tf -> 1 + log(tf), worked out once per tf."""

    def __missing__(self, tf: int) -> float:
        w = self[tf] = 1 + math.log(tf)
        return w


_TF_WEIGHT = _TfWeights()


def _vector(counts: dict[str, int], idf: dict[str, float]) -> dict[str, float]:
    """The entry's TERMS_KEPT strongest terms, strongest first (ties by term), unit length."""
    tfw, get = _TF_WEIGHT, idf.get
    keyed = sorted([(-(tfw[tf] * w), t) for t, tf in counts.items() if (w := get(t)) is not None])
    del keyed[TERMS_KEPT:]
    norm = math.sqrt(sum(w * w for w, _ in keyed)) or 1.0
    return {t: -w / norm for w, t in keyed}


def _top(scores: dict[int, float], k: int) -> list[int]:
    """The k best (score rounded to 9 places, descending; then index) of those >= MIN_SCORE.

    Rounding is monotonic and moves a score by at most 5e-10, so only the scores within
    _SCORE_SLACK of the k-th best raw score can make the cut: only those are rounded.
    """
    ranked = sorted(scores.items(), key=itemgetter(1), reverse=True)
    floor = MIN_SCORE
    if len(ranked) > k:
        floor = max(floor, ranked[k - 1][1] - _SCORE_SLACK)
    best = []
    for j, s in ranked:
        if s < floor:
            break
        best.append((-round(s, 9), j))
    best.sort()
    return [j for _, j in best[:k]]


class RelatedIndex:
    """Related entries of a catalog, kept so that edits can be applied exactly and cheaply.

    Entries are numbered in URL order (`urls`, `position`); per entry: `counts` (its
    terms), `vectors`, `results` (indexes of its related entries, best first). Per term:
    `df`, `idf`, `postings` (every entry that keeps the term, as (-weight, index), sorted),
    `champions` (the first CHAMPIONS of those, index -> weight) and `queriers` (the
    entries that look for neighbours through the term).
    """

    def __init__(self, urls: list[str], counts: list[dict[str, int]], k: int = 5) -> None:
        """From URLs in sorted order and their `entry_terms`; `build` is the usual way in."""
        self.k = k
        self.urls = urls
        self.counts = counts
        self.position = {u: i for i, u in enumerate(urls)}
        df: Counter = Counter()
        for c in counts:
            df.update(c.keys())
        self.df: dict[str, int] = dict(df)
        n = len(urls)
        self.idf: dict[str, float] = {t: w for t, d in df.items() if (w := _idf(t, d, n)) is not None}
        self.vectors = [_vector(c, self.idf) for c in counts]
        self._index_vectors()
        self.results = [self._query(i) for i in range(n)]

    @classmethod
    def build(cls, entries: Iterable[Entry], k: int = 5) -> "RelatedIndex":
        entries = sorted(entries, key=lambda e: e.url)
        return cls([e.url for e in entries], [entry_terms(e) for e in entries], k)

    @classmethod
    def for_catalog(cls, catalog: Catalog, k: int = 5) -> "RelatedIndex":
        return cls.build([*catalog.papers, *catalog.unidentified], k)

    # -- reading ---------------------------------------------------------
    def results_for(self, url: str) -> list[str]:
        """URLs of the entries related to `url`, best first."""
        return [self.urls[j] for j in self.results[self.position[url]]]

    def as_urls(self) -> dict[str, list[str]]:
        return {u: [self.urls[j] for j in r] for u, r in zip(self.urls, self.results)}

    def resolve(self, entries: Iterable[Entry]) -> dict[str, list[Entry]]:
        """Entry URL -> related entry objects, for the entries of the catalog at hand."""
        by_url = {e.url: e for e in entries}
        if by_url.keys() != self.position.keys():
            raise ValueError("the index was built for other entries: build it again")
        objs = [by_url[u] for u in self.urls]
        return {u: [objs[j] for j in r] for u, r in zip(self.urls, self.results)}

    # -- computing -------------------------------------------------------
    def _index_vectors(self) -> None:
        postings: dict[str, list[tuple[float, int]]] = {}
        queriers: dict[str, set[int]] = {}
        for i, vec in enumerate(self.vectors):
            for t, w in vec.items():
                postings.setdefault(t, []).append((-w, i))
            for t in islice(vec, QUERY_TERMS):
                queriers.setdefault(t, set()).add(i)
        for plist in postings.values():
            plist.sort()
        self.postings = postings
        self.queriers = queriers
        self.champions = {t: {j: -w for w, j in plist[:CHAMPIONS]} for t, plist in postings.items()}

    def _query(self, i: int) -> list[int]:
        if self.k <= 0:
            return []
        champions = self.champions
        scores: dict[int, float] = {}
        get = scores.get
        for t, w in islice(self.vectors[i].items(), QUERY_TERMS):
            for j, wj in champions[t].items():
                scores[j] = get(j, 0.0) + w * wj
        scores.pop(i, None)  # cheaper than testing j != i above
        return _top(scores, self.k)

    def _score(self, qterms: list[tuple[str, float]], j: int) -> float:
        """What _query accumulates for j, in the same order, so bit for bit the same."""
        s = 0.0
        champions = self.champions
        for t, w in qterms:
            wj = champions[t].get(j)
            if wj is not None:
                s = s + w * wj
        return s

    # -- updating --------------------------------------------------------
    def update(self, changed: Iterable[Entry]) -> set[str]:
        """Take the new text, title, keywords or topics of `changed` entries into account.

        The set of entries must be the one the index was built for (a new or deleted
        entry needs `build`). Afterwards the index is exactly what `build` would give
        on the current entries. Returns the URLs whose related list changed.
        """
        fresh: dict[int, Counter] = {}
        for e in changed:
            i = self.position.get(e.url)
            if i is None:
                raise KeyError(f"{e.url} is not in the related index: build it again")
            c = entry_terms(e)
            if c != self.counts[i]:
                fresh[i] = c
        if not fresh:
            return set()
        reweighed = self._count(fresh)
        # Entries whose vector may differ: the edited ones, and those holding a term whose idf moved.
        suspects = set(fresh)
        if reweighed:
            for i, c in enumerate(self.counts):
                if i not in suspects and not c.keys().isdisjoint(reweighed) and self._may_reweigh(i, reweighed):
                    suspects.add(i)
        vectors: dict[int, dict[str, float]] = {}
        for i in sorted(suspects):
            v = _vector(self.counts[i], self.idf)
            if v != self.vectors[i]:
                vectors[i] = v
        if not vectors:
            return set()
        if len(vectors) * 8 > len(self.urls):  # most lists move anyway: redo the whole index
            return self._recompute_all(vectors)
        return self._recompute_some(vectors)

    def _count(self, fresh: dict[int, Counter]) -> set[str]:
        """New counts and document frequencies; returns the terms whose idf changed."""
        df, idf, n = self.df, self.idf, len(self.urls)
        moved: set[str] = set()
        for i, c in fresh.items():
            old = self.counts[i]
            for t in old.keys() - c.keys():
                if df[t] == 1:
                    del df[t]
                else:
                    df[t] -= 1
                moved.add(t)
            for t in c.keys() - old.keys():
                df[t] = df.get(t, 0) + 1
                moved.add(t)
            self.counts[i] = c
        reweighed = set()
        for t in moved:
            w = _idf(t, df.get(t, 0), n)
            if w != idf.get(t):
                reweighed.add(t)
                if w is None:
                    del idf[t]
                else:
                    idf[t] = w
        return reweighed

    def _may_reweigh(self, i: int, reweighed: set[str]) -> bool:
        """Whether new idfs of `reweighed` terms (some of which entry i has) can change its vector."""
        vec = self.vectors[i]
        if not vec.keys().isdisjoint(reweighed):
            return True  # a kept term weighs differently (or no longer counts)
        counts, idf = self.counts[i], self.idf
        joining = [t for t in counts.keys() & reweighed if t in idf]
        if len(vec) < TERMS_KEPT:
            return bool(joining)  # a vector with room keeps every term that counts
        # A full vector changes only if a term now outranks its last one (whose weight has not moved).
        last = next(reversed(vec))
        cut = (-((1 + math.log(counts[last])) * idf[last]), last)
        return any((-((1 + math.log(counts[t])) * idf[t]), t) < cut for t in joining)

    def _recompute_all(self, vectors: dict[int, dict[str, float]]) -> set[str]:
        for i, v in vectors.items():
            self.vectors[i] = v
        self._index_vectors()
        old = self.results
        self.results = [self._query(i) for i in range(len(self.urls))]
        return {self.urls[i] for i, (a, b) in enumerate(zip(old, self.results)) if a != b}

    def _recompute_some(self, vectors: dict[int, dict[str, float]]) -> set[str]:
        postings, queriers, champions = self.postings, self.queriers, self.champions
        touched: set[str] = set()
        for i, v in vectors.items():
            old = self.vectors[i]
            for t, w in old.items():
                plist = postings[t]
                at = bisect_left(plist, (-w, i))
                assert plist[at] == (-w, i)
                del plist[at]
            for t, w in v.items():
                insort(postings.setdefault(t, []), (-w, i))
            touched.update(old, v)
            asked, asks = set(islice(old, QUERY_TERMS)), set(islice(v, QUERY_TERMS))
            for t in asked - asks:
                queriers[t].discard(i)
                if not queriers[t]:
                    del queriers[t]
            for t in asks - asked:
                queriers.setdefault(t, set()).add(i)
            self.vectors[i] = v
        # Champion lists that changed, and the entries whose weight in them changed.
        moved: dict[str, set[int]] = {}
        for t in touched:
            plist = postings.get(t)
            champ = {j: -w for w, j in islice(plist, CHAMPIONS)} if plist else {}
            before = champions.get(t, {})
            if champ != before:
                moved[t] = {j for j, _ in before.items() ^ champ.items()}
            if champ:
                champions[t] = champ
            else:
                postings.pop(t, None)
                champions.pop(t, None)
        # Entries that ask a changed champion list: which candidates' scores moved.
        reached: dict[int, set[int]] = {}
        for t, js in moved.items():
            for i in queriers.get(t, ()):
                if i not in vectors:
                    reached.setdefault(i, set()).update(js)
        changed = set()
        for i in [*vectors, *(i for i, js in reached.items() if self._may_move(i, js))]:
            new = self._query(i)
            if new != self.results[i]:
                self.results[i] = new
                changed.add(self.urls[i])
        return changed

    def _may_move(self, i: int, js: set[int]) -> bool:
        """Whether new scores of candidates `js` (all else equal) can change entry i's list."""
        js.discard(i)
        if not js or self.k <= 0:
            return False
        result = self.results[i]
        if not js.isdisjoint(result):
            return True  # a listed entry's score moved: it may drop, or swap places
        qterms = list(islice(self.vectors[i].items(), QUERY_TERMS))
        cut = None
        if len(result) >= self.k:
            last = result[-1]
            cut = (-round(self._score(qterms, last), 9), last)
        for j in js:
            s = self._score(qterms, j)
            if s >= MIN_SCORE and (cut is None or (-round(s, 9), j) < cut):
                return True
        return False

    # -- pickling --------------------------------------------------------
    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["position"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.position = {u: i for i, u in enumerate(self.urls)}


def related_entries(catalog: Catalog, k: int = 5) -> dict[str, list[Entry]]:
    """Entry URL -> up to k most similar other entries, best first."""
    entries: list[Entry] = [*catalog.papers, *catalog.unidentified]
    return RelatedIndex.build(entries, k).resolve(entries)
