"""`site-builder build` takes up the last build's session from its store, and only when it still fits."""
from __future__ import annotations

import os
import pickle
import random
import sqlite3
import time
from pathlib import Path

import pytest

from site_builder import store
from site_builder.cache import CACHE_DIR, FILE_NAME as CACHE_FILE, BuildCache, _write as write_cache
from site_builder.incremental import Session, ghosts, stored
from site_builder.incremental.persist import SESSION_NAME, build_site, restore
from site_builder.output.listing import listing

from ..test_cache import tree
from .test_session import add_a_file, clean_build, config, edit_text, start


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


def edit(site: Path, seed: int) -> str:
    """Edit one summary's text (as test_session.edit_text does), found through the stored session."""
    session = session_of(site)
    try:
        return edit_text(site, session, random.Random(seed))
    finally:
        session.state.close()


def build(site: Path):
    return build_site(site / "content", site / "out", config(), site)


def append_text(site: Path, seed: int) -> None:
    """Add a sentence to one Markdown summary's text (no stored session needed to choose it)."""
    files = sorted((site / "content" / "summaries").glob("*.md"))
    with open(random.Random(seed).choice(files), "a", encoding="utf-8") as f:
        f.write(f"\nA sentence added to the summary, number {seed}.\n")


@pytest.mark.parametrize("large", [False, True])
def test_second_build_after_a_text_edit_is_incremental_and_exact(site: Path, large: bool, monkeypatch) -> None:
    if large:  # as on a large site: every table derived from the whole catalog read a key at a time, and
        monkeypatch.setattr(stored, "ROWS_ABOVE", 0)  # every list of objects kept apart in its object's row
        monkeypatch.setattr(ghosts, "LONG", 1)
    age(site / "content")
    first = build(site)
    assert first.how.startswith("full build") and (site / CACHE_DIR / SESSION_NAME).is_file()
    edit(site, 1)
    report = build(site)
    assert report.how == "incremental"
    assert tree(site / "out") == clean_build(site, config())
    age(site / "content")
    again = build(site)
    assert again.files_changed == 0, again.how


@pytest.mark.parametrize("damage", ["edit", "delete", "add"])
def test_a_hand_changed_output_is_not_trusted(site: Path, damage: str) -> None:
    age(site / "content")
    build(site)
    page = site / "out" / "about" / "index.html"
    if damage == "edit":
        with open(page, "a", encoding="utf-8") as f:  # in place: the folder's mtime does not move
            f.write("tampered")
    elif damage == "delete":
        page.unlink()
    else:
        (site / "out" / "papers" / "stray.html").write_text("not ours", encoding="utf-8")
    age(site / "content")
    assert build(site).how.startswith("full build")  # not even "nothing changed"
    edit(site, 2)
    build(site)
    assert tree(site / "out") == clean_build(site, config())


@pytest.mark.parametrize("damage", ["edit", "delete", "add"])
def test_a_hand_changed_output_is_noticed_during_an_edit(site: Path, damage: str) -> None:
    """The output is checked while the edit is worked out (in another process): still before any file is written."""
    age(site / "content")
    build(site)
    edit(site, 3)
    page = site / "out" / "about" / "index.html"
    if damage == "edit":
        with open(page, "a", encoding="utf-8") as f:
            f.write("tampered")
    elif damage == "delete":
        page.unlink()
    else:
        (site / "out" / "papers" / "stray.html").write_text("not ours", encoding="utf-8")
    report = build(site)
    assert report.how.startswith("full build") and "changed since the last build" in report.how, report.how
    assert tree(site / "out") == clean_build(site, config())


def test_another_config_is_a_full_build(site: Path) -> None:
    age(site / "content")
    build(site)
    other = config()
    other.title = "Renamed site"
    report = build_site(site / "content", site / "out", other, site)
    assert report.how.startswith("full build")
    assert tree(site / "out") == clean_build(site, other)


def files_of(site: Path) -> list[tuple[int, str]]:
    return [(os.stat(site / CACHE_DIR / n).st_ino, n) for n in (CACHE_FILE, SESSION_NAME)]


