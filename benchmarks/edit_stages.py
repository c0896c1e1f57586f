"""Where the time of a command-line edit goes, stage by stage.

    python benchmarks/edit_stages.py DIR [--reps 3]
    python benchmarks/edit_stages.py DIR --process [--reps 5] [--code CHECKOUT]

DIR is a corpus site from `make_corpus.py` (`DIR/site`, or that folder itself),
built once already. Each repetition appends a sentence to one summary, waits
until the edit is old enough to be trusted by its stat, and runs
`site-builder build` in this process with timers around its stages (the
functions below, looked up by name). Printed: seconds per stage, one column per
repetition (wall clock and this process's CPU, in ms; a function that runs several
times is summed; the code's salt is computed once per process, so only in rep 1). Python's
start and the process's exit are not in it: compare.py's wall-clock figure and
`--process` (below) have them.
"""
from __future__ import annotations

import argparse
import inspect
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

started = time.perf_counter()
from site_builder import cache, catalog, cli, pipeline, store  # noqa: E402
from site_builder.commands import build as build_command  # noqa: E402
from site_builder.catalog import related  # noqa: E402
from site_builder.incremental import persist, session, stored  # noqa: E402
from site_builder.incremental.session import Session  # noqa: E402
from site_builder.output import listing, pagecache  # noqa: E402
from site_builder.output import search as output_search  # noqa: E402
from site_builder.output import search_delta  # noqa: E402
from site_builder.output import site as output_site  # noqa: E402
from site_builder.render import summaries  # noqa: E402
from site_builder import readers  # noqa: E402

IMPORTS = time.perf_counter() - started

# (owner, function name, label); a function imported by name into another module is timed there too.
STAGES = [
    (build_command, "load_config", "read site.yaml"),
    (cache, "code_salt", "the code's salt (hash of the package's files)"),
    (cache.BuildCache, "open", "open the build cache, its small values"),
    (persist, "tree_state", "walk the content folder"),
    (persist, "input_state", "walk the theme, digest the inputs' state"),
    (listing.Listing, "unchanged", "check the output (a stat per file and folder)"),
    (persist, "restore", "open the two store files"),
    (Session, "_update", "the edit: read, render, find and write what changed"),
    (stored.StoredState, "summary", "  the edited summaries taken up"),
    (readers, "read_file", "  read the edited input file"),
    (catalog, "text_facts", "  what the text says about its paper (before, after)"),
    (stored.StoredState, "links", "  link context (wiki titles, arXiv ids)"),
    (summaries, "render_catalog", "  render the summary, its plain text, math check"),
    (stored.StoredState, "prepare", "  Jinja environment, page recorder, related index"),
    (stored.StoredState, "index", "    take up the related index"),
    (related.RelatedIndex, "update", "  related lists updated"),
    (pagecache.World, "evaluate", "  recorded reads checked again"),
    (pagecache.Recorder, "render", "  pages rendered"),
    (stored.StoredState, "feeds", "  feeds that show the summary"),
    (stored.StoredState, "export", "  JSON export line"),
    (session.Session, "_math_texts", "  math stylesheet and its files"),
    (stored.StoredState, "math_use", "    the site's formula use counted again"),
    (stored.StoredState, "search_changes", "  search records: the edited entries' remade"),
    (stored.StoredState, "search_positions", "  search: where a page entering the delta is in the parts"),
    (stored.StoredState, "search_urls", "  search: every result's URL read (where not kept)"),
    (stored.StoredState, "search_records_of", "  search: the delta's other pages' records read back"),
    (stored.StoredState, "search_records", "  search records: all read back (the parts indexed again)"),
    (session, "_begin_index", "  search delta begun (records, positions, Pagefind started)"),
    (search_delta, "_hidden", "    old copies named (their part's page list, their fragment)"),
    (session, "_stage_index", "  search index staged: waited for Pagefind, checked, manifest"),
    (search_delta.Indexer, "finished", "    waited for Pagefind's delta (done and checked by a thread)"),
    (output_search, "run_indexers", "    Pagefind indexes whole parts (past the bound)"),
    (session, "_replace_files", "  files written and renamed into place"),
    (session, "_swap_index", "  search index published (delta: two renames; else a swap)"),
    (stored.StoredState, "published", "  wait for the output's check (another process)"),
    (listing.Listing, "patched", "save: the output's listing patched"),
    (persist, "save", "save: the changed rows, in one transaction per file"),
    (store.Db, "commit", "  the two commits (SQLite, synced)"),
    (stored.StoredState, "close", "close the store files"),
]
def timed(times: dict[str, float], cpu: dict[str, float], fn, label: str):
    def wrapper(*args, **kwargs):
        t, c = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            times[label] = times.get(label, 0.0) + time.perf_counter() - t
            cpu[label] = cpu.get(label, 0.0) + time.process_time() - c
    return wrapper


