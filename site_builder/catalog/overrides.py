"""`content/papers.yaml` (the user's corrections) and `content/papers.enriched.yaml` (written by
`site-builder enrich`): one schema, read here, applied by the catalog.

    papers:
      - match: {arxiv: "1710.09829"}     # or {doi: ...}, {title: ...}, {id: paper-slug}
        title: ...; authors: [...]; year: 2017; venue: ...; published: 2017-10-26
        links: {arxiv: ..., pdf: ...}; topics: [...]; keywords: [...]; abstract: ...
        source: arxiv; retrieved: 2026-12-07   # enriched file only
    summaries:                            # papers.yaml only: which paper a summary is about
      ss-ef0fbcc2bb03: {paper: {arxiv: "1512.03385"}}
    unresolved: [...]                     # enriched file only: read past

Every problem is a `file:line: warning:` diagnostic and the entry (or key) is skipped; the
build goes on.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import provenance as prov
from ..records import Diagnostic
from ..render import links as scholarly

USER_FILE = "papers.yaml"
ENRICHED_FILE = "papers.enriched.yaml"
METADATA_FILES = (USER_FILE, ENRICHED_FILE)
MATCH_KEYS = ("arxiv", "doi", "title", "id")
FIELDS = ("match", "title", "authors", "year", "venue", "published", "links", "topics", "keywords", "abstract",
          "source", "retrieved")
ENRICHED_ONLY = ("source", "retrieved")
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Entry:
    """One paper entry: how to find the paper, and the values it gives."""

    file: str
    line: int
    match: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    source: str = prov.USER  # provenance of its values
    used: bool = False


@dataclass
class Tie:
    """A `summaries:` entry: summary id -> the paper it is about."""

    file: str
    line: int
    summary: str
    entry: Entry
    used: bool = False


@dataclass
class Overrides:
    entries: list[Entry] = field(default_factory=list)  # enriched first, then the user's (the later wins)
    ties: list[Tie] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def user(self) -> list[Entry]:
        return [e for e in self.entries if e.source == prov.USER]


def load(content: Path) -> Overrides:
    """Both files at the top of the content folder (either may be missing)."""
    out = Overrides()
    for name in (ENRICHED_FILE, USER_FILE):
        path = content / name
        if path.is_file():
            _read(path, name, out)
        for nested in sorted(content.rglob(name)):
            if nested.parent != content and not any(p.startswith(".") for p in nested.relative_to(content).parts):
                out.diagnostics.append(Diagnostic(
                    nested.relative_to(content).as_posix(),
                    f"only the content folder's own {name} is read; this one is not used"))
    return out


def _read(path: Path, name: str, out: Overrides) -> None:
    def warn(message: str, line: int | None = None) -> None:
        out.diagnostics.append(Diagnostic(name, message, line=line))

    try:
        if path.stat().st_size > MAX_BYTES:
            warn(f"over {MAX_BYTES // 1024 // 1024} MB; not read")
            return
        text = path.read_text(encoding="utf-8-sig")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        warn(f"cannot be read ({exc}); not used")
        return
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        warn(f"invalid YAML: {getattr(exc, 'problem', None) or exc}; not used", mark.line + 1 if mark else None)
        return
    if root is None:
        return
    if not isinstance(root, yaml.MappingNode):
        warn("expected a mapping with 'papers:' (and 'summaries:'); not used", _line(root))
        return
    enriched = name == ENRICHED_FILE
    allowed = ("papers", "unresolved") if enriched else ("papers", "summaries")
    for key_node, value in root.value:
        key = _scalar(key_node)
        if key not in allowed:
            warn(f"unknown key '{key}' (expected {', '.join(allowed)}); ignored", _line(key_node))
        elif key == "papers":
            if not isinstance(value, yaml.SequenceNode):
                warn("'papers' must be a list of entries; ignored", _line(value))
                continue
            for item in value.value:
                entry = _entry(item, name, enriched, warn)
                if entry is not None:
                    out.entries.append(entry)
        elif key == "summaries":
            if not isinstance(value, yaml.MappingNode):
                warn("'summaries' must map summary ids to {paper: ...}; ignored", _line(value))
                continue
            for sid_node, tie_node in value.value:
                tie = _tie(sid_node, tie_node, name, warn)
                if tie is not None:
                    out.ties.append(tie)
        # "unresolved": what enrich asked and did not find; nothing to apply


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "?"


def _value(node: yaml.Node) -> Any:
    return yaml.SafeLoader(yaml.serialize(node)).get_single_data() if node is not None else None


def _entry(node: yaml.Node, name: str, enriched: bool, warn, *, need_match: bool = True) -> Entry | None:
    line = _line(node)
    if not isinstance(node, yaml.MappingNode):
        warn("a paper entry must be a mapping (match: ..., title: ...); skipped", line)
        return None
    entry = Entry(file=name, line=line, match={}, source=prov.ENRICHED if enriched else prov.USER)
    for key_node, value_node in node.value:
        key = _scalar(key_node)
        kline = _line(key_node)
        if key not in FIELDS or (key in ENRICHED_ONLY and not enriched):
            hint = _closest(key, [f for f in FIELDS if enriched or f not in ENRICHED_ONLY])
            warn(f"unknown key '{key}'{hint} in the paper entry; ignored", kline)
            continue
        try:
            value = _value(value_node)
        except yaml.YAMLError as exc:
            warn(f"'{key}': {exc}; ignored", kline)
            continue
        checked = _check(key, value)
        if isinstance(checked, _Bad):
            warn(f"'{key}': {checked.why}, got {_show(value)}; ignored", kline)
            continue
        if key == "match":
            entry.match = checked
        elif key == "source":
            entry.source = f"{prov.ENRICHED} ({checked})"
        elif key != "retrieved":
            entry.values[key] = checked
    if need_match and not entry.match:
        warn("paper entry without a usable 'match:' ({arxiv: ...}, {doi: ...}, {title: ...} or {id: ...}); skipped", line)
        return None
    return entry


def _tie(sid_node: yaml.Node, node: yaml.Node, name: str, warn) -> Tie | None:
    sid = _scalar(sid_node)
    line = _line(sid_node)
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", sid):
        warn(f"'{sid[:60]}' is not a summary id (like ss-ef0fbcc2bb03); skipped", line)
        return None
    if not isinstance(node, yaml.MappingNode) or [_scalar(k) for k, _ in node.value] != ["paper"]:
        warn(f"summary '{sid}': expected {{paper: {{arxiv: ...}}}} (or a full paper entry under 'paper'); skipped", line)
        return None
    paper = node.value[0][1]
    if not isinstance(paper, yaml.MappingNode):
        warn(f"summary '{sid}': 'paper' must be a mapping; skipped", _line(paper))
        return None
    keys = [_scalar(k) for k, _ in paper.value]
    if keys and all(k in MATCH_KEYS for k in keys):  # the short form: {paper: {arxiv: "..."}}
        match = _check("match", _value(paper))
        if isinstance(match, _Bad):
            warn(f"summary '{sid}': {match.why}; skipped", _line(paper))
            return None
        return Tie(name, line, sid, Entry(file=name, line=_line(paper), match=match))
    entry = _entry(paper, name, False, warn, need_match=False)
    if entry is None:
        return None
    if not entry.match and not entry.values.get("title"):
        warn(f"summary '{sid}': the paper needs a 'match:' or a 'title:'; skipped", _line(paper))
        return None
    return Tie(name, line, sid, entry)


class _Bad:
    def __init__(self, why: str) -> None:
        self.why = why


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _closest(key: str, known: list[str]) -> str:
    import difflib
    m = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{m[0]}'?)" if m else ""


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _check(key: str, value: Any) -> Any:
    """The value in the form the catalog uses, or _Bad with the reason."""
    if key == "match":
        if not isinstance(value, dict) or not value:
            return _Bad("expected a mapping such as {arxiv: \"1710.09829\"}")
        unknown = [k for k in value if k not in MATCH_KEYS]
        if unknown:
            return _Bad(f"unknown match key '{unknown[0]}' (use arxiv, doi, title or id)")
        out = {}
        for k, v in value.items():
            if isinstance(v, float) and k == "arxiv":
                return _Bad("an arXiv id must be quoted (\"1710.10740\"): as a number it loses its zeros")
            if not _text(v):
                return _Bad(f"match '{k}' must be text")
            v = v.strip()
            if k == "arxiv":
                aid = scholarly.arxiv_id(f"arxiv.org/abs/{v.removeprefix('arXiv:').removeprefix('arxiv:')}")
                if not aid:
                    return _Bad(f"'{v}' is not an arXiv id")
                v = aid
            elif k == "doi":
                d = scholarly.doi(v if "doi.org/" in v else f"doi:{v}")
                if not d:
                    return _Bad(f"'{v}' is not a DOI")
                v = d.lower()
            out[k] = v
        return out
    if key in ("title", "venue", "abstract", "source"):
        return " ".join(value.split()) if _text(value) else _Bad("expected text")
    if key in ("authors", "topics", "keywords"):
        if isinstance(value, str) and value.strip():
            value = [value]
        if not isinstance(value, list) or not all(_text(v) for v in value):
            return _Bad("expected a list of names")
        return [" ".join(v.split()) for v in value]
    if key == "year":
        if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 2999:
            return _Bad("expected a year such as 2017")
        return value
    if key in ("published", "retrieved"):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        return _Bad("expected an ISO date such as 2017-10-26")
    if key == "links":
        if not isinstance(value, dict) or not all(isinstance(k, str) and _text(v) for k, v in value.items()):
            return _Bad("expected a mapping of link kinds to URLs")
        bad = [v for v in value.values() if not re.match(r"https?://", v.strip(), re.I)]
        if bad:
            return _Bad(f"links must be http(s) URLs ('{bad[0][:40]}' is not)")
        return {k: v.strip() for k, v in value.items()}
    return value
