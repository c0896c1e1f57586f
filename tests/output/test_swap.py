"""The output folder is replaced in one step: never missing, never half old and half new."""
from __future__ import annotations

import threading

from site_builder.output.swap import swap_in


def make(folder, text):
    folder.mkdir()
    (folder / "index.html").write_text(text)
    (folder / "page.html").write_text(text)


def test_swap_replaces_the_folder_and_removes_the_staging(tmp_path):
    target, staging = tmp_path / "site", tmp_path / ".site.staging"
    make(target, "old")
    make(staging, "new")
    swap_in(staging, target)
    assert (target / "index.html").read_text() == "new" and not staging.exists()
    assert not (tmp_path / ".site.old").exists()


def test_swap_into_a_missing_target(tmp_path):
    target, staging = tmp_path / "site", tmp_path / ".site.staging"
    make(staging, "new")
    swap_in(staging, target)
    assert (target / "page.html").read_text() == "new"


def test_a_reader_always_finds_a_whole_site(tmp_path):
    target = tmp_path / "site"
    make(target, "v0")
    seen: list[tuple[str, str] | None] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                seen.append(((target / "index.html").read_text(), (target / "page.html").read_text()))
            except FileNotFoundError:
                seen.append(None)

    reader = threading.Thread(target=read)
    reader.start()
    for n in range(1, 60):
        staging = tmp_path / ".site.staging"
        make(staging, f"v{n}")
        swap_in(staging, target)
    stop.set()
    reader.join()
    assert None not in seen  # never missing
    assert len(seen) > 10
    # Two files read one after the other may straddle a swap, but each file is whole.
    assert all(a.startswith("v") and b.startswith("v") for a, b in seen)


def test_without_an_atomic_exchange_the_old_tree_goes_to_a_folder_of_its_own(tmp_path, monkeypatch):
    """Two renames when the kernel cannot exchange: the old tree is parked in a new folder, never
    in a fixed name (a user's `.site.old` stays as it was)."""
    from site_builder.output import swap

    monkeypatch.setattr(swap, "exchange", lambda a, b: False)
    target, staging = tmp_path / "site", tmp_path / ".site.staging"
    make(target, "old")
    make(staging, "new")
    users = tmp_path / ".site.old"
    users.mkdir()
    (users / "notes.txt").write_text("mine")
    swap_in(staging, target)
    assert (target / "index.html").read_text() == "new" and not staging.exists()
    assert (users / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.old", "site"]
