"""RelatedIndex: the same lists as the plain computation, and updates that are exact.

`reference` below is the straightforward computation the index must reproduce bit for
bit (tokenise with the regular expression, TF-IDF, champion lists, rounded scores).
The property tests edit small catalogs at random, apply the edits with `update`, and
compare the whole index with one built from scratch on the edited entries; they run
with the real constants and with tiny ones, so that short vectors, champion lists
and query lists really overflow.

Profiles: default (seconds); HYPOTHESIS_PROFILE=long for many more examples.
"""
from __future__ import annotations

import heapq
import math
import os
import pickle
import re
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.catalog import Paper, Summary, build_catalog
from site_builder.catalog import related as R
from site_builder.catalog.related import RelatedIndex, entry_terms, related_entries
from site_builder.config import SiteConfig, load_config
from site_builder.parallel import MIN_PER_JOB
from site_builder.records import PaperMeta, SummaryRecord
from tests.conftest import CONTENT, ROOT, seeds_or_skip

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
PROPERTY = settings(max_examples=2000 if LONG else 120, deadline=None, derandomize=not LONG,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- the plain computation ------------------------------------------------------------
_WORD = re.compile(r"[a-z][a-z0-9]{2,}")


def reference_terms(entry) -> Counter:
    if isinstance(entry, Paper):
        text = " ".join([entry.title, " ".join(entry.meta.keywords), *(s.text for s in entry.summaries)])
    else:
        text = entry.display_title + " " + entry.text
    counts = Counter(_WORD.findall(text.lower()))
    for word in R.STOPWORDS & counts.keys():
        del counts[word]
    if isinstance(entry, Paper):
        for topic in entry.topics:
            counts["topic:" + topic] += 1
    return counts


def reference(entries, k=5) -> dict[str, list[str]]:
    """Entry URL -> related URLs, computed the simple way (reads the module's constants)."""
    entries = sorted(entries, key=lambda e: e.url)
    if len(entries) < 2:
        return {e.url: [] for e in entries}
    counts = [reference_terms(e) for e in entries]
    df: Counter = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(entries)
    idf = {t: math.log(n / d) * (R.TOPIC_WEIGHT if t.startswith("topic:") else 1.0) for t, d in df.items() if 2 <= d < n}
    vectors = []
    for c in counts:
        weights = [(term, (1 + math.log(tf)) * idf[term]) for term, tf in c.items() if term in idf]
        top = heapq.nsmallest(R.TERMS_KEPT, weights, key=lambda kv: (-kv[1], kv[0]))
        norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
        vectors.append({t: w / norm for t, w in top})
    postings: dict[str, list[tuple[int, float]]] = {}
    for i, vec in enumerate(vectors):
        for term, w in vec.items():
            postings.setdefault(term, []).append((i, w))
    for plist in postings.values():
        plist.sort(key=lambda p: (-p[1], p[0]))
        del plist[R.CHAMPIONS:]
    out = {}
    for i, vec in enumerate(vectors):
        scores: dict[int, float] = {}
        for term, w in list(vec.items())[:R.QUERY_TERMS]:
            for j, wj in postings[term]:
                if j != i:
                    scores[j] = scores.get(j, 0.0) + w * wj
        best = heapq.nsmallest(k, ((-round(s, 9), j) for j, s in scores.items() if s >= R.MIN_SCORE))
        out[entries[i].url] = [entries[j].url for _, j in best]
    return out


def snapshot(index: RelatedIndex) -> dict:
    """Everything the index holds, by term and URL (term ids and dict order aside; NaN -> None)."""
    nan = lambda x: None if x != x else x  # noqa: E731
    n = len(index.urls)
    counts = [index._counts(i) for i in range(n)]
    if index._holders is not None:  # built lazily: when present it must match the counts
        holders = {index.vocab[t]: list(h) for t, h in enumerate(index._holders) if len(h)}
        assert holders == {t: [i for i in range(n) if t in counts[i]] for t in index.df}
    assert all(len(a) == len(b) for a, b in zip(index._terms, index._tfs))
    return {
        "urls": index.urls, "k": index.k, "counts": counts, "df": index.df, "idf": index.idf,
        "vectors": [list(v.items()) for v in index.vectors], "cut": [nan(x) for x in index._cut],
        "postings": {t: (list(w), list(i)) for t, (w, i) in index.postings.items()},
        "champions": {t: sorted(c.items()) for t, c in index.champions.items()},
        "queriers": index.queriers, "results": index.results, "kth": [nan(x) for x in index._kth],
    }


@contextmanager
def constants(**values):
    old = {name: getattr(R, name) for name in values}
    for name, value in values.items():
        setattr(R, name, value)
    try:
        yield
    finally:
        for name, value in old.items():
            setattr(R, name, value)


REAL = {}
TINY = {"TERMS_KEPT": 4, "QUERY_TERMS": 2, "CHAMPIONS": 2}
PIECEMEAL = {"REDO_ALL_ABOVE": 2.0}  # never redo every list: always take the incremental path

# -- small random catalogs -------------------------------------------------------------
WORDS = ["alpha", "beta", "gamma", "delta", "kappa", "sigma", "omega", "zeta9", "the", "Layer", "x12", "théta"]
TOPICS = ["Vision", "Language", "Theory"]
words = st.lists(st.sampled_from(WORDS), max_size=10).map(" ".join)


def summary(sid: str, text: str, paper=None, title: str = "") -> Summary:
    s = Summary(record=SummaryRecord(id=sid, source="markdown", markup="markdown", body="", title=title), paper=paper)
    s.text = text
    return s


@st.composite
def entries(draw, min_size=2, max_size=9):
    out = []
    for n in range(draw(st.integers(min_size, max_size))):
        if draw(st.booleans()):
            p = Paper(id=f"p{n}", meta=PaperMeta(title=draw(words), keywords=draw(st.lists(st.sampled_from(WORDS), max_size=2))),
                      topics=draw(st.lists(st.sampled_from(TOPICS), unique=True, max_size=2)))
            for m in range(draw(st.integers(1, 2))):
                p.summaries.append(summary(f"s{n}-{m}", draw(words), paper=p))
            out.append(p)
        else:
            out.append(summary(f"u{n}", draw(words), title=draw(words)))
    return out


EDITS = ["append", "remove", "title", "topics", "keywords", "clear", "everywhere", "nowhere", "new word", "same"]
edits = st.lists(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 99), st.lists(st.sampled_from(WORDS), min_size=1, max_size=4)),
                          min_size=1, max_size=3), min_size=1, max_size=4)


