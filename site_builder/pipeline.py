"""The one-way pipeline: read -> catalog -> render -> write. Commands call this."""
from __future__ import annotations

import os
import pickle
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import BuildCache, digest, stat_key, tree_state
from .config import SiteConfig
from .derived import Recorded, compute
from .output.listing import listing
from .records import Collection, Diagnostic, ReadResult, SummaryRecord

MIRROR_FAILED = "figure not mirrored"  # = figures.mirror.FAILED, not imported: `build` with nothing to do starts fast

if TYPE_CHECKING:
    from .catalog import Catalog


@dataclass
class BuildReport:
    """What a build read, made and wrote, and what it warned about."""

    files_read: int = 0
    records: int = 0
    summaries: int = 0
    papers: int = 0
    pages: int = 0
    files_written: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    render_warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    files_changed: int = 0  # output files whose bytes changed (the rest are hard links to the old ones)
    pages_rendered: int = 0  # pages rendered by Jinja; the others' recorded reads were unchanged
    drafts: int = 0  # records marked draft and left out (config.drafts is off)
    how: str = ""  # how a long-running session rebuilt: "incremental", or why it was a full build
    # Summaries without a paper: (id, input files, title shown), for the user to tie in papers.yaml
    unidentified: list[tuple[str, list[str], str]] = field(default_factory=list)
    catalog: Catalog | None = None

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) + len(self.render_warnings)


def read_inputs(content: Path, report: BuildReport, max_bytes: int | None = None,
                cache: BuildCache | None = None, jobs: int = 1) -> tuple[list[SummaryRecord], list[Collection]]:
    """Every input file's records and collections, in file order; unchanged files come from the cache.

    The files the cache cannot vouch for are read on `jobs` cores (each worker hands back
    the pickled result, which the cache keeps anyway). `max_bytes`: the readers' default when None.
    """
    from .parallel import imap_indexed  # both imported here, as build's own imports are (below)
    from .readers import DEFAULT_MAX_BYTES, read_file
    from .readers.tree import walk_content

    if max_bytes is None:
        max_bytes = DEFAULT_MAX_BYTES
    records: list[SummaryRecord] = []
    collections: list[Collection] = []
    if not content.is_dir():
        raise FileNotFoundError(f"content folder not found: {content}")
    cache = cache or BuildCache.memory()
    tree = walk_content(content)  # symlinks out of the folder, special files, unreadable folders: reported
    report.diagnostics += tree.diagnostics
    files = [(path, rel) for rel, path in tree.inputs]
    if not files:  # a typo in --content, or a site not started yet: the site would be empty
        report.diagnostics.append(Diagnostic(str(content), "no input files in the content folder; the site has no summaries"))
    found: list[ReadResult | None] = [_read_from_cache(path, rel, max_bytes, cache) for path, rel in files]
    todo = [i for i, r in enumerate(found) if r is None]

    def read(k: int) -> tuple[tuple, str, bytes]:
        path, rel = files[todo[k]]
        try:
            st = os.stat(path)  # before reading: an edit in between is seen next time
            h, data = cache.file_hash(path, rel, st)
        except OSError:  # unreadable: read_file says so, and nothing is cached
            return (), "", pickle.dumps(read_file(path, rel, max_bytes=max_bytes), protocol=pickle.HIGHEST_PROTOCOL)
        result = read_file(path, rel, max_bytes=max_bytes, data=data)  # the bytes just hashed, when it read them
        return stat_key(st), h, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)

    # Each result taken up as it comes, while the workers read on (not all of them after the last).
    # (records hold no cycles: no collection walks them while they come)
    for (st, h, blob), i in zip(imap_indexed(read, len(todo), jobs, collect=False), todo):
        if h:
            cache.put("reads", files[i][1], (st, h, max_bytes, blob))
        found[i] = pickle.loads(blob)
    for result in found:
        assert result is not None
        report.files_read += 1
        records += result.records
        collections += result.collections
        report.diagnostics += result.diagnostics
    return records, collections


