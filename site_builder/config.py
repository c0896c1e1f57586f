"""Site configuration: `site.yaml` at the site root, every key optional.

Unknown keys are an error that names the key (and the closest known one), because
a silently ignored typo ("base_ulr") is worse than a failed build.
"""
from __future__ import annotations

import difflib
import math
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml

DEFAULT_MATHJAX_URL = "https://cdn.jsdelivr.net/npm/mathjax@4/tex-chtml.js"
MATH_MODES = ("build", "client")
IMAGE_MODES = ("link", "mirror")


class ConfigError(Exception):
    """The configuration cannot be used; the message says which key and why."""


def _shown(value: Any) -> str:
    """A value as an error message quotes it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _printable(text: str) -> str:
    """A key as a one-line message can show it: control characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def absolute_url(value: str) -> str | None:
    """Field check: an absolute http(s) URL, or why not. A base_url without a scheme used to
    make every link of the site relative to nothing."""
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return f"expected an absolute http:// or https:// URL such as https://example.org/notes/, got {_shown(value)}"
    return None


def tex_macros(value: dict[str, Any]) -> str | None:
    """Field check: TeX macros as MathJax takes them, name -> "definition" or [definition, number of arguments]."""
    for name, definition in value.items():
        if not name.lstrip("\\").isalpha():
            return f"macro name {_shown(name)} must be letters only"
        if isinstance(definition, list) and not (
                len(definition) == 2 and isinstance(definition[0], str) and isinstance(definition[1], int)
                and 0 <= definition[1] <= 9):
            return f"macro '{_printable(name)}' must be a definition or [definition, arguments 0-9]"
    return None


@dataclass
class MathJaxConfig:
    """How formulas are checked and shown (the `mathjax:` section of site.yaml)."""

    # Where the browser loads MathJax from. Ignored when self_host is true.
    url: str = DEFAULT_MATHJAX_URL
    # Copy MathJax from the npm package into the built site (nothing fetched at view time).
    self_host: bool = False
    # Folder holding node_modules/mathjax and node_modules/@mathjax (relative to the site root).
    npm_root: str = "."
    # TeX macros every formula may use, name -> definition ("\\mathbb{R}") or [definition, arguments].
    macros: dict[str, str | list[str | int]] = field(default_factory=dict, metadata={"value_check": tex_macros})
    # With math: build, where pages load MathJax's fonts from; empty: copied into the site.
    font_url: str = ""


@dataclass
class EnrichConfig:
    """Where `site-builder enrich` asks (tests and mirrors point these elsewhere)."""

    arxiv: str = field(default="https://export.arxiv.org/api/query", metadata={"check": absolute_url})
    openalex: str = field(default="https://api.openalex.org", metadata={"check": absolute_url})
    # A contact address: OpenAlex's polite pool, and the User-Agent of every request.
    mailto: str = ""


@dataclass
class TopicRule:
    """Adds `topic` to every paper whose title, keywords or abstract has one of `match` (whole words)."""

    topic: str = field(metadata={"nonempty": True})
    match: list[str] = field(default_factory=list, metadata={"nonempty": True})


@dataclass
class SiteConfig:
    """The site's settings, from site.yaml."""

    title: str = "Paper Summaries"
    description: str = "Summaries of research papers, organised by paper, year, topic, venue and author."
    base_url: str = field(default="http://localhost:8000/", metadata={"check": absolute_url})
    language: str = "en"
    author: str = ""
    # "first-last" shows "Kaiming He"; "last-first" shows "He, Kaiming".
    author_names: Literal["first-last", "last-first"] = "first-last"
    wiki_base: str = field(default="https://wiki.math.uwaterloo.ca/statwiki/", metadata={"check": absolute_url})
    shortscience_base: str = field(default="https://www.shortscience.org/", metadata={"check": absolute_url})
    home_recent: int = 12
    page_size: int = 50
    topics: list[TopicRule] = field(default_factory=list)
    # Use the built-in topic taxonomy's rules (catalog/data/topics.yaml); `topics` extends it.
    default_topics: bool = True
    # keyword -> topic name, overriding or extending the built-in arXiv category names
    topic_names: dict[str, str] = field(default_factory=dict)
    # "build": formulas typeset into the pages when the site is built (no script); "client": by MathJax in the browser.
    math: Literal["build", "client"] = "build"  # MATH_MODES
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
    # Put records marked `draft: true` on the site (with a "Draft" badge); `--drafts` sets it.
    drafts: bool = False
    # Remote figures: "link" hot-links them; "mirror" downloads each once into the build
    # cache and serves it from the site (the only network use of `build`, and only then).
    images: Literal["link", "mirror"] = "link"  # IMAGE_MODES
    # Largest figure mirrored, in megabytes; a bigger one stays a remote link.
    images_max_mb: int = 20
    enrich: EnrichConfig = field(default_factory=EnrichConfig)
    # Work one summary's rendering may do, in millions of steps (about characters scanned);
    # past it the summary is shown as escaped text with a warning. See render/budget.py.
    render_budget: int = 200
    # Seconds one summary's rendering may take: a safety net far above any real summary's time.
    render_timeout: int = 60

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
        raise ConfigError(f"{file}: '{_printable(prefix.rstrip('.')) or 'top level'}' must be a mapping, got {type(data).__name__}")
    known = {f.name: f for f in fields(cls)}
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            hint = _closest(str(key), list(known)).replace("'", f"'{prefix}", 1) if _closest(str(key), list(known)) else ""
            raise ConfigError(f"{file}: unknown key '{_printable(prefix + str(key))}'{hint}")
        values[key] = _convert(known[key], value, file, f"{prefix}{key}", hints[key])
    for f in fields(cls):
        if f.name not in values and f.default is MISSING and f.default_factory is MISSING:
            raise ConfigError(f"{file}: '{_printable(prefix.rstrip('.')) or 'top level'}': missing key '{f.name}'")
    return cls(**values)


