"""A session's incremental rebuilds give exactly the files a clean build gives."""
from __future__ import annotations

import random
import re
import shutil
import time
from pathlib import Path

import pytest

from site_builder.cache import CACHE_DIR
from site_builder.config import SiteConfig
from site_builder.incremental import Session
from site_builder.pipeline import build

from ..test_cache import tree


def config(search: bool = False) -> SiteConfig:
    c = SiteConfig()
    c.search = search
    c.mathjax.self_host = False
    return c


def clean_build(site: Path, cfg: SiteConfig) -> dict[str, bytes]:
    """The same inputs built from nothing, in a separate site root (its own cache)."""
    ref = site.parent / f"{site.name}-ref"
    shutil.rmtree(ref, ignore_errors=True)
    shutil.copytree(site / "content", ref / "content")
    if (site / "templates").is_dir():
        shutil.copytree(site / "templates", ref / "templates")
    math_store = site / CACHE_DIR / "math.sqlite"
    if math_store.is_file():  # only typeset formulas: they do not depend on the build
        (ref / CACHE_DIR).mkdir(parents=True)
        shutil.copy(math_store, ref / CACHE_DIR)
    build(ref / "content", ref / "out", cfg, ref, use_cache=False)
    return tree(ref / "out")


def start(site: Path, cfg: SiteConfig) -> Session:
    session = Session(site / "content", site / "out", site)
    session.build(cfg)
    assert session.last_mode == "full"
    time.sleep(0.01)
    return session


def assert_incremental_and_exact(site: Path, session: Session, cfg: SiteConfig) -> None:
    session.build(cfg)
    assert session.last_mode == "incremental", session.why_full
    assert tree(site / "out") == clean_build(site, cfg)


def edit_text(site: Path, session: Session, rng: random.Random, source: str | None = None) -> str:
    """Insert words into one summary's text, in whatever input format it came from; returns its id."""
    catalog = session.state.catalog
    candidates = [s for s in catalog.summaries if len(s.record.origins) == 1
                  and (s.record.source == source if source else s.record.source != "shortscience")]
    rng.shuffle(candidates)
    for s in candidates:
        path = site / "content" / s.record.origins[0]
        text = path.read_text(encoding="utf-8")
        words = [w for w in dict.fromkeys(re.findall(r"\b[a-z]{6,}\b", s.record.body)) if text.count(w) == 1]
        if words:
            w = rng.choice(words)
            path.write_text(text.replace(w, f"{w} inserted {rng.choice(['regularised', 'gradient', 'wording'])}"),
                            encoding="utf-8")
            return s.id
    raise AssertionError("no summary text to edit")


# ShortScience summaries carry no id of their own: it is a hash of their text (so a summary
# listed in two files is one summary), hence a new text is a new summary and a full build.
@pytest.mark.parametrize("source, mode", [("markdown", "incremental"), ("statwiki", "incremental"),
                                          ("shortscience", "full")])
def test_text_edit_is_exact(site: Path, source: str, mode: str) -> None:
    cfg = config()
    session = start(site, cfg)
    sources = {s.record.source for s in session.state.catalog.summaries}
    if source == "markdown":
        source = next(s for s in sources if s not in ("shortscience", "statwiki"))
    edit_text(site, session, random.Random(source), source)
    report = session.build(cfg)
    assert session.last_mode == mode
    if mode == "incremental":
        assert 1 <= report.pages_rendered <= 5  # the summary's own page, not every listing it is in
    assert tree(site / "out") == clean_build(site, cfg)


def test_many_edits_in_a_row_stay_exact(site: Path) -> None:
    cfg = config()
    session = start(site, cfg)
    rng = random.Random(7)
    for _ in range(5):
        edit_text(site, session, rng)
        session.build(cfg)
        assert session.last_mode == "incremental", session.why_full
    edit_text(site, session, rng)
    assert_incremental_and_exact(site, session, cfg)


def test_new_formula_is_checked_and_rendered(site: Path) -> None:
    cfg = config()
    session = start(site, cfg)
    target = next((site / "content" / "summaries").glob("*.md"))
    with open(target, "a", encoding="utf-8") as f:
        f.write("\nA new formula: $\\sum_{i=1}^{n} w_i x_i$ and a broken one: $\\frac{1}{$.\n")
    assert_incremental_and_exact(site, session, cfg)


