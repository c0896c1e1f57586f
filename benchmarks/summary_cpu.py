"""CPU seconds of reading, the catalog and the summary step (and the summary step's parts), in one process.

    python benchmarks/summary_cpu.py SITE [--reps 3] [--source DIR ...]

SITE is a site folder (`make_corpus.py`'s `DIR/site`). Each run deletes the site's
`.site-builder-cache` (so the math store is cold too) and runs, in one fresh process with
`--jobs 1`, what a cold build runs before the pages: reading the inputs, the catalog, and
`render_catalog` (rendering, plain text, formulas). Timers (CPU of this process, user +
kernel) are wrapped around the steps and around the parts of rendering; the parts are
inclusive (Pygments runs inside Markdown and wikitext, the restorer's output goes through
markdown-it, counted under Markdown), and "rest" is what the summary step spends outside
them (cache keys, collecting results, figures; and finding the formulas where the rendering
does it, as the workers do since issue 29's second round). Node's CPU (MathJax) is a child's: shown apart.

With `--source DIR` (repeatable), each repetition runs once per source, alternating, with
`PYTHONPATH=DIR` (e.g. an extracted `git archive` of another commit, as in
`compare_commits.py`); the table gives medians. Without, the installed package is run.
"""
from __future__ import annotations

import functools
import os
import resource
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import alternating  # benchmarks/ is the script's folder, first on sys.path

PARTS = [  # (label, module, function name): timed wherever that module's name is called
    ("Markdown (markdown-it-py, plugins, render rules)", "site_builder.render.markdown", "render_markdown"),
    ("flattened-Markdown restorer", "site_builder.render.restore", "restore_markdown"),  # imported when called
    ("wikitext (mwparserfromhell, block renderer)", "site_builder.render.wikitext", "render_wikitext"),
    ("  of which Pygments (Markdown fences)", "site_builder.render.markdown", "highlighted"),
    ("  of which Pygments (wiki code)", "site_builder.render.wiki.highlight", "highlighted"),
    ("plain text and derived title (HTML -> text)", "site_builder.render.summaries", "_text_and_title"),
    ("plain text and derived title (HTML -> text)", "site_builder.render.summaries", "text_and_words"),  # workers'
    ("plain text and derived title (HTML -> text)", "site_builder.render.summaries", "derive_title"),
    ("plain text: cache keys, teasers (parent)", "site_builder.render.summaries", "_plain_text"),
    ("formulas: found, typeset or checked, replaced (Python)", "site_builder.render.summaries", "typeset_summaries"),
]
TOP_LEVEL = ("Markdown (markdown-it-py, plugins, render rules)", "flattened-Markdown restorer",
             "wikitext (mwparserfromhell, block renderer)", "plain text and derived title (HTML -> text)",
             "plain text: cache keys, teasers (parent)", "formulas: found, typeset or checked, replaced (Python)")


def _children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def one(site: Path) -> dict[str, float]:
    """One cold run in this process: label -> CPU seconds."""
    import importlib

    totals: dict[str, float] = defaultdict(float)
    depth: dict[str, int] = defaultdict(int)

    def wrap(owner, name: str, label: str) -> None:
        fn = getattr(owner, name)

        @functools.wraps(fn)
        def timed(*args, **kwargs):
            depth[label] += 1
            started = alternating.cpu()
            try:
                return fn(*args, **kwargs)
            finally:
                depth[label] -= 1
                if depth[label] == 0:  # a recursive call is counted once
                    totals[label] += alternating.cpu() - started

        setattr(owner, name, timed)

    os.chdir(site)
    shutil.rmtree(".site-builder-cache", ignore_errors=True)
    for label, module, name in PARTS:
        owner = importlib.import_module(module)
        if hasattr(owner, name):
            wrap(owner, name, label)
    from site_builder.cache import BuildCache
    from site_builder.catalog import build_catalog
    from site_builder.catalog import overrides as paper_overrides
    from site_builder.config import load_config
    from site_builder.pipeline import BuildReport, read_inputs
    from site_builder.render.summaries import render_catalog

    config = load_config(Path("site.yaml"))
    cache = BuildCache.memory()
    started = alternating.cpu()
    records, collections = read_inputs(Path("content"), BuildReport(), config.max_input_mb * 1024 * 1024, cache, 1)
    read = alternating.cpu()
    catalog = build_catalog(records, collections, config, paper_overrides.load(Path("content")))
    merged = alternating.cpu()
    node = _children()
    render_catalog(catalog, config, site, cache=cache, jobs=1)
    done = alternating.cpu()
    out = {"reading the inputs": read - started, "catalog (merge, identity, topics)": merged - read,
           "summary step (render_catalog), this process": done - merged}
    out.update((label, totals[label]) for label, _, _ in PARTS)
    out["rest of the summary step"] = out["summary step (render_catalog), this process"] - sum(
        totals[label] for label in TOP_LEVEL)
    out["MathJax in Node (children)"] = _children() - node
    out["load average (1 min) at the end"] = os.getloadavg()[0]
    return out


if __name__ == "__main__":
    sys.exit(alternating.main(one, __file__, __doc__))
