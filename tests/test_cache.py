"""The build cache never serves stale output: every cached build equals a clean one."""
from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

import sqlite3

from site_builder import cache
from site_builder.cache import CACHE_DIR, FILE_NAME
from site_builder.config import SiteConfig
from site_builder.pipeline import build

from .conftest import CONTENT, ROOT

RECORD = """---
title: "{title}"
authors: [Ana Berg]
year: 2020
keywords: [cs.LG]
links: {{arxiv: "https://arxiv.org/abs/{arxiv}"}}
date: 2024-01-0{day}
---
{body}
"""


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def config() -> SiteConfig:
    c = SiteConfig()
    c.search = False  # the Pagefind index is not what is tested here, and it is slow
    c.mathjax.self_host = False
    return c


@pytest.fixture(scope="module")
def warm_math(tmp_path_factory) -> Path:
    """One build's typeset formulas, so each test's fresh site root does not start Node cold."""
    root = tmp_path_factory.mktemp("math")
    shutil.copytree(CONTENT, root / "content")
    build(root / "content", root / "out", config(), root)
    return root / CACHE_DIR / "math.sqlite"


@pytest.fixture
def site(tmp_path: Path, warm_math: Path) -> Path:
    shutil.copytree(CONTENT, tmp_path / "content")
    (tmp_path / CACHE_DIR).mkdir()
    if warm_math.is_file():
        shutil.copy(warm_math, tmp_path / CACHE_DIR / "math.sqlite")
    return tmp_path


def make(site: Path, out: str = "out", cfg: SiteConfig | None = None, **kw):
    return build(site / "content", site / out, cfg or config(), site, **kw)


def clean_copy(site: Path, cfg: SiteConfig | None = None) -> dict[str, bytes]:
    """What a build without any cache gives for the same inputs (its own site root, so no cache is shared)."""
    other = site.parent / (site.name + "-clean")
    shutil.rmtree(other, ignore_errors=True)
    shutil.copytree(site / "content", other / "content")
    if (site / "templates").is_dir():
        shutil.copytree(site / "templates", other / "templates")
    (other / CACHE_DIR).mkdir()
    if (site / CACHE_DIR / "math.sqlite").is_file():  # typeset formulas only, to spare Node
        shutil.copy(site / CACHE_DIR / "math.sqlite", other / CACHE_DIR / "math.sqlite")
    build(other / "content", other / "out", cfg or config(), other, use_cache=False)
    return tree(other / "out")


def test_unchanged_rebuild_rewrites_nothing(site: Path):
    make(site)
    before = {rel: os.stat(site / "out" / rel).st_ino for rel in tree(site / "out")}
    report = make(site)
    assert report.files_changed == 0 and report.pages_rendered == 0
    after = {rel: os.stat(site / "out" / rel).st_ino for rel in tree(site / "out")}
    assert after == before  # the very same files, hard-linked into the new output


def test_the_outputs_table_knows_each_published_file_by_its_output_digest(site: Path):
    """The stager (pages, feeds, copies) and the edit path (incremental/session.py) must hash a file
    with the same function, or an edit would take every page it renders for a changed one."""
    from site_builder.cache import BuildCache, output_digest

    make(site)
    cache = BuildCache.open(site)
    cache.load_tables()
    outputs = cache.old["outputs"]
    files = tree(site / "out")
    assert files and {str(site / "out" / rel) for rel in files} <= set(outputs)
    for rel, data in files.items():
        assert outputs[str(site / "out" / rel)][0] == output_digest(data), rel


def test_edit_one_record_changes_exactly_what_depends_on_it(site: Path):
    make(site)
    old = tree(site / "out")
    record = site / "content" / "summaries" / "adam-notes.md"
    record.write_text(record.read_text(encoding="utf-8").replace("A second, shorter summary", "An edited summary"),
                      encoding="utf-8")
    report = make(site)
    new = tree(site / "out")
    assert new == clean_copy(site)
    changed = {rel for rel in new if old.get(rel) != new[rel]}
    assert any(rel.startswith("papers/adam") for rel in changed)
    assert report.files_changed == len(changed)  # nothing else was rewritten
    assert 0 < report.pages_rendered < report.pages / 2  # the page cache did its part
    assert not any(rel.startswith("papers/dropout") for rel in changed)


