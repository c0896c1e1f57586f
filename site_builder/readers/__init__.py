"""Readers: one module per input format. The format is detected from the content.

Adding a format means adding a module with `looks_like(text)` and
`read(text, name) -> ReadResult`, and listing it in READERS (first match wins,
so the most specific formats come first).
"""
from __future__ import annotations

from pathlib import Path

from ..records import Diagnostic, ReadResult
from . import markdown_records, shortscience, statwiki

READERS = (
    ("markdown", markdown_records),
    ("statwiki", statwiki),
    ("shortscience", shortscience),
)
INPUT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".xml", ".atom", ""}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def detect(text: str) -> str | None:
    for name, module in READERS:
        if module.looks_like(text):
            return name
    return None


def read_text(text: str, name: str) -> ReadResult:
    for _fmt, module in READERS:
        if module.looks_like(text):
            return module.read(text, name)
    return ReadResult(diagnostics=[Diagnostic(name, "not a format site-builder knows (ShortScience listing, statwiki feed or Markdown with front matter); skipped")])


def read_file(path: Path, name: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    name = name or path.name
    size = path.stat().st_size
    if size > max_bytes:
        return ReadResult(diagnostics=[Diagnostic(name, f"file is {size} bytes, over the {max_bytes}-byte input limit; skipped", level="error")])
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        return ReadResult(diagnostics=[Diagnostic(name, "binary file (NUL bytes); skipped")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        result_text = data.decode("utf-8", errors="replace")
        result = read_text(result_text, name)
        result.diagnostics.insert(0, Diagnostic(name, f"invalid UTF-8 (byte offset {exc.start}); bad bytes replaced", line=line, column=col))
        return result
    if not text.strip():
        return ReadResult(diagnostics=[Diagnostic(name, "empty file; skipped")])
    return read_text(text, name)


def input_files(content_dir: Path) -> list[Path]:
    """Every input file below the content folder, in a stable order."""
    files = [
        p for p in content_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(content_dir).parts)
        and p.suffix.lower() in INPUT_SUFFIXES
    ]
    return sorted(files, key=lambda p: p.relative_to(content_dir).as_posix())
