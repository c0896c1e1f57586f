"""The search index step alone: time and peak memory of Pagefind's indexers on a built corpus.

    python benchmarks/search_index.py /tmp/site-builder-bench/corpus-10000 --reps 3
    python benchmarks/search_index.py DIR --part-chars 100000000   # everything in one process
    python benchmarks/search_index.py DIR --cli                    # Pagefind's CLI over the built HTML

DIR is a corpus from make_corpus.py. The catalog is read and rendered as a
build does (from the build cache when DIR/site was built before: run a build
first and this takes seconds), then `write_search_index` writes the bundle into
a fresh folder `--reps` times. Printed per repetition: wall seconds of the whole
step, and per indexer process its records, seconds and peak resident memory
(ru_maxrss of the process, from wait4). `--cli` instead runs the `pagefind`
binary of the same wheel over DIR/site/_site (or --output; HTML must be there: a build with
search on, or the previous HTML-reading design's pages), as the earlier design did.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from site_builder.cache import BuildCache  # noqa: E402
from site_builder.config import load_config  # noqa: E402
from site_builder.output import search  # noqa: E402
from site_builder.output.pagefind import executable  # noqa: E402
from site_builder.pipeline import BuildReport, read_inputs  # noqa: E402


def catalog_of(site: Path, config, jobs: int):
    """The rendered catalog, made as pipeline.build makes it."""
    from site_builder.catalog import build_catalog
    from site_builder.catalog import overrides as paper_overrides
    from site_builder.render.summaries import render_catalog

    cache = BuildCache.open(site)
    cache.load_tables()
    records, collections = read_inputs(site / "content", BuildReport(), config.max_input_mb * 1024 * 1024, cache, jobs)
    if not config.drafts:
        records = [r for r in records if not r.draft]
    catalog = build_catalog(records, collections, config, paper_overrides.load(site / "content"))
    render_catalog(catalog, config, site, cache=cache, jobs=jobs)
    return catalog


def cli_run(site: Path, output: str, language: str) -> tuple[float, float, float]:
    out = Path(tempfile.mkdtemp(prefix="search-bench-cli-"))
    try:
        started = time.perf_counter()
        proc = subprocess.Popen([str(executable()), "--site", str(site / output), "--output-path", str(out / "pagefind"),
                                 "--force-language", language], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit("pagefind failed")
        return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="a make_corpus.py folder (its site/ is indexed)")
    ap.add_argument("--config", default="site.yaml", help="the site's config file, in DIR/site (default: site.yaml)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2, help="indexer processes at a time (default: 2)")
    ap.add_argument("--part-chars", type=int, default=None, help=f"content characters per part (default: {search.PART_CHARS:,})")
    ap.add_argument("--cli", action="store_true", help="Pagefind's CLI over the built HTML instead")
    ap.add_argument("--output", default="_site", help="with --cli: the built site's folder in DIR/site (default: _site)")
    args = ap.parse_args(argv)
    site = args.corpus / "site"
    config = load_config(site / args.config)
    if args.cli:
        runs = [cli_run(site, args.output, config.language) for _ in range(args.reps)]
        for i, (s, cpu, mb) in enumerate(runs, 1):
            print(f"rep {i}: pagefind CLI {s:.2f} s wall, {cpu:.1f} s CPU, peak {mb:.0f} MB", flush=True)
        print(f"median {statistics.median(s for s, _, _ in runs):.2f} s; peak {max(mb for _, _, mb in runs):.0f} MB")
        return 0
    if args.part_chars:
        search.PART_CHARS = args.part_chars
    started = time.perf_counter()
    catalog = catalog_of(site, config, args.jobs)
    records = search.search_records(catalog)
    chars = sum(len(r.content) for r in records)
    print(f"{len(records):,} records, {chars:,} characters of content, {search.part_count(records)} part(s); "
          f"catalog and records in {time.perf_counter() - started:.1f} s", flush=True)
    walls, peaks = [], []
    for rep in range(1, args.reps + 1):
        out = Path(tempfile.mkdtemp(prefix="search-bench-"))
        try:
            t = time.perf_counter()
            runs = search.write_search_index(records, out / "pagefind", config, jobs=args.jobs)
            wall = time.perf_counter() - t
        finally:
            shutil.rmtree(out, ignore_errors=True)
        walls.append(wall)
        peaks.append(max(r.peak_mb for r in runs))
        detail = ", ".join(f"{r.records} records {r.seconds:.1f} s ({r.cpu_seconds:.1f} s CPU) {r.peak_mb:.0f} MB"
                           for r in runs)
        print(f"rep {rep}: {wall:.2f} s wall, {sum(r.cpu_seconds for r in runs):.1f} s CPU ({detail})", flush=True)
    print(f"median {statistics.median(walls):.2f} s over {args.reps}; largest indexer peak {max(peaks):.0f} MB; "
          f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
