"""`site-builder build` with the session kept on disk between runs.

After a full build the session (catalog, pages, related lists, feeds, ...) is
written to `.site-builder-cache/session.sqlite` (incremental/stored.py), beside
the build cache's `cache.sqlite`. The next `build` takes it up only if it was
written by the same code for the same folders and config, together with the
build cache now on disk (the same generation), and the output folder is still
exactly as it was left (output/listing.py); then a text-only edit takes the
session's incremental path, which reads only the rows it needs and writes back
only those it changed. Anything else is the usual full build with the cache.
"""
from __future__ import annotations

import gc
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..cache import CACHE_DIR, FILE_NAME as CACHE_FILE, BuildCache, paused_collection, stop_freezing, tree_state
from ..config import SiteConfig
from ..pipeline import BuildProgress, BuildReport, input_state, unchanged_report
from . import changes

if TYPE_CHECKING:
    from .session import Session

SESSION_NAME = "session.sqlite"


def build_site(content: Path, output: Path, config: SiteConfig, site_root: Path, *, jobs: int = 1,
               progress: BuildProgress | None = None, last_build: bool = False) -> BuildReport:
    """`last_build`: the process ends after this build (the command line)."""
    from ..store import leaving_open

    collecting = gc.isenabled()
    leaving_open(last_build)  # the store files' write-ahead logs are not copied in at every build's end
    if last_build and collecting:
        # A check or an edit makes little cyclic garbage and the process ends right after, but the
        # collector would walk the heap of everything imported and loaded about a hundred times
        # (a seventh of an edit's time). A full build turns it on again (Session.collect_for_full).
        gc.disable()
    try:
        return _build_site(content, output, config, site_root, jobs, progress, collecting, last_build)
    finally:
        leaving_open(False)  # (what it left open stays open)
        if last_build:
            stop_freezing()  # (the command line then ends at once: os._exit, no collection)
        if collecting:
            gc.enable()


def _build_site(content: Path, output: Path, config: SiteConfig, site_root: Path, jobs: int,
                progress: BuildProgress | None, collecting: bool, last_build: bool = False) -> BuildReport:
    started = time.perf_counter()
    cache = BuildCache.open(site_root)
    # Is the output as the last build left it? Checked by another process while this one walks the inputs.
    checking = cache.last_state[1].checking(output) if cache.last_state is not None else None
    taken = time.time_ns()
    files = tree_state([content])  # one walk of the inputs, for the state and the edit's snapshot
    inputs = input_state(content, output, config, site_root, cache, files)  # before reading, as pipeline.build does
    state, published = cache.last_state, None
    if inputs is not None and state is not None and state[0] == inputs:  # nothing changed, if the output has not
        published = checking is not None and checking()
        last = unchanged_report(inputs, output, cache, started, published)
        if last is not None:
            cache.close()
            return last
    from .session import Session  # not before: the check above is all a build with nothing changed does

    session = None
    why = []  # why this build, if it is a full one, is
    if state is None:
        why.append("no usable build cache (another version of site-builder, or damaged)"
                   if (site_root / CACHE_DIR / CACHE_FILE).is_file() else "first build")
    if published is False:
        why.append("the output folder was changed since the last build")
    elif checking is not None:
        # The output's check goes on while the edit is worked out: it is waited for before the first
        # file is written (StoredState.published); if the output was changed, a full build follows.
        answer = checking if published is None else (lambda: True)
        session = restore(content, output, site_root, config, jobs, cache, changes.snapshot_of(content, files, taken),
                          answer, why=why)
    if session is None and checking is not None:
        checking()  # (the forked check is waited for)
    cache.close()
    if session is None:
        session = Session(content, output, site_root, jobs=jobs)
        session.one_shot = True  # one build in this process: nothing to warm up for a next one
        session.why_fresh = why[0] if why else "the last build's session could not be used"
    session.collect_for_full = collecting
    session.last_build = last_build
    session.save_early = True  # (save() below finishes the file; the finally clause drops it if the build fails)
    try:
        report = session.build(config, progress)
        save(session, inputs)
    finally:
        session.abandon_saving()  # (a session file begun for a build that then failed)
        for thread in session.dropping:  # (the replaced export's blocks, the search staging, freed meanwhile)
            thread.join()
        st = session.state
        if st is not None and hasattr(st, "close"):
            st.close()
            report = replace(report, catalog=None)  # its objects were read from the store, now closed
        elif st is not None:
            st.cache.wait_saved()  # a full build's cache, written meanwhile (pipeline.build)
    return replace(report, seconds=time.perf_counter() - started)


