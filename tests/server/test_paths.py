"""Request path -> file: folders, redirects, and every way out of the output folder refused."""
from __future__ import annotations

import pytest

from site_builder.server.paths import Redirect, resolve


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "site"
    (root / "papers" / "a").mkdir(parents=True)
    (root / "index.html").write_text("home")
    (root / "papers" / "a" / "index.html").write_text("a")
    (root / "papers" / "notes here.txt").write_text("n")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (root / "outside").symlink_to(tmp_path)
    (root / "inner.txt").symlink_to(root / "index.html")
    return root


def test_files_and_folder_indexes(tree):
    assert resolve(tree, "/") == tree / "index.html"
    assert resolve(tree, "/papers/a/") == tree / "papers" / "a" / "index.html"
    assert resolve(tree, "/papers/notes%20here.txt") == tree / "papers" / "notes here.txt"
    assert resolve(tree, "/inner.txt") == tree / "index.html"  # a symlink that stays inside is fine


def test_folder_without_slash_redirects_to_a_local_path(tree):
    assert resolve(tree, "/papers/a") == Redirect("/papers/a/")
    assert resolve(tree, "//papers") == Redirect("/papers/")  # never a protocol-relative //host


def test_missing_and_folder_without_index(tree):
    assert resolve(tree, "/nope.html") is None
    assert resolve(tree, "/papers/") is None  # no directory listings


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/papers/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
    "/..%2fsecret.txt", "/papers/%2e%2e/%2e%2e/secret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt",
    "/escape.txt", "/outside/secret.txt", "/outside", "/index.html%00.txt", "/%ff%fe",
])
def test_ways_out_are_refused(tree, path):
    assert resolve(tree, path) is None


def test_absolute_paths_stay_inside(tree, tmp_path):
    # "//tmp/.../secret.txt" names a file below the site folder, which does not exist.
    assert resolve(tree, "/" + str(tmp_path / "secret.txt")) is None
    assert resolve(tree, "//" + str(tree / "index.html")) is None
