"""Write the whole site: pages, JSON, static files. Atomically.

Everything goes into a staging folder beside the output folder; only when all of
it is written does the staging folder replace the output folder, so a failed or
killed build leaves the previous site as it was.
"""
from __future__ import annotations

import os
import shutil
from array import array
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlsplit

from jinja2 import Environment

from .. import __version__
from ..cache import BuildCache
from ..catalog import Catalog
from ..parallel import Progress, imap_indexed
from ..config import SiteConfig
from ..derived import Derive, compute
from ..records import Diagnostic
from ..store import dumps_rebuilt
from . import reading, seo, sequences
from .filters import install as install_filters
from . import partials
from .assets import mathjax_urls
from .pages import SORTS, Page, build_pages, memoized
from .pagecache import Published, render_cached
from .target import MARKER, MARKER_TEXT, check_build_output
from .theme import make_environment, template_dirs

if TYPE_CHECKING:
    from .staging import Stager

# The modules only a full build uses (the export, the sitemap, the search index, the swap) are
# imported in write_site: an edit from the command line renders a few pages with what is above.


@dataclass
class WriteStats:
    """What writing the site did."""

    pages: int
    files: int
    written: int = 0  # files whose bytes changed; the rest were hard-linked from the previous output
    diagnostics: list[Diagnostic] = field(default_factory=list)  # files that could not be published


def url_helpers(config: SiteConfig):
    base_path = urlsplit(config.root_url).path or "/"

    def url(path: str) -> str:
        """A site path as a link: prefixed with the base URL's path (sub-folder hosting)."""
        if "://" in path:
            return path
        return base_path + path.lstrip("/")

    def canonical(path: str) -> str:
        return config.root_url + path.lstrip("/")

    return url, canonical


def page_environment(catalog: Catalog, config: SiteConfig, site_root: Path,
                     related: dict[str, list] | None = None, derive: Derive = compute,
                     cache: BuildCache | None = None) -> Environment:
    """The theme's Jinja environment with everything templates may call: URLs, filters, head tags.

    `derive`: how values over the whole catalog are made (derived.py); `cache`: the build cache,
    beside whose file compiled templates are kept (none for a cache in memory)."""
    env = make_environment(site_root, compiled_templates(cache))
    url, canonical = url_helpers(config)
    env.globals.update(
        site=config,
        catalog=catalog,
        # Plain numbers for the footer of every page: reading `catalog.papers` there would make
        # every page depend on the whole catalog (a digest over all of it, made again after each edit).
        totals=derive("totals", lambda: {"papers": len(catalog.papers), "summaries": len(catalog.summaries)}),
        taxonomies=derive("taxonomies", lambda: catalog.taxonomies),
        url=url,
        canonical=canonical,
        mathjax=mathjax_urls(config, url),
        generator=f"site-builder {__version__}",
    )
    install_filters(env, catalog, config, derive)
    reading.install(env)
    # each entry's key once, whatever terms it is in; fixed by a text-only edit (titles are: delta.py)
    sequences.install(env, derive("neighbours", lambda: sequences.neighbour_map(catalog, memoized(SORTS)[0][3]),
                                  by_key=True))
    partials.install(env)
    seo.install(env, catalog, config, canonical, related, derive)
    return env


def compiled_templates(cache: BuildCache | None) -> Path | None:
    """Where the theme's compiled templates are kept: beside the build cache's file."""
    return cache.path.with_name("templates") if cache is not None and cache.path is not None else None


