"""Deploying into a directory: additions, changes, deletions, dry run, and never a half site."""
from __future__ import annotations

import threading

import pytest

from site_builder.deploy.folder import FolderDeployError, deploy

from .conftest import SITE_V1, SITE_V2, tree, write_tree


def test_first_deploy_copies_everything(tmp_path):
    site = write_tree(tmp_path / "build", SITE_V1)
    changes = deploy(site, tmp_path / "www")
    assert tree(tmp_path / "www") == SITE_V1
    assert changes.added == sorted(SITE_V1) and not changes.changed and not changes.removed


def test_additions_changes_and_deletions(tmp_path):
    www = tmp_path / "www"
    deploy(write_tree(tmp_path / "v1", SITE_V1), www)
    kept_inode = (www / "papers/a/index.html").stat().st_ino
    changes = deploy(write_tree(tmp_path / "v2", SITE_V2), www)
    assert tree(www) == SITE_V2
    assert changes.added == ["papers/c/index.html"]
    assert changes.changed == ["index.html"]
    assert changes.removed == ["_hidden/keep.txt", "papers/b/index.html"]
    assert changes.unchanged == ["assets/style.css", "papers/a/index.html"]
    assert (www / "papers/a/index.html").stat().st_ino == kept_inode  # unchanged files are not rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v1", "v2", "www"]  # no staging left behind


def test_dry_run_lists_changes_and_touches_nothing(tmp_path):
    www = tmp_path / "www"
    deploy(write_tree(tmp_path / "v1", SITE_V1), www)
    changes = deploy(write_tree(tmp_path / "v2", SITE_V2), www, dry_run=True)
    assert changes.lines() == ["- _hidden/keep.txt", "~ index.html", "- papers/b/index.html", "+ papers/c/index.html"]
    assert tree(www) == SITE_V1


def test_readers_never_find_the_site_missing(tmp_path):
    """The swap is one rename-exchange: the folder is there, whole, at every instant."""
    www = tmp_path / "www"
    v1, v2 = write_tree(tmp_path / "v1", SITE_V1), write_tree(tmp_path / "v2", SITE_V2)
    deploy(v1, www)
    missing, done = [], threading.Event()

    def read():
        while not done.is_set():
            try:
                (www / "index.html").read_bytes()
            except FileNotFoundError:
                missing.append(1)

    reader = threading.Thread(target=read)
    reader.start()
    for i in range(20):
        deploy(v2 if i % 2 == 0 else v1, www)
    done.set()
    reader.join()
    assert missing == []
    assert tree(www) == SITE_V1


@pytest.mark.parametrize("where", ["site", "parent-of-site", "cwd"])
def test_refuses_targets_that_would_delete_the_users_files(tmp_path, monkeypatch, where):
    site = write_tree(tmp_path / "project" / "_site", SITE_V1)
    monkeypatch.chdir(tmp_path / "project")
    target = {"site": site, "parent-of-site": tmp_path, "cwd": tmp_path / "project"}[where]
    with pytest.raises(FolderDeployError):
        deploy(site, target)
    assert tree(site) == SITE_V1
