"""`site-builder new DIR` starts a site; `site-builder new summary "Title"` starts a summary.

The new site is a copy of site_builder/scaffold/ (shipped inside the wheel): a site.yaml, one
example of each input format, a .gitignore and a README, so that `site-builder build` works in
it at once, as after `mkdocs new` or `hugo new site`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

SCAFFOLD = Path(__file__).resolve().parent.parent / "scaffold"
# Stored under other names in the package: a dot file would be easy to lose from a wheel.
RENAMED = {"gitignore": ".gitignore"}
SUMMARY_FOLDER = "summaries"

SUMMARY = """---
title: {title}
authors: []            # e.g. [Ada Lovelace, Alan Turing]
venue: ""
year:                  # e.g. 2024
keywords: []           # e.g. [cs.LG, optimisation]
links: {{}}              # e.g. {{arxiv: https://arxiv.org/abs/1234.56789}}
contributor: Your Name
date: {date}
draft: true            # off the site until you remove this line (--drafts shows it)
---
Write the summary here, in Markdown; math goes between dollars, $E = mc^2$.
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", metavar="DIR|summary", help="a folder for a new site, or the word summary")
    p.add_argument("title", nargs="?", help="with summary: the title of the paper it is about")
    p.add_argument("--content", type=Path, default=Path("content"),
                   help=f"with summary: the site's content folder (default: ./content); it goes into {SUMMARY_FOLDER}/")


def run(args: argparse.Namespace) -> int:
    if args.what == "summary":
        if not args.title or not args.title.strip():
            return _error('give the paper\'s title: site-builder new summary "Paper title" '
                          "(for a new site in a folder named summary: site-builder new ./summary)")
        return new_summary(args.content, args.title.strip())
    if args.title is not None:
        return _error(f"unexpected {args.title!r}: `site-builder new DIR` takes only the folder")
    return new_site(Path(args.what))


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def scaffold_files() -> dict[str, Path]:
    """Relative path in the new site -> the packaged file it is copied from."""
    files = {}
    for path in sorted(SCAFFOLD.rglob("*")):
        rel = path.relative_to(SCAFFOLD)
        # Not a cache or output that a build of the scaffold itself (in a checkout) may have left.
        if path.is_file() and not any(part.startswith((".", "_")) for part in rel.parts):
            files[RENAMED.get(rel.as_posix(), rel.as_posix())] = path
    return dict(sorted(files.items()))


def new_site(target: Path) -> int:
    if target.exists() and not target.is_dir():
        return _error(f"{target} is a file; a new site needs a new or empty folder")
    if target.is_dir() and any(target.iterdir()):
        return _error(f"{target} is not empty; a new site goes into a new or empty folder")
    files = scaffold_files()
    for rel, source in files.items():
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "xb") as out:  # never over a file that appeared meanwhile
            out.write(source.read_bytes())
    print(f"Created a new site in {target}:")
    for rel in files:
        print(f"  {rel}")
    print(f"Next: cd {target} && site-builder serve    (then open http://127.0.0.1:8000/)")
    print("For formulas typeset at build time (no script in the pages): npm install    (reads package.json)")
    return 0


def new_summary(content: Path, title: str) -> int:
    from ..catalog.slugs import slugify

    if not content.is_dir():
        return _error(f"content folder not found: {content} (run this in the site's folder, or give --content)")
    folder = content / SUMMARY_FOLDER
    folder.mkdir(exist_ok=True)
    path = folder / f"{slugify(title, 60)}.md"
    # JSON's quoting is valid YAML: any title (colons, quotes, #) stays one string.
    text = SUMMARY.format(title=json.dumps(title, ensure_ascii=False), date=dt.date.today().isoformat())
    try:
        with open(path, "x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        return _error(f"{path} already exists; it was left as it was (choose another title, or edit that file)")
    print(f"Created {path}: a draft until you remove `draft: true` (site-builder serve --drafts shows it)")
    return 0