def render_pages(catalog: Catalog, config: SiteConfig, site_root: Path, *, pages: list[Page] | None = None,
                 jobs: int = 1, progress: Progress | None = None, cache: BuildCache | None = None,
                 output: Path | None = None, related: dict[str, list] | None = None,
                 keep: dict | None = None, sink: Stager | None = None,
                 meanwhile: Callable[[], object] | None = None,
                 derive: Derive = compute,
                 before_rendering: Callable[[], object] | None = None) -> dict[str, str | Published | None]:
    """Output file -> HTML for every page of the site.

    With a cache and the output folder, a page whose recorded reads are unchanged
    is not rendered: its value is `Published` (the file already in `output` is reused).
    `keep`, when given, receives the environment and page list (for incremental rebuilds).
    With a `sink`, each page is written to it as soon as it is rendered (its value here is None).
    `meanwhile`: see parallel.imap_indexed (it may not run when no page needs rendering).
    `before_rendering`: called once the environment and page list are made, before any page is
    rendered (pipeline.build fills `related` then: its index is worked out meanwhile).
    """
    env = page_environment(catalog, config, site_root, related, derive, cache)
    pages = pages if pages is not None else build_pages(catalog, config)
    if keep is not None:
        keep.update(env=env, pages=pages)
        if keep.get("step_done"):  # (pipeline.build: the page list and environment made, before the pages)
            keep["step_done"]()
    if before_rendering is not None:
        before_rendering()
    if cache is not None and output is not None:
        def forked() -> None:
            # The partials rendered here to check the pages that can be reused (render_cached) are in the
            # workers' copies of the environment now: this process lets its own go (tens of MB at 10,000
            # summaries, held to the end of the build otherwise; it renders again what it still needs).
            partials.forget(env)
            if meanwhile is not None:
                meanwhile()

        try:
            return render_cached(env, pages, catalog, config, template_dirs(site_root), output, cache, jobs,
                                 progress, partial(imap_indexed, meanwhile=forked), keep, sink)
        finally:
            partials.forget(env)  # (an incremental rebuild forgets them first anyway)

    def render(i: int) -> str | tuple[str, bool]:
        page = pages[i]
        html = env.get_template(page.template).render(page=page, **page.data)
        return html if sink is None else sink.put(page.file, html)  # written by the worker that rendered it

    # Forked workers share env and catalog; results come back in page order.
    out: dict[str, str | Published | None] = {}
    for page, result in zip(pages, imap_indexed(render, len(pages), jobs, progress, meanwhile)):
        if sink is not None:
            sink.note(page.file, *result)
        out[page.file] = None if sink is not None else result
    return out


def write_site(catalog: Catalog, config: SiteConfig, site_root: Path, output: Path, content: Path | None = None, *,
               cache: BuildCache | None = None, jobs: int = 1, progress: Progress | None = None,
               related: dict[str, list] | None = None, keep: dict | None = None,
               derive: Derive = compute, before_rendering: Callable[[], object] | None = None,
               swapped: Callable[[], object] | None = None) -> WriteStats:
    """Write the site into a staging folder, then swap it in. `before_rendering`: see render_pages.
    `swapped`: called once the new output is in place, before its files are recorded in the cache
    (pipeline.build begins writing the cache file then: cache.begin_save)."""
    from . import scratch
    from .search import BUNDLE_DIR, remove_stale_indexes, search_records, write_search_index
    from .staging import Stager, record_outputs

    check_build_output(output, content, site_root)  # never replace a folder the user has other files in
    pages = build_pages(catalog, config)
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_indexes(output)  # left by a build that was killed (output/scratch.py)
    # A folder of its own (never a fixed name): the tree is staged in it beside its owner's marker.
    own = scratch.make(output, "staging")
    staging = own / "site"
    staging.mkdir()
    try:
        stager = Stager(staging, output, cache)  # unchanged files: hard links to the published ones
        rest: list[tuple[dict, dict]] = []

        def other_files() -> None:
            """Feeds, export, sitemap, static files: done by this process while workers render pages."""
            if not rest:
                rest.append(_other_files(catalog, config, site_root, content, pages, stager, keep))

        # Pages go to the staging folder as they are rendered: the site's HTML is never all in memory.
        html = render_pages(catalog, config, site_root, pages=pages, jobs=jobs, progress=progress, cache=cache,
                            output=output, related=related, keep=keep, sink=stager, meanwhile=other_files,
                            derive=derive, before_rendering=before_rendering)
        other_files()  # if no page needed rendering
        texts, copies, skipped = rest[0]
        fill = stager.done()
        if config.search:  # the published index's unchanged parts are linked, unless --clean
            reuse = output / BUNDLE_DIR if cache is not None and cache.enabled else None
            records = search_records(catalog)
            write_search_index(records, staging / BUNDLE_DIR, config, previous=reuse, jobs=jobs)
            if keep is not None:  # where each result is in the parts: an edit's search delta names its old copy
                from .search import part_count
                from .search_delta import page_positions

                count = part_count(records)
                keep["search_pages"] = (count, page_positions((r.url for r in records), count))
            rows = keep.get("search_rows") if keep is not None else None
            if rows is not None:  # the session store keeps them (an edit redoes its own entries' records):
                for i, r in enumerate(records):  # pickled as UTF-8, each record let go as soon as it is
                    rows.append((r.url, dumps_rebuilt(r)))  # (its text is a str of 2 bytes a character)
                    records[i] = None
            del records
        swap_into_place(staging, output)
        if swapped is not None:
            swapped()
        record_outputs(output, cache)
    finally:
        shutil.rmtree(own, ignore_errors=True)  # after the swap it holds the old tree
    return WriteStats(pages=len(html), files=len(html) + len(texts) + len(copies), written=fill.written,
                      diagnostics=skipped)


