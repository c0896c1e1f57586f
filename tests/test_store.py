"""store.py's pickling of texts: the same values back, and no UTF-8 copy left in the pickled str."""
from __future__ import annotations

import pickle
import sys
from dataclasses import dataclass

from site_builder.store import dumps, dumps_rebuilt, unshared


@dataclass(frozen=True)
class _Rec:
    url: str
    content: str
    meta: dict


def test_values_come_back_the_same() -> None:
    long_text = "Grenzwert α → β, naïve " * 20 + "\ud800 a lone surrogate"
    for value in [long_text, "short é", "plain ascii " * 20, (long_text, "title"), [long_text, 3],
                  {"html": long_text, "n": 1}, 5, None, {"nested": [long_text]}]:
        assert pickle.loads(dumps(value)) == value


def test_no_utf8_copy_is_left_in_the_text() -> None:
    # CPython keeps the UTF-8 form pickle asks a non-ASCII str for, as long as the str lives.
    text = "ω" * 200_000
    size = sys.getsizeof(text)
    pickle.loads(dumps({"text": text}))
    pickle.loads(dumps((text, "x")))
    assert sys.getsizeof(text) == size
    pickle.dumps(text)  # what store avoids
    assert sys.getsizeof(text) > size


def test_a_dataclass_rebuilt_by_its_constructor() -> None:
    rec = _Rec("/p/a/", "θεωρία " * 100, {"title": "T"})
    size = sys.getsizeof(rec.content)
    back = pickle.loads(dumps_rebuilt(rec))
    assert back == rec and type(back) is _Rec
    assert sys.getsizeof(rec.content) == size


def test_unshared_leaves_other_values_alone() -> None:
    values = [1, b"bytes", "ascii " * 50, ("a", "b"), {"k": "v"}]
    for v in values:
        assert unshared(v) is v


def test_a_store_file_is_changed_through_its_write_ahead_log_and_copied_in_by_a_later_open(tmp_path, monkeypatch):
    """An edit's commit appends to the file's write-ahead log (no sync, no checkpoint in the commit);
    the next open of a file whose log has grown past the bound copies it into the file in a thread."""
    from site_builder import store

    path = tmp_path / "s.sqlite"
    f = store.NewFile(path)
    f.create("t")
    f.install()
    db = store.Db.open(path)
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    table = db.table("t")
    for n in range(30):
        table[f"k{n}"] = "x" * 5000
        db.commit()
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > 30 * 4096  # in the log, not copied in by the commits

    monkeypatch.setattr(store, "CHECKPOINT_ABOVE", 1 << 40)
    again = store.Db.open(path)
    assert again._checkpoint is None
    again.close()
    assert b"k29" not in path.read_bytes()
    monkeypatch.setattr(store, "CHECKPOINT_ABOVE", wal.stat().st_size // 2)
    assert b"k29" not in path.read_bytes()  # only in the log yet
    again = store.Db.open(path)
    assert again._checkpoint is not None
    again._checkpoint.join()
    assert b"k29" in path.read_bytes()  # copied into the file
    assert again.table("t")["k29"] == "x" * 5000
    again.close()
    db.close()


def test_a_log_copied_in_is_cut_short_by_the_next_commit_so_the_next_open_copies_nothing(tmp_path, monkeypatch):
    """SQLite starts a log that was copied in again from its beginning but leaves the file as long as it
    was; the store has it cut short then, so the size keeps measuring what waits to be copied."""
    from site_builder import store

    path = tmp_path / "s.sqlite"
    f = store.NewFile(path)
    f.create("t")
    f.install()
    wal = path.with_name(path.name + "-wal")
    db = store.Db.open(path)
    table = db.table("t")
    for n in range(30):
        table[f"k{n}"] = "x" * 5000
        db.commit()
    grown = wal.stat().st_size  # (db stays open: the last connection closed would copy the log in itself)
    monkeypatch.setattr(store, "CHECKPOINT_ABOVE", grown // 2)
    again = store.Db.open(path)
    assert again._checkpoint is not None
    again._checkpoint.join()
    again.table("t")["k0"] = "y"  # the edit's commit, after the copy: the log starts again, cut short
    again.commit()
    assert wal.stat().st_size < grown // 2, (wal.stat().st_size, grown)
    again.close()
    later = store.Db.open(path)
    assert later._checkpoint is None  # nothing to copy in: no thread, no syncs
    assert later.table("t")["k0"] == "y" and later.table("t")["k29"] == "x" * 5000
    later.close()
    db.close()
