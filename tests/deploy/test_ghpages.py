"""gh-pages deploys against a real bare repository, cloned back to check what a host would serve."""
from __future__ import annotations

import pytest

from site_builder.deploy.ghpages import GhPagesError, publish

from .conftest import SITE_V1, SITE_V2, clone_branch, sh, tree, write_tree


def state(work):
    return sh(work, "symbolic-ref", "HEAD"), sh(work, "rev-parse", "HEAD"), sh(work, "status", "--porcelain")


def test_publish_then_update_keeps_history_and_leaves_the_work_tree_alone(repo, tmp_path):
    work, remote = repo
    before = state(work)
    first = publish(write_tree(tmp_path / "v1", SITE_V1), work, cname="notes.example.org")
    assert state(work) == before  # same branch, same commit, nothing staged or modified
    served = clone_branch(remote, "gh-pages", tmp_path / "check1")
    assert tree(served) == {**SITE_V1, ".nojekyll": "", "CNAME": "notes.example.org\n"}
    assert first.parent is None and sh(served, "rev-list", "--count", "HEAD") == "1"

    second = publish(write_tree(tmp_path / "v2", SITE_V2), work, message="second deploy")
    served = clone_branch(remote, "gh-pages", tmp_path / "check2")
    assert tree(served) == {**SITE_V2, ".nojekyll": ""}
    assert second.parent == first.commit
    assert sh(served, "log", "--format=%s").splitlines()[0] == "second deploy"
    assert sh(served, "rev-list", "--count", "HEAD") == "2"
    assert second.changes.removed == ["CNAME", "_hidden/keep.txt", "papers/b/index.html"]
    assert sh(work, "rev-parse", "gh-pages") == second.commit  # the local branch follows
    assert state(work) == before


def test_nothing_to_publish_makes_no_commit(repo, tmp_path):
    work, remote = repo
    site = write_tree(tmp_path / "v1", SITE_V1)
    first = publish(site, work)
    again = publish(site, work)
    assert again.commit is None and again.changes.empty
    assert sh(remote, "rev-parse", "gh-pages") == first.commit


def test_force_replaces_history(repo, tmp_path):
    work, remote = repo
    publish(write_tree(tmp_path / "v1", SITE_V1), work)
    forced = publish(write_tree(tmp_path / "v2", SITE_V2), work, force=True)
    assert forced.parent is None
    assert sh(remote, "rev-list", "--count", "gh-pages") == "1"


def test_dry_run_changes_nothing(repo, tmp_path):
    work, remote = repo
    first = publish(write_tree(tmp_path / "v1", SITE_V1), work)
    dry = publish(write_tree(tmp_path / "v2", SITE_V2), work, dry_run=True)
    assert dry.commit is None
    assert dry.changes.lines() == ["- _hidden/keep.txt", "~ index.html", "- papers/b/index.html", "+ papers/c/index.html"]
    assert sh(remote, "rev-parse", "gh-pages") == first.commit == sh(work, "rev-parse", "gh-pages")


def test_refuses_a_missing_remote(repo, tmp_path):
    work, _ = repo
    with pytest.raises(GhPagesError, match="no git remote named 'upstream'"):
        publish(write_tree(tmp_path / "v1", SITE_V1), work, remote="upstream")


def test_refuses_uncommitted_changes_to_the_inputs_only(repo, tmp_path):
    work, remote = repo
    site = write_tree(tmp_path / "v1", SITE_V1)
    (work / "README.md").write_text("edited, but not an input of the site")
    publish(site, work, inputs=[work / "content"])  # fine: README is not an input
    (work / "content" / "note.md").write_text("edited")
    (work / "content" / "new.md").write_text("untracked")
    with pytest.raises(GhPagesError, match="uncommitted changes") as info:
        publish(write_tree(tmp_path / "v2", SITE_V2), work, inputs=[work / "content"])
    assert "content/note.md" in str(info.value) and "content/new.md" in str(info.value)
    assert publish(write_tree(tmp_path / "v2", SITE_V2), work, inputs=[work / "content"], allow_dirty=True).commit


def test_refuses_when_the_branch_is_checked_out(repo, tmp_path):
    work, _ = repo
    sh(work, "checkout", "--quiet", "-b", "gh-pages")
    with pytest.raises(GhPagesError, match="checked-out branch"):
        publish(write_tree(tmp_path / "v1", SITE_V1), work)


def test_a_rejected_push_is_reported(repo, tmp_path):
    work, remote = repo
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'deploys are closed today' >&2\nexit 1\n")
    hook.chmod(0o755)
    with pytest.raises(GhPagesError, match="rejected") as info:
        publish(write_tree(tmp_path / "v1", SITE_V1), work)
    assert "deploys are closed today" in str(info.value)
    assert sh(remote, "branch", "--list", "gh-pages") == ""
