"""Hand-made built sites and real git repositories (a bare remote on disk)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from site_builder.output.target import MARKER


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def tree(root: Path) -> dict[str, str]:
    """The site's files (a deploy target's marker aside: output/target.py)."""
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts
            and p.name != MARKER}


def sh(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


SITE_V1 = {
    "index.html": "<!doctype html><title>home</title>v1",
    "papers/a/index.html": "paper a",
    "papers/b/index.html": "paper b",
    "assets/style.css": "body{}",
    "_hidden/keep.txt": "underscore folders need .nojekyll",
}
SITE_V2 = {
    "index.html": "<!doctype html><title>home</title>v2",  # changed
    "papers/a/index.html": "paper a",  # unchanged
    "assets/style.css": "body{}",
    "papers/c/index.html": "paper c",  # added; papers/b and _hidden removed
}


@pytest.fixture
def git_env(monkeypatch, tmp_path):
    """A known identity and no user/system git config, so tests behave the same everywhere."""
    for key, value in {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
                       "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
                       "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig")}.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def repo(tmp_path, git_env):
    """A source repository with one commit on main and a bare remote `origin`."""
    remote = tmp_path / "remote.git"
    sh(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    work = tmp_path / "work"
    work.mkdir()
    sh(work, "init", "--quiet", "-b", "main")
    write_tree(work, {"content/note.md": "source", "README.md": "readme"})
    sh(work, "add", ".")
    sh(work, "commit", "--quiet", "-m", "source")
    sh(work, "remote", "add", "origin", str(remote))
    sh(work, "push", "--quiet", "origin", "main")
    return work, remote


def clone_branch(remote: Path, branch: str, dest: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", "--branch", branch, str(remote), str(dest)], check=True, capture_output=True)
    return dest