def _other_files(catalog: Catalog, config: SiteConfig, site_root: Path, content: Path | None, pages: list[Page],
                 stager: Stager, keep: dict | None) -> tuple[dict, dict, list[Diagnostic]]:
    """Write every file that is not a page; returns (generated texts' names, copied files) by output path,
    and a warning for each file that could not be read to be copied (it is left out).

    First the pages' folders, which workers rendering pages would otherwise make one by one.
    """
    from .api import api_files, summary_lines
    from .assets import content_assets, figure_files, math_assets, pygments_css, static_files
    from .feeds import feed_files, feed_parts
    from .search import engine_files
    from .sitemap import sitemap_files

    stager.make_folders([p.file for p in pages])
    url, canonical = url_helpers(config)
    feeds, lines = feed_parts(catalog, config), summary_lines(catalog)
    if keep is not None:  # what an incremental rebuild redoes in part (incremental/session.py)
        keep.update(fallback=feeds[0], feeds=feeds[1], api=lines)
    math_texts, math_copies = math_assets(catalog.summaries, config, site_root, url)
    if keep is not None:  # an incremental rebuild rewrites the stylesheet; other files need a full build
        keep.update(math_files=sorted([*math_texts, *math_copies]))
    texts = {**api_files(catalog, lines), "assets/pygments.css": pygments_css(),
             **feed_files(catalog, config, canonical, feeds), **sitemap_files(pages, canonical), **math_texts,
             **engine_files(config),
             MARKER: MARKER_TEXT}  # this folder is ours to replace next time (output/target.py)
    for rel in sorted(texts):
        stager.text(rel, texts[rel])
    # Their names only from here: the export alone is tens of MB the rest of the build (pages, the search
    # index, the session save) would otherwise hold.
    texts = dict.fromkeys(texts)
    if keep is not None and keep.get("export_lengths"):  # all the session store keeps of the export's lines
        keep["api"] = (list(lines), array("Q", map(len, lines.values())))
        del lines
    page_files = {p.file for p in pages}
    copies = {**content_assets(content), **static_files(site_root), **math_copies, **figure_files(catalog, site_root)}
    copies = {k: v for k, v in copies.items() if k not in texts and k not in page_files}
    skipped = []
    for rel in sorted(copies):
        try:
            stager.copy(rel, copies[rel])
        except OSError as exc:
            if exc.filename is None or os.fspath(exc.filename) != os.fspath(copies[rel]):
                raise  # writing failed (a full disk...): the build fails
            skipped.append(Diagnostic(rel, f"cannot be read: {exc.strerror or exc}; not published"))
    copies = {k: v for k, v in copies.items() if k not in {d.file for d in skipped}}
    return texts, copies, skipped


def swap_into_place(staging: Path, output: Path) -> None:
    """Replace `output` by `staging` in one atomic step (see output/swap.py)."""
    from .swap import swap_in

    swap_in(staging, output)
