"""`site-builder build` picks up the last build's session from disk, and only when it still fits."""
from __future__ import annotations

import os
import pickle
import random
import time
from pathlib import Path

import pytest

from site_builder.cache import (CACHE_DIR, DELTA_NAME as BUILD_DELTA, FILE_NAME, RENDER_TABLES, RENDERS_NAME, BuildCache,
                                load_pickle)
from site_builder.incremental import Session, journal
from site_builder.incremental.persist import SESSION_NAME, build_site, restore, save
from site_builder.pipeline import input_state, output_state

from ..test_cache import tree
from .test_session import add_a_file, clean_build, config, edit_text


def age(folder: Path) -> None:
    """Make every input look edited long ago (a file edited moments ago is hashed, not trusted by stat)."""
    past = time.time() - 60
    for p in folder.rglob("*"):
        if p.suffix not in (".svg", ".png"):  # an asset touched is a full build (tested elsewhere)
            os.utime(p, (past, past))


def session_of(site: Path) -> Session:
    s = restore(site / "content", site / "out", site, config(), 1)
    assert s is not None
    return s


def test_second_build_after_a_text_edit_is_incremental_and_exact(site: Path) -> None:
    cfg = config()
    age(site / "content")
    first = build_site(site / "content", site / "out", cfg, site)
    assert first.how.startswith("full build") and (site / CACHE_DIR / SESSION_NAME).is_file()
    edit_text(site, session_of(site), random.Random(1))
    report = build_site(site / "content", site / "out", cfg, site)
    assert report.how == "incremental"
    assert tree(site / "out") == clean_build(site, cfg)
    age(site / "content")
    again = build_site(site / "content", site / "out", cfg, site)
    assert again.files_changed == 0, again.how


def test_a_hand_edited_output_is_not_trusted(site: Path) -> None:
    cfg = config()
    age(site / "content")
    build_site(site / "content", site / "out", cfg, site)
    session = session_of(site)  # taking it up reads only
    (site / "out" / "about" / "index.html").write_text("tampered", encoding="utf-8")
    edit_text(site, session, random.Random(2))
    report = build_site(site / "content", site / "out", cfg, site)
    assert report.how.startswith("full build")
    assert tree(site / "out") == clean_build(site, cfg)


def test_another_config_is_a_full_build(site: Path) -> None:
    cfg = config()
    age(site / "content")
    build_site(site / "content", site / "out", cfg, site)
    other = config()
    other.title = "Renamed site"
    report = build_site(site / "content", site / "out", other, site)
    assert report.how.startswith("full build")
    assert tree(site / "out") == clean_build(site, other)


WHOLE = (FILE_NAME, SESSION_NAME)
DELTAS = (BUILD_DELTA, journal.DELTA_NAME)


def stats(site: Path, names: tuple[str, ...]) -> list[tuple[int, int, int]]:
    return [(st.st_ino, st.st_mtime_ns, st.st_size) for st in (os.stat(site / CACHE_DIR / n) for n in names)]


def picture(session: Session) -> dict:
    """Everything of a session an incremental build changes, in comparable form."""
    st = session.state
    kept = st.kept
    return {
        "summaries": [(s.record, journal.summary_fields(s)) for s in st.catalog.summaries],
        "pages": [(p.path, p.template, p.title, p.description, p.crumbs, p.indexable, sorted(p.data)) for p in kept["pages"]],
        "related": {url: [e.url for e in entries] for url, entries in kept["related"].items()},
        "index": pickle.dumps(kept["related_index"].__getstate__()),  # bytes: its arrays hold NaN
        "api": kept["api"],
        "feeds": [(f.path, [(d, s.id) for d, s in entries]) for f, entries in kept["feeds"]],
        "tables": {k: v for k, v in st.cache.new.items()},
        "small": (st.snapshot, st.report, st.uncacheable),
    }


def test_an_incremental_build_saves_only_what_it_changed(site: Path) -> None:
    """The whole files stay as the full build wrote them; whole file + delta is the session exactly."""
    cfg = config()
    age(site / "content")
    build_site(site / "content", site / "out", cfg, site)
    whole = stats(site, WHOLE)
    for seed in (3, 4):  # the second delta includes the first one's changes
        edit_text(site, session_of(site), random.Random(seed))
        session = session_of(site)
        assert session.build(cfg).how == "incremental"
        save(session, input_state(site / "content", site / "out", cfg, site, session.state.cache))
        assert stats(site, WHOLE) == whole and all((site / CACHE_DIR / n).is_file() for n in DELTAS)
        assert picture(session_of(site)) == picture(session)
    assert tree(site / "out") == clean_build(site, cfg)
    # And through the command's own path, from whole file + delta:
    edit_text(site, session_of(site), random.Random(5))
    age(site / "content")  # an input edited moments ago is not vouched for by a saved state
    assert build_site(site / "content", site / "out", cfg, site).how == "incremental"
    assert tree(site / "out") == clean_build(site, cfg)
    # The output's state it saved (worked out from the walk before the build) is the output as it is.
    assert BuildCache.open(site).last_state[1] == output_state(site / "out")