def test_published_files_are_never_modified_in_place(site: Path):
    """Atomicity: a reader holding the old output sees old bytes while a build replaces it."""
    make(site)
    held = site / "held.html"
    page = next((site / "out" / "papers").glob("adam*/index.html"))
    os.link(page, held)
    old_bytes = held.read_bytes()
    record = site / "content" / "summaries" / "adam-notes.md"
    record.write_text(record.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    make(site)
    assert held.read_bytes() == old_bytes
    assert page.read_bytes() != old_bytes


def test_template_change_rerenders(site: Path):
    make(site)
    theme = ROOT / "templates" / "about.html"
    (site / "templates").mkdir()
    (site / "templates" / "about.html").write_text(
        theme.read_text(encoding="utf-8").replace("<h1>", "<h1 data-edited>", 1), encoding="utf-8")
    make(site)
    assert "data-edited" in (site / "out" / "about" / "index.html").read_text(encoding="utf-8")
    assert tree(site / "out") == clean_copy(site)


def test_config_change_rerenders(site: Path):
    make(site)
    cfg = config()
    cfg.title = "A New Title"
    report = make(site, cfg=cfg)
    assert report.files_changed > 0
    assert tree(site / "out") == clean_copy(site, cfg)


def test_link_answers_are_rechecked(site: Path):
    """A cached render that linked to another paper's page is redone when that paper goes away."""
    folder = site / "content" / "summaries"
    (folder / "citing.md").write_text(RECORD.format(
        title="Citing Paper", arxiv="2001.00001", day=1,
        body="Builds on \\cite{journals/corr/2002.00002} directly."), encoding="utf-8")
    (folder / "cited.md").write_text(RECORD.format(
        title="Cited Paper", arxiv="2002.00002", day=2, body="The cited one."), encoding="utf-8")
    make(site)
    citing = site / "out" / "papers" / "citing-paper" / "index.html"
    assert "/papers/cited-paper/" in citing.read_text(encoding="utf-8")
    (folder / "cited.md").unlink()
    make(site)
    assert "/papers/cited-paper/" not in citing.read_text(encoding="utf-8")
    assert tree(site / "out") == clean_copy(site)


def poison_renders(path: Path) -> None:
    """Every rendered summary in the cache file replaced by a stale one."""
    db = sqlite3.connect(path)
    with db:
        for key, value in db.execute("SELECT key, value FROM renders").fetchall():
            entry = pickle.loads(value)
            entry["html"] = "<p>STALE</p>"
            db.execute("UPDATE renders SET value=? WHERE key=?", (pickle.dumps(entry), key))
    db.close()


def test_clean_ignores_a_poisoned_cache(site: Path):
    make(site)
    tables = site / CACHE_DIR / FILE_NAME
    poison_renders(tables)
    make(site, use_cache=False)
    assert not any(b"STALE" in body for body in tree(site / "out").values())
    # ...and the poisoned entries really would have been used: the cache is live without --ignore-cache.
    poison_renders(tables)
    make(site)
    assert any(b"STALE" in body for body in tree(site / "out").values())


def test_skip_unchanged_and_damaged_output(site: Path):
    first = make(site, skip_unchanged=True)
    assert first.catalog is not None
    # Inputs written moments ago are not trusted by stat alone; age them.
    old = os.stat(site / "content").st_mtime_ns - 3600 * 10**9
    for p in (site / "content").rglob("*"):
        os.utime(p, ns=(old, old))
    make(site, skip_unchanged=True)
    again = make(site, skip_unchanged=True)
    assert again.catalog is None and again.pages == first.pages
    (site / "out" / "about" / "index.html").unlink()
    rebuilt = make(site, skip_unchanged=True)
    assert rebuilt.catalog is not None
    assert (site / "out" / "about" / "index.html").is_file()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "another format"])
def test_corrupt_cache_is_a_cold_build(site: Path, damage: str):
    make(site)
    path = site / CACHE_DIR / FILE_NAME
    if damage == "garbage":
        path.write_bytes(b"not a database")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:5000])
    else:
        path.unlink()
        db = sqlite3.connect(path)
        with db:
            if damage == "foreign":  # some other program's database under that name
                db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
            else:
                db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB)")
                db.execute("INSERT INTO meta VALUES ('format', ?)", (pickle.dumps(999),))
        db.close()
    report = make(site)
    assert report.pages_rendered == report.pages  # nothing came from the damaged file
    assert tree(site / "out") == clean_copy(site)


