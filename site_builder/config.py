"""Site configuration: `site.yaml` at the site root, every key optional.

Unknown keys are an error that names the key (and the closest known one), because
a silently ignored typo ("base_ulr") is worse than a failed build.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

DEFAULT_MATHJAX_URL = "https://cdn.jsdelivr.net/npm/mathjax@4/tex-chtml.js"


class ConfigError(Exception):
    """The configuration cannot be used; the message says which key and why."""


@dataclass
class MathJaxConfig:
    """How formulas are checked and shown (the `mathjax:` section of site.yaml)."""

    # Where the browser loads MathJax from. Ignored when self_host is true.
    url: str = DEFAULT_MATHJAX_URL
    # Copy MathJax from the npm package into the built site (nothing fetched at view time).
    self_host: bool = False
    # Folder holding node_modules/mathjax and node_modules/@mathjax (relative to the site root).
    npm_root: str = "."


@dataclass
class TopicRule:
    """Adds `topic` to every paper whose keywords or title contain one of `match`."""

    topic: str
    match: list[str] = field(default_factory=list)


@dataclass
class SiteConfig:
    """The site's settings, from site.yaml."""

    title: str = "Paper Summaries"
    description: str = "Summaries of research papers, organised by paper, year, topic, venue and author."
    base_url: str = "http://localhost:8000/"
    language: str = "en"
    author: str = ""
    # "first-last" shows "Kaiming He"; "last-first" shows "He, Kaiming".
    author_names: str = "first-last"
    wiki_base: str = "https://wiki.math.uwaterloo.ca/statwiki/"
    shortscience_base: str = "https://www.shortscience.org/"
    home_recent: int = 12
    page_size: int = 50
    topics: list[TopicRule] = field(default_factory=list)
    # keyword -> topic name, overriding or extending the built-in arXiv category names
    topic_names: dict[str, str] = field(default_factory=dict)
    mathjax: MathJaxConfig = field(default_factory=MathJaxConfig)
    # Collection display names by key, e.g. {"stat946w18": "STAT 946 (Winter 2018)"}
    collections: dict[str, str] = field(default_factory=dict)
    # Index the built site with Pagefind and add the search page. Off for benchmarks.
    search: bool = True
    # Atom feed entries (site-wide and per topic).
    feed_entries: int = 20
    # Custom domain for `deploy --to gh-pages`: written to the branch as the CNAME file.
    cname: str = ""
    # Largest input file read, in megabytes; a bigger one is reported and skipped.
    max_input_mb: int = 50

    @property
    def root_url(self) -> str:
        return self.base_url if self.base_url.endswith("/") else self.base_url + "/"


def _closest(key: str, known: list[str]) -> str:
    match = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _build(cls: type, data: Any, file: str, prefix: str = "") -> Any:
    """Make dataclass `cls` from a mapping, checking keys and value types.

    Errors read `site.yaml: unknown key 'mathjax.selfhost' (did you mean ...)`.
    """
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: '{prefix.rstrip('.') or 'top level'}' must be a mapping, got {type(data).__name__}")
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            hint = _closest(str(key), list(known)).replace("'", f"'{prefix}", 1) if _closest(str(key), list(known)) else ""
            raise ConfigError(f"{file}: unknown key '{prefix}{key}'{hint}")
        values[key] = _convert(known[key], value, file, f"{prefix}{key}")
    return cls(**values)


def _convert(f: Any, value: Any, file: str, key: str) -> Any:
    where = f"{file}: '{key}'"
    default = f.default_factory() if callable(f.default_factory) else f.default  # type: ignore[misc]
    if f.name == "topics":
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list of {{topic, match}} rules")
        return [_build(TopicRule, item, file, f"{key}[{i}].") for i, item in enumerate(value)]
    if f.name == "mathjax":
        return _build(MathJaxConfig, value or {}, file, f"{key}.")
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if isinstance(default, int):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{where}: expected a positive whole number, got {value!r}")
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected text, got {value!r}")
        if f.name == "author_names" and value not in ("first-last", "last-first"):
            raise ConfigError(f"{where}: expected 'first-last' or 'last-first', got {value!r}")
        return value
    if isinstance(default, dict):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ConfigError(f"{where}: expected a mapping of names to text")
        return {str(k): v for k, v in value.items()}
    return value


def load_config(path: Path | None, *, required: bool = False) -> SiteConfig:
    """Read `path` (YAML). A missing optional file gives the defaults."""
    if path is None or not path.exists():
        if required and path is not None:
            raise ConfigError(f"{path}: config file not found")
        return SiteConfig()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        pos = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}{pos}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if data is None:
        return SiteConfig()
    return _build(SiteConfig, data, str(path))
