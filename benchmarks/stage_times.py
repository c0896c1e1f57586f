"""Where a cold build's time goes: wall-clock timers around the pipeline's steps.

    python benchmarks/stage_times.py SITE [--jobs 2] [--reps 1]

SITE is a site folder (`make_corpus.py`'s `DIR/site`). Each repetition deletes its
`_site` and `.site-builder-cache`, then runs what `site-builder build --ignore-cache`
runs (incremental.persist.build_site), in this process, with timers wrapped around
the steps (nothing in the package is changed on disk). Printed per step: wall seconds
in the parent (steps on "both cores" run in forked workers meanwhile) and CPU seconds
(user + kernel) of this process and of the children that finished during the step (a
step's forked workers are joined at its end); then the same over the whole build.
"""
from __future__ import annotations

import argparse
import functools
import os
import resource
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

TIMES: dict[str, float] = defaultdict(float)
ORDER: list[str] = []
CPU: dict[str, float] = defaultdict(float)  # CPU seconds of this process in a few hot functions
STEP_CPU: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # label -> [this process, finished children]


def _cpu() -> tuple[float, float]:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def timed(owner, name: str, label: str, clock=time.perf_counter, totals=TIMES) -> None:
    """Wrap owner.name so its time (by `clock`) adds up in totals[label]; a step's wall time also
    gets its CPU seconds: this process's, and its children's that finished during the step (the
    forked workers of a step are joined at its end; Node's typesetting is the summaries')."""
    fn = getattr(owner, name)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        started = clock()
        cpu = _cpu() if totals is TIMES else None
        try:
            return fn(*args, **kwargs)
        finally:
            if label not in totals and totals is TIMES:
                ORDER.append(label)
            totals[label] += clock() - started
            if cpu is not None:
                now = _cpu()
                STEP_CPU[label][0] += now[0] - cpu[0]
                STEP_CPU[label][1] += now[1] - cpu[1]

    setattr(owner, name, wrapper)


def cpu_timed(owner, name: str, label: str) -> None:
    """CPU seconds of this process in a function: with --jobs 1 the pages are rendered here too."""
    timed(owner, name, label, time.process_time, CPU)


def install(hot: bool = False) -> None:
    from site_builder import catalog, pipeline
    from site_builder.cache import BuildCache
    from site_builder.catalog import related
    from site_builder.catalog.related import RelatedIndex
    from site_builder.incremental import persist
    from site_builder.output import site, staging
    from site_builder.output.pagecache import World
    from site_builder.render import summaries

    steps = [  # (owner, function, label): wall seconds in this process
        (pipeline, "read_inputs", "reading the inputs"),
        (catalog, "build_catalog", "catalog (merge, identity, taxonomies)"),
        (summaries, "render_catalog", "summaries: rendering, plain text, formulas (typeset or checked)"),
        *([(related.PendingIndex, "result", "related papers: waiting for the index (a forked process's, made meanwhile)"),
           (RelatedIndex, "build", "related papers: index, in this process (one job)")]
          if hasattr(related, "PendingIndex") else  # (older code: on `jobs` cores, in this process)
          [(RelatedIndex, "for_catalog", "related papers: index")]),
        (RelatedIndex, "resolve", "related papers: lists"),
        (site, "build_pages", "the page list"),
        (site, "page_environment", "page environment (globals: neighbours, citation keys...)"),
        (site, "render_pages", "pages: rendered and written by the workers"),
        (site, "_other_files", "  of which the parent meanwhile: feeds, export, sitemap, copies"),
        (staging.Stager, "done", "staging done"),
        (site, "swap_into_place", "the swap"),
        (staging, "record_outputs", "recording the outputs"),
        (BuildCache, "save", "build cache save (forks a writer)"),
        (persist, "save", "session save"),
        (BuildCache, "wait_saved", "waiting for the build cache writer"),
    ]
    for owner, name, label in steps:
        timed(owner, name, label)
    if hot:
        cpu_timed(World, "fingerprint", "page recorder: object digests")
        cpu_timed(World, "digest", "page recorder: call result digests")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--hot", action="store_true",
                        help="also time the page recorder's digests (two clock reads per digest: this "
                             "inflates the page workers' CPU by seconds at 10,000 summaries)")
    args = parser.parse_args()
    site_dir = args.site.resolve()
    os.chdir(site_dir)
    install(args.hot)
    from site_builder.config import load_config
    from site_builder.incremental.persist import build_site

    config = load_config(Path("site.yaml"))
    for rep in range(args.reps):
        shutil.rmtree("_site", ignore_errors=True)
        shutil.rmtree(".site-builder-cache", ignore_errors=True)
        TIMES.clear()
        ORDER.clear()
        CPU.clear()
        STEP_CPU.clear()
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        build_site(Path("content"), Path("_site"), config, site_dir, jobs=args.jobs, last_build=True)
        wall = time.perf_counter() - started
        me2, kids2 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = lambda a, b: (b.ru_utime - a.ru_utime) + (b.ru_stime - a.ru_stime)  # noqa: E731
        print(f"| step (rep {rep + 1}) | wall (s) | CPU here (s) | CPU of children (s) |\n| --- | ---: | ---: | ---: |")
        for label in ORDER:
            here, kids_cpu = STEP_CPU[label]
            print(f"| {label} | {TIMES[label]:.2f} | {here:.2f} | {kids_cpu:.2f} |")
        print(f"| whole build | {wall:.2f} | {cpu(me, me2):.2f} | {cpu(kids, kids2):.2f} |")
        print(f"\nCPU: parent {cpu(me, me2):.2f} s, workers and Node {cpu(kids, kids2):.2f} s; "
              f"load average {os.getloadavg()[0]:.1f}")
        scope = "this process: every page's with --jobs 1" if args.jobs == 1 else "this process only"
        for label, seconds in CPU.items():
            print(f"CPU in {label} ({scope}): {seconds:.2f} s")
        print(flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
