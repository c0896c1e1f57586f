"""Options several commands share, defined once so their names and help agree."""
from __future__ import annotations

import argparse
from pathlib import Path


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1 (argparse names the option when it is not)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {value}")
    return value


def add_jobs_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("-j", "--jobs", type=positive_int, default=None, metavar="N",
                   help="processes for reading and rendering (default: the number of cores; 1 = serial)")


def add_drafts_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("-D", "--drafts", action="store_true",
                   help="include records marked `draft: true` (left out by default, and never deployed)")


def add_input_options(p: argparse.ArgumentParser) -> None:
    """What to build from: --content and --config."""
    p.add_argument("--content", type=Path, default=Path("content"), help="folder of input files (default: ./content)")
    p.add_argument("--config", type=Path, default=None, help="site config file (default: ./site.yaml if present)")


def add_output_options(p: argparse.ArgumentParser, *, output_help: str, strict_help: str, quiet_help: str) -> None:
    """Where and how strictly to build: --output, --base-url, --strict, --quiet."""
    p.add_argument("--output", type=Path, default=Path("_site"), help=output_help)
    p.add_argument("--base-url", default=None, help="public URL of the site, overriding base_url in the config")
    p.add_argument("--strict", action="store_true", help=strict_help)
    p.add_argument("-q", "--quiet", action="store_true", help=quiet_help)
