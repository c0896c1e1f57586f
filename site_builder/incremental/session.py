"""A build session: a full build once, then incremental rebuilds after text edits.

The fast path (`Session._update`) applies when every changed file is an input
whose records differ from last time in summary text only (incremental/delta.py).
Then the catalog's structure, page list, slugs, sort orders and sitemap cannot
have changed, and the rebuild
  1. renders the edited summaries again (their plain text, their formulas) and the
     math stylesheet, if it needs no other files than before;
  2. updates the related-entries map and notes the entries whose list changed;
  3. re-evaluates only the recorded page steps that mention an edited object,
     and re-renders the pages that read a step whose value changed;
  4. regenerates the feeds and the JSON export, and the search index if on;
  5. replaces, each atomically, only the files whose bytes changed.
The result is byte-identical to a full build of the same inputs (tested).
"""
from __future__ import annotations

import contextlib
import os
import pickle
import time
from array import array
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateError

from ..cache import CACHE_DIR, BuildCache, digest, output_digest, page_ids, release_free_memory, stat_key
from ..config import SiteConfig
from ..pipeline import MIRROR_FAILED, BuildProgress, BuildReport, build, theme_state
from . import changes
from .delta import text_edits

if TYPE_CHECKING:  # the rest is imported when a build needs it: `build` with nothing to do starts fast
    from ..catalog import Catalog, Summary
    from ..output.pages import Page
    from .dependencies import Dependencies


@dataclass
class _State:
    """What the last build of a session knew, held in memory (the preview server).

    incremental/stored.py has the same interface over the session store, for the
    command line, which loads only what an edit needs.
    """

    config: str
    theme: list
    snapshot: changes.Snapshot
    report: BuildReport
    catalog: Catalog
    cache: BuildCache
    kept: dict[str, Any]
    uncacheable: set[str] = field(default_factory=set)
    deps: Dependencies | None = None  # made at the first incremental rebuild
    output: Path | None = None

    def prepare(self, config: SiteConfig) -> None:
        """Make what writing pages needs (held already in memory)."""

    def published(self) -> bool:
        """Whether the output is as the last build left it (a session in memory writes it alone)."""
        return True

    def summary(self, sid: str) -> Summary | None:
        if "by_id" not in self.kept:
            self.kept["by_id"] = {s.id: s for s in self.catalog.summaries}
        return self.kept["by_id"].get(sid)

    def entry(self, url: str) -> Any:
        return self._maps()[0][url]

    def key(self, obj: Any) -> tuple:
        return self.kept["world"].keys[id(obj)]

    def page(self, path: str) -> Page:
        return self.kept["world"].pages[path]

    def set_page(self, page: Page) -> None:
        self.kept["pages"][self._maps()[2][page.path]] = self.kept["world"].pages[page.path] = page

    def where(self, path: str) -> str:
        return self._maps()[1][path]

    def path(self, where: str) -> str:
        return self._maps()[3][where]

    def links(self, config: SiteConfig) -> Any:
        """Wiki titles and arXiv ids -> pages: from metadata only, so fixed for the session."""
        if "links" not in self.kept:
            from ..render.summaries import link_context
            self.kept["links"] = link_context(self.catalog, config)
        return self.kept["links"]

    def dependencies(self) -> Dependencies:
        if self.deps is None:
            from .dependencies import Dependencies

            self.deps = Dependencies(self.cache.new["page_steps"], self.cache.new["pages"],
                                     ((self.where(p.path), p) for p in self.kept["pages"]), self.kept["world"].keys)
        return self.deps

    def feeds(self, ids: set[str]) -> tuple[str, list[tuple[Any, list]]]:
        """The fallback date and the feeds (source, entries) that show one of the summaries `ids`."""
        return self.kept["fallback"], [(f, e) for f, e in self.kept["feeds"] if any(s.id in ids for _, s in e)]

    def export(self, edited: list[Summary]) -> dict[str, Any]:
        """The JSON export with the edited summaries' lines replaced, as the stored session does it:
        the server keeps the lines' ids and lengths, not the tens of MB of lines themselves."""
        from .stored import EXPORT, _Splice, export_changes

        ids, lengths = self.kept["api"]
        lengths = array("Q", lengths)  # (kept as they were if writing the edit fails)
        path = self.output / EXPORT
        changes_at = export_changes(path, ids, lengths, edited)
        if not changes_at:
            return {}
        self.kept["api"] = (ids, lengths)
        return {EXPORT: _Splice(path, changes_at)}

    def math_use(self, before: list[tuple], edited: list[Summary]) -> list[Any]:
        """What the math files are made from (output/assets.math_assets): the site's use of formulas,
        counted once per session and then changed by each edit's own summaries (as the stored session
        does), so an edit does not search every summary's HTML again (0.2 s at 10,000 summaries)."""
        from .stored import MathUse, edited_math_use, math_use

        use = self.kept.get("math_use")
        if use is None:  # first edit of the session: counted from the catalog, its edits already in place
            use = math_use(self.catalog.summaries)
        else:
            use = edited_math_use(use, before, edited)
        self.kept["math_use"] = use
        return [MathUse(tuple(sorted(use[0])), use[1] > 0)]

    def search_records(self, edited: list[Summary]) -> list[Any]:
        """Every search record of the site as edited (output/search.py)."""
        from ..output.search import search_records

        return search_records(self.catalog)

    def search_changes(self, edited: list[Summary]) -> dict[str, Any]:
        from ..output.search import edited_records

        return edited_records(edited)

    def search_urls(self) -> list[str]:
        return list(self._maps()[0])

    def search_positions(self, urls: list[str], count: int) -> dict[str, tuple[int, int]] | None:
        """Where `urls` are in the search index's parts, as the full build left them (see stored.py's)."""
        known = self.kept.get("search_pages")
        if known is None or known[0] != count:
            return None
        return {u: known[1][u] for u in urls if u in known[1]}

    def search_records_of(self, urls: list[str]) -> dict[str, Any]:
        from ..catalog import Paper
        from ..output.search import paper_record, summary_record

        entries = self._maps()[0]
        return {u: (paper_record if isinstance(entries[u], Paper) else summary_record)(entries[u]) for u in urls}

    def _maps(self) -> tuple:
        """URL -> entry, page path -> output file, -> place in the page list, output file -> page path."""
        kept, catalog, pages = self.kept, self.catalog, self.kept["pages"]
        if "maps" not in kept:  # the page list does not change in a text-only edit: made once per session
            kept["maps"] = (
                {e.url: e for e in (*catalog.papers, *catalog.unidentified)},
                {p.path: f"{self.output}/{p.file}" for p in pages},
                {p.path: i for i, p in enumerate(pages)},
                {f"{self.output}/{p.file}": p.path for p in pages},
            )
        return kept["maps"]


