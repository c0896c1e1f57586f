"""How long build-time math takes: per distinct formula, cold and cached, and in a whole build.

    python benchmarks/math_speed.py [--summaries 200] [--per-summary 24] [--jobs 1 2] [--seeds DIR]
                                    [--reps 3] [--typeset-only] [--checkout DIR]

Writes a math-dense corpus of Markdown summaries (seeded, generated from a small
grammar of formulas, nothing copied: every summary has `--per-summary` distinct
formulas, inline and display) and measures, for each `--jobs`:

* typeset, cold: every distinct formula of the corpus typeset by MathJax in Node
  (render/typeset.py's typeset_all, called as the build calls it, with no math store:
  nothing cached), wall time per distinct formula from the call to the last result,
  the Node processes' start included, and the CPU time of the Node processes (all
  their threads) and of Python, per distinct formula. Where the checkout has startup
  snapshots, twice: "first", with no snapshot file (the very first build: it is made
  meanwhile) and "cold", with the snapshot file there (every later build with new
  formulas);
* typeset, cached: the same formulas again through the math step of the build
  (render/formulas.py): store look-ups and the HTML put together, no Node;
* whole builds: `site-builder build --clean` with the math store removed (cold),
  and again with it kept (so the difference is what typesetting adds to a build).

With `--seeds` (default ../shared/seeds when present) the same is measured on the seeds.
`--typeset-only` skips the cached step and the builds; `--reps N` measures each row N
times; `--checkout DIR` times the site_builder package of another checkout (e.g. an
archive of main, for alternating before/after runs; the corpus is the same, it comes
from this script). Prints a Markdown table on stdout with the machine's 1-minute load
average per row, because the team's machine is shared and wall times follow its load.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_CHECKOUT = next((Path(a.split("=", 1)[1]) if "=" in a else Path(sys.argv[i + 2])
                  for i, a in enumerate(sys.argv[1:]) if a.split("=")[0] == "--checkout"), ROOT)
sys.path.insert(0, str(_CHECKOUT.resolve()))

from site_builder.cache import CACHE_DIR  # noqa: E402
from site_builder.catalog import build_catalog  # noqa: E402
from site_builder.config import load_config  # noqa: E402
from site_builder.pipeline import BuildReport, read_inputs  # noqa: E402
from site_builder.render import formulas, typeset  # noqa: E402
from site_builder.render import summaries as summaries_module  # noqa: E402
from site_builder.render.summaries import render_catalog  # noqa: E402

GREEK = ["alpha", "beta", "gamma", "delta", "theta", "lambda", "mu", "sigma", "phi", "omega", "eta", "xi"]
LETTERS = list("abcdfghkmnpqrstuvwxyz")
WORDS = "model layer weight loss gradient sample noise prior batch token kernel policy reward value".split()


def atom(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        return "\\" + rng.choice(GREEK)
    if r < 0.5:
        return f"{rng.choice(LETTERS)}_{{{rng.choice(LETTERS)}}}"
    if r < 0.6:
        return f"\\mathbf{{{rng.choice(LETTERS)}}}"
    if r < 0.7:
        return f"\\hat{{{rng.choice(LETTERS)}}}"
    return rng.choice(LETTERS)


def expr(rng: random.Random, depth: int = 0) -> str:
    r = rng.random()
    if depth > 2 or r < 0.3:
        return " ".join(atom(rng) for _ in range(rng.randint(1, 3)))
    if r < 0.45:
        return f"\\frac{{{expr(rng, depth + 1)}}}{{{expr(rng, depth + 1)}}}"
    if r < 0.55:
        return f"\\sum_{{{rng.choice(LETTERS)}=1}}^{{N}} {expr(rng, depth + 1)}"
    if r < 0.62:
        return f"\\int_0^{{\\infty}} {expr(rng, depth + 1)} \\, d{rng.choice(LETTERS)}"
    if r < 0.7:
        return f"\\left( {expr(rng, depth + 1)} \\right)^{{{rng.randint(2, 9)}}}"
    if r < 0.76:
        return f"\\sqrt{{{expr(rng, depth + 1)}}}"
    if r < 0.82:
        return f"\\mathbb{{E}}_{{{atom(rng)}}}\\left[{expr(rng, depth + 1)}\\right]"
    if r < 0.88:
        return f"\\log p_\\theta({atom(rng)} \\mid {atom(rng)})"
    op = rng.choice(["+", "-", "=", "\\le", "\\cdot"])
    return f"{expr(rng, depth + 1)} {op} {expr(rng, depth + 1)}"


def display(rng: random.Random) -> str:
    if rng.random() < 0.3:
        rows = " \\\\\n".join(f"{atom(rng)} &= {expr(rng, 1)}" for _ in range(rng.randint(2, 4)))
        return f"\\begin{{align}}\n{rows}\n\\end{{align}}"
    if rng.random() < 0.15:
        cells = " \\\\ ".join(" & ".join(atom(rng) for _ in range(3)) for _ in range(3))
        return f"$$\\begin{{pmatrix}} {cells} \\end{{pmatrix}}$$"
    return f"$${expr(rng)}$$"


def summary(rng: random.Random, n: int, per_summary: int) -> str:
    seen: set[str] = set()
    parts = []
    while len(seen) < per_summary:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        if rng.random() < 0.7:
            tex = expr(rng)
            if tex not in seen:
                seen.add(tex)
                parts.append(f"The {words} gives ${tex}$ for summary {n}.")
        else:
            tex = display(rng)
            if tex not in seen:
                seen.add(tex)
                parts.append(f"Then {words}:\n\n{tex}\n")
    return "\n\n".join(parts)


def write_corpus(root: Path, summaries: int, per_summary: int, seed: int = 29) -> Path:
    rng = random.Random(seed)
    content = root / "content"
    content.mkdir(parents=True)
    for n in range(summaries):
        front = f"---\ntitle: Math dense paper {n}\nyear: {2000 + n % 25}\nkeywords: [cs.LG]\n---\n"
        (content / f"m{n:05d}.md").write_text(front + summary(rng, n, per_summary) + "\n", encoding="utf-8")
    (root / "site.yaml").write_text(f"title: Math benchmark\nsearch: false\nmathjax:\n  npm_root: {ROOT}\n",
                                    encoding="utf-8")
    return content


def corpus_formulas(site: Path, content: Path):
    """The summaries with their formulas rendered as placeholders (math step not run) and the distinct formulas."""
    config = load_config(site / "site.yaml")
    records, collections = read_inputs(content, BuildReport())
    catalog = build_catalog(records, collections, config)
    original = summaries_module.typeset_summaries
    summaries_module.typeset_summaries = lambda *a, **k: []  # the markup alone: the math step is timed below
    try:
        render_catalog(catalog, config, site)
    finally:
        summaries_module.typeset_summaries = original
    items = sorted({item for s in catalog.summaries for item in typeset.with_preludes(typeset.formulas(s.html))})
    return config, catalog, items


def cpu_of(who: int) -> float:
    ru = resource.getrusage(who)
    return ru.ru_utime + ru.ru_stime


SNAPSHOTS = hasattr(formulas, "snapshot_for")  # a checkout from before startup snapshots has none


def time_typeset(engine: typeset.Engine, items, jobs: int, site: Path) -> tuple[float, float, float]:
    """Wall, Node CPU and Python CPU seconds to typeset `items` with no math store, as a build
    does; the results go to the site's store."""
    (site / CACHE_DIR / formulas.STORE_NAME).unlink(missing_ok=True)
    extra = {"snapshot": formulas.snapshot_for(engine, site)} if SNAPSHOTS else {}
    node, python = cpu_of(resource.RUSAGE_CHILDREN), cpu_of(resource.RUSAGE_SELF)
    start = time.perf_counter()
    results, _ = typeset.typeset_all(engine, items, jobs, **extra)
    wall = time.perf_counter() - start
    node, python = cpu_of(resource.RUSAGE_CHILDREN) - node, cpu_of(resource.RUSAGE_SELF) - python
    failed = [r.error for r in results if r.error]
    if failed:
        print(f"  {len(failed)} formulas failed, e.g. {failed[0]}", file=sys.stderr)
    store = formulas.store_for(site)
    store.put_many({engine.key(*item): result for item, result in zip(items, results)})
    store.close()
    return wall, node, python