def test_incremental_builds_change_the_store_in_place(site: Path) -> None:
    """The store files are changed, not written again; the next build reads what the last one wrote."""
    age(site / "content")
    build(site)
    whole = files_of(site)
    for seed in (3, 4, 5):
        edit(site, seed)
        age(site / "content")
        assert build(site).how == "incremental"
        assert files_of(site) == whole
        assert tree(site / "out") == clean_build(site, config())
    # The output listing it saved (worked out from the one before the build) is the output as it is.
    saved = BuildCache.open(site).last_state[1]
    assert saved == listing(site / "out")


# -- the store after edits is what a full save of the same session gives ---------
def dump(folder: Path, out: Path) -> dict:
    """Both store files in comparable form: references as identities, step numbers as the steps, no
    output paths, stats or generations."""
    ghosts_db = sqlite3.connect(folder / SESSION_NAME)
    cache_db = sqlite3.connect(folder / CACHE_FILE)
    prefix = str(out.resolve()) + "/"
    from site_builder.incremental.ghosts import Ghosts

    ghosts = Ghosts(lambda key: ghosts_db.execute("SELECT cls, value FROM objects WHERE key=?",
                                                  (repr(key),)).fetchone(),
                    lambda key: ghosts_db.execute("SELECT lists FROM objects WHERE key=?", (repr(key),)).fetchone()[0])

    def rows(db, table, loads=pickle.loads):
        return {k: loads(v) for k, v in db.execute(f"SELECT key, value FROM {table}")}

    out_ = {}
    out_["objects"] = {k: (c, _named(ghosts.loads(v), ghosts.keys), _named(ghosts.loads(lists), ghosts.keys)
                           if lists is not None else None)
                       for k, c, v, lists in ghosts_db.execute("SELECT key, cls, value, lists FROM objects")}
    for table in ("pages", "related", "feeds", "derived", "shown"):
        columns = "key, value" if table != "feeds" else "key, entries"
        out_[table] = {k: _named(ghosts.loads(v), ghosts.keys) for k, v in ghosts_db.execute(f"SELECT {columns} FROM {table}")}
    out_["owners"] = dict(ghosts_db.execute("SELECT key, value FROM owners"))
    meta = {k: pickle.loads(v) for k, v in ghosts_db.execute("SELECT name, value FROM meta")}
    from site_builder.incremental.related_rows import StoredRelatedIndex

    db = store.Db.open(folder / SESSION_NAME)
    index = StoredRelatedIndex(db)
    out_["related_index"] = (index.as_urls(), {u: index.counts_for(u) for u in index.urls},
                             dict(index.idf.items()), dict(index.df.items()), [index.vectors[i] for i in range(len(index.urls))],
                             {t: index.postings[t] for t in index.postings}, {t: index.queriers[t] for t in index.queriers},
                             *([repr(a[i]) for i in range(len(index.urls))] for a in (index._cut, index._kth, index._next_s, index._next_j)))
    db.close()
    meta.pop("related")
    meta["uncacheable"] = {w[len(prefix):] for w in meta["uncacheable"]}
    for k in ("generation", "output", "report"):
        meta.pop(k)
    out_["meta"] = meta
    steps = []
    for (chunk,) in cache_db.execute("SELECT value FROM steps ORDER BY chunk"):
        steps += pickle.loads(chunk)
    out_["recorded"] = {w[len(prefix):]: (base, sorted(repr(steps[i]) for i in __import__("array").array("I", ids)))
                        for w, base, ids in cache_db.execute("SELECT key, base, steps FROM recorded")}
    for table in ("reads", "renders", "texts"):
        out_[table] = rows(cache_db, table)
    out_["outputs"] = {k[len(prefix):]: v[0] for k, v in rows(cache_db, "outputs").items()}
    ghosts_db.close()
    cache_db.close()
    return out_


