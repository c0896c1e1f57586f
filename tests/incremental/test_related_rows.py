"""The related index read row by row from the store updates exactly as the one in memory."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from site_builder.catalog import Summary
from site_builder.catalog.related import RelatedIndex
from site_builder.incremental.related_rows import StoredRelatedIndex, _Postings, write_index
from site_builder.records import SummaryRecord
from site_builder.store import Db, NewFile

WORDS = [f"w{c}{d}{e}x" for c in "abcdefghijklmnopqrst" for d in "abcdefghij" for e in "abcdefghij"]  # 2,000


def text(rng: random.Random) -> str:
    common = rng.choices(WORDS[:15], k=20)
    rare = rng.choices(WORDS, k=25)
    return " ".join(common + rare)


def entries(n: int, rng: random.Random) -> list[Summary]:
    out = []
    for i in range(n):
        s = Summary(SummaryRecord(id=f"s{i:03d}", source="markdown", markup="markdown", body="", title=f"Entry {i}"))
        s.text = text(rng)
        out.append(s)
    return out


def state(index: RelatedIndex) -> dict:
    """Everything an index holds, comparably (the arrays as text: they hold NaN, and NaN != NaN)."""
    n = len(index.urls)
    arrays = [[repr(x) for x in a] for a in (index._cut, index._kth, index._next_s)] + [list(index._next_j)]
    return {
        "results": index.as_urls(), "counts": {u: index.counts_for(u) for u in index.urls},
        "df": dict(index.df.items()), "idf": dict(index.idf.items()),
        "vectors": [list(index.vectors[i].items()) for i in range(n)],
        "postings": {t: (list(p[0]), list(p[1])) for t, p in ((t, index.postings[t]) for t in index.postings)},
        "queriers": {t: sorted(index.queriers[t]) for t in index.queriers},
        "vocab": [index.vocab[i] for i in range(len(index.vocab))], "arrays": arrays,
    }


@pytest.mark.parametrize("holders,chunk", [(False, 128), (True, 128), (False, 2)])
def test_updates_through_the_store_match_updates_in_memory(tmp_path: Path, holders: bool, chunk: int,
                                                           monkeypatch) -> None:
    """(chunk 2: posting lists in runs of 2-4 entries, so that updates split runs, empty them and
    move their first entries all the time.)"""
    from site_builder.incremental import related_rows

    monkeypatch.setattr(related_rows, "CHUNK", chunk)
    rng = random.Random(5)
    items = entries(300, rng)
    memory = RelatedIndex.build(items)
    if holders:
        memory.warm_up()  # the term -> entries index, stored with it
    path = tmp_path / "s.sqlite"
    f = NewFile(path)
    write_index(f, memory)
    f.install()
    edits = [
        (1, "new"),  # words no entry has: nothing else moves
        (1, "rare"),  # words a few entries have: their idf moves, and those entries' vectors
        (1, "drop"),  # words taken away
        (2, "rare"),
        (60, "common"),  # more than an eighth of the vectors: every list is redone (read whole)
        (1, "rare"),
        (3, "new"),
    ]
    partial = 0
    for count, kind in edits:
        chosen = rng.sample(items, count)
        for s in chosen:
            if kind == "new":
                s.text += f" brandnew{rng.randrange(10**6)} another{rng.randrange(10**6)}"
            elif kind == "rare":
                s.text += " " + " ".join(rng.sample(WORDS[1000:], 4))
            elif kind == "common":
                s.text = text(rng)
            else:
                s.text = " ".join(s.text.split()[: len(s.text.split()) // 2])
        expected = memory.update(chosen)
        db = Db.open(path)
        stored = StoredRelatedIndex(db)
        assert stored.update(chosen) == expected, kind
        partial += bool(expected) and isinstance(stored.postings, _Postings)  # not read whole
        db.commit(stored.save)
        db.close()
        db = Db.open(path)
        assert state(StoredRelatedIndex(db)) == state(memory), kind
        db.close()
    assert partial >= 2  # the row-by-row path, not only the whole one, was taken


def test_the_first_update_after_a_full_build_reads_few_entries(tmp_path: Path) -> None:
    """A full build stores no holders (term -> entries that use it): the first update finds those of
    the terms it moves by one scan in SQLite, reading no more entries than with the holders stored
    (not every entry, as building them from the entries' terms did); it writes back only the rows
    whose bytes changed, and the holders it found are there for the next update."""
    rng = random.Random(7)
    items = entries(400, rng)
    memory = RelatedIndex.build(items)
    paths = [tmp_path / "bare.sqlite", tmp_path / "held.sqlite"]
    for path in paths:
        f = NewFile(path)
        write_index(f, memory)
        f.install()
        memory.warm_up()  # (the second file gets the holders)
    chosen = [items[3]]
    items[3].text += " " + " ".join(WORDS[1500:1504])  # rare words: their idf moves
    expected = memory.update(chosen)
    read = []
    for path in paths:
        db = Db.open(path)
        stored = StoredRelatedIndex(db)
        assert stored.update(chosen) == expected
        assert isinstance(stored.postings, _Postings)  # not read whole
        read.append(len(stored.entries.rows))
        written: list[str] = []
        db.conn.set_trace_callback(written.append)
        db.commit(stored.save)
        db.conn.set_trace_callback(None)
        db.close()
        entry_rows = [w for w in written if w.startswith("INSERT OR REPLACE INTO ri_entries")]
        assert 0 < len(entry_rows) < read[-1]  # read, but not all changed
        db = Db.open(path)
        assert state(StoredRelatedIndex(db)) == state(memory)
        held = dict(db.conn.execute("SELECT id, holders FROM ri_holders"))
        db.close()
        for word in WORDS[1500:1504]:
            k = memory._tid[word]
            assert held[k] == memory._holders[k].tobytes()
    assert read[0] == read[1] < len(items)