def test_retitled_moved_and_deleted_records_match_a_clean_build(site: Path):
    """Edits that move a paper between listings, years and authors, and one that removes a paper."""
    make(site)
    record = site / "content" / "summaries" / "dropout.md"
    text = record.read_text(encoding="utf-8")
    text = text.replace("title: \"Dropout:", "title: \"Aardvark Dropout:").replace("year: 2014", "year: 2021")
    record.write_text(text.replace("Geoffrey Hinton", "Ana Berg"), encoding="utf-8")
    make(site)
    assert tree(site / "out") == clean_copy(site)
    (site / "content" / "summaries" / "adam-notes.md").unlink()
    make(site)  # every page shows the number of papers, so every page is rendered again here
    assert tree(site / "out") == clean_copy(site)


def test_unchanged_inputs_are_not_parsed_again(site: Path, monkeypatch):
    make(site)
    import site_builder.readers as readers  # read_inputs looks read_file up there at each build

    def parse(path, *args, **kwargs):
        raise AssertionError(f"{path} parsed again")

    monkeypatch.setattr(readers, "read_file", parse)
    report = make(site)
    assert report.records > 0 and report.files_changed == 0


def test_cli_flags(site: Path, capsys):
    from site_builder.cli import main

    (site / "site.yaml").write_text("search: false\n", encoding="utf-8")
    args = ["build", "--content", str(site / "content"), "--output", str(site / "out"),
            "--config", str(site / "site.yaml")]
    assert main([*args, "--jobs", "2"]) == 0
    first = capsys.readouterr().out
    assert "changed" in first and "pages rendered" in first
    assert main([*args, "--ignore-cache", "--quiet", "--jobs", "1"]) == 0
    assert capsys.readouterr().out == ""
    assert main(args) == 0
    assert ", 0 changed, 0 pages rendered" in capsys.readouterr().out


def _recorder(template: str, **globals_):
    from jinja2 import DictLoader, Environment

    from site_builder.catalog import Catalog, Paper
    from site_builder.output.pagecache import Recorder, World, identities
    from site_builder.output.pages import Page
    from site_builder.records import PaperMeta

    catalog = Catalog(papers=[Paper("p", PaperMeta(title="A", venue="Old venue"))], summaries=[], taxonomies={},
                      collections=[])
    env = Environment(loader=DictLoader({"t.html": template}))
    env.globals.update(globals_)
    page = Page("/x/", "t.html", "x", data={"p": catalog.papers[0]})
    world = World(identities(catalog), env, dict(env.filters), dict(env.tests), pages={page.path: page})
    return catalog, world, Recorder(world), page


def test_python_helpers_called_by_templates_are_rerun_to_verify():
    """A helper reads the paper in Python, out of the hooks' sight: its call is recorded and re-run."""
    catalog, world, recorder, page = _recorder("{{ venue_of(p) }}", venue_of=lambda paper: paper.meta.venue)
    html, steps = recorder.render(page)
    assert html == "Old venue" and steps
    recorded = [recorder.steps[s] for s in steps]
    assert all(world.evaluate(step) == d for step, d in recorded)
    catalog.papers[0].meta.venue = "New venue"
    assert not all(world.evaluate(step) == d for step, d in recorded)


def test_reading_an_unknown_object_makes_a_page_uncacheable():
    from types import SimpleNamespace

    _, _, recorder, page = _recorder("{{ thing.x }} {{ p }}", thing=SimpleNamespace(x=1))
    html, steps = recorder.render(page)
    assert html.startswith("1 ") and steps is None


def test_an_object_read_is_one_step_that_covers_all_its_fields():
    """Reading any attribute of a catalog object records the object; a change to any of its fields or
    properties (here `title`, which reads the metadata in Python) invalidates the step."""
    catalog, world, recorder, page = _recorder("{{ p.id }}")
    html, steps = recorder.render(page)
    assert html == "p" and {recorder.steps[s][0] for s in steps} == {("obj", ("P", "p"))}  # steps: numbers
    (step, d), = [recorder.steps[s] for s in steps]
    catalog.papers[0].meta.venue = "New venue"  # another object (the metadata), not read: still valid
    world.forget()
    assert world.evaluate(step) == d
    catalog.papers[0].meta.title = "B"  # seen through the paper's `title` property: changed
    world.forget()
    assert world.evaluate(step) != d


