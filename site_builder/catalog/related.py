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
which term, the results), so that after an edit to a few entries `update` brings
it up to date exactly -- the same lists, in the same order, from the same bits
of every score as `build` on the edited entries -- at the cost of what the edit
can reach: the edited entries' vectors (and those of entries holding a term
whose idf moved), the posting lists they are in, and the entries that ask a
champion list that changed; of those, most are settled by scoring just the
candidates whose weight went up. It holds URLs, not catalog objects, and pickles
as a few flat arrays, so it can be kept in the build cache.

    index = RelatedIndex.for_catalog(catalog)           # or RelatedIndex.build(entries)
    related = index.resolve(entries)                     # URL -> related entry objects
    changed_urls = index.update([paper_or_summary, ...])  # after their text, title,
                                                         # keywords or topics changed
"""
from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Callable, Iterable
from heapq import nsmallest
from itertools import islice
from operator import itemgetter, neg

from ..parallel import Forked, imap_indexed
from .model import Catalog, Paper, Summary

Entry = Paper | Summary

TERMS_KEPT = 30      # strongest terms per entry (its vector)
QUERY_TERMS = 10     # of those, the ones used to look for neighbours
CHAMPIONS = 32       # entries kept per term in the inverted index
TOPIC_WEIGHT = 3.0   # a shared topic counts like a word used a few times in both
MIN_SCORE = 0.05     # below this, "related" would be noise
REDO_ALL_ABOVE = 1 / 8  # share of vectors an update changed above which it redoes every list
FORK_FROM = 256      # entries from which `in_background` forks (below, a fork costs more than it overlaps)
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


def _pack(counts: dict[str, int]) -> tuple[str, array] | dict[str, int]:
    """Term counts as one string and one array: a worker process hands that back far faster than a dict."""
    keys = "\0".join(counts)
    if keys.count("\0") != len(counts) - 1:  # a topic with a NUL in it (or no terms): as it is
        return counts
    return keys, array(_ID, counts.values())


def _unpack(packed: tuple[str, array] | dict[str, int]) -> dict[str, int]:
    return packed if isinstance(packed, dict) else dict(zip(packed[0].split("\0"), packed[1]))


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
_ID = "I" if array("I").itemsize >= 4 else "L"  # typecode of term ids, entry indexes, counts
_NAN = math.nan
_SCORE_SLACK = 1e-8  # more than round(s, 9) can move a score; see _top


def _vector(counts: dict[str, int], idf: dict[str, float]) -> tuple[dict[str, float], float]:
    """The entry's TERMS_KEPT strongest terms, strongest first (ties by term), unit length;
    and the raw weight of the last one when the vector is full (NaN when any term would fit)."""
    tfw, get = _TF_WEIGHT, idf.get
    return _unit(nsmallest(TERMS_KEPT, [(-(tfw[tf] * w), t) for t, tf in counts.items() if (w := get(t)) is not None]))


def _vector_of(terms: array, tfs: array, idf_of: list[float | None], vocab: list[str]) -> tuple[dict[str, float], float]:
    """_vector of the counts kept as term ids (`idf_of`: idf by term id), without making their dict."""
    tfw = _TF_WEIGHT
    return _unit(nsmallest(TERMS_KEPT, [(-(tfw[tf] * w), vocab[t]) for t, tf in zip(terms, tfs)
                                        if (w := idf_of[t]) is not None]))


def _unit(keyed: list[tuple[float, str]]) -> tuple[dict[str, float], float]:
    # (nsmallest gives the same list as sorted()[:n]: the keys are distinct, as the terms are)
    norm = math.sqrt(sum(w * w for w, _ in keyed)) or 1.0
    return {t: -w / norm for w, t in keyed}, (-keyed[-1][0] if len(keyed) == TERMS_KEPT else _NAN)


def _top(scores: dict[int, float], k: int) -> tuple[list[int], float, float, int]:
    """The k best (score rounded to 9 places, descending; then index) of those >= MIN_SCORE;
    the sort key of the k-th (NaN if there are fewer) and that of the next one (NaN, 0 if none).

    Rounding is monotonic and moves a score by at most 5e-10, so only the scores within
    _SCORE_SLACK of the (k+1)-th best raw score can be among the first k+1: only those are
    rounded and sorted.
    """
    ranked = sorted(scores.items(), key=itemgetter(1), reverse=True)
    floor = MIN_SCORE
    if len(ranked) > k + 1:
        floor = max(floor, ranked[k][1] - _SCORE_SLACK)
    best = []
    for j, s in ranked:
        if s < floor:
            break
        best.append((-round(s, 9), j))
    best.sort()
    nxt = best[k] if len(best) > k else (_NAN, 0)
    del best[k:]
    return [j for _, j in best], (best[-1][0] if len(best) == k else _NAN), *nxt


Postings = tuple[array, array]  # (-weight, entry) sorted, as two parallel arrays


def _find(plist: Postings, negw: float, i: int) -> int:
    """Where (negw, i) is, or goes, in a posting list."""
    ws, ids = plist
    lo = bisect_left(ws, negw)
    return bisect_left(ids, i, lo, bisect_right(ws, negw, lo))


def _champions(plist: Postings) -> dict[int, float]:
    return dict(zip(plist[1][:CHAMPIONS], map(neg, plist[0][:CHAMPIONS])))


def _flat(arrays: Iterable[array], typecode: str = _ID) -> tuple[array, array]:
    out, ends = array(typecode), array(_ID)
    for a in arrays:
        out.extend(a)
        ends.append(len(out))
    return out, ends


def _split(flat: array, ends: array) -> list[array]:
    out, start = [], 0
    for end in ends:
        out.append(flat[start:end])
        start = end
    return out


class RelatedIndex:
    """Related entries of a catalog, kept so that edits can be applied exactly and cheaply.

    Entries are numbered in URL order (`urls`, `position`). Per entry: its term counts
    (`counts_for`; stored as arrays of term ids into `vocab`), `vectors` and `results`
    (indexes of the related entries, best first). Per term: `df`, `idf`, `postings`
    (every entry that keeps the term in its vector, by weight), `champions` (the first
    CHAMPIONS of those, entry -> weight) and `queriers` (the entries that look for
    neighbours through the term).
    """

    def __init__(self, urls: list[str], counts: Iterable[dict[str, int]], k: int = 5, jobs: int = 1) -> None:
        """From URLs in sorted order and their `entry_terms`; `build` is the usual way in.

        `counts` is read once, in step with `urls`: from a generator, only one entry's
        words are held at a time (they are kept as arrays of term ids). Vectors and
        queries are worked out on `jobs` cores (forked workers; the result is the same).
        """
        self.k = k
        self.jobs = jobs  # also for an update that redoes every list (not pickled: a loaded index uses one core)
        self.urls = list(urls)
        self.position = {u: i for i, u in enumerate(self.urls)}
        self.vocab: list[str] = []  # term id -> term; terms no entry has any more keep their id
        self._tid: dict[str, int] = {}
        self._terms: list[array] = []  # per entry: its term ids ...
        self._tfs: list[array] = []  # ... and how often it uses each
        df: Counter = Counter()
        vocab, tid = self.vocab, self._tid
        for c in counts:
            for t in [t for t in c if t not in tid]:
                tid[t] = len(vocab)
                vocab.append(t)
            self._terms.append(array(_ID, map(tid.__getitem__, c)))
            self._tfs.append(array(_ID, c.values()))
            df.update(c.keys())
        n = len(self.urls)
        if len(self._terms) != n:
            raise ValueError("one count per URL")
        self.df: dict[str, int] = dict(df)
        self.idf: dict[str, float] = {t: w for t, d in df.items() if (w := _idf(t, d, n)) is not None}
        self.vectors: list[dict[str, float]] = []
        self._cut = array("d")  # raw weight of each full vector's last term (NaN if not full)
        idf_of = [self.idf.get(t) for t in vocab]
        for vec, cut in imap_indexed(lambda i: _vector_of(self._terms[i], self._tfs[i], idf_of, vocab), n, jobs):
            self.vectors.append(vec)
            self._cut.append(cut)
        self._holders: list[array] | None = None  # term id -> entries that have it; built when needed
        self._index_vectors()
        self._query_all(jobs)

    @classmethod
    def build(cls, entries: Iterable[Entry], k: int = 5, jobs: int = 1) -> "RelatedIndex":
        entries = sorted(entries, key=lambda e: e.url)
        if jobs <= 1:  # (packed only to come back from a worker)
            return cls([e.url for e in entries], map(entry_terms, entries), k, jobs)
        packed = imap_indexed(lambda i: _pack(entry_terms(entries[i])), len(entries), jobs)
        return cls([e.url for e in entries], map(_unpack, packed), k, jobs)

    @classmethod
    def for_catalog(cls, catalog: Catalog, k: int = 5, jobs: int = 1) -> "RelatedIndex":
        return cls.build([*catalog.papers, *catalog.unidentified], k, jobs)

    @classmethod
    def in_background(cls, entries: list[Entry], k: int = 5, jobs: int = 1) -> "PendingIndex":
        """`build(entries, k, jobs)` worked out by one forked process while this one goes on
        (pipeline.build makes the page list and the page environment meanwhile); `.result()`
        waits and gives the index, the same as `build` gives. See PendingIndex."""
        return PendingIndex(cls, entries, k, jobs)

    # -- reading ---------------------------------------------------------
    def results_for(self, url: str) -> list[str]:
        """URLs of the entries related to `url`, best first."""
        return [self.urls[j] for j in self.results[self.position[url]]]

    def as_urls(self) -> dict[str, list[str]]:
        return {u: [self.urls[j] for j in r] for u, r in zip(self.urls, self.results)}

    def resolve(self, entries: Iterable[Entry]) -> dict[str, list[Entry]]:
        """Entry URL -> related entry objects, taken from `entries` (the catalog at hand)."""
        by_url = {e.url: e for e in entries}
        if by_url.keys() != self.position.keys():
            raise ValueError("the related index was built for other entries: build it again")
        objs = [by_url[u] for u in self.urls]
        return {u: [objs[j] for j in r] for u, r in zip(self.urls, self.results)}

    def counts_for(self, url: str) -> dict[str, int]:
        return self._counts(self.position[url])

    def _counts(self, i: int) -> dict[str, int]:
        return dict(zip(map(self.vocab.__getitem__, self._terms[i]), self._tfs[i]))

    # -- computing -------------------------------------------------------
    def _index_vectors(self) -> None:
        lists: dict[str, list[tuple[float, int]]] = {}
        queriers: dict[str, set[int]] = {}
        for i, vec in enumerate(self.vectors):
            for t, w in vec.items():
                lists.setdefault(t, []).append((-w, i))
            for t in islice(vec, QUERY_TERMS):
                queriers.setdefault(t, set()).add(i)
        self.postings: dict[str, Postings] = {}
        for t, plist in lists.items():
            plist.sort()
            self.postings[t] = (array("d", map(itemgetter(0), plist)), array(_ID, map(itemgetter(1), plist)))
        self.queriers = queriers
        self.champions = {t: _champions(plist) for t, plist in self.postings.items()}

    def _query_all(self, jobs: int = 1) -> None:
        n = len(self.urls)
        self.results: list[list[int]] = [[]] * n
        # Per entry: the rounded-score half of the sort key (-round(score, 9), index) of its
        # list's last entry if the list is full (NaN if not); and a lower bound on the sort
        # key of every other candidate (exact after a query; NaN: there is no other).
        self._kth, self._next_s, self._next_j = array("d", [_NAN]) * n, array("d", [_NAN]) * n, array(_ID, [0]) * n
        for i, found in enumerate(imap_indexed(self._query, n, jobs)):
            self._set(i, *found)

    def _set(self, i: int, result: list[int], kth: float, next_s: float, next_j: int) -> None:
        self.results[i] = result
        self._kth[i], self._next_s[i], self._next_j[i] = kth, next_s, next_j

    def _query(self, i: int) -> tuple[list[int], float, float, int]:
        if self.k <= 0:
            return [], _NAN, _NAN, 0
        champions = self.champions
        scores: dict[int, float] = {}
        get = scores.get
        for t, w in islice(self.vectors[i].items(), QUERY_TERMS):
            for j, wj in champions[t].items():
                scores[j] = get(j, 0.0) + w * wj
        scores.pop(i, None)  # cheaper than testing j != i above
        return _top(scores, self.k)

    # -- updating --------------------------------------------------------
    def update(self, changed: Iterable[Entry]) -> set[str]:
        """Take the new text, title, keywords or topics of the `changed` entries into account.

        The entries must be those the index was built for (an added or removed entry
        needs `build`); a summary of a known paper stands for its paper. Passing
        unchanged entries costs only their tokenising. Afterwards the index is exactly
        what `build` gives on the current entries. Returns the URLs whose related list
        changed (entries or order).
        """
        fresh: dict[int, dict[str, int]] = {}
        for e in changed:
            if isinstance(e, Summary) and e.paper is not None:
                e = e.paper
            i = self.position.get(e.url)
            if i is None:
                raise KeyError(f"{e.url} is not in the related index: build it again")
            c = dict(entry_terms(e))
            if c != self._counts(i):
                fresh[i] = c
        if not fresh:
            return set()
        reweighed = self._count(fresh)
        suspects = set(fresh) | self._reweighed(reweighed) if reweighed else set(fresh)
        vectors: dict[int, dict[str, float]] = {}
        for i in sorted(suspects):
            vec, self._cut[i] = _vector(self._counts(i), self.idf)
            if list(vec.items()) != list(self.vectors[i].items()):  # the order says which terms query
                vectors[i] = vec
        if not vectors:
            return set()
        if len(vectors) > REDO_ALL_ABOVE * len(self.urls):  # most lists move anyway
            return self._recompute_all(vectors)
        return self._recompute_some(vectors)

    def _count(self, fresh: dict[int, dict[str, int]]) -> set[str]:
        """Store new counts, update document frequencies; returns the terms whose idf changed."""
        df, idf, n, vocab, tid, holders = self.df, self.idf, len(self.urls), self.vocab, self._tid, self._holders
        moved: set[str] = set()
        for i, c in fresh.items():
            old = self._counts(i)
            for t in old.keys() - c.keys():
                if df[t] == 1:
                    del df[t]
                else:
                    df[t] -= 1
                moved.add(t)
                if holders is not None:
                    h = holders[tid[t]]
                    del h[bisect_left(h, i)]
            for t in c.keys() - old.keys():
                if t not in tid:
                    tid[t] = len(vocab)
                    vocab.append(t)
                    if holders is not None:
                        holders.append(array(_ID))
                t = vocab[tid[t]]
                df[t] = df.get(t, 0) + 1
                moved.add(t)
                if holders is not None:
                    insort(holders[tid[t]], i)
            self._terms[i] = array(_ID, map(tid.__getitem__, c))
            self._tfs[i] = array(_ID, c.values())
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

    def warm_up(self) -> None:
        """Make now the term -> entries index that the first `update` moving an idf would make."""
        self._holders_index()

    def _holders_index(self) -> list[array]:
        if self._holders is None:
            holders = [array(_ID) for _ in self.vocab]
            for i, terms in enumerate(self._terms):
                for t in terms:
                    holders[t].append(i)
            self._holders = holders
        return self._holders

    def _reweighed(self, reweighed: set[str]) -> set[int]:
        """Entries whose vector the new idf of `reweighed` terms can change (a superset).

        Every entry that keeps such a term; and, as the other kept terms weigh the same,
        those where such a term now outranks the last kept term (or where there is room).
        """
        holders, idf, vectors, cuts, tfw = self._holders_index(), self.idf, self.vectors, self._cut, _TF_WEIGHT
        found: set[int] = set()
        for t in reweighed:
            w = idf.get(t)
            k = self._tid[t]
            for i in holders[k]:
                if i in found:
                    continue
                vec = vectors[i]
                if t in vec:
                    found.add(i)
                elif w is not None:
                    cut = cuts[i]
                    if cut != cut:  # NaN: the vector has room
                        found.add(i)
                    else:
                        # If the last kept term is reweighed too, `cut` is stale, but then
                        # that term, kept, adds the entry anyway.
                        tf = self._tfs[i][self._terms[i].index(k)]
                        if (-(tfw[tf] * w), t) < (-cut, next(reversed(vec))):
                            found.add(i)
        return found

    def _recompute_all(self, vectors: dict[int, dict[str, float]]) -> set[str]:
        for i, vec in vectors.items():
            self.vectors[i] = vec
        self._index_vectors()
        old = self.results
        self._query_all(self.jobs)
        return {self.urls[i] for i, (a, b) in enumerate(zip(old, self.results)) if a != b}

    def _recompute_some(self, vectors: dict[int, dict[str, float]]) -> set[str]:
        queriers, champions = self.queriers, self.champions
        touched: set[str] = set()
        for i, vec in vectors.items():
            old = self.vectors[i]
            for t, w in old.items():
                self._unpost(t, -w, i)
            for t, w in vec.items():
                self._post(t, -w, i)
            touched.update(old, vec)
            asked, asks = set(islice(old, QUERY_TERMS)), set(islice(vec, QUERY_TERMS))
            for t in asked - asks:
                queriers[t].discard(i)
                if not queriers[t]:
                    del queriers[t]
            for t in asks - asked:
                queriers.setdefault(t, set()).add(i)
            self.vectors[i] = vec
        # Changed champion lists: whose weight changed in them, and whose went up.
        moved: dict[str, tuple[set[int], set[int]]] = {}
        for t in touched:
            champ = self._head(t)
            before = champions.get(t, {})
            if champ != before:
                moved[t] = ({j for j, _ in before.items() ^ champ.items()},
                            {j for j, w in champ.items() if w > before.get(j, 0.0)})
            if champ:
                champions[t] = champ
            else:
                self._drop(t)
        # Which other entries can see a difference. A candidate's score is a sum of
        # products in a fixed order, and floating-point + and * are monotonic, so one
        # whose weights only went down scores no higher than before: if it was not
        # listed, it still is not. So an entry asking a changed champion list needs a
        # look if a listed entry's weight changed there, or if some entry gained weight.
        results = self.results
        redo = set(vectors)
        listed_moved: set[int] = set()
        gainers: dict[int, set[int]] = {}
        for t, (delta, gained) in moved.items():
            for i in queriers.get(t, ()):
                if i not in redo:
                    if not delta.isdisjoint(results[i]):
                        listed_moved.add(i)
                    if gained:  # shared between entries: never changed in place
                        was = gainers.get(i)
                        gainers[i] = gained if was is None or was is gained else was | gained
        changed = set()
        if self.k > 0:
            weights, score = self._scorer()
            kths, next_s, next_j, vectors = self._kth, self._next_s, self._next_j, self.vectors
            for i in sorted(listed_moved.union(gainers)):
                if i not in listed_moved:
                    # Quick look: the list stands unless a gainer overtakes its last entry
                    # (or joins a list with room); the others may lower the bound.
                    result, kth, low = results[i], kths[i], None
                    for j in gainers[i]:
                        if j == i:
                            continue
                        wj, s = weights(j), 0.0  # s: as score(), inlined
                        for t, w in islice(vectors[i].items(), QUERY_TERMS):
                            x = wj.get(t)
                            if x is not None:
                                s = s + w * x
                        if s >= MIN_SCORE:
                            key = (-round(s, 9), j)
                            if kth != kth or key < (kth, result[-1]):
                                break
                            if low is None or key < low:
                                low = key
                    else:
                        if low is not None and (next_s[i] != next_s[i] or low < (next_s[i], next_j[i])):
                            next_s[i], next_j[i] = low
                        continue
                relisted = self._relist(i, gainers.get(i, ()), score)
                if relisted is None:
                    redo.add(i)
                elif relisted:
                    changed.add(self.urls[i])
        for i in sorted(redo):
            result = results[i]
            self._set(i, *self._query(i))
            if results[i] != result:
                changed.add(self.urls[i])
        return changed

    # The posting lists as _recompute_some changes them (a stored index keeps them in chunks).
    def _unpost(self, t: str, negw: float, i: int) -> None:
        plist = self.postings[t]
        at = _find(plist, negw, i)
        assert plist[1][at] == i and plist[0][at] == negw
        del plist[0][at], plist[1][at]

    def _post(self, t: str, negw: float, i: int) -> None:
        postings = self.postings
        plist = postings.get(t) or postings.setdefault(t, (array("d"), array(_ID)))
        at = _find(plist, negw, i)
        plist[0].insert(at, negw)
        plist[1].insert(at, i)

    def _head(self, t: str) -> dict[int, float]:
        """The champion list of `t` as its posting list now is ({} if it is empty)."""
        plist = self.postings[t]
        return _champions(plist) if plist[1] else {}

    def _drop(self, t: str) -> None:
        """`t`'s posting list is empty: no list, no champions."""
        del self.postings[t]
        self.champions.pop(t, None)

    def _scorer(self) -> tuple[Callable[[int], dict[str, float]], Callable[[list[tuple[str, float]], int], float]]:
        """weights(j): term -> j's weight in that term's champion list (cached for the update);
        score(query terms of i, j): what _query adds up for j, in the same order, so bit for bit."""
        champions, vectors = self.champions, self.vectors
        cache: dict[int, dict[str, float]] = {}

        def weights(j: int) -> dict[str, float]:
            wj = cache.get(j)
            if wj is None:
                wj = cache[j] = {t: champ[j] for t in vectors[j] if j in (champ := champions[t])}
            return wj

        def score(qterms: list[tuple[str, float]], j: int) -> float:
            wj, s = weights(j), 0.0
            for t, w in qterms:
                x = wj.get(t)
                if x is not None:
                    s = s + w * x
            return s
        return weights, score

    def _relist(self, i: int, gained: Iterable[int],
                score: Callable[[list[tuple[str, float]], int], float]) -> bool | None:
        """Entry i's list when only the scores of its listed entries and of `gained` may have
        changed, those of `gained` upwards. True if it changed, False if not, None if it
        cannot tell (an entry it did not look at may now make the list)."""
        result = self.results[i]
        qterms = list(islice(self.vectors[i].items(), QUERY_TERMS))
        pool = []
        for j in {*result, *gained} - {i}:
            s = score(qterms, j)
            if s >= MIN_SCORE:
                pool.append((-round(s, 9), j))
        pool.sort()
        k, next_s = self.k, self._next_s[i]
        # Every other candidate's key is >= this bound (their scores did not go up).
        bound = None if next_s != next_s else (next_s, self._next_j[i])
        if bound is not None and (len(pool) < k or pool[k - 1] > bound):
            return None
        nxt = pool[k] if len(pool) > k else None
        if bound is not None and (nxt is None or bound < nxt):
            nxt = bound
        del pool[k:]
        self._set(i, [j for _, j in pool], pool[-1][0] if len(pool) == k else _NAN, *(nxt or (_NAN, 0)))
        return self.results[i] != result

    # -- pickling --------------------------------------------------------
    # Flat arrays instead of millions of small objects: small, and quick to save and load.
    def __getstate__(self) -> dict:
        tid = self._tid.__getitem__
        vt, vw, ve = array(_ID), array("d"), array(_ID)
        for vec in self.vectors:
            vt.extend(map(tid, vec))
            vw.extend(vec.values())
            ve.append(len(vt))
        qt = array(_ID, map(tid, self.queriers))
        qi, qe = _flat(array(_ID, sorted(s)) for s in self.queriers.values())
        return {
            "k": self.k, "urls": self.urls, "vocab": self.vocab,
            "df": array(_ID, [self.df.get(t, 0) for t in self.vocab]),
            "idf": (array(_ID, map(tid, self.idf)), array("d", self.idf.values())),
            "terms": _flat(self._terms), "tfs": _flat(self._tfs),
            "holders": None if self._holders is None else _flat(self._holders),
            "vectors": (vt, vw, ve), "cut": self._cut,
            "postings": (array(_ID, map(tid, self.postings)), _flat((p[0] for p in self.postings.values()), "d"),
                         _flat(p[1] for p in self.postings.values())),
            "queriers": (qt, qi, qe),
            "results": _flat(array(_ID, r) for r in self.results),
            "kth": self._kth, "next_s": self._next_s, "next_j": self._next_j,
        }

    def __setstate__(self, state: dict) -> None:
        self.k, self.urls, self.vocab = state["k"], state["urls"], state["vocab"]
        self.jobs = 1
        vocab = self.vocab
        term = vocab.__getitem__
        self.position = {u: i for i, u in enumerate(self.urls)}
        self._tid = {t: i for i, t in enumerate(vocab)}
        self.df = {t: d for t, d in zip(vocab, state["df"]) if d}
        self.idf = dict(zip(map(term, state["idf"][0]), state["idf"][1]))
        self._terms, self._tfs = _split(*state["terms"]), _split(*state["tfs"])
        self._holders = None if state["holders"] is None else _split(*state["holders"])
        vt, vw, ve = state["vectors"]
        self.vectors, start = [], 0
        for end in ve:
            self.vectors.append(dict(zip(map(term, vt[start:end]), vw[start:end])))
            start = end
        self._cut = state["cut"]
        pt, (pw, pe), (pi, _) = state["postings"]
        self.postings = dict(zip(map(term, pt), zip(_split(pw, pe), _split(pi, pe))))
        self.champions = {t: _champions(plist) for t, plist in self.postings.items()}
        qt, qi, qe = state["queriers"]
        self.queriers = dict(zip(map(term, qt), map(set, _split(qi, qe))))
        self.results = [r.tolist() for r in _split(*state["results"])]
        self._kth, self._next_s, self._next_j = state["kth"], state["next_s"], state["next_j"]


