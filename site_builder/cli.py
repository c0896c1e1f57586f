"""Command line entry point: one sub-command per module in site_builder/commands."""
from __future__ import annotations

import argparse
import atexit
import os
import sys

from importlib import import_module

from . import __version__

# Command -> (module in site_builder/commands, help). A command's module is imported only when the
# parser needs it: `site-builder build` does not load what deploy, check or enrich import.
COMMANDS = {
    "new": ("new", "start a new site in a folder, or a new summary in this site (new summary \"Title\")"),
    "build": ("build", "build the static site from a content folder"),
    "check": ("check", "build into a temporary folder and check links, anchors, images, feeds and HTML"),
    "import": ("import_records", "turn scraped files into Markdown records with front matter"),
    "serve": ("serve", "build, serve on this machine, rebuild and reload pages on every edit"),
    "deploy": ("deploy", "build, then publish the site to a folder or a gh-pages branch"),
    "enrich": ("enrich", "look papers up in arXiv and OpenAlex; write content/papers.enriched.yaml for builds to read"),
}


def make_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; `only`: with that one command's own options (the others listed, empty)."""
    parser = argparse.ArgumentParser(prog="site-builder", description="Static site generator for research-paper summaries.")
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    subs = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        if only is None or name == only:
            module = import_module(f"{__package__}.commands.{module_name}")
            module.add_arguments(sub)
            sub.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # The command is the first argument that is not an option (none of the top-level options takes a value).
    command = next((a for a in argv if not a.startswith("-")), None)
    args = make_parser(command if command in COMMANDS else None).parse_args(argv)
    return args.run(args)


def entry() -> None:
    """The `site-builder` program: main(), then the process ends without tearing down its heap.

    A build of 10,000 summaries leaves ~700 MB of objects that the interpreter would free one
    by one on the way out (about a second), though the process is about to end anyway. Exit
    handlers still run and output is flushed; an exception still ends it the usual way.
    """
    code = main()
    atexit._run_exitfuncs()  # what a normal exit runs first: logging's flush, multiprocessing's joins
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed, or a broken pipe: nothing more can be said on it
            pass
    os._exit(0 if code is None else code if isinstance(code, int) else 1)


if __name__ == "__main__":
    entry()
