"""`site-builder import`: scraped files -> one Markdown record per summary."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path



def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, metavar="SCRAPE_FILE", help="scraped input files")
    p.add_argument("--to", type=Path, required=True, dest="to", help="folder to write the Markdown records into")


def file_name(record) -> str:
    from ..catalog.slugs import slugify

    title = record.paper.title or record.title or " ".join(record.body.split()[:8])
    return f"{slugify(title, 60)}-{record.id}.md"


def run(args: argparse.Namespace) -> int:
    # Imported here: the readers and the catalog would slow the start of every other command.
    from ..catalog.merge import merge_summaries
    from ..readers import read_file
    from ..readers.markdown_records import dump

    records, collections = [], {}
    for path in args.files:
        if not path.is_file():
            print(f"error: {path}: no such file", file=sys.stderr)
            return 2
        result = read_file(path)
        for d in result.diagnostics:
            print(d, file=sys.stderr)
        records += result.records
        collections.update((c.key, c) for c in result.collections)  # the last one read wins, as in a build
    from ..output.confine import Folder

    args.to.mkdir(parents=True, exist_ok=True)
    merged = merge_summaries(records)
    folder = Folder(args.to)  # a file name made from a record never leaves the folder
    for s in merged:
        folder.write(file_name(s.record), dump(s.record, collections).encode("utf-8"))
    print(f"Wrote {len(merged)} records ({len(records)} read from {len(args.files)} files) to {args.to}")
    return 0
