"""Paper identity on a content folder: which papers have a year, authors and topics, and from where.

    python benchmarks/identity_report.py ../shared/seeds            # the table and the counts
    python benchmarks/identity_report.py ../shared/seeds --compare  # + reference parsers compared

Offline and read-only: it reads the inputs and builds the catalog, nothing else.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_builder.catalog import build_catalog  # noqa: E402
from site_builder.catalog import overrides as paper_overrides  # noqa: E402
from site_builder.config import SiteConfig  # noqa: E402
from site_builder.pipeline import BuildReport, read_inputs  # noqa: E402
from site_builder.render.plaintext import derive_title  # noqa: E402


def catalog_of(content: Path):
    report = BuildReport()
    records, collections = read_inputs(content, report)
    return build_catalog(records, collections, SiteConfig(), paper_overrides.load(content))


def counts(catalog) -> dict[str, str]:
    papers = catalog.papers
    statwiki = [p for p in papers if any(s.record.source == "statwiki" for s in p.summaries)]
    sw = [s for s in catalog.summaries if s.record.source == "statwiki"]
    return {
        "papers with a year": f"{sum(p.year is not None for p in papers)} of {len(papers)}",
        "statwiki papers with authors": f"{sum(bool(p.meta.authors) for p in statwiki)} of {len(statwiki)}",
        "papers with a topic": f"{sum(bool(p.topics) for p in papers)} of {len(papers)}",
        "summaries without a paper": f"{len(catalog.unidentified)} of {len(catalog.summaries)}",
        "statwiki summaries credited to the wiki account": str(sum(1 for s in sw if s.record.contributor and s.record.contributor == s.record.editor)),
        "statwiki summaries with a presenter as credit": f"{sum(bool(s.record.contributor) for s in sw)} of {len(sw)}",
    }


def table(catalog) -> list[str]:
    rows = ["| paper | year (source) | authors (source) | venue (source) | topics |", "|---|---|---|---|---|"]
    for p in sorted(catalog.papers, key=lambda p: p.title.lower()):
        m = p.meta
        src = lambda f: m.sources.get(f, "scraped")  # noqa: E731
        authors = ", ".join(m.authors) if m.authors else "—"
        note = m.sources.get("authors.note")
        rows.append(" | ".join([
            f"| {p.title}",
            f"{p.year} ({src('year')})" if p.year else "—",
            f"{authors} ({src('authors')}{'; ' + note if note else ''})" if m.authors else "—",
            f"{m.venue} ({src('venue')})" if m.venue else "—",
            ", ".join(p.topics) or "—",
        ]) + " |")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("content", type=Path)
    ap.add_argument("--compare", action="store_true", help="compare reference parsers on the self-citations")
    ap.add_argument("--topics", action="store_true", help="list each paper's topics with their sources")
    ap.add_argument("--refextract-python", default=None, help="a Python that has refextract installed (for --compare)")
    args = ap.parse_args()
    catalog = catalog_of(args.content)
    for k, v in counts(catalog).items():
        print(f"{k:50} {v}")
    print()
    print("\n".join(table(catalog)))
    print()
    print("Summaries without a paper (title shown):")
    for s in catalog.unidentified:
        print(f"  {s.id}  {', '.join(s.record.origins)}  {derive_title(s.record.body)!r}")
    if args.topics:
        for p in catalog.papers:
            print(p.title)
            for t, src in p.topic_sources.items():
                print(f"    {t}: {src}")
    if args.compare:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from compare_reference_parsers import compare
        compare(catalog, args.refextract_python)


if __name__ == "__main__":
    main()