def _named(value, keys):
    """`value` with every catalog object replaced by its identity (deeply, through lists, dicts, objects)."""
    seen = {}

    def walk(x):
        if id(x) in keys:
            return ("ref", keys[id(x)])
        if isinstance(x, (list, tuple)):
            return type(x).__name__, [walk(e) for e in x]
        if isinstance(x, dict):
            return "dict", [(walk(k), walk(v)) for k, v in x.items()]
        if hasattr(x, "__dict__") and not isinstance(x, type):
            if id(x) in seen:
                return seen[id(x)]
            seen[id(x)] = ("cycle",)
            seen[id(x)] = (type(x).__qualname__, walk(vars(x)))
            return seen[id(x)]
        return x

    return walk(value)


@pytest.mark.parametrize("large", [False, True])
def test_the_store_after_edits_is_what_a_full_save_of_the_same_session_gives(site: Path, tmp_path: Path,
                                                                            large: bool, monkeypatch) -> None:
    """Edits through the store (site-builder build) and the same edits in memory (the preview server)
    leave the same session: every object, page, related list, index, table entry and recorded read."""
    if large:
        monkeypatch.setattr(stored, "ROWS_ABOVE", 0)
        monkeypatch.setattr(ghosts, "LONG", 1)
    twin = tmp_path / "twin"
    import shutil

    age(site / "content")
    build(site)
    shutil.copytree(site / "content", twin / "content")
    age(twin / "content")
    memory = start(twin, config())
    for seed in (21, 22, 23):
        sid = edit(site, seed)
        for rel in (site / "content").rglob("*"):  # the same edit in the twin
            if rel.is_file():
                target = twin / "content" / rel.relative_to(site / "content")
                if target.read_bytes() != rel.read_bytes():
                    target.write_bytes(rel.read_bytes())
        age(site / "content")
        age(twin / "content")
        assert build(site).how == "incremental", sid
        memory.build(config())
        assert memory.last_mode == "incremental", memory.why_full
    saved = tmp_path / "saved" / CACHE_DIR
    saved.mkdir(parents=True)
    st = memory.state
    data = {"salt": st.cache.salt, "started_ns": st.cache.started_ns, **st.cache.new}
    write_cache(saved / CACHE_FILE, data, None, None)
    stored.write_session(saved / SESSION_NAME, st, twin / "content", twin / "out")
    # The snapshot differs in inodes and times (two folders); everything else must be the same.
    a, b = dump(site / CACHE_DIR, site / "out"), dump(saved, twin / "out")
    for d, content in ((a, site / "content"), (b, twin / "content")):
        d["meta"].pop("snapshot")
        d["meta"].pop("snapshot_delta", None)
        d["meta"].pop("content")
        # (stat, hash, limit, blob): not the stat; copied files by their place in the content folder
        d["reads"] = {k.replace(str(content), "CONTENT"): v[1:] for k, v in d["reads"].items()}
    assert a.keys() == b.keys()
    for key in a:
        assert a[key] == b[key], key


# -- what must never be taken up --------------------------------------------------
@pytest.mark.parametrize("damage", ["lose the session", "garble the session", "truncate the session",
                                    "foreign session", "lose the cache"])
def test_a_damaged_store_is_a_full_build(site: Path, damage: str) -> None:
    age(site / "content")
    build(site)
    edit(site, 6)
    assert build(site).how == "incremental"
    path = site / CACHE_DIR / (CACHE_FILE if "cache" in damage else SESSION_NAME)
    if damage.startswith("lose"):
        path.unlink()
    elif damage.startswith("garble"):
        path.write_bytes(b"not a database" * 100)
    elif damage.startswith("truncate"):
        path.write_bytes(path.read_bytes()[:8192])
    else:
        store.remove(path)
        db = sqlite3.connect(path)
        with db:
            db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB)")
            db.execute("INSERT INTO meta VALUES ('format', ?)", (pickle.dumps(store.FORMAT),))
        db.close()
    assert restore(site / "content", site / "out", site, config(), 1) is None
    append_text(site, 7)
    report = build(site)
    assert report.how.startswith("full build")
    assert tree(site / "out") == clean_build(site, config())
    edit(site, 8)  # and the store it wrote is taken up again
    assert build(site).how == "incremental"
    assert tree(site / "out") == clean_build(site, config())


KILLED = 7


