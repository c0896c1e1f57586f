"""`site-builder enrich`: look papers up in arXiv and OpenAlex, write content/papers.enriched.yaml."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..config import ConfigError
from .options import add_input_options

API_KEY_VARIABLE = "OPENALEX_API_KEY"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_input_options(p)
    p.add_argument("--dry-run", action="store_true", help="ask, and print what would be written; write nothing")
    p.add_argument("--refresh", action="store_true",
                   help="ask again for papers the enriched file already has an entry for")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar; print only the summary's totals")
    p.set_defaults(base_url=None)


def run(args: argparse.Namespace) -> int:
    # Imported here: the readers, the catalog and the network code would slow every other command's start.
    from ..catalog import build_catalog
    from ..catalog import overrides as paper_overrides
    from ..enrich import store
    from ..enrich.run import Enricher
    from ..enrich.wanted import find_wanted
    from ..pipeline import BuildReport, read_inputs
    from .build import load

    try:
        config, _site_root = load(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    content: Path = args.content
    if not content.is_dir():
        print(f"error: content folder not found: {content}", file=sys.stderr)
        return 2
    target = content / store.ENRICHED_NAME
    try:
        enriched = store.load(target)
        user_entries = store.read_entries(content / store.USER_NAME, "papers")
    except store.StoreError as exc:
        print(f"error: {exc}; fix or remove it first (nothing was asked or written)", file=sys.stderr)
        return 2

    read = BuildReport()
    records, collections = read_inputs(content, read, config.max_input_mb * 1024 * 1024)
    # papers.yaml applies, as in a build; the enriched file does not: what a paper lacks is judged
    # without it (the file's own entries decide what is not asked again, and --refresh asks anew).
    overrides = paper_overrides.load(content)
    overrides.entries = overrides.user
    catalog = build_catalog(records, collections, config, overrides)
    wanted, answered = find_wanted(catalog, enriched, user_entries, refresh=args.refresh)
    if not args.quiet:
        print(f"{len(catalog.papers)} papers in {content}; {len(wanted)} to look up, "
              f"{answered} answered by an earlier run (--refresh asks again)")
    client = make_client(config)
    with _progress(len(wanted), enabled=not args.quiet and sys.stderr.isatty()) as advance:
        enricher = Enricher(config.enrich, client, api_key=os.environ.get(API_KEY_VARIABLE, "").strip(),
                            advance=advance)
        report = enricher.run(wanted)
    report.answered_before = answered
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    enricher.apply(enriched)
    if report.interrupted:
        print(f"interrupted: {len(report.outcomes)} of {len(wanted)} papers answered; they are kept, "
              "the rest is asked next time", file=sys.stderr)
    print("\n".join(summary(report, verbose=not args.quiet)))
    if args.dry_run:
        print(f"\n--dry-run: {target} would read:\n")
        print(store.render(enriched))
    elif any(o.status != "error" for o in report.outcomes):
        store.write(target, enriched)
        print(f"Wrote {target} ({len(enriched.papers)} papers, {len(enriched.unresolved)} unresolved): "
              "review it and commit it")
    if report.interrupted:
        return 130
    return 1 if report.having("error") else 0


def make_client(config):
    """The HTTP client the lookups use (a seam: tests give it a fake clock)."""
    from ..net import Client

    return Client(contact=config.enrich.mailto)


def summary(report, verbose: bool = True) -> list[str]:
    found, amb, nf, err = (report.having(s) for s in ("found", "ambiguous", "not-found", "error"))
    by_source: dict[str, int] = {}
    for o in found:
        by_source[o.source] = by_source.get(o.source, 0) + 1
    sources = ", ".join(f"{n} from {s}" for s, n in sorted(by_source.items()))
    lines = [f"Looked up {len(report.outcomes)} papers: {len(found)} found" + (f" ({sources})" if sources else "")
             + f", {len(amb)} ambiguous, {len(nf)} not found, {len(err)} failed"]
    if not verbose:
        return lines
    for title, items in (("found", found), ("ambiguous (not taken; see unresolved: in the file)", amb),
                         ("not found", nf), ("failed (asked again next run)", err)):
        if not items:
            continue
        lines.append(f"  {title}:")
        for o in items:
            what = f"{o.wanted.title[:70]!r}" + (f" [{', '.join(o.wanted.missing)} missing]" if title == "found" else "")
            lines.append(f"    {what}: {o.detail}" if o.detail and o.status != "found" else f"    {what}")
            lines.extend(f"      candidate: {c}" for c in o.candidates)
    return lines


class _progress:
    """A rich progress bar on stderr (a terminal only); yields the advance(n) callback."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled, self.bar = total, enabled and total > 0, None

    def __enter__(self):
        if not self.enabled:
            return lambda n: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("looking up"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            transient=True, console=Console(file=sys.stderr))
        task = self.bar.add_task("papers", total=self.total)
        self.bar.start()
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
