"""Which folders a build or a deploy may replace: only its own.

A build replaces its output folder whole, and a deploy deletes the target's files
that the site no longer has; pointed at the wrong folder (the project, the home
folder, a web root with other files) either would delete the user's files. So
both refuse, before any work, a folder that is or holds something precious, and
any non-empty folder that holds no site-builder site. Ours are marked: every
build writes MARKER into its output (and a deploy into its target). A site built
by an earlier version, which had no marker, is recognised by its home page's
`<meta name="generator" content="site-builder ...">`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

MARKER = ".site-builder-output"
MARKER_TEXT = (
    "This folder was written by site-builder, which replaces it whole on the next build or deploy.\n"
    "Delete this file to keep site-builder from ever replacing the folder.\n"
)
_GENERATOR = b'<meta name="generator" content="site-builder'


class OutputRefused(Exception):
    """A folder a command must not replace; the message says why and what to do."""


def is_ours(folder: Path) -> bool:
    """True when `folder` holds a site that site-builder wrote (its marker, or an earlier version's site)."""
    if (folder / MARKER).is_file():
        return True
    try:
        with open(folder / "index.html", "rb") as f:
            return _GENERATOR in f.read(16384)
    except OSError:
        return False


def _is_empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def check_replaceable(folder: Path, *, keep: Iterable[Path] = (), not_inside: Iterable[Path] = (),
                      what: str = "--output", force_hint: str = "") -> None:
    """Raise OutputRefused unless `folder` may be replaced whole by a command's result.

    `keep`: folders and files the user needs (content, templates, the config's folder...):
    `folder` may be none of them nor hold any. `not_inside`: folders `folder` may not be in
    (a build must not write into the content it reads). `force_hint`: added to the message of
    a foreign non-empty folder (deploy's --force).
    """
    try:
        real = folder.resolve()
    except (OSError, RuntimeError) as exc:
        raise OutputRefused(f"{what} {folder}: cannot be resolved ({exc})") from exc
    if real.parent == real:
        raise OutputRefused(f"{what} {folder} is the root of the file system; choose a folder of its own")
    home = Path.home().resolve()
    if real == home or real in home.parents:
        raise OutputRefused(f"{what} {folder} is your home folder or holds it; choose a folder of its own")
    for path in keep:
        path = path.resolve()
        if real == path or real in path.parents:
            raise OutputRefused(f"{what} {folder} is {path} or holds it, which replacing it would delete; "
                                f"choose a folder of its own")
    for path in not_inside:
        path = path.resolve()
        if path in real.parents:
            raise OutputRefused(f"{what} {folder} is inside {path}; choose a folder outside it")
    if real.exists() and not real.is_dir():
        raise OutputRefused(f"{what} {folder} exists and is not a folder")
    if real.is_dir() and not _is_empty(real) and not is_ours(real):
        raise OutputRefused(
            f"{what} {folder} is a non-empty folder that site-builder did not write (it has no {MARKER} file), "
            f"and replacing it would delete its files; choose a new or empty folder{force_hint}")


def check_build_output(output: Path, content: Path | None, site_root: Path) -> None:
    """The checks for a build's output folder (see check_replaceable)."""
    inputs = [p for p in (content, site_root / "templates", site_root / "static") if p is not None]
    check_replaceable(output, keep=[*inputs, site_root, Path.cwd()], not_inside=inputs)