def test_a_partial_is_rendered_once_and_verified_by_its_result():
    from jinja2 import DictLoader, Environment

    from site_builder.catalog import Catalog, Paper
    from site_builder.output import partials
    from site_builder.output.pagecache import Recorder, World, identities
    from site_builder.output.pages import Page
    from site_builder.records import PaperMeta

    catalog = Catalog(papers=[Paper("p", PaperMeta(title="A", venue="V"))], summaries=[], taxonomies={},
                      collections=[])
    env = Environment(loader=DictLoader({
        "m.html": "{% macro card(p) %}[{{ p.title }}]{% endmacro %}",
        "t.html": "{{ partial('m.html', 'card', p) }}{{ partial('m.html', 'card', p) }}",
    }))
    made = partials.install(env)
    page = Page("/x/", "t.html", "x", data={"p": catalog.papers[0]})
    world = World(identities(catalog), env, dict(env.filters), dict(env.tests), pages={page.path: page})
    recorder = Recorder(world)
    html, steps = recorder.render(page)
    assert html == "[A][A]" and len(made.memo) == 1
    # one call step; the macro's own reads are not the page's (the call's result is what is verified)
    assert [recorder.steps[s][0][:2] for s in steps] == [("call", ("global", "partial"))]
    (step, d), = [recorder.steps[s] for s in steps]
    catalog.papers[0].meta.venue = "Other venue"  # not in the card: still valid
    partials.forget(env)
    assert world.evaluate(step) == d
    catalog.papers[0].meta.title = "B"
    partials.forget(env)
    assert world.evaluate(step) != d


def test_a_pager_is_read_without_making_the_page_uncacheable_and_is_in_its_base():
    """Listing pages hold a Pager; templates read its links, and its fields are part of the page's base."""
    from site_builder.output.pagecache import base_digest
    from site_builder.output.pages import Pager

    template = ('{{ pager.prev }}|{{ pager["next"] }}|'  # item syntax too: Jinja falls back to the attribute
                '{% for n, path in pager.pages %}{{ n }}={{ path }} {% endfor %}')
    _, world, recorder, page = _recorder(template)
    page.data["pager"] = Pager("/papers/", 2, 3)
    html, steps = recorder.render(page)
    assert html == "/papers/|/papers/page/3/|1=/papers/ 2=/papers/page/2/ 3=/papers/page/3/ "
    assert steps is not None  # cacheable: nothing in it is read outside the base
    before = base_digest(page, world, "ctx")
    assert base_digest(page, world, "ctx") == before
    page.data["pager"] = Pager("/papers/", 2, 4)  # one more page in the series: the next link list changes
    assert base_digest(page, world, "ctx") != before
    assert world.resolve(world.v(Pager("/x/", 1, 2))) == Pager("/x/", 1, 2)  # as a call's argument, too
    assert Pager("/x/", 2, 2).prev == "/x/" and Pager("/x/", 1, 1).next is None


