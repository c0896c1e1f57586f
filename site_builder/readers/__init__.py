"""Readers: one module per input format. The format is detected from the content.

Adding a format means adding a module with `looks_like(text)` and
`read(text, name) -> ReadResult`, and listing it in READERS (first match wins,
so the most specific formats come first).
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Iterator

from ..records import Diagnostic, ReadResult
from ..text import CONTROL
from .paths import contain_paths

# (format, module). A module is imported when its turn comes: the command-line edit of one
# Markdown record then never loads the wikitext and listing readers (a third of its imports).
READERS = (
    ("markdown", "markdown_records"),
    ("statwiki", "statwiki"),
    ("shortscience", "shortscience"),
)
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def _readers() -> Iterator[tuple[str, ModuleType]]:
    for name, module in READERS:
        yield name, import_module(f"{__name__}.{module}")


def detect(text: str) -> str | None:
    for name, module in _readers():
        if module.looks_like(text):
            return name
    return None


def read_text(text: str, name: str) -> ReadResult:
    for _fmt, module in _readers():
        if module.looks_like(text):
            result = module.read(text, name)
            contain_paths(result, name)  # whatever the reader: ids and collections are safe folder names
            return result
    return ReadResult(diagnostics=[Diagnostic(name, "not a format site-builder knows (ShortScience listing, statwiki feed or Markdown with front matter); skipped")])


def read_file(path: Path, name: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
              data: bytes | None = None) -> ReadResult:
    """Read one input file; every problem is a diagnostic naming the file, never an exception.

    `data`: the file's bytes, when the caller has read them already (the build hashes each input
    first): read from them, not from the disk again."""
    name = name or path.name
    try:
        size = len(data) if data is not None else path.stat().st_size
        if size > max_bytes:
            return ReadResult(diagnostics=[Diagnostic(
                name, f"file is {_size(size)}, over the {_size(max_bytes)} input limit (max_input_mb); skipped",
                level="error")])
        if data is None:
            data = path.read_bytes()
    except OSError as exc:
        return ReadResult(diagnostics=[Diagnostic(name, f"cannot be read: {exc.strerror or exc}; skipped", level="error")])
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        return ReadResult(diagnostics=[Diagnostic(
            name, f"binary file (NUL byte at byte offset {nul}), not a text input; skipped",
            line=data.count(b"\n", 0, nul) + 1, column=nul - (data.rfind(b"\n", 0, nul) + 1) + 1)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        result_text, control = _without_controls(data.decode("utf-8", errors="replace"), name)
        result = read_text(result_text, name)
        result.diagnostics[:0] = [Diagnostic(name, f"invalid UTF-8 (byte offset {exc.start}); bad bytes replaced",
                                             line=line, column=col), *control]
        return result
    if not text.strip():
        what = "empty file (0 bytes)" if not data else f"empty file ({len(data)} bytes of whitespace only)"
        return ReadResult(diagnostics=[Diagnostic(name, f"{what}; skipped")])
    text, control = _without_controls(text, name)
    try:
        result = read_text(text, name)
        result.diagnostics[:0] = control
        return result
    except (Exception, RecursionError) as exc:  # a reader bug must not cost the other files
        return ReadResult(diagnostics=[Diagnostic(
            name, f"could not be read ({type(exc).__name__}: {exc}); skipped. This is a site-builder bug, please report it",
            level="error")])


# The ASCII characters CONTROL does not match (it matches tab, newline and CR neither).
_ASCII_NOT_CONTROL = bytes(b for b in range(128) if not CONTROL.match(chr(b)))


def _without_controls(text: str, name: str) -> tuple[str, list[Diagnostic]]:
    """Control characters (no page or feed may hold them) replaced by spaces, which keeps every
    position the readers report; one warning for the file, at the first one."""
    if text.isascii() and not text.encode("ascii").translate(None, _ASCII_NOT_CONTROL):
        return text, []  # (the regex's answer, found ten times faster by deleting every other byte)
    first = CONTROL.search(text)
    if first is None:
        return text, []
    count = len(CONTROL.findall(text))
    line = text.count("\n", 0, first.start()) + 1
    column = first.start() - (text.rfind("\n", 0, first.start()) + 1) + 1
    return CONTROL.sub(" ", text), [Diagnostic(
        name, f"{count} control character{'s' if count > 1 else ''} (first {first.group()!r}); replaced by spaces",
        line=line, column=column)]


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB ({n:,} bytes)" if n >= 1024 * 1024 else f"{n:,} bytes"


def input_files(content_dir: Path) -> list[Path]:
    """Every input file below the content folder, in a stable order (readers/tree.py decides which)."""
    from .tree import walk_content

    return [path for _, path in walk_content(content_dir).inputs]
