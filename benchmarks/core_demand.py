"""How many of a cold build's processes wanted a core, per step: is a step really one-core?

    python benchmarks/core_demand.py SITE [--jobs 2] [--timeline]

SITE is a site folder (`make_corpus.py`'s `DIR/site`). Like stage_times.py it deletes `_site`
and `.site-builder-cache`, then runs what `site-builder build` runs, in this process, with the
same steps marked. A thread samples every 20 ms, from /proc/PID/task/TID/schedstat, the time
each thread of this process and of its descendants (workers, forked writers, Node) spent
running and waiting for a core. Per step it prints the cores used and the cores wanted (run +
run-queue wait, over wall time): what the build asks for, whatever else the machine runs, so a
step wanting about 1 leaves the second core idle on a quiet machine, and one wanting 2 or more
keeps both busy (a loaded machine stretches the wall seconds, not the demand). `--timeline`
adds the demand second by second. Linux only; the sampler's own thread is left out.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stage_times  # noqa: E402 - the same steps, marked here by their start and end

SAMPLES: list[tuple[float, int, int]] = []  # (time, run ns, wait ns) summed over the process tree
MARKS: list[tuple[str, float, float]] = []  # (step, start, end)


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            children.setdefault(int(stat[stat.rindex(")") + 2:].split()[1]), []).append(int(name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _sample(root: int, stop: threading.Event) -> None:
    me = threading.get_native_id()
    last: dict[tuple[int, int], tuple[int, int]] = {}
    run = wait = 0
    while not stop.is_set():
        for pid in _tree(root):
            try:
                tids = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in map(int, tids):
                if tid == me:
                    continue
                try:
                    with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                        r, w, _ = map(int, f.read().split())
                except OSError:
                    continue
                r0, w0 = last.get((pid, tid), (0, 0))
                last[(pid, tid)] = (r, w)
                run, wait = run + r - r0, wait + w - w0
        SAMPLES.append((time.perf_counter(), run, wait))
        time.sleep(0.02)


def _window(a: float, b: float) -> tuple[float, float]:
    """Cores used and cores wanted between a and b (NaN if too short to tell)."""
    pts = [s for s in SAMPLES if a <= s[0] <= b]
    if len(pts) < 2 or pts[-1][0] <= pts[0][0]:
        return float("nan"), float("nan")
    dt = (pts[-1][0] - pts[0][0]) * 1e9
    used = (pts[-1][1] - pts[0][1]) / dt
    return used, used + (pts[-1][2] - pts[0][2]) / dt


def _mark(owner, name: str, label: str, *args, **kwargs) -> None:
    fn = getattr(owner, name)

    def wrapper(*a, **k):
        started = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            MARKS.append((label, started, time.perf_counter()))

    setattr(owner, name, wrapper)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeline", action="store_true")
    args = parser.parse_args()
    stage_times.timed = _mark  # the same steps as stage_times.py, marked instead of summed
    stage_times.install()
    site_dir = args.site.resolve()
    os.chdir(site_dir)
    from site_builder.config import load_config
    from site_builder.incremental.persist import build_site

    config = load_config(Path("site.yaml"))
    shutil.rmtree("_site", ignore_errors=True)
    shutil.rmtree(".site-builder-cache", ignore_errors=True)
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(os.getpid(), stop), daemon=True)
    started = time.perf_counter()
    sampler.start()
    build_site(Path("content"), Path("_site"), config, site_dir, jobs=args.jobs, last_build=True)
    ended = time.perf_counter()
    time.sleep(0.05)
    stop.set()
    sampler.join()
    used, wanted = _window(started, ended)
    print(f"whole build {ended - started:.2f} s wall; cores used {used:.2f}, wanted {wanted:.2f}; "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print("| starts at (s) | wall (s) | cores used | cores wanted | step |\n| ---: | ---: | ---: | ---: | --- |")
    for label, a, b in sorted(MARKS, key=lambda m: m[1]):
        used, wanted = _window(a, b)
        if used == used:
            print(f"| {a - started:.2f} | {b - a:.2f} | {used:.2f} | {wanted:.2f} | {label} |")
    if args.timeline:
        print()
        t = started
        while t < ended:
            used, wanted = _window(t, t + 1.0)
            if wanted == wanted:
                print(f"{t - started:7.1f} s  {'#' * round(wanted * 10):<40} {wanted:.2f}")
            t += 1.0
    return 0


if __name__ == "__main__":
    sys.exit(main())