def test_tree_state_lists_files_as_a_sorted_os_walk_does(tmp_path: Path):
    from site_builder.cache import tree_state

    for rel in ("b.txt", "a/z.txt", "a/b/c.txt", "a/b2/d.txt", "A/e.txt", "a.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel, encoding="utf-8")
    os.symlink(tmp_path / "a", tmp_path / "linked-folder")  # listed by neither, entered by neither
    os.symlink(tmp_path / "b.txt", tmp_path / "linked-file")  # a file: its target's stat
    expected = []
    for dirpath, dirnames, filenames in os.walk(tmp_path):
        dirnames.sort()
        for name in sorted(filenames):
            st = os.stat(os.path.join(dirpath, name))
            expected.append((os.path.join(dirpath, name), st.st_size, st.st_mtime_ns, st.st_ino))
    assert tree_state([tmp_path, tmp_path / "missing"]) == expected
    assert [os.path.relpath(p, tmp_path) for p, *_ in expected] == [
        "a.txt", "b.txt", "linked-file", "A/e.txt", "a/z.txt", "a/b/c.txt", "a/b2/d.txt"]


def test_the_code_salt_is_remembered_while_the_package_files_are_as_they_were(tmp_path: Path, monkeypatch) -> None:
    """The salt (a hash of the package's files) is kept with their stats in the cache folder; a file
    changed, added or moments old, or a damaged memo, has the files hashed again."""
    import time

    from site_builder import cache

    package, memo = tmp_path / "package", tmp_path / "cache" / cache.SALT_MEMO
    (package / "sub").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    memo.parent.mkdir()
    (package / "a.py").write_text("A = 1\n")
    (package / "sub" / "b.yaml").write_text("b: 2\n")
    (package / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"not part of it")
    (package / "notes.txt").write_text("not part of it either\n")
    past = time.time() - 60
    for p in package.rglob("*"):
        os.utime(p, (past, past))
    monkeypatch.setattr(cache, "_PACKAGE", package)

    def salt(with_memo: bool = True) -> str:
        monkeypatch.setattr(cache, "_salt", None)  # (computed once per process)
        return cache.code_salt(memo if with_memo else None)

    first = salt()
    assert memo.is_file() and first == salt(with_memo=False)
    hashed: list[str] = []
    read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes",
                        lambda self: (package in self.parents and hashed.append(self.name)) or read(self))
    assert salt() == first and not hashed  # remembered: no file read
    (package / "a.py").write_text("A = 3\n")  # the same size, a new mtime
    changed = salt()
    assert changed != first and "a.py" in hashed
    hashed.clear()
    assert salt() == changed and "a.py" in hashed  # changed moments ago: not remembered yet
    os.utime(package / "a.py", (past - 30, past - 30))
    hashed.clear()
    assert salt() == changed and hashed  # remembered now
    hashed.clear()
    assert salt() == changed and not hashed
    (package / "sub" / "c.mjs").write_text("export {};\n")
    os.utime(package / "sub" / "c.mjs", (past, past))
    assert salt() != changed
    memo.write_bytes(b"garbage")
    assert salt() == salt(with_memo=False)


def test_a_library_upgrade_makes_a_new_code_salt(tmp_path: Path, monkeypatch) -> None:
    """The renderers' libraries are part of the salt: an upgrade (their module file rewritten: a new
    stat, often new bytes) gives a cold cache, so kept renders never outlive the library that made them."""
    import time

    from site_builder import cache

    site_packages = tmp_path / "site-packages" / "fakelib"
    site_packages.mkdir(parents=True)
    module = site_packages / "__init__.py"
    module.write_text("__version__ = '1.0'\n")
    past = time.time() - 60
    os.utime(module, (past, past))
    found = [cache._code_files()[0]]  # one of our files, as it is

    def salt() -> str:
        monkeypatch.setattr(cache, "_salt", None)
        monkeypatch.setattr(cache, "_code_files", lambda: found + [("lib:fakelib", str(module), os.stat(module))])
        return cache.code_salt()

    first = salt()
    assert salt() == first
    os.utime(module, (past + 5, past + 5))  # reinstalled, the same bytes
    reinstalled = salt()
    assert reinstalled != first
    module.write_text("__version__ = '2.0'\n")
    os.utime(module, (past + 5, past + 5))
    assert salt() not in (first, reinstalled)
    assert any(rel.startswith("lib:pygments:") for rel, _, _ in cache._library_files())


def test_result_digests_tell_values_apart_and_ignore_set_order():
    """A call's result is digested from marshal's bytes when it is plain (lists, tuples, dicts of
    text and numbers) and from its picture otherwise: equal values give equal digests in any process
    (a set's order is not its own), different values different ones, whichever way each went."""
    from markupsafe import Markup

    catalog, world, _, _ = _recorder("")
    paper = catalog.papers[0]
    d = world.digest
    assert d([("a", "/x/")]) == d([("a", "/x/")]) != d([("a", "/y/")])
    assert d(["a"]) != d(("a",)) and d("a") != d(Markup("a")) and d([1]) != d([True]) != d([1.0])
    assert d([paper]) != d([("ref", ("P", "p"))]) and d(paper) != d(("ref", ("P", "p")))  # an object is not its name
    long = "x" * 60  # marshal writes its length as the byte "<", which a set's type code also is
    assert d([long, {"b", "a"}]) == d([long, {"a", "b"}]) and d([long]) == d([long])
    assert d({"k": frozenset({3, 1, 2})}) == d({"k": frozenset({2, 3, 1})})
    assert d([Markup("<b>"), "<b>"]) != d(["<b>", Markup("<b>")])
    assert d({("a", 1): "tuple keys"}) == d({("a", 1): "tuple keys"})


