"""CPU of the page step and of the parent's one-core writes, measured apart in one process.

    python benchmarks/page_step.py SITE [--reps 3] [--only pages,rest]

SITE is a site folder (`make_corpus.py`'s `DIR/site`). The build runs as
`site-builder build --ignore-cache` does up to writing the site (reading, catalog,
summaries, related papers); then, instead of writing it, each repetition measures
in this process (`--jobs 1`, CPU seconds by time.process_time):

* the page list (`build_pages`) and the page environment;
* rendering every page with the read recorder, as a cold build does (a fresh,
  empty build cache in memory; the HTML kept, not written);
* what the parent does while the workers render: the folders, feeds, export,
  sitemap and copies (`site._other_files` into a scratch staging folder).

Printed with each repetition: a digest of every page's HTML and one of every page's
recorded steps (the (step, result digest) pairs, in a canonical order; not its base digest,
which holds a digest of the code itself),
so two commits can be checked to give the same pages and the same recorded reads (the
steps alone too: a change in how results are digested changes the first, not the second).
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


class _Stop(Exception):
    pass


def canonical_steps(cache, output: Path, digests: bool = True) -> str:
    """A digest of every page's recorded steps, with (or without) their result digests."""
    table = cache.new["page_steps"]
    h = hashlib.blake2b(digest_size=16)
    for where in sorted(cache.new["pages"]):
        _, ids = cache.new["pages"][where]  # (its base digest holds the code's own digest: left out)
        h.update(os.path.relpath(where, output).encode() + b"\0")
        for entry in sorted(repr(table[i] if digests else table[i][0]) for i in ids):
            h.update(entry.encode("utf-8", "surrogatepass") + b"\1")
        h.update(b"\2")
    return h.hexdigest()


def measure(args, catalog, config, site_root, content, related, derive) -> None:
    from site_builder.cache import TABLES, BuildCache, code_salt
    from site_builder.output import site
    from site_builder.output.pages import build_pages
    from site_builder.output.staging import Stager

    only = set(args.only.split(","))
    gc.freeze()  # as parallel.imap_indexed does before forking the workers: the catalog is not walked by the collector
    for rep in range(args.reps):
        row = []
        clock = time.process_time
        t = clock()
        pages = build_pages(catalog, config)
        row.append(("page list", clock() - t))
        if "pages" in only:
            cache = BuildCache(None, code_salt())
            for table in TABLES:
                cache.old.setdefault(table, {})
                cache.new[table] = {}
            out = Path(tempfile.mkdtemp(prefix="pages-step-"))
            t = clock()
            html = site.render_pages(catalog, config, site_root, pages=pages, jobs=1, cache=cache, output=out,
                                     related=related, derive=derive)
            row.append(("pages (environment, Jinja, recorder)", clock() - t))
            h = hashlib.blake2b(digest_size=16)
            for file in sorted(html):
                h.update(file.encode() + b"\0" + html[file].encode("utf-8", "surrogatepass") + b"\1")
            row.append(("html digest", h.hexdigest()))
            row.append(("steps digest", canonical_steps(cache, out)))
            row.append(("steps without results", canonical_steps(cache, out, digests=False)))
            row.append(("pages", len(html)))
            shutil.rmtree(out)
        if "rest" in only:
            scratch = Path(tempfile.mkdtemp(prefix="pages-rest-"))
            stager = Stager(scratch / "staging", scratch / "out", None)
            (scratch / "staging").mkdir()
            t = clock()
            site._other_files(catalog, config, site_root, content, pages, stager, {})
            row.append(("parent's other files (folders, feeds, export, sitemap, copies)", clock() - t))
            h = hashlib.blake2b(digest_size=16)
            for rel in sorted(stager.hashes):
                h.update(f"{rel}\0{stager.hashes[rel]}\1".encode())
            row.append(("other files digest", h.hexdigest()))
            shutil.rmtree(scratch)
        print(f"rep {rep + 1}: " + "; ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in row),
              f"(load {os.getloadavg()[0]:.1f})", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--only", default="pages,rest")
    args = parser.parse_args()
    site_dir = args.site.resolve()
    os.chdir(site_dir)
    from site_builder import pipeline
    from site_builder.config import load_config
    from site_builder.output import site

    def write_site(catalog, config, site_root, output, content=None, *, related=None, derive=None, **_):
        measure(args, catalog, config, site_root, content, related, derive)
        raise _Stop

    site.write_site = write_site
    config = load_config(Path("site.yaml"))
    shutil.rmtree(".site-builder-cache", ignore_errors=True)
    try:
        pipeline.build(Path("content"), Path("_site"), config, site_dir, use_cache=False, jobs=2, keep={})
    except _Stop:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
