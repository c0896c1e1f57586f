"""What an incremental `site-builder build` changed, saved without rewriting the whole session.

The session pickle (catalog, pages, related index, export lines) and the build
cache are hundreds of MB at 10,000 summaries; writing them again after a
one-summary edit took seconds. A text-only edit changes a known, small part of
them (incremental/session.py): some summaries' rendered fields, the pages of
their entries, some related lists, the related index, export lines and cache
entries. So after such a build only those are written, to `session.delta.pickle`
and `build.delta.pickle`, beside the whole files, which stay as the last full
save left them. A delta is relative to the whole files (the next one includes
this one's changes), so loading is always whole file + one delta.

Changes are found by identity against what was loaded: an object the build did
not replace is the very object unpickled. Anything the delta cannot say (a new
kept value, a page whose data moved) makes the caller save the whole again, as
does a delta grown past an eighth of the whole files.
"""
from __future__ import annotations

import os
import pickle
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import CACHE_DIR, FILE_NAME, apply_changes, atomic_file, dict_changes, load_pickle
from ..cache import DELTA_NAME as BUILD_DELTA_NAME

if TYPE_CHECKING:
    from ..catalog import Summary
    from .session import Session

WHOLE_NAME = "session.pickle"  # the whole session (persist.py)
DELTA_NAME = "session.delta.pickle"
_OWN = ("pages", "related", "related_index", "api")  # kept values a delta describes part by part
_WHOLE_SHARE = 8  # a delta over 1/8 of the whole files (and over _SMALL) is saved whole: it only grows
_SMALL = 4 << 20  # below this a delta is not worth a whole save


@dataclass
class Baseline:
    """The session as its whole pickle holds it (before any delta): what a delta is relative to."""

    fields: dict[str, tuple]  # summary id -> summary_fields()
    pages: list
    related: dict
    api: dict
    kept: dict


def summary_fields(s: Summary) -> tuple:
    """Everything of a summary an edit of its text changes (render/summaries.py sets the rest)."""
    return (s.record.body, s.html, s.text, s.derived_title, s.teaser, s.words, s.figures, s.found_links, s.warnings,
            s.math_css)


def _set_fields(s: Summary, values: tuple) -> None:
    (s.record.body, s.html, s.text, s.derived_title, s.teaser, s.words, s.figures, s.found_links, s.warnings,
     s.math_css) = values


def packed_index(kept: dict) -> bytes:
    """The related index, pickled apart: not unpickled at all when a delta brings a newer one."""
    return pickle.dumps(kept["related_index"], protocol=pickle.HIGHEST_PROTOCOL)


def baseline(data: dict) -> Baseline:
    kept = data["kept"]
    return Baseline({s.id: summary_fields(s) for s in data["catalog"].summaries}, list(kept["pages"]),
                    dict(kept["related"]), dict(kept.get("api", {})), dict(kept))


def load(site_root: Path, data: dict) -> dict:
    """The session delta for the whole session pickle `data` ({} if none applies)."""
    delta = load_pickle(site_root / CACHE_DIR / DELTA_NAME)
    return delta if delta.get("salt") == data["salt"] and delta.get("token") == data["token"] else {}


def apply(data: dict, delta: dict) -> None:
    """Bring the whole session pickle's `data` up to date with `delta`, in place."""
    catalog, kept = data["catalog"], data["kept"]
    by_id = {s.id: s for s in catalog.summaries}
    for sid, values in delta["summaries"].items():
        _set_fields(by_id[sid], values)
    pages = kept["pages"]
    for i, (title, description, crumbs) in delta["pages"].items():
        pages[i] = replace(pages[i], title=title, description=description, crumbs=crumbs)
    owners = {e.url: e for e in (*catalog.papers, *catalog.unidentified)}
    for url, urls in delta["related"].items():
        kept["related"][url] = [owners[u] for u in urls]
    if delta["index"] is not None:
        kept["related_index"] = delta["index"]
    apply_changes(kept.setdefault("api", {}), delta["api"])
    data.update(delta["values"])


def save(session: Session, values: dict[str, Any], state: tuple | None, report: Any, not_kept: tuple) -> bool:
    """Write only what changed since the whole files were loaded; False if the whole must be saved.

    `values`: the session's small values (snapshot, report, published, ...), saved whole;
    `not_kept`: the kept values the session pickle leaves out (made again on load).
    """
    st, base = session.state, session.baseline
    assert st is not None
    if base is None or st.cache.path is None:
        return False
    delta_id = f"{time.time_ns()}-{os.getpid()}"
    session_delta = _session_delta(st, base, not_kept)
    build_delta = st.cache.delta(delta_id)
    if session_delta is None or build_delta is None:
        return False
    session_delta.update(salt=st.cache.salt, token=st.cache.started_ns, id=delta_id, values=values)
    blob = pickle.dumps(session_delta, protocol=pickle.HIGHEST_PROTOCOL)
    folder = st.cache.path.parent
    whole = sum(os.stat(folder / name).st_size for name in (FILE_NAME, WHOLE_NAME))
    if len(blob) + len(build_delta) > max(whole // _WHOLE_SHARE, _SMALL):
        return False
    # Build delta, session delta, then the state that vouches for both; their ids tie them together.
    _write(st.cache.path.with_name(BUILD_DELTA_NAME), build_delta)
    _write(folder / DELTA_NAME, blob)
    st.cache.save_state(state, report)
    return True


def _session_delta(st: Any, base: Baseline, not_kept: tuple) -> dict | None:
    kept, catalog = st.kept, st.catalog
    others = {k: v for k, v in kept.items() if k not in _OWN and k not in not_kept}
    if others.keys() != {k for k in base.kept if k not in _OWN} or any(v is not base.kept[k] for k, v in others.items()):
        return None  # a value the delta cannot describe was made or replaced
    summaries = {}
    for s in catalog.summaries:
        now, then = summary_fields(s), base.fields.get(s.id)
        if then is None:
            return None
        if any(a is not b for a, b in zip(now, then)):
            summaries[s.id] = now
    pages: dict[int, tuple] = {}
    if len(kept["pages"]) != len(base.pages):
        return None
    for i, (now, then) in enumerate(zip(kept["pages"], base.pages)):
        if now is then:
            continue
        if ((now.path, now.template, now.indexable, now.data.keys()) != (then.path, then.template, then.indexable,
                                                                        then.data.keys())
                or any(v is not then.data[k] for k, v in now.data.items())):
            return None  # more than the text fields of a page changed
        pages[i] = (now.title, now.description, now.crumbs)
    related = dict_changes(base.related, kept["related"])
    if any(isinstance(v, str) for v in related.values()):
        return None  # an entry gone: not a text edit
    return {
        "summaries": summaries, "pages": pages,
        "related": {url: [e.url for e in entries] for url, entries in related.items()},
        "index": packed_index(kept) if summaries else None,
        "api": dict_changes(base.api, kept.get("api", {})),
    }


def _write(path: Path, blob: bytes) -> None:
    with atomic_file(path) as f:
        f.write(blob)
