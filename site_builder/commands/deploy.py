"""`site-builder deploy`: build, then publish to a folder or to a gh-pages branch."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import ConfigError
from ..deploy import folder, ghpages
from . import build as build_command
from .options import add_input_options, add_output_options
from .build import load

BRANCH_TARGET = "gh-pages"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", required=True, metavar="DIR|gh-pages",
                   help="a folder to sync the site into, or the word gh-pages to commit it to a branch and push")
    p.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    p.add_argument("--no-build", action="store_true", help="deploy the output folder as it is")
    p.add_argument("--remote", default="origin", help="gh-pages: remote to push to (default: origin)")
    p.add_argument("--branch", default="gh-pages", help="gh-pages: branch to commit to (default: gh-pages)")
    p.add_argument("--message", default=None, help="gh-pages: commit message")
    p.add_argument("--force", action="store_true",
                   help="a folder: deploy into a non-empty folder that holds no site-builder site (its other files "
                        "are deleted); gh-pages: replace the branch's history instead of adding to it")
    p.add_argument("--allow-dirty", action="store_true", help="gh-pages: deploy even with uncommitted changes to the site's inputs")
    add_input_options(p)
    add_output_options(p, output_help="folder the site is built in (default: ./_site)",
                       strict_help="do not deploy when the build has warnings",
                       quiet_help="print only warnings, errors and the result")


def build_args(args: argparse.Namespace) -> argparse.Namespace:
    """`build`'s own defaults (whatever options it grows), with the ones deploy shares filled in."""
    parser = argparse.ArgumentParser()
    build_command.add_arguments(parser)
    defaults = parser.parse_args([])
    for name in ("content", "output", "config", "base_url", "strict", "quiet"):
        setattr(defaults, name, getattr(args, name))
    return defaults


def run(args: argparse.Namespace) -> int:
    if args.to != BRANCH_TARGET:  # before building: a folder it may not replace is refused at once
        try:
            site_root = load(args)[1]
            folder.check_target(args.output, Path(args.to), [site_root, *input_paths(args, site_root)], args.force)
        except ConfigError:
            pass  # reported by the build below, as for any command
        except folder.FolderDeployError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if not args.no_build:
        status = build_command.run(build_args(args))
        if status:
            print("error: build failed; nothing deployed", file=sys.stderr)
            return status
    elif not (args.output / "index.html").is_file():
        print(f"error: {args.output} holds no built site; run `site-builder build` or drop --no-build", file=sys.stderr)
        return 2
    try:
        config, site_root = load(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    inputs = input_paths(args, site_root)
    try:
        if args.to == BRANCH_TARGET:
            return to_branch(args, config, inputs)
        return to_folder(args, site_root, inputs)
    except folder.FolderDeployError as exc:  # a target it must not replace: a usage error
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ghpages.GhPagesError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def input_paths(args: argparse.Namespace, site_root: Path) -> list[Path]:
    """What the site is built from: a deploy never deletes them, and gh-pages wants them committed."""
    return [args.content, args.config or Path("site.yaml"), site_root / "templates", site_root / "static"]


def show(changes, dry_run: bool) -> None:
    if dry_run:
        for line in changes.lines():
            print(line)


def to_folder(args: argparse.Namespace, site_root: Path, inputs: list[Path]) -> int:
    target = Path(args.to)
    changes = folder.deploy(args.output, target, keep=[site_root, *inputs], dry_run=args.dry_run, force=args.force)
    show(changes, args.dry_run)
    print(f"{'would update' if args.dry_run else 'deployed to'} {target}: {changes.summary()}")
    return 0


def to_branch(args: argparse.Namespace, config, inputs: list[Path]) -> int:
    result = ghpages.publish(args.output, Path.cwd(), remote=args.remote, branch=args.branch, message=args.message,
                             cname=config.cname, force=args.force, dry_run=args.dry_run, inputs=inputs,
                             allow_dirty=args.allow_dirty)
    show(result.changes, args.dry_run)
    where = f"{args.remote}/{args.branch}"
    if args.dry_run:
        print(f"would commit to {where}: {result.changes.summary()}")
    elif result.commit is None:
        print(f"{where} is already up to date")
    else:
        print(f"pushed {result.commit[:12]} to {where}: {result.changes.summary()}")
    return 0
