"""`site-builder deploy` as a user runs it: build, then publish to a folder or to gh-pages."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT
from tests.server.conftest import make_site

from .conftest import clone_branch, sh


def deploy(cwd, *args):
    return subprocess.run([sys.executable, "-m", "site_builder", "deploy", *args], cwd=cwd, capture_output=True,
                          text=True, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)}, timeout=120)


def test_build_and_deploy_to_a_folder(tmp_path):
    site = make_site(tmp_path / "site")
    result = deploy(site, "--to", str(tmp_path / "www"), "-q")
    assert result.returncode == 0, result.stderr
    assert "deployed to" in result.stdout and "0 removed" in result.stdout
    assert (tmp_path / "www" / "papers" / "learning-to-count-pebbles" / "index.html").is_file()
    again = deploy(site, "--to", str(tmp_path / "www"), "--no-build", "--dry-run")
    assert again.returncode == 0 and "would update" in again.stdout and "0 added, 0 changed, 0 removed" in again.stdout


def test_no_build_needs_a_built_site(tmp_path):
    site = make_site(tmp_path / "site")
    result = deploy(site, "--to", str(tmp_path / "www"), "--no-build")
    assert result.returncode == 2 and "holds no built site" in result.stderr


def test_deploy_to_gh_pages_publishes_what_a_host_serves(repo, tmp_path):
    work, remote = repo
    make_site(work / "blog")
    (work / "blog" / "site.yaml").write_text("title: Serve Test\nsearch: false\ncname: notes.example.org\n")
    (work / ".gitignore").write_text("_site/\n.site-builder-cache/\n")
    sh(work, "add", ".")
    sh(work, "commit", "--quiet", "-m", "blog")
    result = deploy(work / "blog", "--to", "gh-pages", "-q")
    assert result.returncode == 0, result.stderr
    assert "pushed " in result.stdout and "origin/gh-pages" in result.stdout
    served = clone_branch(remote, "gh-pages", tmp_path / "served")
    assert (served / "index.html").is_file() and (served / ".nojekyll").is_file()
    assert not (served / ".site-builder-output").exists()  # the output folder's marker is not published
    assert (served / "CNAME").read_text() == "notes.example.org\n"
    assert sh(work, "status", "--porcelain") == "" and sh(work, "symbolic-ref", "--short", "HEAD") == "main"

    (work / "blog" / "content" / "pebbles.md").write_text("edited but not committed")
    refused = deploy(work / "blog", "--to", "gh-pages", "--no-build")
    assert refused.returncode == 1 and "uncommitted changes" in refused.stderr
    missing = deploy(work / "blog", "--to", "gh-pages", "--no-build", "--remote", "nowhere", "--allow-dirty")
    assert missing.returncode == 1 and "no git remote named 'nowhere'" in missing.stderr