def killed_build(site: Path, patch) -> None:
    """A build in a forked process that `patch` (run in it first) makes die at some point, as a kill would."""
    pid = os.fork()
    if pid == 0:
        try:
            patch()
            build(site)
        finally:
            os._exit(0)
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    assert status == KILLED, "the build was not killed where the test meant it to be"


def die(*_, **__):
    os._exit(KILLED)


def after_calls(n: int, fn):
    """`fn`, except that its n-th call dies first."""
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            die()
        return fn(*args, **kwargs)
    return wrapper


def cache_written_here() -> None:
    """The build cache written by the build's own process (not a forked one that would outlive the kill):
    at the end, not begun by a writer forked when the output is swapped in (BuildCache.begin_save)."""
    from site_builder import cache

    def forked(write):
        write()
    cache._forked = forked
    cache.BuildCache.begin_save = lambda self: None


def kill_full_save_before_the_session() -> None:
    cache_written_here()
    stored.write_session = die


def kill_full_save_while_installing() -> None:  # the new session file written, not yet renamed in
    cache_written_here()
    install = store.NewFile.install

    def dying(self):
        if self.path.name == SESSION_NAME:
            die()
        return install(self)
    store.NewFile.install = dying


def kill_between_the_two_commits() -> None:
    store.Db.commit = after_calls(2, store.Db.commit)


def kill_in_the_session_transaction() -> None:
    original = stored.StoredState.commit

    def commit(self, *args):
        changed = self.ghosts.changed

        def then_die():
            yield from changed()
            die()  # rows written, the transaction not committed
        self.ghosts.changed = then_die
        return original(self, *args)
    stored.StoredState.commit = commit


def kill_in_the_cache_transaction() -> None:
    original = stored.StoredState.commit

    def commit(self, *args):
        self.cache.new["page_steps"].flush = lambda conn: die()
        return original(self, *args)
    stored.StoredState.commit = commit


def kill_after_replacing_files() -> None:
    from site_builder.incremental import persist

    persist.save = die


@pytest.mark.parametrize("kill", [kill_full_save_before_the_session, kill_full_save_while_installing])
def test_a_full_build_killed_while_saving_leaves_nothing_taken_up(site: Path, kill) -> None:
    age(site / "content")
    build(site)
    edit(site, 30)
    add_a_file(site)  # a full build
    killed_build(site, kill)
    assert restore(site / "content", site / "out", site, config(), 1) is None
    append_text(site, 31)
    report = build(site)
    assert report.how.startswith("full build")
    assert tree(site / "out") == clean_build(site, config())
    assert not list((site / CACHE_DIR).glob("*.tmp"))  # a killed build's half-written files are cleared
    edit(site, 32)
    assert build(site).how == "incremental"
    assert tree(site / "out") == clean_build(site, config())


@pytest.mark.parametrize("kill", [kill_between_the_two_commits, kill_in_the_session_transaction,
                                  kill_in_the_cache_transaction, kill_after_replacing_files])
def test_an_incremental_build_killed_while_saving_leaves_nothing_taken_up(site: Path, kill) -> None:
    age(site / "content")
    build(site)
    edit(site, 40)
    age(site / "content")
    killed_build(site, kill)
    # Whatever was left: both files still open as stores (SQLite rolled back the half-done transaction) ...
    for name in (CACHE_FILE, SESSION_NAME):
        db = store.Db.open(site / CACHE_DIR / name)
        assert db is not None and db.meta("generation") is not None
        db.close()
    # ... but not as a session that describes the output. The next build is a full one, or (killed after
    # the cache file's commit, which vouches for the output it describes) one that finds nothing changed.
    assert restore(site / "content", site / "out", site, config(), 1) is None
    report = build(site)
    after_cache_commit = kill in (kill_between_the_two_commits, kill_in_the_session_transaction)
    assert report.how.startswith("full build") or (after_cache_commit and report.how == "")
    assert tree(site / "out") == clean_build(site, config())
    append_text(site, 41)
    assert build(site).how.startswith("full build" if report.how == "" else "incremental")
    assert tree(site / "out") == clean_build(site, config())
    edit(site, 42)
    assert build(site).how == "incremental"
    assert tree(site / "out") == clean_build(site, config())


