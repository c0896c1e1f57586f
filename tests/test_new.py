"""`site-builder new DIR` and `site-builder new summary "Title"` (issue 28)."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from site_builder import cli
from site_builder.commands.new import SCAFFOLD, scaffold_files
from site_builder.readers import markdown_records, read_file

from .conftest import ROOT

EXPECTED = {".gitignore", "README.md", "package.json", "site.yaml", "content/shortscience/example-listing.txt",
            "content/statwiki/example-feed.txt", "content/summaries/generative-adversarial-networks.md"}


def main(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_new_site_has_one_example_of_each_input_format(tmp_path, capsys):
    code, out, _ = main(capsys, "new", str(tmp_path / "notes"))
    assert code == 0 and "site-builder serve" in out
    made = {p.relative_to(tmp_path / "notes").as_posix() for p in (tmp_path / "notes").rglob("*") if p.is_file()}
    assert made == EXPECTED
    sources = set()
    for rel in EXPECTED:
        if rel.startswith("content/"):
            result = read_file(tmp_path / "notes" / rel, rel)
            assert result.records and not result.diagnostics, rel
            sources |= {r.source for r in result.records}
    assert sources == {"shortscience", "statwiki", "markdown"}
    assert "_site/" in (tmp_path / "notes" / ".gitignore").read_text(encoding="utf-8")
    assert "site-builder serve" in (tmp_path / "notes" / "README.md").read_text(encoding="utf-8")
    # `npm install` in the new site gives build-time math
    assert "mathjax" in json.loads((tmp_path / "notes" / "package.json").read_text(encoding="utf-8"))["dependencies"]


def test_new_site_builds_without_warnings_about_its_own_content(tmp_path, capsys, monkeypatch):
    assert main(capsys, "new", str(tmp_path / "notes"))[0] == 0
    monkeypatch.chdir(tmp_path / "notes")
    code, out, err = main(capsys, "build", "--jobs", "1")
    assert code == 0, err
    assert "summaries      3" in out
    # only the machine's, where npm's MathJax is missing: formulas left to the browser
    assert all(line.startswith(("math not checked", "math: build needs Node")) for line in err.splitlines()), err
    home = (tmp_path / "notes" / "_site" / "index.html").read_text(encoding="utf-8")
    assert "My Paper Notes" in home
    course = (tmp_path / "notes" / "_site" / "collections" / "cs886w25" / "index.html").read_text(encoding="utf-8")
    assert "CS 886, Winter 2025" in course


@pytest.mark.parametrize("what", ["file", "non-empty"])
def test_new_site_refuses_a_file_or_a_folder_with_something_in_it(tmp_path, capsys, what):
    target = tmp_path / "notes"
    if what == "file":
        target.write_text("mine", encoding="utf-8")
    else:
        target.mkdir()
        (target / "keep.txt").write_text("mine", encoding="utf-8")
    code, _, err = main(capsys, "new", str(target))
    assert code == 2 and str(target) in err
    assert (target.read_text(encoding="utf-8") if what == "file" else (target / "keep.txt").read_text(encoding="utf-8")) == "mine"
    if what == "non-empty":
        assert [p.name for p in target.iterdir()] == ["keep.txt"]


def test_new_site_in_an_empty_folder(tmp_path, capsys):
    (tmp_path / "notes").mkdir()
    assert main(capsys, "new", str(tmp_path / "notes"))[0] == 0
    assert (tmp_path / "notes" / "site.yaml").is_file()


def test_new_summary_is_a_prefilled_draft(tmp_path, capsys, monkeypatch):
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)
    title = 'Attention: "Is" All # You Need'
    code, out, _ = main(capsys, "new", "summary", title)
    path = tmp_path / "content" / "summaries" / "attention-is-all-you-need.md"
    assert code == 0 and str(path.relative_to(tmp_path)) in out
    result = markdown_records.read(path.read_text(encoding="utf-8"), path.name)
    record = result.records[0]
    assert not result.diagnostics
    assert record.paper.title == title and record.draft is True
    assert record.contributor == "Your Name" and record.date == dt.date.today().isoformat()
    before = path.read_bytes()
    code, _, err = main(capsys, "new", "summary", title)  # never overwrites
    assert code == 2 and "already exists" in err and path.read_bytes() == before


def test_new_summary_mistakes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = main(capsys, "new", "summary", "A title")
    assert code == 2 and "content folder not found" in err
    code, _, err = main(capsys, "new", "summary")
    assert code == 2 and "title" in err and "./summary" in err
    code, _, err = main(capsys, "new", str(tmp_path / "x"), "extra")
    assert code == 2


def test_the_scaffold_ships_in_the_wheel_and_works_without_the_repository(tmp_path):
    # The wheel, built as pip builds it (hatchling), unpacked as pip installs a pure-Python wheel,
    # and run from a folder outside the repository: `new` and `build` find their files in it.
    # (The whole path, with a fresh venv and pip: docs/authoring.md, "Checking a release".)
    builders = pytest.importorskip("hatchling.builders.wheel")
    wheel = Path(next(iter(builders.WheelBuilder(str(ROOT)).build(directory=str(tmp_path / "dist"),
                                                                   versions=["standard"]))))
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        z.extractall(tmp_path / "installed")
    assert {f"site_builder/scaffold/{p.relative_to(SCAFFOLD).as_posix()}" for p in scaffold_files().values()} <= names
    assert "site_builder/_theme/templates/base.html" in names and "site_builder/_theme/static/assets/style.css" in names
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "installed")}
    work = tmp_path / "elsewhere"
    work.mkdir()

    def run(*args, cwd):
        return subprocess.run([sys.executable, "-m", "site_builder", *args], cwd=cwd, env=env, capture_output=True, text=True)

    where = subprocess.run([sys.executable, "-c", "import site_builder; print(site_builder.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True).stdout
    assert where.startswith(str(tmp_path / "installed"))
    assert run("new", "x", cwd=work).returncode == 0
    built = run("build", "--jobs", "1", cwd=work / "x")
    assert built.returncode == 0, built.stderr
    assert (work / "x" / "_site" / "papers" / "generative-adversarial-nets" / "index.html").is_file()
    assert (work / "x" / "_site" / "assets" / "style.css").is_file()