@pytest.mark.parametrize("damage", ["lose the session delta", "lose the build delta", "garble the session delta"])
def test_deltas_that_do_not_pair_are_a_full_build(site: Path, damage: str) -> None:
    cfg = config()
    age(site / "content")
    build_site(site / "content", site / "out", cfg, site)
    edit_text(site, session_of(site), random.Random(6))
    assert build_site(site / "content", site / "out", cfg, site).how == "incremental"
    session = session_of(site)
    target = site / CACHE_DIR / (BUILD_DELTA if "build" in damage else journal.DELTA_NAME)
    if damage.startswith("lose"):
        target.unlink()
    else:
        target.write_bytes(b"not a pickle")
    assert restore(site / "content", site / "out", site, cfg, 1) is None
    edit_text(site, session, random.Random(7))
    report = build_site(site / "content", site / "out", cfg, site)
    assert report.how.startswith("full build")
    assert tree(site / "out") == clean_build(site, cfg)


def test_a_delta_grown_too_big_is_a_whole_save(site: Path, monkeypatch) -> None:
    cfg = config()
    age(site / "content")
    build_site(site / "content", site / "out", cfg, site)
    whole = stats(site, WHOLE)
    monkeypatch.setattr(journal, "_WHOLE_SHARE", 10**9)  # any delta is "too big"
    monkeypatch.setattr(journal, "_SMALL", 0)
    edit_text(site, session_of(site), random.Random(8))
    assert build_site(site / "content", site / "out", cfg, site).how == "incremental"
    assert stats(site, WHOLE) != whole and not any((site / CACHE_DIR / n).exists() for n in DELTAS)
    edit_text(site, session_of(site), random.Random(9))
    assert build_site(site / "content", site / "out", cfg, site).how == "incremental"
    assert tree(site / "out") == clean_build(site, cfg)


def test_edits_around_a_full_build_stay_exact(site: Path) -> None:
    """Delta, then a full build (it saves the whole and drops the deltas), then a delta on the new whole."""
    cfg = config()
    age(site / "content")
    build_site(site / "content", site / "out", cfg, site)
    edit_text(site, session_of(site), random.Random(10))
    assert build_site(site / "content", site / "out", cfg, site).how == "incremental"
    add_a_file(site)
    assert build_site(site / "content", site / "out", cfg, site).how.startswith("full build")
    assert not any((site / CACHE_DIR / n).exists() for n in DELTAS)
    assert tree(site / "out") == clean_build(site, cfg)
    edit_text(site, session_of(site), random.Random(11))
    assert build_site(site / "content", site / "out", cfg, site).how == "incremental"
    assert all((site / CACHE_DIR / n).is_file() for n in DELTAS)
    assert tree(site / "out") == clean_build(site, cfg)


def render_entries(site: Path) -> int:
    """How many rendered summaries a full build would find in the cache (whole files + delta)."""
    cache = BuildCache.open(site)
    cache.load_tables()
    return len(cache.old["renders"])


def test_render_entries_outlive_builds_that_did_not_load_them(site: Path, monkeypatch) -> None:
    """An incremental build leaves renders.pickle unread; its entries and the new ones both stay."""
    cfg = config()
    age(site / "content")
    build_site(site / "content", site / "out", cfg, site)
    summaries = len(session_of(site).state.catalog.summaries)
    assert render_entries(site) == summaries
    edit_text(site, session_of(site), random.Random(12))
    assert build_site(site / "content", site / "out", cfg, site).how == "incremental"
    assert len(session_of(site).state.cache.old["renders"]) == 1  # taken up without renders.pickle
    assert render_entries(site) == summaries + 1  # through the delta
    monkeypatch.setattr(journal, "_WHOLE_SHARE", 10**9)  # the next save is whole: it must fetch them first
    monkeypatch.setattr(journal, "_SMALL", 0)
    edit_text(site, session_of(site), random.Random(13))
    assert build_site(site / "content", site / "out", cfg, site).how == "incremental"
    assert not (site / CACHE_DIR / BUILD_DELTA).exists() and render_entries(site) == summaries + 2


def test_the_cache_written_in_the_background_is_the_one_this_build_made(site: Path) -> None:
    session = Session(site / "content", site / "out", site)
    session.one_shot = True  # as `site-builder build` runs it: pipeline.build forks the cache's writer
    session.build(config())
    cache = session.state.cache
    assert cache.saving is not None
    cache.wait_saved()
    folder = site / CACHE_DIR
    assert not list(folder.glob("*.tmp"))
    tables, renders = load_pickle(folder / FILE_NAME), load_pickle(folder / RENDERS_NAME)
    assert tables["started_ns"] == renders["started_ns"] == cache.started_ns
    for name, table in cache.new.items():
        assert (renders if name in RENDER_TABLES else tables)[name] == table, name
    assert len(tables["pages"]) > 20 and len(renders["renders"]) > 5
    assert BuildCache.open(site).last["report"] is not None  # the state file, written last


def test_a_failed_background_save_fails_the_build(site: Path) -> None:
    cfg = config()
    (site / CACHE_DIR / RENDERS_NAME).mkdir(parents=True)  # the renamed file cannot replace a folder
    with pytest.raises(OSError, match="writing the build cache"):
        build_site(site / "content", site / "out", cfg, site)