def test_edits_around_a_full_build_stay_exact(site: Path) -> None:
    age(site / "content")
    build(site)
    edit(site, 10)
    assert build(site).how == "incremental"
    add_a_file(site)
    assert build(site).how.startswith("full build")
    assert tree(site / "out") == clean_build(site, config())
    edit(site, 11)
    assert build(site).how == "incremental"
    assert tree(site / "out") == clean_build(site, config())


def test_a_deleted_input_after_edits_is_exact(site: Path) -> None:
    age(site / "content")
    build(site)
    edit(site, 12)
    assert build(site).how == "incremental"
    next((site / "content" / "summaries").glob("*.md")).unlink()
    assert build(site).how.startswith("full build")
    assert tree(site / "out") == clean_build(site, config())
    edit(site, 13)
    assert build(site).how == "incremental"
    assert tree(site / "out") == clean_build(site, config())


def test_render_entries_outlive_incremental_builds(site: Path) -> None:
    """An incremental build adds the edited summary's rendering to the cache file; a full build keeps
    the entries it uses."""
    age(site / "content")
    build(site)
    summaries = _count(site, "renders")
    edit(site, 14)
    assert build(site).how == "incremental"
    assert _count(site, "renders") == summaries + 1


def _count(site: Path, table: str) -> int:
    db = sqlite3.connect(site / CACHE_DIR / CACHE_FILE)
    try:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        db.close()


def test_the_cache_written_in_the_background_is_the_one_this_build_made(site: Path) -> None:
    session = Session(site / "content", site / "out", site)
    session.one_shot = True  # as `site-builder build` runs it: pipeline.build forks the cache's writer
    session.build(config())
    cache = session.state.cache
    assert cache.saving is not None
    cache.wait_saved()
    assert not list((site / CACHE_DIR).glob("*.tmp"))
    again = BuildCache.open(site)
    again.load_tables()
    for name, table in cache.new.items():
        assert again.old[name] == table, name
    assert again.last_report is not None and again.old["started_ns"] == cache.started_ns


def test_a_failed_background_save_fails_the_build(site: Path) -> None:
    (site / CACHE_DIR / CACHE_FILE).mkdir(parents=True)  # the renamed file cannot replace a folder
    with pytest.raises(OSError, match="writing the build cache"):
        build(site)


def test_nothing_is_written_to_the_output_before_its_check_answers(site: Path, monkeypatch) -> None:
    """The check of the output runs meanwhile in another process; however slow it is, the edit writes
    nothing into the output (not even a file beside its place) before it answers, or the check would
    see the build's own writes as hand changes."""
    from site_builder.output.listing import Listing

    unchanged = Listing.unchanged

    def slow(self, output):
        time.sleep(1.5)  # in the forked process that checks
        return unchanged(self, output)

    age(site / "content")
    build(site)
    monkeypatch.setattr(Listing, "unchanged", slow)
    edit(site, 50)
    report = build(site)
    assert report.how == "incremental", report.how
    assert tree(site / "out") == clean_build(site, config())


@pytest.mark.parametrize("search", [False, True])
def test_command_line_edits_leave_no_folder_beside_the_output(site: Path, search: bool) -> None:
    """The export (and with search on the delta) is made in a folder beside the output, and the old
    delta moved into it; the command line removes it with a thread while it saves: gone at the end."""
    cfg = config(search=search)
    age(site / "content")
    build_site(site / "content", site / "out", cfg, site)
    for n in (7, 8):  # the second edit replaces the first one's delta
        append_text(site, n)
        report = build_site(site / "content", site / "out", cfg, site, last_build=True)
        assert report.how == "incremental", report.how
        assert [p.name for p in site.iterdir() if p.name.startswith(".out.")] == []
    if search:  # (a delta beside the parts: the same results as a clean build's index)
        from .test_session import assert_same_search
        assert_same_search(site, cfg)
    else:
        assert tree(site / "out") == clean_build(site, cfg)


