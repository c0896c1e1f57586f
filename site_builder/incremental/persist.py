"""`site-builder build` with the session kept on disk between runs.

After a build the session (catalog, pages, related index, feed and export
parts) is written to `.site-builder-cache/session.pickle`, beside the build
cache. The next `build` takes it up only if it was written by the same code for
the same folders and config, together with the build cache now on disk, and the
output folder is still exactly as it was left; then a text-only edit takes the
session's incremental path. Anything else is the usual full build with the cache.
After an incremental build only what it changed is saved (journal.py): the
whole pickles stay as the last full save wrote them, with a delta beside each.
"""
from __future__ import annotations

import gc
import os
import pickle
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import CACHE_DIR, BuildCache, code_salt, dump_pickle, load_pickle, paused_collection, stat_key, tree_state
from ..config import SiteConfig
from ..pipeline import BuildProgress, BuildReport, input_state, output_state, unchanged_report
from . import journal

if TYPE_CHECKING:
    from .session import Session

SESSION_NAME = journal.WHOLE_NAME
_NOT_KEPT = ("env", "world", "recorder", "cache", "links", "maps")  # made again (closures do not pickle)


def build_site(content: Path, output: Path, config: SiteConfig, site_root: Path, *, jobs: int = 1,
               progress: BuildProgress | None = None, last_build: bool = False) -> BuildReport:
    """`last_build`: the process ends after this build (the command line), so what it loads may stay."""
    started = time.perf_counter()
    cache = BuildCache.open(site_root)
    inputs = input_state(content, output, config, site_root, cache)  # before reading, as pipeline.build does
    before = tree_state([output.resolve()])  # one walk of the output folder for every check
    published = output_state(output, before)
    last = unchanged_report(inputs, output, cache, started, published)
    if last is not None:
        return last
    from .session import Session  # not before: the check above is all a build with nothing changed does

    with paused_collection():
        session = restore(content, output, site_root, config, jobs, published)
        if session is not None and last_build:
            # It lives until the process ends: the cyclic collector need not walk its millions of objects again
            # (frozen before collection resumes, else the first collection walks them all once).
            gc.freeze()
    if session is None:
        session = Session(content, output, site_root, jobs=jobs)
        session.one_shot = True  # one build in this process: nothing to warm up for a next one
    report = session.build(config, progress)
    try:
        save(session, inputs, before)
    finally:
        if session.state is not None:
            session.state.cache.wait_saved()  # a full build's cache, written meanwhile (pipeline.build)
    return replace(report, seconds=time.perf_counter() - started)


def save(session: Session, inputs: str | None, before: list[tuple[str, int, int, int]] | None = None) -> None:
    """After an incremental build, only what it changed (journal.py); after a full one, the whole session.

    `before`: the output folder's tree_state from before the build.
    """
    st = session.state
    if st is None or st.cache.path is None:
        return
    published = _patched(session.output, before, session.replaced) or output_state(session.output)
    values = {"snapshot": st.snapshot, "report": st.report, "uncacheable": st.uncacheable, "published": published}
    state, report = ((inputs, published) if inputs else None), replace(st.report, catalog=None)
    if session.last_mode != "full":
        if journal.save(session, values, state, report, _NOT_KEPT):
            return
        st.cache.save(state, report)  # a full build (pipeline.build) has saved the cache itself
    dump_pickle(st.cache.path.with_name(SESSION_NAME), {
        "salt": st.cache.salt, "token": st.cache.started_ns, "content": str(session.content.resolve()),
        "output": str(session.output), "config": st.config, "theme": st.theme, **values, "catalog": st.catalog,
        "kept": {k: v for k, v in st.kept.items() if k not in _NOT_KEPT} | {"related_index": journal.packed_index(st.kept)},
    })
    st.cache.path.with_name(journal.DELTA_NAME).unlink(missing_ok=True)  # described the old whole session


def _patched(output: Path, before: list[tuple[str, int, int, int]] | None, replaced: list[str] | None) -> str | None:
    """The output's state after a build that replaced only `replaced` (files that were there before).

    Saves walking 12,000 files again; and a hand edit made while the build ran, which
    a walk now would take as published, still shows as a change next time.
    """
    if before is None or replaced is None:
        return None
    files = list(before)
    position = {path: i for i, (path, *_) in enumerate(files)}
    for path in replaced:
        if path not in position:
            return None  # a new file: walk
        files[position[path]] = (path, *stat_key(os.stat(path)))
    return output_state(output, files)


def restore(content: Path, output: Path, site_root: Path, config: SiteConfig, jobs: int,
            published: str | None = None) -> Session | None:
    """The session the last build saved, if it still describes this site exactly; else None.

    `published`: output_state(output), when the caller has it already.
    """
    from ..output.pagecache import tracker
    from ..output.site import page_environment
    from .session import Session, _State

    data = load_pickle(site_root / CACHE_DIR / SESSION_NAME)
    if (not data or data.get("salt") != code_salt() or data["content"] != str(content.resolve())
            or data["output"] != str(output.resolve()) or data["config"] != repr(config)):
        return None
    delta = journal.load(site_root, data)
    left = delta["values"]["published"] if delta else data["published"]  # the output as the last build left it
    if left != (published or output_state(output)):
        return None
    cache = BuildCache.open(site_root)
    cache.load_tables(keep_base=True, renders=False)  # an edited summary's new text is in no render entry
    if cache.old.get("started_ns") != data["token"] or cache.delta_id != delta.get("id"):
        return None  # the build cache was written by another build since, or the deltas do not pair
    baseline = journal.baseline(data)
    if delta:
        journal.apply(data, delta)
    cache.new = {k: v for k, v in cache.old.items() if k not in ("salt", "started_ns")}
    cache.started_ns = data["token"]
    kept, catalog = data["kept"], data["catalog"]
    kept["related_index"] = pickle.loads(kept["related_index"])
    env = page_environment(catalog, config, site_root, kept["related"])
    world, recorder = tracker(env, kept["pages"], catalog, config)
    kept.update(env=env, world=world, recorder=recorder, cache=cache)
    session = Session(content, output, site_root, jobs=jobs)
    session.one_shot = True
    session.state = _State(data["config"], data["theme"], data["snapshot"], data["report"], catalog, cache, kept,
                           data["uncacheable"])
    session.baseline = baseline
    return session
