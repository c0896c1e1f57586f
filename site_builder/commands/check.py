"""`site-builder check`: build into a temporary folder and check the result, like `zola check`.

Checked: internal links and #anchors (pages, images, scripts, canonical URLs), feeds and the
sitemap (well-formed, their links exist) and, when Java and npm's vnu-jar are installed, HTML
validity. Exit 0 with a one-line summary; 1 with one line per problem naming the page and the
target; 2 and 3 as for `build` (a config mistake; the build failed).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .options import add_drafts_option, add_input_options, add_jobs_option


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_input_options(p)
    p.add_argument("--base-url", default=None, help="public URL of the site, overriding base_url in the config")
    add_jobs_option(p)
    add_drafts_option(p)
    p.add_argument("--no-html-check", action="store_true",
                   help="skip the HTML validity check (vnu), which needs Java and takes a few seconds")


def run(args: argparse.Namespace) -> int:
    from ..cache import BuildCache
    from ..check.feeds import check_feeds
    from ..check.links import broken_links
    from ..parallel import default_jobs
    from ..pipeline import build
    from .build import failure_message, load_or_explain

    loaded = load_or_explain(args)
    if loaded is None:
        return 2
    config, site_root = loaded
    temp = Path(tempfile.mkdtemp(prefix="site-builder-check-"))
    output = temp / "site"
    try:
        try:
            # A cache of its own, in memory: checking leaves the site's build cache as it was.
            report = build(args.content, output, config, site_root, jobs=args.jobs or default_jobs(),
                           cache=BuildCache.memory())
        except Exception as exc:  # noqa: BLE001 - as `build` reports it
            print(failure_message(exc), file=sys.stderr)
            return 3
        pages = sum(1 for _ in output.rglob("*.html"))
        links, problems = broken_links(output, config.root_url)
        feeds, feed_problems = check_feeds(output, config.root_url)
        problems += feed_problems
        html, html_problems = html_check(output, site_root, config, skip=args.no_html_check)
        problems += html_problems
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    for line in problems:
        print(line)
    s = "" if report.warnings == 1 else "s"
    warnings = f"; {report.warnings} build warning{s} (`site-builder build` lists them)" if report.warnings else ""
    summary = f"{pages} pages, {links} internal links, {feeds} feeds and sitemaps, {html}{warnings}"
    if problems:
        print(f"check: {len(problems)} problems in {summary}", file=sys.stderr)
        return 1
    print(f"check: no problems in {summary}")
    return 0


def html_check(output: Path, site_root: Path, config, *, skip: bool) -> tuple[str, list[str]]:
    """(what the summary says of HTML validity, problems)."""
    from ..check.html import describe, find_vnu, vnu_messages

    if skip:
        return "HTML not validated (--no-html-check)", []
    command, why = find_vnu(site_root / config.mathjax.npm_root, site_root, Path.cwd())
    if command is None:
        return f"HTML not validated ({why})", []
    try:
        messages = vnu_messages(command, [output])
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        return f"HTML not validated ({exc})", []
    return "HTML validated (vnu)", [describe(m, output) for m in messages]