def test_a_call_made_again_with_the_same_arguments_is_one_step():
    """Found by its arguments' identities when they are catalog objects or immutable values; a list
    argument (a template may change it between calls) is pictured again every time."""
    calls = []

    def seen(x):
        calls.append(x)
        return len(x) if isinstance(x, list) else x.id

    _, _, recorder, page = _recorder("{{ seen(p) }}{{ seen(p) }}{% set xs = [p] %}{{ seen(xs) }}"
                                     "{% set _ = xs.append(p) %}{{ seen(xs) }}", seen=seen)
    html, steps = recorder.render(page)
    assert html == "pp12"
    recorded = sorted(recorder.steps[s][0][2] for s in steps if recorder.steps[s][0][0] == "call")
    assert len(recorded) == 3  # seen(p) once; seen([p]) and seen([p, p]) apart
    assert len(recorder.calls) == 1


def test_listing_names_after_the_saved_ones_are_saved_alone(monkeypatch):
    """An edit that adds a search delta's files (at the listing's end) saves only those names again."""
    from array import array

    from site_builder.cache import state_values, stored_names, stored_state
    from site_builder.output.listing import Listing

    def of(files, dirs):
        return Listing(list(files), array("q", [1, 2, 3] * len(files)), list(dirs), array("q", [4, 5] * len(dirs)))

    base = (["a.html", "b/index.html"], ["", "b"])
    full = state_values(("inputs", of(*base)))
    assert full["names"] == base and full["names_tail"] is None

    class Meta:
        def __init__(self, values):
            self.values = values

        def meta(self, name):
            return self.values.get(name)
    grown = of([*base[0], "pagefind/delta-1/x"], [*base[1], "pagefind/delta-1"])
    out = state_values(("inputs", grown), base, None)
    assert "names" not in out and out["names_tail"] == (["pagefind/delta-1/x"], ["pagefind/delta-1"])
    assert "names_tail" not in state_values(("inputs", grown), base, out["names_tail"])  # nothing new
    kept = {**full, **out}
    assert stored_names(Meta(kept)) == grown.names()
    assert stored_state(Meta(kept))[1].names() == grown.names()
    assert stored_state(Meta(kept))[1] == grown
    # The stats in chunks: only those that changed are given again.
    monkeypatch.setattr(cache, "STAT_CHUNK", 16)
    many = of([f"p{i}.html" for i in range(20)], [""])
    first = state_values(("inputs", many))
    assert stored_state(Meta(first))[1] == many and sum(k.startswith("stats:") for k in first) == 31
    many.stats[30] = 99  # the 11th file's first stat: bytes 240-247, the 16th chunk
    again = state_values(("inputs", many), many.names(), None, Meta(first))
    assert [k for k in again if k.startswith("stats:")] == ["stats:15"]
    assert stored_state(Meta({**first, **again}))[1] == many
    # A name of the saved ones gone: all saved again, the tail emptied.
    shrunk = state_values(("inputs", of(["a.html"], [""])), base, out["names_tail"])
    assert shrunk["names"] == (["a.html"], [""]) and shrunk["names_tail"] is None