def test_an_edit_with_search_and_a_new_kind_of_formula_is_incremental_and_exact(site: Path, monkeypatch) -> None:
    """The stored session's search records (a row per result) and math token counts: an edit that
    brings a word to search and a formula needing stylesheet rules no other summary needed."""
    from site_builder.incremental.stored import StoredState

    def every_url(self):  # where an edited page is in the parts is kept in the session (search_pages)
        raise AssertionError("an edit read every search result's URL")
    monkeypatch.setattr(StoredState, "search_urls", every_url)
    from site_builder.output.assets import MATH_STYLESHEET

    cfg = config(search=True)
    age(site / "content")
    first = build_site(site / "content", site / "out", cfg, site)
    assert first.how.startswith("full build")
    sheet = (site / "out" / MATH_STYLESHEET).read_bytes()
    target = sorted((site / "content" / "summaries").glob("*.md"))[0]
    with open(target, "a", encoding="utf-8") as f:
        f.write("\nThe quokkaish bound $\\boxed{z} \\cancel{y}$ holds.\n")
    report = build_site(site / "content", site / "out", cfg, site)
    assert report.how == "incremental"
    assert (site / "out" / MATH_STYLESHEET).read_bytes() != sheet  # the new formula's rules are in it
    from .test_session import assert_same_search
    assert_same_search(site, cfg)  # the search index: a delta of the edited page (output/search_delta.py)
    # A second edit: a new delta folder in, the last one out; the listing saved is patched with both.
    with open(sorted((site / "content" / "summaries").glob("*.md"))[1], "a", encoding="utf-8") as f:
        f.write("\nA wombatish remark.\n")
    assert build_site(site / "content", site / "out", cfg, site).how == "incremental"
    assert_same_search(site, cfg)

    def pairs(found):
        return (sorted(zip(found.files, zip(*[iter(found.stats)] * 3))),
                sorted(zip(found.dirs, zip(*[iter(found.dir_stats)] * 2))))
    assert pairs(BuildCache.open(site).last_state[1]) == pairs(listing(site / "out"))
    # Of the listing's names only those after the full build's were saved again: the delta's.
    from site_builder.store import Db
    db = Db.open(site / ".site-builder-cache" / "cache.sqlite")
    try:
        names, tail = db.meta("names"), db.meta("names_tail")
    finally:
        db.close()
    assert tail and all(rel.startswith("pagefind/delta-") for rel in [*tail[0], *tail[1]])
    assert not any(rel.startswith("pagefind/delta-") for rel in [*names[0], *names[1]])
    age(site / "content")
    again = build_site(site / "content", site / "out", cfg, site)
    assert again.how == "unchanged" and again.files_changed == 0


def test_the_replaced_export_leaves_no_second_name(site: Path) -> None:
    """The export an edit replaces is given a second name in the cache folder (so that the rename does
    not free its blocks), removed before the build returns; names left by a killed build are removed
    by a later edit, unless their process still runs. Nothing is written beside the output."""
    from site_builder.cache import CACHE_DIR
    from site_builder.incremental.session import ASIDE_PREFIX
    from site_builder.incremental.stored import EXPORT

    age(site / "content")
    build(site)
    cache = site / CACHE_DIR
    stale = cache / f"{ASIDE_PREFIX}{2 ** 22 + 12345}.0"  # a pid above Linux's pid_max: no such process
    alive = cache / f"{ASIDE_PREFIX}{os.getppid()}.0"  # (the test runner's parent: running)
    beside = sorted(p.name for p in site.iterdir())
    stale.write_bytes(b"old export")
    alive.write_bytes(b"another build's")
    export = (site / "out" / EXPORT).read_bytes()
    append_text(site, 60)
    report = build_site(site / "content", site / "out", config(), site, last_build=True)
    assert report.how == "incremental"
    assert (site / "out" / EXPORT).read_bytes() != export
    assert tree(site / "out") == clean_build(site, config())
    assert sorted(p.name for p in cache.glob(ASIDE_PREFIX + "*")) == [alive.name]
    assert sorted(p.name for p in site.iterdir()) == beside


