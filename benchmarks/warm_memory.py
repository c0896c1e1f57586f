"""Peak memory of a full build that starts from a warm build cache (issue 29's 1 GB target).

    python benchmarks/make_corpus.py 10000 /tmp/c10k
    python benchmarks/warm_memory.py /tmp/c10k/site --search on [--trace] [--reps 1]

SITE is a site folder (`make_corpus.py`'s `DIR/site`); `--search on` builds with a copy of its
site.yaml that has `search: true` (site-search.yaml). It first makes a cold build (output and
`.site-builder-cache` deleted), then the full builds that start from its warm cache:
  add       one summary added (a copy of the first, with a new title): a full build
  remove    that summary removed again: a full build
  nosession `.site-builder-cache/session.sqlite` deleted, then one summary edited: a full build
Each is `python -m site_builder build --quiet` in a process of its own; printed per build: wall
seconds, CPU seconds (user + system, the build's and its children's), the peak resident memory
as `compare.py` measures it (os.wait4's ru_maxrss: the largest of the build and every process it
waited for) and the peak of the build's own process (its VmHWM), and which process peaked (a
poller reads every descendant's VmRSS ten times a second: the build, its forked workers and cache
writer, Pagefind's indexer).
`--trace`: the build's own process also prints its resident memory (VmRSS, and the peak VmHWM so
far) at the start and end of each step, and the largest VmRSS sampled during each step.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from compare import installed_env  # noqa: E402

SESSION = "session.sqlite"


def _status(pid: int | str, *keys: str) -> dict[str, int]:
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name in keys:
                    out[name] = int(value.split()[0]) // 1024
    except OSError:
        pass
    return out


def _children(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                kids = [int(c) for c in f.read().split()]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            words = f.read().split(b"\0")
        return " ".join(w.decode(errors="replace").rsplit("/", 1)[-1] for w in words[:3] if w)[:60]
    except OSError:
        return "?"


def run_build(site: Path, config: str, trace: bool) -> dict:
    """One `site-builder build` in a process of its own: wall, CPU, peaks and who peaked."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--config", config] if trace else [
        sys.executable, "-m", "site_builder", "build", "--quiet", "--config", config, "--content", "content",
        "--output", "_site"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=site, env=installed_env(REPO), stdout=subprocess.PIPE if trace else
                            subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, tuple[int, str]] = {}
    own = [0]
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            hwm = _status(proc.pid, "VmHWM").get("VmHWM")
            if hwm:
                own[0] = max(own[0], hwm)
            for pid in [proc.pid, *_children(proc.pid)]:
                rss = _status(pid, "VmRSS").get("VmRSS", 0)
                if rss > peaks.get(pid, (0, ""))[0]:
                    peaks[pid] = (rss, peaks.get(pid, (0, ""))[1] or _name(pid))
            stop.wait(0.1)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    out = proc.stdout.read() if trace else ""
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stop.set()
    poller.join()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"build failed:\n{err[-3000:]}")
    top = sorted(peaks.items(), key=lambda kv: -kv[1][0])[:3]
    return {"pages_rendered": pages_rendered(site), "wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_mb": round(usage.ru_maxrss / 1024), "own_peak_mb": own[0],
            "top": [f"{name} {mb} MB" for _, (mb, name) in top], "trace": out}


def pages_rendered(site: Path) -> int | None:
    """How many pages the last build rendered (the others were reused), from its report in the cache."""
    import pickle
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{site / '.site-builder-cache' / 'cache.sqlite'}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE name='report'").fetchone()
        finally:
            conn.close()
        return pickle.loads(row[0]).pages_rendered
    except Exception:  # noqa: BLE001 - only for the printout
        return None


def add_summary(site: Path) -> Path:
    first = sorted((site / "content" / "summaries").glob("*.md"))[0]
    text = first.read_text(encoding="utf-8").replace('title: "', 'title: "Added ', 1)
    new = first.with_name("zz-added-summary.md")
    new.write_text(text, encoding="utf-8")
    return new


def edit_summary(site: Path, n: int) -> None:
    target = sorted((site / "content" / "summaries").glob("*.md"))[1]
    with open(target, "a", encoding="utf-8") as f:
        f.write(f"\nA sentence added for the warm-cache memory benchmark, number {n}.\n")


def scenarios(site: Path, config: str, reps: int, trace: bool, only: list[str], names: list[str],
              cold: bool) -> list[tuple[str, dict]]:
    results = []
    added = site / "content" / "summaries" / "zz-added-summary.md"
    if cold:
        shutil.rmtree(site / "_site", ignore_errors=True)
        shutil.rmtree(site / ".site-builder-cache", ignore_errors=True)
        added.unlink(missing_ok=True)
        time.sleep(2.5)  # a file under 2 s old is never vouched for by its stat: let the corpus age
        results.append(("cold", run_build(site, config, trace and "cold" in only)))
    for rep in range(reps):
        for name in names:
            if name == "add":
                add_summary(site)
            elif name == "remove":
                added.unlink(missing_ok=True)
            else:
                (site / ".site-builder-cache" / SESSION).unlink()
                edit_summary(site, rep)
            time.sleep(2.5)  # (the change is older than the clock's resolution: a warm build, not a racy one)
            results.append((name, run_build(site, config, trace and name in only)))
    return results