def time_cached(config, catalog, site: Path) -> float:
    html = {s.id: s.html for s in catalog.summaries}
    start = time.perf_counter()
    formulas.typeset_summaries(catalog.summaries, config, site, complete=False)
    wall = time.perf_counter() - start
    for s in catalog.summaries:
        s.html = html[s.id]
    return wall


def time_build(site: Path, content: Path, jobs: int, keep_math: bool) -> float:
    if not keep_math:
        (site / CACHE_DIR / formulas.STORE_NAME).unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "site_builder", "build", "--content", str(content), "--output",
                    str(site / "out"), "--clean", "--quiet", "--jobs", str(jobs)], cwd=site, check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(_CHECKOUT.resolve())})
    return time.perf_counter() - start


def measure(name: str, site: Path, content: Path, args, rows: list[str]) -> None:
    config, catalog, items = corpus_formulas(site, content)
    engine = formulas.engine_for(config, site)
    if engine is None:
        raise SystemExit("node or node_modules/mathjax missing: npm install")
    per = len(items) / max(1, len(catalog.summaries))
    for jobs in args.jobs:
        for rep in range(args.reps):
            for snapshot in (["first", "cold"] if SNAPSHOTS else ["none"]):
                if snapshot == "first":
                    for blob in (site / CACHE_DIR).glob("mathjax-*.blob"):
                        blob.unlink()
                load = os.getloadavg()[0]
                wall, node, python = time_typeset(engine, items, jobs, site)
                row = (f"| {name} | {len(catalog.summaries)} | {len(items)} ({per:.1f}/summary) | {jobs} | {snapshot} | "
                       f"{wall:.2f} s = **{1000 * wall / len(items):.2f} ms** | {1000 * node / len(items):.2f} ms | "
                       f"{1000 * python / len(items):.3f} ms | {load:.1f}–{os.getloadavg()[0]:.1f} |")
                if not args.typeset_only and rep == 0 and snapshot != "first":
                    cached = time_cached(config, catalog, site)
                    cold_build = time_build(site, content, jobs, keep_math=False)
                    warm_build = time_build(site, content, jobs, keep_math=True)
                    row += (f" {1000 * cached:.0f} ms = {1000 * cached / len(items):.3f} ms | "
                            f"{cold_build:.2f} s | {warm_build:.2f} s |")
                rows.append(row)
                print(f"  {name}, jobs {jobs}, {snapshot}: {1000 * wall / len(items):.2f} ms wall, "
                      f"{1000 * node / len(items):.2f} ms Node CPU per formula (load {load:.1f})", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--summaries", type=int, default=200)
    ap.add_argument("--per-summary", type=int, default=24)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--typeset-only", action="store_true", help="skip the cached math step and the builds")
    ap.add_argument("--checkout", type=Path, default=ROOT, help="the checkout whose site_builder is timed")
    args = ap.parse_args()
    rows = ["| corpus | summaries | distinct formulas | jobs | snapshot | typeset, no math store (wall, per formula) "
            "| Node CPU per formula | Python CPU per formula | load (1 min) |"
            + ("" if args.typeset_only else " math step, all cached | build --clean, math cold | build --clean, math cached |"),
            "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |" + ("" if args.typeset_only else " ---: | ---: | ---: |")]
    with tempfile.TemporaryDirectory(prefix="math-speed-") as tmp:
        site = Path(tmp) / "dense"
        content = write_corpus(site, args.summaries, args.per_summary)
        measure("math-dense", site, content, args, rows)
        if args.seeds.is_dir():
            seeds_site = Path(tmp) / "seeds"
            seeds_site.mkdir()
            (seeds_site / "site.yaml").write_text(f"search: false\nmathjax:\n  npm_root: {ROOT}\n", encoding="utf-8")
            measure("seeds", seeds_site, args.seeds.resolve(), args, rows)
    print("\n".join(rows))
    load = os.getloadavg()
    print(f"\n{os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min) at the end; "
          f"{subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}, "
          f"{typeset.Engine.create(ROOT).versions}; site_builder from {_CHECKOUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