def test_the_command_line_edit_runs_without_the_collector_and_a_full_build_with_it(site: Path,
                                                                                    monkeypatch) -> None:
    """The garbage collector is off for the command line's incremental build (it would mostly walk
    the imported modules' objects), on for a full one (which makes and drops millions of objects), and
    as it was once the build returns."""
    import gc

    from site_builder.incremental import session as sessions

    seen: dict[str, bool] = {}
    update, full = sessions.Session._update, sessions.build

    def updating(self, *args):
        seen["incremental"] = gc.isenabled()
        return update(self, *args)

    def building(*args, **kwargs):  # the full build (pipeline.build), as the session calls it
        seen["full"] = gc.isenabled()
        return full(*args, **kwargs)

    monkeypatch.setattr(sessions.Session, "_update", updating)
    monkeypatch.setattr(sessions, "build", building)
    age(site / "content")
    assert build_site(site / "content", site / "out", config(), site, last_build=True).how.startswith("full")
    assert seen == {"full": True} and gc.isenabled()
    append_text(site, 61)
    assert build_site(site / "content", site / "out", config(), site, last_build=True).how == "incremental"
    assert seen == {"full": True, "incremental": False} and gc.isenabled()
    add_a_file(site)  # not a text edit: the incremental path gives up, and the full build collects
    seen.clear()
    assert build_site(site / "content", site / "out", config(), site, last_build=True).how.startswith("full")
    assert seen["full"] is True and gc.isenabled()
    assert tree(site / "out") == clean_build(site, config())


def test_the_objects_written_early_are_those_the_build_ends_with(site: Path, monkeypatch) -> None:
    """The session file's objects are written by a forked process from when the summaries are rendered
    (stored.EarlyObjects): every row is what the end of the build would write, so nothing later in a
    build may change a catalog object."""
    from site_builder.incremental.ghosts import class_name, row_of
    from site_builder.output.pagecache import identities

    taken = []
    take = stored.EarlyObjects.take
    monkeypatch.setattr(stored.EarlyObjects, "take", lambda self: taken.append(take(self)) or taken[-1])
    age(site / "content")
    report = build(site)
    assert report.how.startswith("full build") and taken and taken[0] is not None  # the child's file was used
    objects = identities(report.catalog)
    keys = {id(o): k for k, o in objects.items()}
    db = sqlite3.connect(site / CACHE_DIR / SESSION_NAME)
    try:
        rows = {k: (c, v, lists) for k, c, v, lists in db.execute("SELECT key, cls, value, lists FROM objects")}
        use = pickle.loads(db.execute("SELECT value FROM meta WHERE name='math_use'").fetchone()[0])
    finally:
        db.close()
    assert rows == {repr(k): (class_name(type(o)), *row_of(o, keys)) for k, o in objects.items()}
    assert use == stored.math_use(report.catalog.summaries)
    assert not list((site / CACHE_DIR).glob("*.tmp"))
    edit(site, 50)  # and the file is taken up as before
    assert build(site).how == "incremental"
    assert tree(site / "out") == clean_build(site, config())


def test_a_failed_early_writer_leaves_the_save_to_the_build(site: Path, monkeypatch) -> None:
    """If the forked writer of the objects fails, the build writes the whole session file itself."""
    monkeypatch.setattr(stored, "_die_with_parent", lambda: os._exit(3))  # (the first thing the child does)
    age(site / "content")
    assert build(site).how.startswith("full build")
    assert not list((site / CACHE_DIR).glob("*.tmp"))
    edit(site, 51)
    assert build(site).how == "incremental"
    assert tree(site / "out") == clean_build(site, config())


def test_a_failed_build_stops_the_early_writer_and_leaves_no_file(site: Path, monkeypatch) -> None:
    from site_builder.output import site as output_site

    started = []
    begin = Session._begin_saving

    def begin_saving(self, catalog, cache):
        begin(self, catalog, cache)
        started.append(self.early.pid)

    def broken(*args, **kwargs):
        raise RuntimeError("the page step failed")

    monkeypatch.setattr(Session, "_begin_saving", begin_saving)
    monkeypatch.setattr(output_site, "build_pages", broken)
    age(site / "content")
    with pytest.raises(RuntimeError, match="page step failed"):
        build(site)
    assert started
    with pytest.raises(ChildProcessError):
        os.waitpid(started[0], os.WNOHANG)  # waited for already
    assert not list((site / CACHE_DIR).glob("*.tmp"))
    assert not (site / CACHE_DIR / SESSION_NAME).exists()