class OutputChanged(Exception):
    """The output folder is not as the last build left it: a full build (which replaces it) is needed."""


class Session:
    """Builds `content` into `output`; `build(config)` is incremental when it can be."""

    def __init__(self, content: Path, output: Path, site_root: Path, *, jobs: int = 1) -> None:
        self.content, self.output, self.site_root, self.jobs = content, output.resolve(), site_root, jobs
        self.state: Any = None  # _State, or incremental/stored.StoredState
        self.last_mode = ""  # "full", "incremental" or "unchanged": what the last build did
        self.why_full = ""  # why the last build could not be incremental
        self.why_fresh = "first build"  # why a session with no state builds in full (set by persist.build_site)
        self.one_shot = False  # True when this process rebuilds once (`site-builder build`)
        self.replaced: list[str] | None = None  # output files the last build replaced, if it knows them all
        self.added: tuple[list[str], list[str]] = ([], [])  # output paths it added and removed (relative)
        # Threads removing what the last build replaced (the export's blocks, the search index's staging
        # folder) while the command line saves the session: joined before the build returns.
        self.dropping: list[Any] = []
        self.collect_for_full = False  # turn the garbage collector on for a full build (persist.build_site)
        self.last_build = False  # the process ends after this build (the command line)
        # persist.build_site saves a full build's session in a file; its objects are begun by a forked
        # process (stored.EarlyObjects) while the build goes on, when this is set.
        self.save_early = False
        self.early: Any = None

    def build(self, config: SiteConfig, progress: BuildProgress | None = None) -> BuildReport:
        started = time.perf_counter()
        state = self.state
        self.replaced = None
        self.added = ([], [])
        self.dropping = []
        if state is not None and state.config == repr(config):
            try:
                report = self._update(state, config, started)
            except Exception as exc:  # noqa: BLE001 - a full build redoes everything (and raises if it must)
                if hasattr(state, "close"):  # taken up from the store: nothing of it was written
                    state.close()
                self.state = None  # half-updated: the full build below starts from the cache on disk
                report = self._cannot(f"the incremental rebuild failed ({type(exc).__name__}: {exc})")
            if report is not None:
                return report
        if state is None or state.config != repr(config):
            self.why_full = self.why_fresh if state is None else "the configuration changed"
        return self._full(config, progress)

    # -- full build ------------------------------------------------------------
    def _full(self, config: SiteConfig, progress: BuildProgress | None = None) -> BuildReport:
        if self.collect_for_full:  # (off for the command line's check and edit, which make little garbage)
            import gc

            gc.enable()
        snapshot = changes.take(self.content)  # before reading: an edit during the build is seen next time
        theme = theme_state(self.site_root, config)
        # A state taken up from the store has no tables in memory: the full build loads the cache file.
        kept_cache = isinstance(self.state, _State)
        cache = self.state.cache.successor() if kept_cache else None
        if self.state is not None and not kept_cache:
            self.state.close()
        self.state = None
        # Of the export only its ids and line lengths (output/site.py): an edit splices its lines into the
        # file (the server and the command line alike). For the command line's session store (written
        # next): the search records pickled into `search_rows` (the preview server has no use for them:
        # it makes them again at an edit), so the build does not hold them for the rest of its run.
        kept: dict[str, Any] = {"search_rows": [], "export_lengths": True} if self.one_shot else {"export_lengths": True}
        if self.save_early:  # the session file's catalog objects written meanwhile, from when they are final
            kept["on_rendered"] = self._begin_saving
        if self.last_build and self.collect_for_full:
            # The process ends after this build: what each step leaves is kept to the end (the catalog,
            # its rendered texts, the related lists, the page list). Frozen, the collector no longer walks
            # it at every full collection the next step's allocations set off (3 s of a 10,000-summary
            # build); nor what survives a full collection during a step (the page step's records).
            from ..cache import freeze_survivors

            kept["step_done"] = freeze_survivors()
        # One build in this process: the session is saved next (persist.save), while the cache is written.
        report = build(self.content, self.output, config, self.site_root, jobs=self.jobs, cache=cache, keep=kept,
                       progress=progress, save_in_background=self.one_shot)
        catalog = report.catalog
        assert catalog is not None
        cache = kept["cache"]
        recorded = cache.new["pages"]  # (as _maps names them: a Path per page costs 0.1 s at 10,000 summaries)
        uncacheable = {where for p in kept["pages"] if (where := f"{self.output}/{p.file}") not in recorded}
        self.state = _State(repr(config), theme, snapshot, replace(report, catalog=None), catalog, cache, kept,
                            uncacheable, output=self.output)
        if not self.one_shot:
            self._warm_up(self.state, config)
            release_free_memory()  # what the build let go (its texts, once written): the server runs on
        self.last_mode = "full"
        return replace(report, how=f"full build: {self.why_full}")

    def _begin_saving(self, catalog: Catalog, cache: BuildCache) -> None:
        """Start writing the session file's objects (persist.save finishes the file)."""
        if cache.path is not None:
            from .stored import FILE_NAME, EarlyObjects

            self.abandon_saving()
            self.early = EarlyObjects(cache.path.with_name(FILE_NAME), catalog)

    def abandon_saving(self) -> None:
        """Stop and remove a session file begun by `_begin_saving` and not finished (the build failed)."""
        early, self.early = self.early, None
        if early is not None:
            early.abandon()

    # -- incremental rebuild ---------------------------------------------------
    def _update(self, st: Any, config: SiteConfig, started: float) -> BuildReport | None:
        """The rebuild after text-only edits; None when a full build is needed."""
        if theme_state(self.site_root, config) != st.theme:
            return self._cannot("a template or static file changed")
        if self.one_shot and config.images == "mirror" and any(
                w.startswith(MIRROR_FAILED) for w in st.report.render_warnings):
            return self._cannot("figures could not be mirrored last time")  # a command-line build tries again
        snapshot = st.take_snapshot() if hasattr(st, "take_snapshot") else changes.take(self.content)
        found = changes.compare(self.content, st.snapshot, snapshot)
        if found.added or found.removed:
            return self._cannot("a content file was added or removed")
        reads = st.cache.new["reads"]
        max_bytes = config.max_input_mb * 1024 * 1024
        edits: dict[str, str] = {}
        fresh: dict[str, Any] = {}
        from ..readers.tree import METADATA_FILES
        for rel in found.changed:
            if rel in METADATA_FILES:  # paper metadata: years, titles, slugs and taxonomies may all move
                return self._cannot(f"{rel} changed")
            entry = reads.get(rel)
            if entry is None or rel.startswith("copy:"):
                return self._cannot(f"{rel} is not a text input")  # an image, say
            from ..readers import read_file
            result = read_file(self.content / rel, rel, max_bytes=max_bytes)
            edit = text_edits(pickle.loads(entry[3]), result)
            if edit is None:
                return self._cannot(f"{rel}: more than summary text changed")
            edits.update(edit)
            fresh[rel] = result
        for sid in edits:
            s = st.summary(sid)
            if s is None:
                return self._cannot(f"summary {sid} is not on the site (a draft?)")
            if len(s.record.origins) != 1:  # merged: which text wins is the merge's business
                return self._cannot(f"summary {sid} is merged from several files")
        if found.changed:
            _remember_reads(st.cache, self.content, fresh, snapshot, max_bytes)
        st.snapshot = snapshot
        if not edits:
            if not st.published():
                return self._cannot("the output was changed since the last build")
            self.replaced = []
            return self._finish(st, started, fresh, [], 0, 0, "unchanged")
        edited = [st.summary(sid) for sid in sorted(edits)]
        titles = [s.display_title for s in edited]
        from ..catalog import text_facts
        facts = [text_facts(s, config) for s in edited]
        for s in edited:
            s.record.body = edits[s.id]
        if [text_facts(s, config) for s in edited] != facts:  # its citation of its paper, its link, topics
            return self._cannot("an edit changed what a summary's text says about its paper")

        from ..render.summaries import render_catalog
        math_before = [(s.math_css, s.math_in_browser) for s in edited]
        warnings = render_catalog(st.catalog, config, self.site_root, cache=st.cache, only=edited,
                                  links=st.links(config))
        if [s.display_title for s in edited] != titles:  # page titles and A-Z orders may change
            return self._cannot("a summary's derived title changed")  # (the full build reads afresh)
        if config.images == "mirror" and any(self._new_figure(f) for s in edited for f in s.figures):
            return self._cannot("an edit added a mirrored figure")  # the full build copies it into the site
        math = self._math_texts(st, config, math_before, edited)
        if math is None:
            return self._cannot("the formulas need other math files (fonts, or MathJax for the browser)")
        search = _begin_index(st, edited, self.output, config, self.jobs) if config.search else None
        try:
            stats = self._write_changes(st, config, edited, math, search)
        finally:
            if search is not None:
                search.close(self.dropping if self.last_build else None)
        ids = {s.id for s in edited}
        kept = [w for w in st.report.render_warnings if not any(f"[{i}]" in w for i in ids)]
        # A warning naming no summary (e.g. math not checked) is already among the kept ones.
        st.report.render_warnings = kept + [w for w in warnings if w not in kept]
        return self._finish(st, started, fresh, edited, *stats, "incremental")

    def _new_figure(self, src: str) -> bool:
        from ..figures.mirror import FIGURE_DIR

        return src.startswith(f"/{FIGURE_DIR}/") and not (self.output / src.lstrip("/")).is_file()

    def _cannot(self, why: str) -> None:
        self.why_full = why
        return None

    def _finish(self, st: Any, started: float, fresh: dict[str, Any], edited: list[Summary], rendered: int,
                written: int, mode: str) -> BuildReport:
        if fresh:
            st.report.diagnostics = [d for d in st.report.diagnostics if d.file not in fresh] + [
                d for r in fresh.values() for d in r.diagnostics]
        self.last_mode = mode
        return replace(st.report, seconds=time.perf_counter() - started, files_changed=written,
                       pages_rendered=rendered, catalog=st.catalog, how=mode)

    def _math_texts(self, st: Any, config: SiteConfig, before: list[tuple], edited: list[Summary]
                    ) -> dict[str, str] | None:
        """The math stylesheet (and browser configuration) as the catalog now needs them; None if other files are needed.

        `before`: each edited summary's (math_css, math_in_browser) before the edit."""
        from ..output.assets import math_assets
        from ..output.site import url_helpers

        texts, copies = math_assets(st.math_use(before, edited), config, self.site_root, url_helpers(config)[0])
        if sorted([*texts, *copies]) != st.kept.get("math_files"):
            return None
        return texts

    def _write_changes(self, st: Any, config: SiteConfig, edited: list[Summary],
                       math: dict[str, str], search: "_SearchEdit | None") -> tuple[int, int]:
        # The JSON export (tens of MB) is written by a thread while pages are rendered, in a folder of
        # ours beside the output (the search index's, with search on): nothing is written into the output
        # before the check of it (another process: see persist.build_site) has answered, just before the
        # first file is renamed into place (_write_pages), so the check goes on meanwhile; and a build
        # killed before that has written nothing into the output.
        exports = st.export(edited)
        staging = None
        if exports:
            from ..output import scratch

            if search is None:
                scratch.remove_stale(self.output)  # (left by a build killed while it wrote one)
            staging = search.staging if search is not None else scratch.make(self.output, "export")
        api = {rel: _Early(self.output, rel, data, beside=staging) for rel, data in exports.items()}
        try:
            st.prepare(config)
            return self._write_pages(st, config, edited, api, math, search)
        except BaseException:
            for early in api.values():
                if isinstance(early, _Early):
                    early.abandon()
            raise
        finally:
            if staging is not None and search is None:
                import shutil

                shutil.rmtree(staging, ignore_errors=True)

    def _write_pages(self, st: Any, config: SiteConfig, edited: list[Summary], api: dict[str, Any],
                     math: dict[str, str], search: "_SearchEdit | None") -> tuple[int, int]:
        from ..catalog import Paper
        from ..output import partials
        from ..output.pagecache import base_digest, number_steps
        from ..output.pages import paper_page, summary_page

        kept, cache = st.kept, st.cache
        world, recorder = kept["world"], kept["recorder"]
        partials.forget(kept["env"])  # renderings and digests of the catalog as it was before the edit
        world.forget()
        changed: set[tuple] = set()
        entries: list[Paper | Summary] = []
        for s in edited:
            changed |= {("S", s.id), ("R", s.id), ("RM", s.id)}
            if s.paper is not None:
                changed |= {("P", s.paper.id), ("PM", s.paper.id)}
            entry = s.paper if s.paper is not None else s
            if entry not in entries:
                entries.append(entry)

        # Related entries: the index is updated exactly, and the map the `related` template
        # global reads is updated in place for the entries whose list changed.
        related = kept["related"]
        index = kept["related_index"]
        for url in sorted(index.update(entries)):
            related[url] = [st.entry(u) for u in index.results_for(url)]
            changed.add(st.key(st.entry(url)))

        # Pages whose own fields come from summary text (their description): new Page objects.
        replaced: set[str] = set()
        for entry in entries:
            page = paper_page(entry) if isinstance(entry, Paper) else summary_page(entry)
            if page != st.page(page.path):
                st.set_page(page)
                replaced.add(st.where(page.path))

        deps = st.dependencies()
        changed |= {("page", path) for path in deps.pages_showing(changed)}
        table = cache.new["page_steps"]
        moved = set()
        for i in sorted(deps.steps_of(changed)):
            step, value = table[i]
            try:
                same = world.evaluate(step) == value
            except Exception:  # noqa: BLE001 - no longer computable: it changed
                same = False
            if not same:
                moved.add(i)
        todo = sorted(deps.readers_of(moved) | replaced | st.uncacheable)

        recorder.forget()  # digests recorded by an earlier rebuild may be out of date
        files: dict[str, Any] = {}
        outputs = cache.new["outputs"]
        numbered: dict[tuple, int] = {}
        for where in todo:
            page = st.page(st.path(where))
            html, steps = recorder.render(page)
            old = cache.new["pages"].pop(where, None)
            if old is not None:
                deps.remove_page(where, old[1])
            base = base_digest(page, world, kept["context"]) if kept["context"] else None
            if steps is None or base is None:
                st.uncacheable.add(where)
            else:
                ids = number_steps(map(recorder.steps.__getitem__, steps), numbered, table)
                cache.new["pages"][where] = (base, page_ids(ids))
                deps.add_page(where, ids)
                st.uncacheable.discard(where)
            data = html.encode("utf-8")
            if outputs.get(where, ("",))[0] != output_digest(data):
                files[page.file] = data
        deps.index_steps()

        fallback, feeds = st.feeds({s.id for s in edited})
        canonical = kept["env"].globals["canonical"]
        from ..output.feeds import feed_xml
        texts = {source.path.lstrip("/"): feed_xml(source, config, canonical, fallback, entries_shown)
                 for source, entries_shown in feeds}
        for rel, text in {**texts, **math}.items():
            data = text.encode("utf-8")
            if outputs.get(str(self.output / rel), ("",))[0] != output_digest(data):
                files[rel] = data
        files.update(api)
        # The new search index first, complete, beside the output; then the pages; then the index
        # swapped in. A build killed before the swap leaves the published site as it was.
        # (Also when no file changed: the delta finds it if a record did not change either.)
        fresh = _stage_index(search) if search is not None else None
        if not st.published():  # (checked meanwhile by another process: see persist.build_site)
            raise OutputChanged("the output was changed since the last build")
        dropping = _replace_files(self.output, files, outputs, unhashed=api.keys(), aside=self.site_root / CACHE_DIR)
        if dropping is not None:
            self.dropping.append(dropping)
        self.replaced = [str(self.output / rel) for rel in sorted(files)]
        if fresh is not None:
            changed = _swap_index(fresh, self.output)
            if changed is None:
                self.replaced = None  # a new search bundle: its files are not known here
            else:  # a delta: parts.json replaced, its bundle added, the last one removed
                self.replaced += [str(self.output / rel) for rel in changed[0]]
                self.added = changed[1], changed[2]
        return len(todo), len(files)

    def _warm_up(self, st: _State, config: SiteConfig) -> None:
        """Make now what the first edit would otherwise make: the server's first edit is then as fast as the next."""
        st.links(config)
        st.dependencies()
        env = st.kept["env"]
        for name in env.list_templates(extensions=["html", "xml"]):  # the full build compiled them in workers
            try:
                env.get_template(name)
            except TemplateError:  # a broken template no page uses: only an edit that uses it reports it
                pass
        index = st.kept.get("related_index")
        if index is not None:
            index.warm_up()


