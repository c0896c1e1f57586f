"""`site-builder build` with the session kept on disk between runs.

After a build the session (catalog, pages, related index, feed and export
parts) is written to `.site-builder-cache/session.pickle`, beside the build
cache. The next `build` takes it up only if it was written by the same code for
the same folders and config, together with the build cache now on disk, and the
output folder is still exactly as it was left; then a text-only edit takes the
session's incremental path. Anything else is the usual full build with the cache.
"""
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from ..cache import CACHE_DIR, BuildCache, code_salt, dump_pickle, load_pickle
from ..config import SiteConfig
from ..pipeline import BuildProgress, BuildReport, input_state, output_state, unchanged_report
from .session import Session, _State

SESSION_NAME = "session.pickle"
_NOT_KEPT = ("env", "world", "recorder", "cache", "links", "maps")  # made again (closures do not pickle)


def build_site(content: Path, output: Path, config: SiteConfig, site_root: Path, *, jobs: int = 1,
               progress: BuildProgress | None = None) -> BuildReport:
    started = time.perf_counter()
    cache = BuildCache.open(site_root)
    inputs = input_state(content, output, config, site_root, cache)  # before reading, as pipeline.build does
    published = output_state(output)  # one walk of the output folder for both checks
    last = unchanged_report(inputs, output, cache, started, published)
    if last is not None:
        return last
    session = restore(content, output, site_root, config, jobs, published)
    if session is None:
        session = Session(content, output, site_root, jobs=jobs)
        session.one_shot = True  # one build in this process: nothing to warm up for a next one
    report = session.build(config, progress)
    save(session, inputs)
    return replace(report, seconds=time.perf_counter() - started)


def save(session: Session, inputs: str | None) -> None:
    st = session.state
    if st is None or st.cache.path is None:
        return
    published = output_state(session.output)
    if session.last_mode != "full":  # a full build (pipeline.build) has saved the cache itself
        st.cache.save((inputs, published) if inputs else None, replace(st.report, catalog=None))
    dump_pickle(st.cache.path.with_name(SESSION_NAME), {
        "salt": st.cache.salt, "token": st.cache.started_ns, "content": str(session.content.resolve()),
        "output": str(session.output), "config": st.config, "theme": st.theme, "snapshot": st.snapshot,
        "report": st.report, "catalog": st.catalog, "uncacheable": st.uncacheable, "published": published,
        "kept": {k: v for k, v in st.kept.items() if k not in _NOT_KEPT},
    })


def restore(content: Path, output: Path, site_root: Path, config: SiteConfig, jobs: int,
            published: str | None = None) -> Session | None:
    """The session the last build saved, if it still describes this site exactly; else None.

    `published`: output_state(output), when the caller has it already.
    """
    from ..output.pagecache import tracker
    from ..output.site import page_environment

    data = load_pickle(site_root / CACHE_DIR / SESSION_NAME)
    if (not data or data.get("salt") != code_salt() or data["content"] != str(content.resolve())
            or data["output"] != str(output.resolve()) or data["config"] != repr(config)
            or data["published"] != (published or output_state(output))):
        return None
    cache = BuildCache.open(site_root)
    cache.load_tables()
    if cache.old.get("started_ns") != data["token"]:
        return None  # the build cache was written by another build since
    cache.new = {k: v for k, v in cache.old.items() if k not in ("salt", "started_ns")}
    cache.started_ns = data["token"]
    kept, catalog = data["kept"], data["catalog"]
    env = page_environment(catalog, config, site_root, kept["related"])
    world, recorder = tracker(env, kept["pages"], catalog, config)
    kept.update(env=env, world=world, recorder=recorder, cache=cache)
    session = Session(content, output, site_root, jobs=jobs)
    session.one_shot = True
    session.state = _State(data["config"], data["theme"], data["snapshot"], data["report"], catalog, cache, kept,
                           data["uncacheable"])
    return session
