"""`site-builder build`: read the content folder and write the static site.

Exit codes (docs/building.md): 0 built; 1 built, with warnings and --strict; 2 a usage or
config mistake (nothing was built); 3 the build failed (the previous output is left as it was).
"""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import ConfigError, load_config, with_values
from ..output.assets import AssetError
from ..output.confine import UnsafePath
from ..output.target import OutputRefused, check_build_output
from ..output.theme import template_error, template_error_message
from .options import add_drafts_option, add_input_options, add_jobs_option, add_output_options

if TYPE_CHECKING:
    from ..pipeline import BuildReport

# The pipeline (Jinja, the renderers) is imported in run(): a build that finds nothing
# changed, the commonest one, then loads only the config and the cache (half its time was imports).


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_input_options(p)
    add_output_options(p, output_help="folder to write the site to (default: ./_site)",
                       strict_help="exit non-zero when there are warnings", quiet_help="print only warnings and errors")
    add_jobs_option(p)
    add_drafts_option(p)
    add_cache_options(p)
    p.add_argument("--mirror-images", action="store_true",
                   help="download remote figures once into the build cache and serve them from the site "
                        "(as `images: mirror`; the only time build uses the network)")


def add_cache_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ignore-cache", action="store_true",
                   help="build everything from scratch, reusing nothing from the build cache (which is then refilled)")
    # MkDocs' and Hugo's --clean removes stale files from the output. Ours never has any (each build
    # is a fresh copy swapped in whole), so --clean is taken as the other half of "from scratch".
    p.add_argument("--clean", action="store_true", dest="ignore_cache",
                   help="the same as --ignore-cache (stale output files are never kept anyway)")


def load(args: argparse.Namespace):
    config_path = args.config if args.config is not None else Path("site.yaml")
    config = load_config(config_path, required=args.config is not None)
    if args.base_url:
        config = with_values(config, "--base-url", base_url=args.base_url)
    if getattr(args, "drafts", False):  # deploy has no --drafts: what is published is never a draft
        config = with_values(config, "--drafts", drafts=True)
    if getattr(args, "mirror_images", False):
        config = with_values(config, "--mirror-images", images="mirror")
    site_root = config_path.resolve().parent if config_path.exists() else Path.cwd()
    return config, site_root


def load_or_explain(args: argparse.Namespace):
    """load(), or None once a usage or config mistake is printed (the command then exits 2)."""
    try:
        config, site_root = load(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    if not args.content.is_dir():
        print(f"error: content folder not found: {args.content}", file=sys.stderr)
        return None
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
    ] + ([f"  drafts         {report.drafts} left out (--drafts includes them)"] if report.drafts else []) + (
        [f"  how            {report.how}"] if report.how else []) + unidentified_lines(report)


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

    loaded = load_or_explain(args)
    if loaded is None:
        return 2
    config, site_root = loaded
    try:  # before any work: a build must never replace a folder it did not write
        check_build_output(args.output, args.content, site_root)
    except OutputRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        jobs = args.jobs or default_jobs()
        with progress_display(enabled=not args.quiet and sys.stderr.isatty()) as progress:
            if args.ignore_cache:
                from ..pipeline import build

                report = build(args.content, args.output, config, site_root, use_cache=False, jobs=jobs,
                               progress=progress)
            else:  # incremental when the last build's session still fits (incremental/persist.py)
                report = build_site(args.content, args.output, config, site_root, jobs=jobs, progress=progress,
                                    last_build=True)
    except AssetError as exc:  # the config asks for something not installed (npm packages)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - every failure is a message and exit code 3
        print(failure_message(exc, args.output), file=sys.stderr)
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


def failure_message(exc: Exception, output: Path | None = None) -> str:
    """What a failed build prints. Nothing was written: the staged output was never swapped in."""
    kept = f"; the previous site in {output} was left as it was" if output else ""
    if isinstance(exc, template_error()):  # a broken theme override
        return f"error: {template_error_message(exc)}{kept}"
    if isinstance(exc, (OSError, UnsafePath)):  # a full disk, a write refused: the machine's doing, not a bug
        return f"error: the site could not be written: {_reason(exc)}{kept}"
    # Anything else is a bug in site_builder: the traceback is what a report of it needs.
    return "".join(traceback.format_exception(exc)) + f"error: build failed: {type(exc).__name__}: {exc}{kept}"
