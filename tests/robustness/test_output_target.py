"""`build`, `serve` and `deploy` never replace a folder they did not write (exit 2, a message, nothing deleted)."""
from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.commands import serve as serve_command
from site_builder.output.target import MARKER
from tests.robustness.inputs import md_record


def project(root: Path) -> Path:
    """A site's folder as a user has it: git, config, content, templates, static."""
    for rel, text in {".git/HEAD": "ref: refs/heads/main\n", "site.yaml": "title: Mine\nsearch: false\n",
                      "content/a.md": md_record("A Paper", "A summary.", year="2020"),
                      "templates/home.html": "{% extends 'base.html' %}", "static/extra.css": "p{}",
                      "notes.txt": "my own notes"}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def everything(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def build(root: Path, output: Path | str, *extra: str) -> int:
    return main(["build", "--content", str(root / "content"), "--config", str(root / "site.yaml"),
                 "--output", str(output), "-q", "--jobs", "1", *extra])


@pytest.mark.parametrize("where", ["project", "content", "templates", "static", "parent", "home", "foreign", "a-file"])
def test_build_refuses_to_replace_a_folder_it_did_not_write(tmp_path, monkeypatch, capsys, where):
    root = project(tmp_path / "proj")
    home = tmp_path / "home"
    (home / "me").mkdir(parents=True)
    (home / "me" / ".bashrc").write_text("# mine")
    monkeypatch.setenv("HOME", str(home / "me"))
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "app.php").write_text("<?php")
    (tmp_path / "www" / "uploads").mkdir()
    (tmp_path / "file.txt").write_text("a file")
    target = {"project": root, "content": root / "content", "templates": root / "templates",
              "static": root / "static", "parent": tmp_path, "home": home / "me", "foreign": tmp_path / "www",
              "a-file": tmp_path / "file.txt"}[where]
    before = everything(tmp_path)
    assert build(root, target) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err and str(target) in err, err
    assert everything(tmp_path) == before


def test_build_refuses_the_root_folder_with_a_message(tmp_path, capsys):
    root = project(tmp_path / "proj")
    assert build(root, "/") == 2
    err = capsys.readouterr().err
    assert "error: " in err and "root of the file system" in err


def test_build_writes_a_marker_and_replaces_its_own_output(tmp_path, capsys):
    root = project(tmp_path / "proj")
    out = tmp_path / "empty"
    out.mkdir()  # an empty folder is fine
    assert build(root, out) == 0
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    (out / "stale.html").write_text("left by hand")
    assert build(root, out, "--clean") == 0  # our own output, marked: replaced whole
    assert not (out / "stale.html").exists()


def test_an_unmarked_site_of_an_earlier_version_is_taken_as_ours(tmp_path):
    root = project(tmp_path / "proj")
    out = tmp_path / "_site"
    assert build(root, out) == 0
    (out / MARKER).unlink()  # as an earlier version left it
    assert build(root, out, "--clean") == 0
    assert (out / MARKER).is_file()


def test_serve_refuses_a_foreign_output_folder(tmp_path, capsys):
    root = project(tmp_path / "proj")
    args = argparse.Namespace(host="127.0.0.1", port=0, content=root / "content", config=root / "site.yaml",
                              output=root)
    assert serve_command.run(args) == 2
    assert "error: " in capsys.readouterr().err
    assert (root / ".git" / "HEAD").is_file() and (root / "notes.txt").is_file()


def deploy(root: Path, target: Path, *extra: str) -> int:
    return main(["deploy", "--to", str(target), "--content", str(root / "content"), "--config",
                 str(root / "site.yaml"), "--output", str(root / "_site"), "-q", *extra])


def test_deploy_refuses_a_foreign_folder_unless_forced(tmp_path, capsys):
    root = project(tmp_path / "proj")
    www = tmp_path / "www"
    (www / "uploads").mkdir(parents=True)
    (www / "app.php").write_text("<?php")
    (www / "uploads" / "photo.jpg").write_bytes(b"jpg")
    assert deploy(root, www) == 2
    err = capsys.readouterr().err
    assert "--force" in err and str(www) in err
    assert (www / "app.php").is_file() and (www / "uploads" / "photo.jpg").is_file()
    assert deploy(root, www, "--force") == 0
    assert (www / MARKER).is_file() and (www / "index.html").is_file() and not (www / "app.php").exists()
    assert deploy(root, www) == 0  # a deploy target now: no --force needed
    fresh = tmp_path / "fresh"
    assert deploy(root, fresh) == 0 and (fresh / MARKER).is_file()