def test_new_character_rewrites_the_math_stylesheet(site: Path) -> None:
    cfg = config()
    session = start(site, cfg)
    before = (site / "out" / "assets" / "mathjax" / "chtml.css").read_text(encoding="utf-8")
    target = next((site / "content" / "summaries").glob("*.md"))
    with open(target, "a", encoding="utf-8") as f:
        f.write("\nTwo rare symbols: $\\aleph_0 \\nabla$.\n")
    assert_incremental_and_exact(site, session, cfg)
    assert (site / "out" / "assets" / "mathjax" / "chtml.css").read_text(encoding="utf-8") != before


def test_math_stylesheet_follows_edits_in_a_row(site: Path) -> None:
    """The session counts the site's use of formulas once, then changes it by each edit's summaries:
    a symbol added, then removed again, gives the stylesheet a clean build gives, each time."""
    cfg = config()
    session = start(site, cfg)
    sheet = site / "out" / "assets" / "mathjax" / "chtml.css"
    before = sheet.read_text(encoding="utf-8")
    target = next((site / "content" / "summaries").glob("*.md"))
    original = target.read_text(encoding="utf-8")
    target.write_text(original + "\nTwo rare symbols: $\\aleph_0 \\nabla$.\n", encoding="utf-8")
    assert_incremental_and_exact(site, session, cfg)
    assert sheet.read_text(encoding="utf-8") != before
    target.write_text(original + "\nNo formula now.\n", encoding="utf-8")
    assert_incremental_and_exact(site, session, cfg)
    assert sheet.read_text(encoding="utf-8") == before
    target.write_text(original + "\nBack again: $\\aleph_0$.\n", encoding="utf-8")
    assert_incremental_and_exact(site, session, cfg)
    assert sheet.read_text(encoding="utf-8") != before


def test_formula_needing_another_font_is_a_full_build(site: Path) -> None:
    cfg = config()
    session = start(site, cfg)
    target = next((site / "content" / "summaries").glob("*.md"))
    with open(target, "a", encoding="utf-8") as f:
        f.write("\nA Fraktur letter: $\\mathfrak{A}$.\n")
    session.build(cfg)
    assert session.last_mode == "full" and "math files" in session.why_full
    assert tree(site / "out") == clean_build(site, cfg)


def assert_same_search(site: Path, cfg: SiteConfig) -> None:
    """Every file but the search index is the clean build's; the index (parts, a delta of the edited
    pages, their old copies hidden) finds exactly what the clean build's finds, with the same filters."""
    from ..output.test_search_delta import search_view

    ref = clean_build(site, cfg)
    out = tree(site / "out")
    assert {k: v for k, v in out.items() if not k.startswith("pagefind/")} == \
        {k: v for k, v in ref.items() if not k.startswith("pagefind/")}
    assert search_view(site / "out") == search_view(site.parent / f"{site.name}-ref" / "out")


def test_search_after_edits_additions_and_removals(site: Path, monkeypatch) -> None:
    """Issue 29: an edit re-indexes only the edited pages (the delta); a full build after edits (a file
    added, a file removed) writes the clean build's index; past the delta's bound the parts are indexed again."""
    from site_builder.output import search, search_delta

    monkeypatch.setattr(search, "PART_CHARS", 3000)  # the sample site's index in several parts
    cfg = config(search=True)
    session = start(site, cfg)
    rng = random.Random(3)
    def has_delta() -> bool:
        import json
        state = json.loads((site / "out" / "pagefind" / "parts.json").read_text(encoding="utf-8")).get("delta")
        folders = [d for d in (site / "out" / "pagefind").iterdir() if d.name.startswith("delta")]
        assert [f"{d.name}/" for d in folders] == ([state["path"]] if state else [])
        return bool(state)
    for source in ("statwiki", None):
        sid = edit_text(site, session, rng, source)
        session.build(cfg)
        assert session.last_mode == "incremental", session.why_full
        assert has_delta()
        url = session.state.summary(sid)
        url = url.paper.url if url.paper is not None else url.url
        from ..output.test_search_delta import search_view
        assert "inserted" in search_view(site / "out")[0][url]["content"]  # the new text, in one copy only
        assert_same_search(site, cfg)

    add_a_file(site)
    session.build(cfg)
    assert session.last_mode == "full" and not has_delta()
    assert tree(site / "out") == clean_build(site, cfg)  # the clean build's index, byte for byte

    edit_text(site, session, rng)
    session.build(cfg)
    assert session.last_mode == "incremental" and has_delta()
    (site / "content" / "summaries" / "zz-new.md").unlink()
    session.build(cfg)
    assert session.last_mode == "full" and not has_delta()
    assert tree(site / "out") == clean_build(site, cfg)

    monkeypatch.setattr(search_delta, "DELTA_PAGES", 1)
    edit_text(site, session, rng, "statwiki")
    session.build(cfg)
    assert has_delta()
    for _ in range(6):  # until an edit brings a second page (it may pick the same one again): past the bound
        edit_text(site, session, rng, "statwiki")
        session.build(cfg)
        assert session.last_mode == "incremental"
        if not has_delta():
            break
    assert not has_delta()
    assert tree(site / "out") == clean_build(site, cfg)