def _read_from_cache(path: Path, rel: str, max_bytes: int, cache: BuildCache) -> ReadResult | None:
    """What read_file gave for the same bytes last time (a fresh copy: the catalog mutates records)."""
    old = cache.old["reads"].get(rel)
    if old is None or old[2] != max_bytes:
        return None
    try:
        st = os.stat(path)
        h, _ = cache.file_hash(path, rel, st)
    except OSError:  # read again, which reports it
        return None
    if old[1] != h:
        return None
    cache.put("reads", rel, (stat_key(st), h, max_bytes, old[3]))
    return pickle.loads(old[3])


class BuildProgress:
    """Hook for a progress display: `stage(name, total)` returns a callback(n_done) or None."""

    def stage(self, name: str, total: int | None):
        return None


def build(content: Path, output: Path, config: SiteConfig, site_root: Path, *, use_cache: bool = True,
          jobs: int = 1, progress: BuildProgress | None = None, skip_unchanged: bool = False,
          cache: BuildCache | None = None, keep: dict | None = None, save_in_background: bool = False) -> BuildReport:
    """Build the site. `use_cache=False` (--clean) ignores the cache (and refills it).

    `skip_unchanged=True` returns at once, with the last report and no catalog,
    when nothing the build reads has changed since the last build and the output
    is exactly as that build left it.
    `cache`: a cache already in memory (a long-running session's), instead of the
    site's cache files. `keep`, when given, receives what an incremental rebuild
    needs: the cache, the environment, pages, related entries (see incremental/).
    `save_in_background`: the cache is written by a forked process; the caller must
    `cache.wait_saved()` (a command-line build, which writes its session meanwhile).
    `keep["step_done"]`, if there, is called after each serial step (catalog, summaries, related
    index, page list and environment); `keep["on_rendered"](catalog, cache)` once the summaries are rendered.
    """
    started = time.perf_counter()
    report = BuildReport()
    loaded = cache is not None
    cache = cache if loaded else BuildCache.open(site_root, enabled=use_cache)
    inputs = input_state(content, output, config, site_root, cache)  # before reading: an edit during the build is seen next time
    if skip_unchanged and not loaded and keep is None:
        last = unchanged_report(inputs, output, cache, started)
        if last is not None:
            return last
    if not loaded:
        cache.load_tables()
    # Imported here, after the "nothing changed" check: they are most of the start-up time.
    from .catalog import build_catalog
    from .catalog import overrides as paper_overrides
    from .output.site import write_site
    from .render.summaries import render_catalog

    step = progress or BuildProgress()
    records, collections = read_inputs(content, report, config.max_input_mb * 1024 * 1024, cache, jobs)
    if not config.drafts:  # before the catalog: no page, listing, feed, index or JSON line sees them
        published = [r for r in records if not r.draft]
        report.drafts = len(records) - len(published)
        records = published
    report.records = len(records)
    overrides = paper_overrides.load(content)
    catalog = build_catalog(records, collections, config, overrides, jobs=jobs)
    step_done = keep.get("step_done") if keep is not None else None
    if step_done:
        step_done()
    report.diagnostics += overrides.diagnostics
    derive = keep.setdefault("derived", Recorded()) if keep is not None else compute  # kept for the session
    from .render.summaries import link_context
    report.render_warnings = render_catalog(catalog, config, site_root, cache=cache, jobs=jobs,
                                            progress=step.stage("summaries", len(catalog.summaries)),
                                            math_progress=step.stage("formulas", None),
                                            figure_progress=step.stage("figures", None) if config.images == "mirror"
                                            else None, links=link_context(catalog, config, derive))
    if config.images == "mirror" and any(w.startswith(MIRROR_FAILED) for w in report.render_warnings):
        inputs = None  # a figure that could not be mirrored is tried again by the next build, not skipped
    if keep is not None and "on_rendered" in keep:  # the catalog's objects are final from here on
        keep["on_rendered"](catalog, cache)  # (the command line's session store begins writing them)
    if step_done:
        step_done()
    report.unidentified = unidentified(catalog)
    # Related papers worked out by a forked process while this one makes the page list and the page
    # environment (write_site), not where the templates get them (seo.install); the map the templates
    # read is filled in before the first page is rendered.
    from .catalog.related import RelatedIndex
    entries = [*catalog.papers, *catalog.unidentified]
    pending = RelatedIndex.in_background(entries, jobs=jobs)
    related: dict[str, list] = {}

    def related_ready() -> None:
        index = pending.result()
        related.update(index.resolve(entries))
        if keep is not None:  # an index that later edits can update, and the map templates read
            keep.update(related=related, related_index=index)
        if step_done:
            step_done()

    if keep is not None:
        keep.update(cache=cache)
    try:
        stats = write_site(catalog, config, site_root, output, content, cache=cache, jobs=jobs,
                           progress=step.stage("pages", None), related=related, keep=keep, derive=derive,
                           before_rendering=related_ready)
    finally:
        pending.close()  # (a build that failed before the pages: the process is stopped)
    report.diagnostics += stats.diagnostics
    report.files_changed = stats.written
    report.pages_rendered = cache.page_stats[1]
    report.summaries = len(catalog.summaries)
    report.papers = len(catalog.papers)
    report.pages = stats.pages
    report.files_written = stats.files
    report.seconds = time.perf_counter() - started
    cache.save((inputs, listing(output)), replace(report, catalog=None),
               background=save_in_background)
    report.catalog = catalog
    return report


