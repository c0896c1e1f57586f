"""Values from the input never become paths unchecked: every write lands inside the output."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.config import SiteConfig
from site_builder.output.confine import Folder, UnsafePath
from site_builder.pipeline import build
from tests.conftest import ROOT
from tests.robustness.inputs import md_record


def files_below(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def build_records(tmp_path: Path, records: dict[str, str]):
    content = tmp_path / "work" / "content"
    content.mkdir(parents=True)
    for name, text in records.items():
        (content / name).write_text(text, encoding="utf-8")
    config = SiteConfig(title="Contained")
    config.search = False
    config.mathjax.self_host = False
    out = tmp_path / "work" / "site"
    before = files_below(tmp_path)
    report = build(content, out, config, ROOT, use_cache=False)
    outside = {f for f in files_below(tmp_path) - before if not f.startswith("work/site/")}
    return out, report, outside


HOSTILE_IDS = ["../../../../escaped", "..", ".", "/abs/olute", "a/../../b", "x" * 300, "tab\tand\nnewline", "summaries"]


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_hostile_id_stays_inside_the_output(tmp_path, value):
    text = md_record("", "A summary with a hostile id.", id=f'"{value}"'.replace("\t", "\\t").replace("\n", "\\n"))
    good = md_record("A Good Paper", "A good summary.", year="2020")
    out, report, outside = build_records(tmp_path, {"bad.md": text, "good.md": good})
    assert outside == set()
    assert "<title>Contained" in (out / "index.html").read_text(encoding="utf-8")  # the home page is still ours
    assert (out / "papers" / "a-good-paper" / "index.html").is_file()
    pages = [p for p in (out / "summaries").iterdir() if p.is_dir()]
    assert len(pages) == 1 and "hostile id" in (pages[0] / "index.html").read_text(encoding="utf-8")
    if value != "summaries":
        messages = [str(d) for d in report.diagnostics]
        assert any(m.startswith("bad.md:") and "warning: id" in m for m in messages), messages


@pytest.mark.parametrize("value", ["../../../../escaped-collection", "..", "y" * 300, "Reading Group"])
def test_hostile_collection_stays_inside_the_output(tmp_path, value):
    text = md_record("Collected Paper", "A summary in a collection.", collection=f'"{value}"')
    out, report, outside = build_records(tmp_path, {"c.md": text})
    assert outside == set()
    terms = [p for p in (out / "collections").iterdir() if p.is_dir()]
    assert len(terms) == 1
    assert terms[0].name not in (".", "..") and "/" not in terms[0].name and len(terms[0].name) < 120
    page = (out / "papers" / "collected-paper" / "index.html").read_text(encoding="utf-8")
    assert f'/collections/{terms[0].name}/"' in page  # the paper links to the collection's real page
    assert any(str(d).startswith("c.md:3: warning: collection") for d in report.diagnostics), report.diagnostics


def test_id_line_is_where_the_key_is(tmp_path):
    text = "---\ntitle: T\nauthors: [A]\nid: ../x\n---\nBody.\n"
    _, report, _ = build_records(tmp_path, {"r.md": text})
    assert any(str(d).startswith("r.md:4: warning: id '../x'") for d in report.diagnostics), report.diagnostics


@pytest.mark.parametrize("rel", ["../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a/./b", "", "a/", "a\x00b",
                                 "x" * 256, "a/..", ".."])
def test_folder_refuses_paths_that_leave_it(tmp_path, rel):
    with pytest.raises(UnsafePath):
        Folder(tmp_path).path(rel)


def test_folder_refuses_a_symlinked_folder_that_leaves_it(tmp_path):
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    os.symlink(elsewhere, root / "link")
    folder = Folder(root)
    with pytest.raises(UnsafePath):
        folder.write("link/file.html", b"x")
    assert not (elsewhere / "file.html").exists()
    folder.write("a/b/c.html", b"fine")
    assert (root / "a" / "b" / "c.html").read_bytes() == b"fine"


def test_folder_never_writes_through_a_symlinked_file(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    target = tmp_path / "victim.txt"
    target.write_text("keep")
    os.symlink(target, root / "page.html")
    with pytest.raises(UnsafePath):
        Folder(root).write("page.html", b"overwritten")
    assert target.read_text() == "keep"
    Folder(root).replace("page.html", b"replaced")  # the incremental path: the link itself is replaced
    assert target.read_text() == "keep" and not (root / "page.html").is_symlink()
