"""Where the time of a command-line edit goes, stage by stage.

    python benchmarks/edit_stages.py DIR [--reps 3]

DIR is a corpus site from `make_corpus.py` (`DIR/site`, or that folder itself),
built once already. Each repetition appends a sentence to one summary, waits
until the edit is old enough to be trusted by its stat, and runs
`site-builder build` in this process with timers around its stages (the
functions below, looked up by name). Printed: seconds per stage, one column per
repetition. Process exit (freeing the loaded session) is not in it: compare.py's
wall-clock figure has it.
"""
from __future__ import annotations

import argparse
import gc
import inspect
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

started = time.perf_counter()
from site_builder import cache, cli  # noqa: E402
from site_builder.incremental import journal, persist  # noqa: E402
from site_builder.incremental.session import Session  # noqa: E402
from site_builder.output import site as output_site  # noqa: E402
from site_builder.output import pagecache  # noqa: E402

IMPORTS = time.perf_counter() - started

# (owner, function name, label); a function imported by name into another module is timed there too.
STAGES = [
    (persist, "input_state", "walk the content folder and theme"),
    (persist, "tree_state", "walk the output folder"),
    (persist, "restore", "take up the saved session (all of it)"),
    (cache, "load_pickle", "  unpickle {name}"),
    (persist, "load_pickle", "  unpickle {name}"),
    (journal, "load_pickle", "  unpickle {name}"),
    (journal, "apply", "  apply the session delta"),
    (output_site, "page_environment", "  Jinja environment, BibTeX keys"),
    (pagecache, "tracker", "  page read recorder"),
    (Session, "_update", "the edit: read, render, find and write what changed"),
    (Session, "_write_changes", "  pages, related lists, feeds, export, files"),
    (persist, "save", "save (deltas and state)"),
]


def timed(times: dict[str, float], fn, label: str):
    def wrapper(*args, **kwargs):
        name = Path(args[0]).name if args and isinstance(args[0], (str, Path)) else ""
        key = label.format(name=name)
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            times[key] = times.get(key, 0.0) + time.perf_counter() - t
    return wrapper


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args(argv)
    root = args.dir / "site" if (args.dir / "site").is_dir() else args.dir
    target = sorted((root / "content" / "summaries").glob("*.md"))[1]
    times: dict[str, float] = {}
    for owner, name, label in STAGES:
        wrapper = timed(times, getattr(owner, name), label)
        static = isinstance(inspect.getattr_static(owner, name), staticmethod)
        setattr(owner, name, staticmethod(wrapper) if static else wrapper)
    columns: list[dict[str, float]] = []
    cmd = ["build", "--quiet", "--content", "content", "--output", "_site"]
    os.chdir(root)
    for rep in range(args.reps):
        with open(target, "a", encoding="utf-8") as f:
            f.write(f"\nA sentence added to time the stages, number {rep}.\n")
        time.sleep(2.5)  # an input modified in the last 2 s is hashed, not trusted by its stat
        times.clear()
        t = time.perf_counter()
        if cli.main(cmd) != 0:
            sys.exit("the build failed")
        times["whole build (in process)"] = time.perf_counter() - t
        columns.append(dict(times))
        gc.unfreeze()  # the command line freezes what it loaded; the next repetition loads afresh
    seen = list(dict.fromkeys(k for c in columns for k in c))
    labels = ["whole build (in process)"]
    for _, _, label in STAGES:  # in the table's order; "{name}" rows for every file seen
        pattern = label.split("{")[0]
        labels += [k for k in seen if k not in labels and (k == label or ("{" in label and k.startswith(pattern)))]
    print(f"{'stage':58} " + " ".join(f"{'rep ' + str(i + 1):>7}" for i in range(len(columns))))
    print(f"{'start-up: imports':58} " + " ".join(f"{IMPORTS:7.2f}" for _ in columns))
    for label in labels:
        print(f"{label:58} " + " ".join(f"{c.get(label, 0.0):7.2f}" for c in columns))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
