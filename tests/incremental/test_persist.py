"""`site-builder build` picks up the last build's session from disk, and only when it still fits."""
from __future__ import annotations

import os
import random
import time
from pathlib import Path

from site_builder.cache import CACHE_DIR
from site_builder.incremental import Session
from site_builder.incremental.persist import SESSION_NAME, build_site, restore

from ..test_cache import tree
from .test_session import clean_build, config, edit_text


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