def test_a_warm_full_build_keeps_page_records_compact_and_lets_the_old_ones_go(site: Path):
    """Issue 29's 1 GB target at 10,000 summaries, checked cheaply: a full build from a warm cache (a summary
    added: every page shows the number of papers, so every page is rendered again) must not hold the last
    build's recorded pages and steps beside the new ones, nor a frozenset per page, nor the partials it
    rendered to check pages it could reuse."""
    from array import array

    from site_builder.cache import BuildCache

    make(site)
    first = site / "content" / "summaries" / "adam-notes.md"
    (first.parent / "zz-added.md").write_text(first.read_text(encoding="utf-8").replace('title: "', 'title: "Added ', 1),
                                             encoding="utf-8")
    cache = BuildCache.open(site)
    cache.load_tables()
    old_pages = cache.old["pages"]
    assert old_pages and cache.old["page_steps"]
    assert all(type(ids) is array and list(ids) == sorted(set(ids)) for _, ids in old_pages.values())
    keep: dict = {}
    report = make(site, cache=cache, keep=keep)
    assert report.pages_rendered == report.pages
    assert cache.old["pages"] == {} and cache.old["page_steps"] == []  # let go during the page step
    assert keep["env"].globals["partial"].memo == {}
    new = cache.new["pages"]
    assert new and all(type(ids) is array and list(ids) == sorted(set(ids)) for _, ids in new.values())
    again = BuildCache.open(site)  # the file keeps the same numbers, and gives them back as arrays
    again.load_tables()
    assert {w: (b, list(ids)) for w, (b, ids) in again.old["pages"].items()} == \
        {w: (b, list(ids)) for w, (b, ids) in new.items()}
    assert tree(site / "out") == clean_copy(site)
    # Then nothing changed but the session: pages are reused (their records kept as they were)
    cache = BuildCache.open(site)
    cache.load_tables()
    report = make(site, cache=cache)
    assert report.pages_rendered == 0 and cache.old["pages"] == {}
    assert tree(site / "out") == clean_copy(site)


def _cache_rows(path: Path) -> dict[str, list]:
    """Every row of a cache file's tables (the meta table without its generation-dependent values)."""
    conn = sqlite3.connect(path)
    try:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = {t: sorted(conn.execute(f"SELECT * FROM {t}")) for t in tables if t != "meta"}
        meta = dict(conn.execute("SELECT name, value FROM meta"))
    finally:
        conn.close()
    out["outputs"] = [(k, pickle.loads(v)[0]) for k, v in out["outputs"]]  # (their stats are the build's own)
    out["meta"] = sorted(k for k in meta if not k.startswith("stats:"))
    out["meta:report"] = [pickle.loads(meta["report"]).pages]
    out["meta:names"] = [pickle.loads(meta["names"])]  # the output's listing: its files and folders
    return out


def test_a_save_begun_once_the_output_is_in_place_writes_the_same_file(site: Path):
    """The command line's cache writer is forked when the output is swapped in (cache.begin_save) and
    given the outputs, state and report later: the file has the same rows as one written at the end."""
    from site_builder.cache import BuildCache
    from site_builder.output.listing import listing

    forked = BuildCache.open(site)
    forked.load_tables()
    report = make(site, save_in_background=True, cache=forked)
    forked.wait_saved()
    cache_file = site / CACHE_DIR / FILE_NAME
    begun = _cache_rows(cache_file)
    assert begun["outputs"] and begun["recorded"] and begun["meta:report"] == [report.pages]
    # The same build's tables, written in this process at the end (no fork): same rows.
    shutil.rmtree(site / "out")
    shutil.rmtree(site / CACHE_DIR)
    (site / CACHE_DIR).mkdir()
    make(site)
    assert _cache_rows(cache_file) == begun
    # Nothing changed since: the next build is the saved one's report (the state it was sent is right).
    assert make(site, skip_unchanged=True).files_changed == 0
    st = BuildCache.open(site).last_state
    assert st is not None and st[1].unchanged(site / "out") and not listing(site / "out").files == []


def test_a_begun_save_that_is_abandoned_installs_nothing(site: Path):
    from site_builder.cache import BuildCache

    cache = BuildCache.open(site)
    cache.put("outputs", "x", ("h", (1, 2, 3)))
    cache.begin_save()
    cache.abandon_save()
    folder = site / CACHE_DIR
    assert not (folder / FILE_NAME).exists()
    assert not list(folder.glob(f"{FILE_NAME}.*.tmp"))
    cache.wait_saved()  # (nothing left to wait for)


def test_texts_done_is_called_once_every_plain_text_is_set(site: Path):
    """pipeline.build forks the related index from texts_done: every summary's text must be final then."""
    from site_builder.catalog import build_catalog
    from site_builder.pipeline import BuildReport, read_inputs
    from site_builder.render.summaries import render_catalog

    records, collections = read_inputs(site / "content", BuildReport())
    catalog = build_catalog(records, collections, config())
    seen: list[list[tuple[str, str]]] = []
    render_catalog(catalog, config(), site,
                   texts_done=lambda: seen.append([(s.text, s.display_title) for s in catalog.summaries]))
    assert len(seen) == 1 and all(text for text, _ in seen[0])
    assert seen[0] == [(s.text, s.display_title) for s in catalog.summaries]