build_section = _build  # for the tests, and for code reading a section of its own


def _convert(f: Any, value: Any, file: str, key: str, tp: Any = Any) -> Any:
    """`value` for field `f` (declared type `tp`), checked against that type and the field's
    metadata: {"check": fn returning an error or None, "min": least whole number (default 1),
    "nonempty": no empty text, "value_check": like "check", for the whole value of any type}.
    A key added to a dataclass here is checked without more code."""
    out = _value(tp, value, file, key, f.metadata)
    problem = f.metadata["value_check"](out) if "value_check" in f.metadata else None
    if problem:
        raise ConfigError(f"{file}: '{_printable(key)}': {problem}")
    return out


def _value(tp: Any, value: Any, file: str, key: str, meta: Any) -> Any:
    where = f"{file}: '{_printable(key)}'" if key else file
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if value is None and len(options) < len(args):
            return None
        for option in options:
            try:
                return _value(option, value, file, key, meta)
            except ConfigError:
                pass
        raise ConfigError(f"{where}: expected {' or '.join(_describe(o) for o in options)}, got {_shown(value)}")
    if origin is typing.Literal:
        if any(value == a and type(value) is type(a) for a in args):
            return value
        raise ConfigError(f"{where}: expected {_describe(tp)}, got {_shown(value)}")
    if is_dataclass(tp):
        return _build(tp, {} if value is None else value, file, f"{key}.")  # `mathjax:` alone: the defaults
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {_shown(value)}")
        return value
    if tp is int:
        least = meta.get("min", 1)
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            kind = "a positive whole number" if least == 1 else f"a whole number of at least {least}"
            raise ConfigError(f"{where}: expected {kind}, got {_shown(value)}")
        return value
    if tp is float:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise ConfigError(f"{where}: expected a number, got {_shown(value)}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected text, got {_shown(value)}")
        if meta.get("nonempty") and not value.strip():
            raise ConfigError(f"{where}: must not be empty")
        problem = meta["check"](value) if "check" in meta else None
        if problem:
            raise ConfigError(f"{where}: {problem}")
        return value
    if origin is list:
        if isinstance(value, str):  # `match: dropout` would be matched letter by letter
            hint = f" (write [{value}])" if value.isprintable() and len(value) <= 40 else ""
            raise ConfigError(f"{where}: expected {_describe(tp)}, got the text {_shown(value)}{hint}")
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected {_describe(tp)}, got {_shown(value)}")
        return [_value(args[0], item, file, f"{key}[{i}]", meta) for i, item in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected {_describe(tp)}, got {_shown(value)}")
        out = {}
        for name, item in value.items():
            if not isinstance(name, (str, int)) or isinstance(name, bool):
                raise ConfigError(f"{where}: names must be text, got {_shown(name)}")
            out[str(name)] = _value(args[1], item, file, f"{key}.{name}", meta)
        return out
    return value


def _describe(tp: Any) -> str:
    """What a type asks for, in the words of an error message."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        quoted = [repr(a) for a in args]
        return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    if origin is list:
        return f"a list of {_plural(args[0])}"
    if origin is dict:
        return f"a mapping of names to {_plural(args[1])}"
    if is_dataclass(tp):
        return "a mapping"
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text"}.get(tp, getattr(tp, "__name__", str(tp)))


def _plural(tp: Any) -> str:
    """What a list's items must be: "text", "whole numbers", "mappings"..."""
    named = {str: "text", int: "whole numbers", float: "numbers", bool: "true or false values"}
    if tp in named:
        return named[tp]
    if is_dataclass(tp):
        return "mappings"
    return f"values that are {_describe(tp)}"


def with_values(config: SiteConfig, where: str, **values: Any) -> SiteConfig:
    """`config` with `values` replaced, each checked as the config file's would be (command-line
    overrides such as --base-url); errors name `where`."""
    known = {f.name: f for f in fields(SiteConfig)}
    hints = typing.get_type_hints(SiteConfig)
    return replace(config, **{name: _convert(known[name], value, where, "", hints[name]) for name, value in values.items()})


def load_config(path: Path | None, *, required: bool = False) -> SiteConfig:
    """Read `path` (YAML). A missing optional file gives the defaults."""
    if path is None or not path.exists():
        if required and path is not None:
            raise ConfigError(f"{path}: config file not found")
        return SiteConfig()
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; --config takes the config file itself, e.g. {path / 'site.yaml'}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        pos = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise ConfigError(f"{path}{pos}: invalid YAML: {problem}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except RecursionError as exc:
        raise ConfigError(f"{path}: invalid YAML: nested too deeply") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if data is None:
        return SiteConfig()
    return _build(SiteConfig, data, str(path))
