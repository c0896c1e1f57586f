"""`site-builder build`: read the content folder and write the static site."""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import ConfigError, load_config
from ..output.assets import AssetError
from ..output.confine import UnsafePath
from ..output.target import OutputRefused, check_build_output
from ..output.theme import template_error, template_error_message
from .options import add_input_options, add_output_options

if TYPE_CHECKING:
    from ..pipeline import BuildReport

# The pipeline (Jinja, the renderers) is imported in run(): a build that finds nothing
# changed, the commonest one, then loads only the config and the cache (half its time was imports).


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_input_options(p)
    add_output_options(p, output_help="folder to write the site to (default: ./_site)",
                       strict_help="exit non-zero when there are warnings", quiet_help="print only warnings and errors")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="processes for rendering (default: the number of cores; 1 = serial)")
    p.add_argument("--clean", action="store_true", help="ignore the build cache and build everything again")
    p.add_argument("--mirror-images", action="store_true",
                   help="download remote figures once into the build cache and serve them from the site "
                        "(as `images: mirror`; the only time build uses the network)")


def load(args: argparse.Namespace):
    config_path = args.config if args.config is not None else Path("site.yaml")
    config = load_config(config_path, required=args.config is not None)
    if args.base_url:
        config = replace(config, base_url=args.base_url)
    if getattr(args, "mirror_images", False):
        config = replace(config, images="mirror")
    site_root = config_path.resolve().parent if config_path.exists() else Path.cwd()
    return config, site_root


def summary_lines(report: BuildReport, output: Path) -> list[str]:
    return [
        f"Built {output} in {report.seconds:.2f} s",
        f"  files read     {report.files_read}",
        f"  records        {report.records}",
        f"  summaries      {report.summaries}",
        f"  papers         {report.papers}",
        f"  pages written  {report.pages} ({report.files_written} files in all, {report.files_changed} changed,"
        f" {report.pages_rendered} pages rendered)",
        f"  warnings       {report.warnings}",
    ] + ([f"  how            {report.how}"] if report.how else []) + unidentified_lines(report)


def unidentified_lines(report: BuildReport) -> list[str]:
    """The summaries whose paper is unknown, so the user can tie them in content/papers.yaml."""
    if not report.unidentified:
        return []
    n = len(report.unidentified)
    lines = [f"  {n} summar{'y' if n == 1 else 'ies'} without a paper (tie them to a paper under `summaries:`"
             " in content/papers.yaml; see docs/catalog.md):"]
    for sid, origins, title in report.unidentified:
        lines.append(f"    {sid}  {', '.join(origins)}  \"{title}\"")
    return lines


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror + (f" ({exc.filename})" if exc.filename else "")
    return str(exc)


def run(args: argparse.Namespace) -> int:
    from ..incremental.persist import build_site
    from ..parallel import default_jobs
    from .progress import progress_display

    try:
        config, site_root = load(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:  # before any work: a build must never replace a folder it did not write
        check_build_output(args.output, args.content, site_root)
    except OutputRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        jobs = args.jobs if args.jobs and args.jobs > 0 else default_jobs()
        with progress_display(enabled=not args.quiet and sys.stderr.isatty()) as progress:
            if args.clean:
                from ..pipeline import build

                report = build(args.content, args.output, config, site_root, use_cache=False, jobs=jobs,
                               progress=progress)
            else:  # incremental when the last build's session still fits (incremental/persist.py)
                report = build_site(args.content, args.output, config, site_root, jobs=jobs, progress=progress,
                                    last_build=True)
    except (FileNotFoundError, AssetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except template_error() as exc:  # a broken theme override: nothing was written
        print(f"error: {template_error_message(exc)}; the previous output was left as it was", file=sys.stderr)
        return 2
    except (OSError, UnsafePath) as exc:  # a full disk, a write refused: the build failed, the old site stands
        print(f"error: the site could not be written: {_reason(exc)}; the previous site in {args.output} "
              f"was left as it was", file=sys.stderr)
        return 3
    for d in report.diagnostics:
        print(d, file=sys.stderr)
    for w in report.render_warnings:
        print(f"{w}", file=sys.stderr)
    if not args.quiet:
        print("\n".join(summary_lines(report, args.output)))
    if args.strict and report.warnings:
        print(f"error: {report.warnings} warnings and --strict is set", file=sys.stderr)
        return 1
    return 0