def apply(edit, catalog: list) -> list:
    """Apply one edit in place; returns the entries it touched."""
    kind, at, ws = edit
    e = catalog[at % len(catalog)]
    texts = e.summaries if isinstance(e, Paper) else [e]
    if kind == "append":
        texts[0].text += " " + " ".join(ws)
    elif kind == "remove":  # every occurrence of some words, in every field
        for s in texts:
            s.text = " ".join(w for w in s.text.split() if w not in ws)
        if isinstance(e, Paper):
            e.meta.title = " ".join(w for w in e.meta.title.split() if w not in ws)
            e.meta.keywords = [w for w in e.meta.keywords if w not in ws]
    elif kind == "title":
        if isinstance(e, Paper):
            e.meta.title = " ".join(ws)
        else:
            e.record.title = " ".join(ws)
    elif kind == "topics" and isinstance(e, Paper):
        e.topics = sorted({TOPICS[len(w) % len(TOPICS)] for w in ws})[: at % 3]
    elif kind == "keywords" and isinstance(e, Paper):
        e.meta.keywords = ws[: at % 3]
    elif kind == "clear":
        for s in texts:
            s.text = ""
    elif kind == "everywhere":  # df reaches n: the word stops counting
        for other in catalog:
            (other.summaries[0] if isinstance(other, Paper) else other).text += " " + ws[0]
        return list(catalog)
    elif kind == "nowhere":  # df drops below n (and below 2): it counts again, or no more
        for i in range(len(catalog)):
            apply(("remove", i, ws[:1]), catalog)
        return list(catalog)
    elif kind == "new word":  # a word no entry had, then a second entry gets it too
        word = "fresh" + "".join(w[0] for w in ws)
        texts[0].text += " " + word
        nxt = catalog[(at + 1) % len(catalog)]
        (nxt.summaries[0] if isinstance(nxt, Paper) else nxt).text += " " + word
        return [e, nxt]
    return [e]