def unidentified(catalog: Catalog) -> list[tuple[str, list[str], str]]:
    """Summaries without a paper, for the build's report: (id, input files, title shown)."""
    out = []
    for s in sorted(catalog.unidentified, key=lambda s: (s.record.origins, s.id)):
        title = s.display_title
        if s.own_link:
            title += f" (links {s.own_link[1]} as its paper)"
        out.append((s.id, list(s.record.origins), title))
    return out


def unchanged_report(inputs: str | None, output: Path, cache: BuildCache, started: float,
                     published: bool | None = None) -> BuildReport | None:
    """The last build's report, when nothing it read has changed and its output is as it left it.

    `published`: whether the output is as the last build left it, when the caller knows already."""
    state = cache.last_state
    if inputs is not None and cache.last_report and state and state[0] == inputs and (
            published if published is not None else state[1].unchanged(output)):
        return replace(cache.last_report, seconds=time.perf_counter() - started, files_changed=0, pages_rendered=0)
    return None


def theme_state(site_root: Path, config: SiteConfig) -> list[tuple[str, int, int, int]]:
    """Stats of the templates, static files and installed MathJax a build uses."""
    from .output.theme import static_dirs, template_dirs

    files = tree_state([*template_dirs(site_root), *static_dirs(site_root)])
    package_json = site_root / config.mathjax.npm_root / "node_modules" / "mathjax" / "package.json"
    if package_json.is_file():
        files.append((str(package_json), *stat_key(os.stat(package_json))))
    return files


def input_state(content: Path, output: Path, config: SiteConfig, site_root: Path, cache: BuildCache,
                content_files: list[tuple[str, int, int, int]] | None = None) -> str | None:
    """Digest of everything a build reads; None if a file is too new to trust its stat.

    `content_files`: tree_state([content]), when the caller has walked it already."""
    files = (tree_state([content]) if content_files is None else content_files) + theme_state(site_root, config)
    if any(mtime >= cache.started_ns - 2_000_000_000 for _, _, mtime, _ in files):
        return None  # modified moments ago: could change again within the clock's resolution
    return digest(cache.salt, repr(config), str(content.resolve()), str(output.resolve()),
                  str(shutil.which("node")), repr(files))