def test_nothing_changed_writes_nothing(site: Path) -> None:
    cfg = config()
    session = start(site, cfg)
    before = {p: p.stat().st_mtime_ns for p in (site / "out").rglob("*") if p.is_file()}
    report = session.build(cfg)
    assert session.last_mode == "unchanged" and report.files_changed == 0
    assert before == {p: p.stat().st_mtime_ns for p in (site / "out").rglob("*") if p.is_file()}


def rename_a_paper(site: Path) -> None:
    target = next((site / "content" / "summaries").glob("*.md"))
    text = target.read_text(encoding="utf-8")
    target.write_text(re.sub(r"^title: .*$", 'title: "A renamed paper"', text, count=1, flags=re.M), encoding="utf-8")


def add_a_file(site: Path) -> None:
    (site / "content" / "summaries" / "zz-new.md").write_text(
        "---\ntitle: A paper added later\nyear: 2021\n---\nIts summary, written after the first build.\n", encoding="utf-8")


def edit_a_template(site: Path) -> None:
    theme = Path(__file__).resolve().parents[2] / "templates" / "about.html"
    (site / "templates" / "about.html").write_text(theme.read_text(encoding="utf-8") + "\n<!-- edited -->\n")


@pytest.mark.parametrize("change", [rename_a_paper, add_a_file, edit_a_template])
def test_other_changes_are_full_builds(site: Path, change) -> None:
    cfg = config()
    (site / "templates").mkdir()  # the site's own theme folder, watched from the start
    session = start(site, cfg)
    change(site)
    session.build(cfg)
    assert session.last_mode == "full"
    assert tree(site / "out") == clean_build(site, cfg)


def test_config_change_is_a_full_build(site: Path) -> None:
    cfg = config()
    session = start(site, cfg)
    cfg2 = config()
    cfg2.title = "Another title"
    session.build(cfg2)
    assert session.last_mode == "full"
    assert tree(site / "out") == clean_build(site, cfg2)


def test_edit_that_adds_a_section_brings_in_the_contents(site: Path) -> None:
    """A third heading makes a table of contents appear (and the reading time grow): same bytes as clean."""
    cfg = config()
    session = start(site, cfg)
    target = site / "content" / "summaries" / "dropout.md"
    page = site / "out" / "papers" / "dropout-a-simple-way-to-prevent-neural-networks-from-overfitting" / "index.html"
    assert 'class="toc"' not in page.read_text(encoding="utf-8")
    with open(target, "a", encoding="utf-8") as f:
        f.write("\n## A third section\n\n" + "Words that make the summary longer to read. " * 60 + "\n")
    assert_incremental_and_exact(site, session, cfg)
    html = page.read_text(encoding="utf-8")
    assert 'class="toc"' in html and 'href="#a-third-section"' in html and "3 min read" in html


def test_a_warning_about_the_whole_build_is_not_repeated_by_each_edit(site: Path, monkeypatch) -> None:
    # E.g. "math not checked" (no npm MathJax), which names no summary: every text edit added it
    # again, and `serve` printed "(2 warnings)", "(3 warnings)"... (issue 25).
    from site_builder.render import summaries

    real = summaries.render_catalog
    monkeypatch.setattr(summaries, "render_catalog", lambda *a, **k: real(*a, **k) + ["note: about the whole build"])
    cfg = config()
    session = start(site, cfg)
    first = list(session.state.report.render_warnings)
    assert first.count("note: about the whole build") == 1
    rng = random.Random(3)
    for _ in range(3):
        edit_text(site, session, rng)
        report = session.build(cfg)
        assert session.last_mode == "incremental", session.why_full
        assert report.render_warnings.count("note: about the whole build") == 1
    assert len(report.render_warnings) == len(first)