def check_bounds(index: RelatedIndex, fresh: RelatedIndex) -> None:
    """An updated index may keep, per entry, a lower bound on the key of the best unlisted
    candidate instead of the key itself (a fresh build has the key): it must be one."""
    for i in range(len(index.urls)):
        if fresh._next_s[i] == fresh._next_s[i]:
            assert index._next_s[i] == index._next_s[i]
            assert (index._next_s[i], index._next_j[i]) <= (fresh._next_s[i], fresh._next_j[i])


def check_updates(catalog: list, steps: list, k: int) -> None:
    index = RelatedIndex.build(catalog, k)
    assert index.as_urls() == reference(catalog, k)
    for n, step in enumerate(steps):
        before = index.as_urls()
        touched = [e for edit in step for e in apply(edit, catalog)]
        changed = index.update(touched)
        fresh = RelatedIndex.build(catalog, k)
        assert snapshot(index) == snapshot(fresh)
        check_bounds(index, fresh)
        after = fresh.as_urls()
        assert after == reference(catalog, k)
        assert changed == {u for u in after if after[u] != before[u]}
        if n % 2:
            index = pickle.loads(pickle.dumps(index))
            assert snapshot(index) == snapshot(fresh)


@PROPERTY
@given(entries(), edits, st.sampled_from([1, 2, 5]), st.sampled_from([REAL, PIECEMEAL]))
def test_updates_are_exact(catalog, steps, k, consts):
    with constants(**consts):
        check_updates(catalog, steps, k)


@PROPERTY
@given(entries(max_size=12), edits, st.sampled_from([1, 2, 5]))
def test_updates_are_exact_when_vectors_champions_and_queries_overflow(catalog, steps, k):
    with constants(**TINY, **PIECEMEAL):
        check_updates(catalog, steps, k)


@PROPERTY
@given(entries(min_size=0, max_size=12), st.sampled_from([0, 1, 3, 5]), st.sampled_from([REAL, TINY]))
def test_build_gives_the_plain_computation(catalog, k, consts):
    with constants(**consts):
        index = RelatedIndex.build(catalog, k)
        assert index.as_urls() == reference(catalog, k)
        assert snapshot(pickle.loads(pickle.dumps(index))) == snapshot(index)


# -- words ---------------------------------------------------------------------------------
TRICKY = list("aZ09_-. \n\t’é") + ["\u0130", "\u212a", "\u0307", "ǅ", "ß", "ﬁ", "Ⅻ", "١", "\ud800", "x1", "1x", "ab", "abc"]


@settings(max_examples=300 if not LONG else 20_000, deadline=None, derandomize=not LONG)
@given(st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=6)), max_size=30).map("".join))
def test_words_match_the_regular_expression(text):
    assert R._words(text) == Counter(_WORD.findall(text.lower()))


def test_words_examples():
    text = "Ab1c 12abc x_yz KELVIN \u212aelvin \u0130stanbul naïve a1 ab3cd ﬁne"
    assert R._words(text) == Counter(_WORD.findall(text.lower()))
    assert R._words(text)["kelvin"] == 2


def test_only_these_characters_lower_case_to_ascii_letters_or_digits():
    """_words relies on it: every other non-ASCII character can only separate words."""
    ascii_alnum = set("abcdefghijklmnopqrstuvwxyz0123456789")
    found = [chr(c) for c in range(0x80, sys.maxunicode + 1)
             if not 0xD800 <= c <= 0xDFFF and not ascii_alnum.isdisjoint(chr(c).lower())]
    assert sorted(found) == sorted(R.ODD_LOWER)


# -- the index's own interface ------------------------------------------------------------------
def corpus():
    p = Paper(id="bn", meta=PaperMeta(title="Batch normalization"), topics=["Normalization"])
    p.summaries.append(summary("s-bn", "normalization statistics minibatch variance", paper=p))
    q = Paper(id="ln", meta=PaperMeta(title="Layer normalization"), topics=["Normalization"])
    q.summaries.append(summary("s-ln", "normalization statistics hidden units recurrent", paper=q))
    u = summary("gan", "generator discriminator adversarial statistics", title="GANs")
    v = summary("wgan", "generator discriminator wasserstein", title="WGAN")
    return [p, q, u, v]