def _remember_reads(cache: BuildCache, content: Path, fresh: dict[str, Any], snapshot: changes.Snapshot,
                    max_bytes: int) -> None:
    """Keep the cache's read table current, so a later full build reuses these reads."""
    for rel, result in fresh.items():
        h = digest((content / rel).read_bytes())
        cache.new["reads"][rel] = (snapshot.stats[rel], h, max_bytes,
                                   pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


def _replace_files(output: Path, files: dict[str, bytes], outputs: dict[str, tuple], unhashed=(),
                   aside: Path | None = None) -> Any:
    """Each file replaced atomically (write beside, rename over): a reader sees old or new bytes.
    All are written beside before any is renamed, so a write that fails changes nothing.

    Files in `unhashed` (the JSON export: tens of MB, known to have changed) are recorded
    with no hash, so the next full build writes them instead of linking them. Renaming over
    such a file frees its blocks, which takes the file system tens of milliseconds: the old
    file is given a second name in the tool's own cache folder `aside` first, and that name is
    removed by the thread returned (or None), while the build saves its session.
    """
    from ..output.confine import Folder

    folder = Folder(output)  # proves each file is inside the output, as the full build's staging does
    staged: list[tuple[str, str, str]] = []
    try:  # every new file written first: a full disk leaves the published site as it was
        for rel in sorted(files):
            value = files[rel]
            staged.append((rel, *(value.staged() if isinstance(value, _Early) else folder.stage(rel, value))))
    except BaseException:
        for value in files.values():  # (a thread's file, if it wrote one)
            if isinstance(value, _Early):
                value.abandon()
        for _, tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    second: list[str] = []
    if aside is not None and any(rel in unhashed for rel, _, _ in staged):
        _remove_set_aside(aside)
    for rel, tmp, dest in staged:  # renames need no space
        if rel in unhashed and aside is not None:
            second += _set_aside(aside, dest, len(second))
        os.replace(tmp, dest)
        outputs[str(output / rel)] = ("" if rel in unhashed else output_digest(files[rel]), stat_key(os.stat(dest)))
    if not second:
        return None
    import threading

    thread = threading.Thread(target=_unlink_all, args=(second,), name="free the replaced export", daemon=True)
    thread.start()
    return thread


ASIDE_PREFIX = "replaced-export."  # + pid + "." + n: names in the cache folder, nowhere else


def _set_aside(folder: Path, path: str, n: int) -> list[str]:
    """A second name for `path` in the tool's cache folder (never in the output, whose next build
    would see a file it did not write, nor beside it, which is the user's), or none if the file
    system will not link it there (another disk: the rename frees the blocks itself)."""
    name = f"{folder}/{ASIDE_PREFIX}{os.getpid()}.{n}"
    try:
        os.link(path, name)
    except OSError:
        return []
    return [name]


def _remove_set_aside(folder: Path) -> None:
    """Second names left in the cache folder by a build killed before it removed them (its process is gone)."""
    from ..store import _running

    try:
        with os.scandir(folder) as it:
            found = [e.name for e in it if e.name.startswith(ASIDE_PREFIX) and e.is_file(follow_symlinks=False)]
    except OSError:
        return
    for name in found:
        pid = name[len(ASIDE_PREFIX):].partition(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(f"{folder}/{name}")


def _unlink_all(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


class _Early:
    """A file written beside its place by a thread, while the build goes on (`staged()` waits for it)."""

    def __init__(self, output: Path, rel: str, data: Any, beside: Path | None = None) -> None:
        """`beside`: a folder of ours beside the output (same file system) to write it in, instead of
        beside its place in the output."""
        import threading

        from ..output.confine import Folder

        self.result: tuple[str, str] | BaseException | None = None

        def stage() -> None:
            try:
                if beside is None:
                    self.result = Folder(output).stage(rel, data)
                else:
                    dest = Folder(output).path(rel)
                    self.result = Folder(beside).stage(f"early-{rel.replace('/', '-')}", data)[0], dest
            except BaseException as exc:  # noqa: BLE001 - raised by staged(), in the build's thread
                self.result = exc

        self.thread = threading.Thread(target=stage, name=f"stage {rel}", daemon=True)
        self.thread.start()

    def staged(self) -> tuple[str, str]:
        self.thread.join()
        if isinstance(self.result, BaseException):
            raise self.result
        assert self.result is not None
        return self.result

    def abandon(self) -> None:
        self.thread.join()
        if isinstance(self.result, tuple):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.result[0])


class _SearchEdit:
    """An edit's search index, begun as soon as the edited records are known (Pagefind indexes them
    while the pages are rendered), in a folder of ours beside the output (`staging`), which also
    holds the export while it is written. `close()` stops what still runs and removes the folder."""

    def __init__(self, staging: Path, pending: Any) -> None:
        self.staging, self.pending = staging, pending

    def close(self, later: list[Any] | None = None) -> None:
        """`later`: the folder is removed by a thread, appended there (joined before the build returns)."""
        import shutil

        self.pending.abandon()
        if later is None:
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        import threading

        thread = threading.Thread(target=shutil.rmtree, args=(self.staging, True), name="remove a staging folder",
                                  daemon=True)
        thread.start()
        later.append(thread)


def _begin_index(st: Any, edited: list[Summary], output: Path, config: SiteConfig, jobs: int) -> _SearchEdit:
    """The search index of the edited catalog begun beside the output (output/search_delta.py).

    Pagefind cannot update an index in place: the edited results go to a small delta bundle, and
    the search page leaves out their old copies in the published parts.
    """
    from ..output.search import new_staging, remove_stale_indexes
    from ..output.search_delta import begin_search_edit

    remove_stale_indexes(output)  # left by a build killed while it wrote one
    staging = new_staging(output)
    try:
        pending = begin_search_edit(st.search_changes(edited), (), output, config, urls=st.search_urls,
                                    records_of=st.search_records_of, all_records=lambda: st.search_records(edited),
                                    jobs=jobs, staging=staging, stored=st.search_positions)
    except BaseException:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        raise
    return _SearchEdit(staging, pending)


def _stage_index(search: _SearchEdit) -> Any:
    """The staged index (None if it did not change): a delta to publish, or a whole bundle's folder to swap in."""
    return search.pending.result()


def _swap_index(fresh: Any, output: Path) -> tuple[list[str], list[str], list[str]] | None:
    """Publish the staged index: a delta's (replaced, added, removed) output paths, or None for a whole bundle."""
    import shutil

    from ..output.search import BUNDLE_DIR
    from ..output.search_delta import Delta

    if isinstance(fresh, Delta):
        return fresh.publish()
    from ..output.swap import swap_in

    swap_in(fresh / BUNDLE_DIR, output / BUNDLE_DIR)
    shutil.rmtree(fresh, ignore_errors=True)
    return None
