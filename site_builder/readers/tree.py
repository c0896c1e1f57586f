"""The content folder's files: inputs to read and assets to publish, decided in one walk.

* Names starting with "." are skipped (editor and VCS files).
* A symlink is followed only when it resolves inside the content folder; one that
  leaves it is reported and skipped, so a link cannot publish a file from elsewhere.
  Linked folders are walked once each (a link loop ends).
* Files of the types in CONTENT_ASSET_SUFFIXES are assets, published at the same
  path; an SVG only when svgsafe finds nothing that could run or load. Every other
  regular file is an input, so nothing is skipped without a word.
* `papers.yaml` and `papers.enriched.yaml` are paper metadata (catalog/overrides.py),
  neither inputs nor assets.
* FIFOs, sockets and devices are reported and skipped (opening a FIFO would wait
  forever); a folder that cannot be listed is reported and skipped.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..output.assets import CONTENT_ASSET_SUFFIXES
from ..records import Diagnostic

# Paper metadata, not summaries: read by catalog/overrides.py (a nested copy is reported there).
METADATA_FILES = ("papers.yaml", "papers.enriched.yaml")
_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device"}


@dataclass
class ContentTree:
    """The content folder's inputs and assets, and what was skipped."""

    inputs: list[tuple[str, Path]] = field(default_factory=list)  # (relative path, file), sorted
    assets: dict[str, Path] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def walk_content(content: Path) -> ContentTree:
    tree = ContentTree()
    root = os.path.realpath(content)
    seen = {root}

    def inside(real: str) -> bool:
        return real == root or real.startswith(root + "/")

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if prefix:  # the content folder itself missing is the caller's error
                tree.diagnostics.append(Diagnostic(prefix.rstrip("/"), f"folder cannot be read: {exc.strerror or exc}; skipped"))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            path = entry.path
            try:
                if entry.is_symlink():
                    real = os.path.realpath(path)
                    if not inside(real):
                        tree.diagnostics.append(Diagnostic(rel, f"symlink to {real} leaves the content folder; not followed"))
                        continue
                mode = os.stat(path).st_mode
            except OSError as exc:
                tree.diagnostics.append(Diagnostic(rel, f"cannot be read: {exc.strerror or exc}; skipped"))
                continue
            if stat.S_ISDIR(mode):
                real = os.path.realpath(path)
                if real not in seen:
                    seen.add(real)
                    walk(path, rel + "/")
            elif not stat.S_ISREG(mode):
                kind = _KINDS.get(stat.S_IFMT(mode), "a special file")
                tree.diagnostics.append(Diagnostic(rel, f"not a regular file ({kind}); skipped"))
            elif os.path.splitext(entry.name)[1].lower() in CONTENT_ASSET_SUFFIXES:
                _asset(tree, rel, Path(path))
            elif entry.name in METADATA_FILES:
                continue  # paper metadata (papers.yaml), not an input of summaries
            else:
                tree.inputs.append((rel, Path(path)))

    walk(str(content), "")
    tree.inputs.sort()
    return tree


def _asset(tree: ContentTree, rel: str, path: Path) -> None:
    if rel.lower().endswith(".svg"):
        from ..output.svgsafe import svg_problem

        try:
            with open(path, "rb") as f:
                problem = svg_problem(f.read())
        except OSError as exc:
            tree.diagnostics.append(Diagnostic(rel, f"cannot be read: {exc.strerror or exc}; not published"))
            return
        if problem:
            tree.diagnostics.append(Diagnostic(rel, f"SVG {problem}; not published"))
            return
    tree.assets[rel] = path