def test_results_for_and_resolve():
    entries_ = corpus()
    index = RelatedIndex.build(entries_)
    assert index.results_for("/papers/bn/") == ["/papers/ln/"]
    resolved = index.resolve(entries_)
    assert [e.id for e in resolved["/summaries/gan/"]] == ["wgan"]
    assert related_entries_ids(entries_) == {u: [e.url for e in v] for u, v in resolved.items()}
    with pytest.raises(ValueError):
        index.resolve(entries_[:3])


def related_entries_ids(entries_):
    from site_builder.catalog import Catalog
    papers = [e for e in entries_ if isinstance(e, Paper)]
    cat = Catalog(papers=papers, summaries=[s for p in papers for s in p.summaries] + [e for e in entries_ if isinstance(e, Summary)],
                  taxonomies={}, collections=[])
    return {u: [e.url for e in v] for u, v in related_entries(cat).items()}


def test_update_of_unchanged_entries_changes_nothing_and_unknown_ones_raise():
    entries_ = corpus()
    index = RelatedIndex.build(entries_)
    before = snapshot(index)
    assert index.update(entries_) == set()
    assert snapshot(index) == before
    with pytest.raises(KeyError):
        index.update([summary("new", "text")])


def test_update_reports_the_lists_that_changed():
    entries_ = corpus()
    index = RelatedIndex.build(entries_)
    entries_[3].text = "normalization statistics hidden units"  # WGAN now reads like layer norm
    changed = index.update([entries_[3]])
    assert index.results_for("/summaries/wgan/")[0] == "/papers/ln/"
    assert "/summaries/wgan/" in changed
    assert snapshot(index) == snapshot(RelatedIndex.build(entries_))


def test_a_summary_of_a_paper_stands_for_the_paper():
    entries_ = corpus()
    index = RelatedIndex.build(entries_)
    entries_[0].summaries[0].text = "generator discriminator adversarial"
    assert index.update([entries_[0].summaries[0]])
    assert snapshot(index) == snapshot(RelatedIndex.build(entries_))


def test_an_entry_gaining_weight_joins_a_list_with_room():
    """J's edit puts "tee" among its kept terms (no idf moves): I, whose list has room
    and who asks "tee", must now list J, though nothing I listed has changed."""
    with constants(**TINY, **PIECEMEAL):
        i, j, k = (summary("i", "tee tee tee aaa"), summary("j", "tee bbb bbb ccc ccc ddd ddd eee eee"),
                   summary("k", "bbb ccc ddd eee aaa"))
        index = RelatedIndex.build([i, j, k])
        assert index.results_for("/summaries/i/") == ["/summaries/k/"]
        j.text = "tee tee tee tee bbb bbb ccc ccc ddd ddd eee eee"
        assert index.update([j]) >= {"/summaries/i/"}
        assert index.results_for("/summaries/i/") == ["/summaries/j/", "/summaries/k/"]
        assert snapshot(index) == snapshot(RelatedIndex.build([i, j, k]))


def test_counts_are_kept_by_url():
    entries_ = corpus()
    index = RelatedIndex.build(entries_)
    assert index.counts_for("/summaries/gan/") == dict(entry_terms(entries_[2]))


# -- real text: the sample site and the seeds --------------------------------------------------
def rendered_entries(content: Path, config: SiteConfig) -> list:
    from site_builder.pipeline import BuildReport, read_inputs
    from site_builder.render.summaries import render_catalog
    records, collections = read_inputs(content, BuildReport())
    catalog = build_catalog(records, collections, config)
    render_catalog(catalog, config, ROOT)
    return [*catalog.papers, *catalog.unidentified]


