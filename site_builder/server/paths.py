"""Map a URL path to a file inside the output folder, never outside it.

Refused (None): `..` segments, whether written plainly or percent-encoded (the path
is decoded before it is split), NUL bytes, backslashes, and anything whose real path
(symlinks resolved) is not inside the output folder. A leading `//` or an absolute
file-system path is just a path below the output folder, as in any web server.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote


@dataclass(frozen=True)
class Redirect:
    """A folder asked for without its trailing slash: relative links need the slash."""

    location: str


def url_parts(url_path: str) -> list[str] | None:
    """Decoded, non-empty path segments, or None when the path tries to escape."""
    decoded = unquote(url_path, errors="strict") if "%" in url_path else url_path
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [p for p in decoded.split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None
    return parts


def inside(root: Path, path: Path) -> bool:
    return path == root or root in path.parents


def resolve(root: Path, url_path: str) -> Path | Redirect | None:
    """The file to serve for `url_path` (index.html for folders), a Redirect, or None."""
    try:
        parts = url_parts(url_path)
    except UnicodeDecodeError:
        return None
    if parts is None:
        return None
    try:
        return _find(root.resolve(), parts, url_path)
    except OSError:  # e.g. a segment longer than a file name may be: no such file
        return None


def _find(real_root: Path, parts: list[str], url_path: str) -> Path | Redirect | None:
    target = real_root.joinpath(*parts).resolve()
    if not inside(real_root, target):
        return None
    if target.is_dir():
        if parts and not url_path.endswith("/"):
            # Built from the decoded parts, so "//evil.example" can never become an off-site Location.
            return Redirect("/" + "/".join(quote(p) for p in parts) + "/")
        target = (target / "index.html").resolve()
        if not inside(real_root, target):
            return None
    return target if target.is_file() else None
