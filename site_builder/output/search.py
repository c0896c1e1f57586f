"""Full-text search: index the written site with Pagefind (the binary of its PyPI package).

Which text is indexed is decided by the templates, not here: paper and summary
pages carry a hidden `data-pagefind-body` block (`templates/_search.html`) with
the title, metadata and a plain-text copy of every summary (TeX turned into
readable text by `render/plaintext.py`). Pages without that block (listings,
taxonomies, home) are left out of the index by Pagefind itself.

Pagefind writes its browser bundle (index, wasm, UI JS/CSS) under `pagefind/`
in the site. Pagefind 1.5 writes the filter indexes from hash maps, so their
byte order (and file names) change from run to run (upstream issue #638);
`stabilise_filters` rewrites them in sorted order so that the same pages give
byte-identical output.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
from pathlib import Path

import cbor2

from ..config import SiteConfig

BUNDLE_DIR = "pagefind"
# Seconds Pagefind may take before the build gives up on it.
TIMEOUT = 600.0


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why."""


def index_search(staging: Path, config: SiteConfig, bundle: Path | None = None) -> int:
    """Index the HTML under `staging` and write the bundle to `staging/pagefind/` (or to `bundle`).

    Returns how many pages Pagefind indexed; does nothing when search is off.
    """
    if not config.search:
        return 0
    site = staging.resolve()
    bundle = bundle.resolve() if bundle is not None else site / BUNDLE_DIR
    pages = _run_pagefind(site, config.language, bundle)
    stabilise_filters(bundle)
    return pages


def _run_pagefind(site: Path, language: str, bundle: Path) -> int:
    """Run the Pagefind binary of the `pagefind` package over `site`; returns the page count.

    The binary runs as a command, not through the package's service API: in
    service mode the process can end before its pending file writes finish, and
    a bundle file then comes out empty or cut short (seen about once in ten
    builds). As a command it returns only when every file is written.
    """
    from pagefind.service import get_executable  # here: importing it costs 0.1 s every build, searched or not

    exe = get_executable()
    if exe is None:
        raise SearchIndexError("the Pagefind binary is missing: pip install 'pagefind[extended]'")
    cmd = [str(exe), "--site", str(site), "--output-path", str(bundle), "--force-language", language]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"Pagefind failed to index {site}: {exc}") from exc
    if done.returncode != 0:
        raise SearchIndexError(f"Pagefind failed to index {site} (exit {done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    found = re.search(r"Indexed (\d+) pages?", done.stdout)
    if not found:
        raise SearchIndexError(f"Pagefind gave no page count: {done.stdout.strip()[-300:]}")
    return int(found.group(1))


# Pagefind's index files: gzip of this marker followed by CBOR.
_MARKER = b"pagefind_dcd"
# Positions in the CBOR array of `pagefind.<hash>.pf_meta` (Pagefind 1.5):
# version, pages, word index chunks, filters [[name, file hash], ...], sorts, meta fields.
_META_VERSION, _META_FILTERS = 0, 3


def _load(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_MARKER):
        raise SearchIndexError(f"{path}: not a Pagefind index file")
    return cbor2.loads(raw[len(_MARKER):])


def _store(folder: Path, prefix: str, data, digits: int, suffix: str) -> str:
    """Write `data` as a Pagefind index file named by its content; returns the name's hash part."""
    body = cbor2.dumps(data)
    digest = hashlib.sha256(body).hexdigest()
    while (folder / f"{prefix}{digest[:digits]}{suffix}").exists():  # a (very unlikely) clash
        digits += 1
    name = f"{prefix}{digest[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(_MARKER + body, mtime=0))
    return name


def stabilise_filters(bundle: Path) -> None:
    """Rewrite the filter indexes and the metadata that names them in a fixed order.

    Only the order changes: each filter's values are sorted by value and the
    filters by name; files are renamed after their new content, and
    `pagefind-entry.json` points at the new metadata file.
    """
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for language, info in sorted(entry["languages"].items()):
        meta_file = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _load(meta_file)
        if not (isinstance(meta, list) and len(meta) > _META_FILTERS and meta[_META_VERSION] == entry["version"]):
            raise SearchIndexError(f"{meta_file}: unexpected layout (Pagefind {entry['version']}); cannot make the index deterministic")
        loaded = []
        for name, old in sorted(meta[_META_FILTERS]):
            filter_file = bundle / "filter" / f"{old}.pf_filter"
            loaded.append((name, _load(filter_file)))
            filter_file.unlink()  # all old files go first, so no new name clashes with one
        meta[_META_FILTERS] = [
            [name, _store(bundle / "filter", f"{language}_", [key, sorted(values, key=lambda v: v[0])], 7, ".pf_filter")]
            for name, (key, values) in loaded
        ]
        meta_file.unlink()
        info["hash"] = _store(bundle, f"pagefind.{language}_", meta, 10, ".pf_meta").removeprefix("pagefind.")
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