class PendingIndex:
    """A RelatedIndex being worked out by one forked process (RelatedIndex.in_background).

    One process, not `jobs`: the three parallel passes of `build` (terms, vectors, queries) cost
    about 60 % more CPU than one serial pass (a pool forked for each, copy-on-write faults, the
    terms and vectors pickled back), and the other core has the caller's work meanwhile. With one
    job, or few entries, the index is worked out in the caller when `result()` asks for it.
    """

    def __init__(self, cls: type[RelatedIndex], entries: list[Entry], k: int, jobs: int) -> None:
        self.jobs = jobs

        def here() -> RelatedIndex:
            return cls.build(entries, k, jobs)

        def serially() -> RelatedIndex:
            return cls.build(entries, k, 1)

        # (started while formulas may still be typeset: Node's pipes are not kept open in the child)
        self._forked = Forked(serially, fallback=here, fork=jobs > 1 and len(entries) >= FORK_FROM, close_others=True)

    def result(self) -> RelatedIndex:
        index = self._forked.result()
        index.jobs = self.jobs  # (for an update that redoes every list; a pickled index has 1)
        return index

    def close(self) -> None:
        """Stop the process if its index is no longer wanted (harmless after `result()`)."""
        self._forked.close()


def related_entries(catalog: Catalog, k: int = 5) -> dict[str, list[Entry]]:
    """Entry URL -> up to k most similar other entries, best first."""
    entries: list[Entry] = [*catalog.papers, *catalog.unidentified]
    return RelatedIndex.build(entries, k).resolve(entries)