def check_real(entries_: list) -> None:
    index = RelatedIndex.build(entries_)
    assert index.as_urls() == reference(entries_)
    for n, e in enumerate(entries_[:6]):
        s = e.summaries[0] if isinstance(e, Paper) else e
        old = s.text
        s.text = old + (" An edited sentence, number 1." if n % 2 else " " + old[: len(old) // 3])
        index.update([e])
        assert snapshot(index) == snapshot(RelatedIndex.build(entries_))
        s.text = old
        index.update([e])
    assert snapshot(index) == snapshot(RelatedIndex.build(entries_))


def test_sample_site_related_entries_are_the_plain_computation():
    config = load_config(ROOT / "site.yaml")
    check_real(rendered_entries(CONTENT, config))


@pytest.mark.seeds
def test_seeds_related_entries_are_the_plain_computation():
    check_real(rendered_entries(seeds_or_skip(), SiteConfig()))


def many_entries(n_entries: int = 120) -> list:
    vocabulary = [f"term{i}" for i in range(60)]
    entries_ = []
    for n in range(n_entries):
        text = " ".join(vocabulary[(n * 7 + j * 3) % 60] for j in range(n % 11 + 3))
        if n % 3:
            p = Paper(id=f"p{n}", meta=PaperMeta(title=f"paper {vocabulary[n % 60]}"),
                      topics=["Odd\0topic"] if n == 4 else TOPICS[: n % 3])
            p.summaries.append(summary(f"s{n}", text, paper=p))
            entries_.append(p)
        else:
            entries_.append(summary(f"u{n}", "" if n == 9 else text, title="the"))  # one entry with no terms
    return entries_


def test_a_parallel_build_holds_exactly_what_a_serial_one_holds():
    # Enough entries for the work to be split between forked workers (parallel.MIN_PER_JOB).
    entries_ = many_entries()
    assert len(entries_) >= 2 * MIN_PER_JOB  # otherwise jobs=2 would quietly run serially
    serial, parallel = RelatedIndex.build(entries_, jobs=1), RelatedIndex.build(entries_, jobs=2)
    assert snapshot(parallel) == snapshot(serial)
    assert parallel.counts_for("/papers/p4/")["topic:Odd\0topic"] == 1
    assert any(serial.results)
    # An edit that moves a word most entries rank by: the update redoes every list, on two cores.
    edited = [e for e in entries_ if isinstance(e, Summary)][:3]
    for s in edited:
        s.text += " term5 term12 term33" * 4
    changed = parallel.update(edited)
    assert changed and changed == serial.update(edited)
    assert snapshot(parallel) == snapshot(serial) == snapshot(RelatedIndex.build(entries_))


def test_an_index_made_in_the_background_is_the_one_build_makes(monkeypatch):
    """pipeline.build has the index worked out by a forked process: the same index comes back,
    still updated on `jobs` cores; with one job, or if the process fails, it is made in the caller."""
    entries_ = many_entries(R.FORK_FROM + 10)
    parent = os.getpid()
    made_in = []
    build = RelatedIndex.build.__func__

    def spy(cls, entries, k=5, jobs=1):
        made_in.append((os.getpid() == parent, jobs))
        return build(cls, entries, k, jobs)

    monkeypatch.setattr(RelatedIndex, "build", classmethod(spy))
    expected = snapshot(build(RelatedIndex, entries_, 5, 1))
    pending = RelatedIndex.in_background(entries_, jobs=2)
    index = pending.result()
    assert snapshot(index) == expected and index.jobs == 2
    assert made_in == []  # made by the child (whose note stayed there), not here
    pending.close()  # harmless once the result is in
    made_in.clear()
    assert snapshot(RelatedIndex.in_background(entries_, jobs=1).result()) == expected
    assert snapshot(RelatedIndex.in_background(entries_[:20], jobs=2).result()) == snapshot(build(RelatedIndex, entries_[:20], 5, 1))
    assert made_in == [(True, 1), (True, 2)]  # in this process: one job, and few entries

    def broken(cls, entries, k=5, jobs=1):
        if os.getpid() != parent:
            os._exit(3)  # the child dies: the caller makes the index itself, on its jobs
        return spy(cls, entries, k, jobs)

    made_in.clear()
    monkeypatch.setattr(RelatedIndex, "build", classmethod(broken))
    assert snapshot(RelatedIndex.in_background(entries_, jobs=2).result()) == expected
    assert made_in == [(True, 2)]