def edit(target: Path, rep: int) -> None:
    with open(target, "a", encoding="utf-8") as f:
        f.write(f"\nA sentence added to time the stages, number {rep}.\n")
    time.sleep(2.5)  # an input modified in the last 2 s is hashed, not trusted by its stat


def processes(root: Path, target: Path, reps: int, code: Path = REPO) -> int:
    """The whole command, as compare.py runs it: wall clock from exec to exit, and its CPU time."""
    import resource
    import statistics
    import subprocess

    sys.path.insert(0, str(REPO / "benchmarks"))
    from compare import installed_env

    env = installed_env(code)
    cmd = [sys.executable, "-m", "site_builder", "build", "--quiet", "--content", "content", "--output", "_site"]
    rows = []
    for rep in range(reps):
        for kind in ("edit", "nothing changed"):
            if kind == "edit":
                edit(target, rep)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, cwd=root, env=env, check=True)
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            rows.append((kind, wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime,
                         after.ru_maxrss / 1024))
            print(f"{kind:16} wall {wall:6.3f} s  user {rows[-1][2]:6.3f} s  kernel {rows[-1][3]:6.3f} s  "
                  f"peak {rows[-1][4]:5.0f} MB", flush=True)
    for kind in ("edit", "nothing changed"):
        mine = [r for r in rows if r[0] == kind]
        print(f"median {kind:16} wall {statistics.median(r[1] for r in mine):.3f} s, CPU "
              f"{statistics.median(r[2] + r[3] for r in mine):.3f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--process", action="store_true",
                    help="time the whole `site-builder build` process (an edit, then nothing changed) instead")
    ap.add_argument("--code", type=Path, default=REPO,
                    help="with --process: the checkout of site-builder to run (default: this one)")
    ap.add_argument("--spread", type=int, default=0, metavar="K",
                    help="edit a different summary each repetition, starting with the K-th Markdown record "
                         "(with search on, each one enters the search index's delta; see docs/search.md)")
    ap.add_argument("--delta-pages", type=int, metavar="N",
                    help="in process: the search delta's bound in results (search_delta.DELTA_PAGES), "
                         "to time the edit that indexes the parts again")
    args = ap.parse_args(argv)
    if args.delta_pages is not None:
        search_delta.DELTA_PAGES = args.delta_pages
    root = args.dir / "site" if (args.dir / "site").is_dir() else args.dir
    records = sorted((root / "content" / "summaries").glob("*.md"))
    target = records[1]
    if args.spread:
        targets = iter(records[args.spread:])
        globals()["edit"] = lambda _, rep, edit=edit: edit(next(targets), rep)
    if args.process:
        return processes(root, target, args.reps, args.code)
    times: dict[str, float] = {}
    cpus: dict[str, float] = {}
    for owner, name, label in STAGES:
        wrapper = timed(times, cpus, getattr(owner, name), label)
        static = isinstance(inspect.getattr_static(owner, name), staticmethod)
        setattr(owner, name, staticmethod(wrapper) if static else wrapper)
    columns: list[tuple[dict[str, float], dict[str, float]]] = []
    cmd = ["build", "--quiet", "--content", "content", "--output", "_site"]
    os.chdir(root)
    for rep in range(args.reps):
        edit(target, rep)
        times.clear()
        cpus.clear()
        t, cpu = time.perf_counter(), time.process_time()
        if cli.main(cmd) != 0:
            sys.exit("the build failed")
        times["whole build (in process)"] = time.perf_counter() - t
        cpus["whole build (in process)"] = time.process_time() - cpu
        columns.append((dict(times), dict(cpus)))
    labels = ["whole build (in process)"] + [label for _, _, label in STAGES]
    print(f"milliseconds, wall/CPU of this process; load average {os.getloadavg()[0]:.1f}")
    print(f"{'stage':66} " + " ".join(f"{'rep ' + str(i + 1):>9}" for i in range(len(columns))))
    print(f"{'start-up: imports':66} " + " ".join(f"{IMPORTS * 1000:9.0f}" for _ in columns))
    for label in labels:
        print(f"{label:66} " + " ".join(f"{w.get(label, 0.0) * 1000:4.0f}/{c.get(label, 0.0) * 1000:<4.0f}"
                                          for w, c in columns))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