# -- in the build's process (--child --trace) ---------------------------------------------------------
STEPS = [  # (module, owner attribute or None, function, label)
    ("site_builder.cache", "BuildCache", "load_tables", "load the build cache's tables"),
    ("site_builder.pipeline", None, "read_inputs", "reading"),
    ("site_builder.catalog", None, "build_catalog", "catalog"),
    ("site_builder.render.summaries", None, "render_catalog", "summaries"),
    ("site_builder.catalog.related", "RelatedIndex", "for_catalog", "related index"),
    ("site_builder.catalog.related", "RelatedIndex", "resolve", "related lists"),
    ("site_builder.output.site", None, "page_environment", "page environment"),
    ("site_builder.output.pagecache", None, "render_cached", "pages (render_cached)"),
    ("site_builder.output.site", None, "_other_files", "  parent meanwhile: feeds, export, sitemap"),
    ("site_builder.output.search", None, "write_search_index", "search index"),
    ("site_builder.output.staging", None, "record_outputs", "recording outputs"),
    ("site_builder.cache", "BuildCache", "save", "build cache save (fork)"),
    ("site_builder.incremental.persist", None, "save", "session save"),
    ("site_builder.cache", "BuildCache", "wait_saved", "wait for the cache writer"),
]


def _child(config: str) -> int:
    import importlib

    lines: list[str] = []
    current: list[str] = ["start"]
    sampled: dict[str, int] = {}

    def sample() -> None:
        while True:
            rss = _status("self", "VmRSS").get("VmRSS", 0)
            label = current[-1]
            sampled[label] = max(sampled.get(label, 0), rss)
            time.sleep(0.02)

    threading.Thread(target=sample, daemon=True).start()

    def wrap(owner, name: str, label: str) -> None:
        fn = getattr(owner, name)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            st = _status("self", "VmRSS", "VmHWM")
            lines.append(f"{label:<48} start  rss {st.get('VmRSS')} MB  hwm {st.get('VmHWM')} MB")
            current.append(label)
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                current.pop()
                st = _status("self", "VmRSS", "VmHWM")
                lines.append(f"{label:<48} end    rss {st.get('VmRSS')} MB  hwm {st.get('VmHWM')} MB  "
                             f"max sampled {sampled.get(label, 0)} MB  {time.perf_counter() - t:.2f} s")

        setattr(owner, name, wrapper)

    for module, owner, name, label in STEPS:
        mod = importlib.import_module(module)
        wrap(getattr(mod, owner) if owner else mod, name, label)
    from site_builder.commands import build as build_command

    # (modules that imported a wrapped function by name before it was wrapped: patch their copies too)
    for module, owner, name, label in STEPS:
        if owner is None:
            fn = getattr(importlib.import_module(module), name)
            for other in list(sys.modules.values()):
                if getattr(other, "__name__", "").startswith("site_builder") and getattr(other, name, None) is \
                        getattr(fn, "__wrapped__", None):
                    setattr(other, name, fn)
    from site_builder.cli import main as cli_main

    me = os.getpid()

    def report() -> None:
        if os.getpid() != me:  # (a forked worker or the cache writer ending)
            return
        st = _status("self", "VmHWM")
        lines.append(f"peak of the build's own process: {st.get('VmHWM')} MB")
        print("\n".join(lines), flush=True)

    import atexit
    atexit.register(report)
    original_exit = os._exit

    def exiting(code: int) -> None:
        report()
        original_exit(code)

    os._exit = exiting
    del build_command
    return cli_main(["build", "--quiet", "--config", config, "--content", "content", "--output", "_site"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site", type=Path, nargs="?")
    ap.add_argument("--search", choices=("on", "off"), default="on")
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--trace", action="store_true", help="the build's own memory at each step")
    ap.add_argument("--scenarios", default="add,remove,nosession", help="the warm builds, in this order")
    ap.add_argument("--no-cold", action="store_true", help="start from the cache and output already there")
    ap.add_argument("--only", default="add,remove,nosession", help="scenarios traced (with --trace)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--config", default="site.yaml", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return _child(args.config)
    site = args.site.resolve()
    config = "site.yaml"
    if args.search == "on":
        config = "site-search.yaml"
        (site / config).write_text((site / "site.yaml").read_text(encoding="utf-8")
                                   .replace("search: false", "search: true"), encoding="utf-8")
    results = scenarios(site, config, args.reps, args.trace, args.only.split(","), args.scenarios.split(","),
                        not args.no_cold)
    for name, r in results:
        print(f"{name:<10} pages rendered {r['pages_rendered']}  wall {r['wall_s']:6.2f} s  cpu {r['cpu_s']:6.2f} s  peak {r['peak_mb']:5d} MB  "
              f"own {r['own_peak_mb']:5d} MB  top: {'; '.join(r['top'])}", flush=True)
        if r["trace"]:
            print(r["trace"])
    print(json.dumps([{"scenario": n, **{k: v for k, v in r.items() if k != "trace"}} for n, r in results]),
          file=sys.stderr)
    print(f"load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} / {os.getloadavg()[2]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
