"""Run a benchmark's `one(site)` in fresh processes, alternating source trees, and print medians.

Used by summary_cpu.py and summary_parts.py: each defines `one(site) -> {label: seconds}` and
calls `main(one, __file__, __doc__)`. With `--source DIR` (repeatable) the repetitions alternate
between source trees (`PYTHONPATH=DIR`), so machine load hits each alike.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Callable


def cpu() -> float:
    """CPU seconds of this process (user + kernel)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(one: Callable[[Path], dict[str, float]], script: str, doc: str) -> int:
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--source", action="append", default=[], help="a source tree to run (PYTHONPATH)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    site = args.site.resolve()
    if args.one:
        print(json.dumps(one(site)))
        return 0
    sources = args.source or [""]
    runs: dict[str, list[dict[str, float]]] = {s: [] for s in sources}
    for rep in range(args.reps):
        for source in sources:
            env = dict(os.environ)
            if source:
                env["PYTHONPATH"] = str(Path(source).resolve())
            proc = subprocess.run([sys.executable, script, str(site), "--one"], env=env,
                                  capture_output=True, text=True, check=True)
            runs[source].append(json.loads(proc.stdout.splitlines()[-1]))
            print(f"rep {rep + 1} {source or 'installed'}: done", file=sys.stderr, flush=True)
    labels = list(runs[sources[0]][0])
    print("| CPU seconds (median of %d; the runs) | %s |" % (args.reps, " | ".join(s or "installed" for s in sources)))
    print("| --- |" + " ---: |" * len(sources))
    for label in labels:
        cells = []
        for source in sources:
            values = [r.get(label, 0.0) for r in runs[source]]
            cells.append(f"{statistics.median(values):.2f} ({', '.join(f'{v:.2f}' for v in values)})")
        print(f"| {label} | {' | '.join(cells)} |")
    return 0