def save(session: Session, inputs: str | None) -> None:
    """After an incremental build, only the rows it changed; after a full one, the whole session."""
    from .stored import FILE_NAME, StoredState, write_session

    st = session.state
    if st is None:
        return
    if isinstance(st, StoredState):
        from ..output.listing import listing

        from ..cache import stored_state

        last = stored_state(st.cache_db)
        replaced = session.replaced
        if last is not None and replaced is not None:
            published = last[1].patched(session.output, [w[len(str(session.output)) + 1:] for w in replaced],
                                        *session.added)
        else:
            published = listing(session.output)
        st.commit((inputs, published), replace(st.report, catalog=None), st.uncacheable)
        return
    if st.cache.path is None:
        return
    early, session.early = session.early, None
    with paused_collection():  # it makes no garbage; a collection would walk the whole session's objects
        try:
            write_session(st.cache.path.with_name(FILE_NAME), st, session.content, session.output, early)
        finally:
            if early is not None:
                early.abandon()  # (taken by write_session unless it failed before)


def restore(content: Path, output: Path, site_root: Path, config: SiteConfig, jobs: int,
            cache: BuildCache | None = None, snapshot: changes.Snapshot | None = None,
            published: Callable[[], bool] | None = None, why: list[str] | None = None) -> Session | None:
    """The session the last build saved, if it still describes this site exactly; else None.

    `cache`: BuildCache.open(site_root) (its file is then used by the session); `published`:
    answers whether the output is as the last build left it (asked before anything is written;
    without it the session checks the output itself); `snapshot`: the inputs as this build found them;
    `why`: a list that gets the reason when the answer is None (for the build's report).
    """
    why = [] if why is None else why
    from ..store import Db
    from .session import Session
    from .stored import FILE_NAME, StoredState

    if cache is None:  # (else the caller found the output as the last build left it)
        cache = BuildCache.open(site_root)
        state = cache.last_state
        if state is None or not state[1].unchanged(output):
            cache.close()
            return None
    if cache.db is None:
        return None
    db = Db.open(site_root / CACHE_DIR / FILE_NAME)
    if db is None:
        why.append("no saved session of the last build")
        return None
    try:
        if db.meta("salt") != cache.salt or db.meta("generation") != cache.last.get("generation"):
            unfit = "the saved session is not the last build's"
        elif db.meta("content") != str(content.resolve()) or db.meta("output") != str(output.resolve()):
            unfit = "another content or output folder than the last build's"
        elif db.meta("config") != repr(config):
            unfit = "the configuration changed"
        else:
            unfit = None
    except Exception:  # noqa: BLE001 - damaged or foreign: a full build
        unfit = "the saved session could not be read"
    if unfit is not None:
        why.append(unfit)
        db.close()
        return None
    cache_db, cache.db = cache.db, None
    try:
        state = StoredState(db, cache_db, content, output.resolve(), site_root, snapshot, published)
    except Exception:  # noqa: BLE001 - damaged: a full build
        why.append("the saved session could not be read")
        db.close()
        cache_db.close()
        return None
    session = Session(content, output, site_root, jobs=jobs)
    session.one_shot = True
    session.state = state
    return session