def test_an_edit_saves_only_the_snapshot_entries_it_changed() -> None:
    """The session file keeps the full build's snapshot of the inputs and, after edits, only the
    entries that differ from it (an edit changes one file's stat, not the 0.2 MB of all of them)."""
    from site_builder.incremental.changes import Snapshot
    from site_builder.incremental.stored import snapshot_values, stored_snapshot

    class Meta:
        def __init__(self, values):
            self.values = values

        def meta(self, name, default=None):
            return self.values.get(name, default)

    base = Snapshot(1, {f"f{i}.md": (i, 10 + i, 100 + i) for i in range(40)})
    db = Meta({"snapshot": base})
    assert stored_snapshot(db) == base
    now = Snapshot(2, {**base.stats, "f3.md": (7, 99, 103)}, {"f3.md": "h"})
    del now.stats["f5.md"]
    out = snapshot_values(db, now)
    assert "snapshot" not in out and out["snapshot_delta"] == ({"f3.md": (7, 99, 103)}, ["f5.md"], 2, {"f3.md": "h"})
    assert stored_snapshot(Meta({**db.values, **out})) == now
    most = Snapshot(3, {rel: (0, 0, 0) for rel in base.stats})  # past a quarter changed: a whole one again
    out = snapshot_values(db, most)
    assert out == {"snapshot": most, "snapshot_delta": None}
    assert stored_snapshot(Meta({**db.values, **out})) == most


def test_command_line_edits_go_through_the_write_ahead_log_and_stay_exact(site: Path, monkeypatch) -> None:
    """The command line leaves its store files open to its end, so their write-ahead logs are not
    copied in (two syncs each) at every build's end; the next build reads the logs, and copies them
    in once past the bound: by a thread while it works, or first when far past it."""
    age(site / "content")
    build(site)
    wal = site / CACHE_DIR / (SESSION_NAME + "-wal")
    for n, bound in enumerate((1 << 40, None, 1)):  # never; in a thread; at once
        if bound is None:
            bound = wal.stat().st_size // 2
            started = []
            begin = store.Db._start_checkpoint
            monkeypatch.setattr(store.Db, "_start_checkpoint",
                                lambda self: (begin(self), started.append(self._checkpoint is not None)))
        monkeypatch.setattr(store, "CHECKPOINT_ABOVE", bound)
        append_text(site, 70 + n)
        assert build_site(site / "content", site / "out", config(), site, last_build=True).how == "incremental"
        assert not store._leaving  # (only while the command line's build runs)
        assert wal.stat().st_size > 0  # left beside the file, for the next build
        assert tree(site / "out") == clean_build(site, config())
        if n == 1:
            assert True in started
    edit(site, 73)
    age(site / "content")
    assert build(site).how == "incremental"  # (a build that closes its files: the logs copied in)
    assert tree(site / "out") == clean_build(site, config())


def test_a_full_build_says_why(site: Path) -> None:
    """The report's `how` names the reason a command-line build is a full one."""
    age(site / "content")
    assert build(site).how == "full build: first build"
    (site / "out" / "about" / "index.html").write_text("tampered", encoding="utf-8")
    assert build(site).how == "full build: the output folder was changed since the last build"
    append_text(site, 7)
    other = config()
    other.title = "Renamed site"
    assert build_site(site / "content", site / "out", other, site).how == "full build: the configuration changed"
    (site / CACHE_DIR / SESSION_NAME).unlink()
    append_text(site, 8)
    assert build_site(site / "content", site / "out", other, site).how == \
        "full build: no saved session of the last build"
    (site / CACHE_DIR / CACHE_FILE).write_bytes(b"not a build cache")
    assert build_site(site / "content", site / "out", other, site).how.startswith("full build: no usable build cache")
