"""CPU seconds of each part of rendering summaries, alone, in one process: per markup, and plain text.

    python benchmarks/summary_parts.py SITE [--reps 3] [--source DIR ...]

SITE is a site folder (`make_corpus.py`'s `DIR/site`). Each run reads the inputs and builds the
catalog (not timed), then times (CPU of the process, user + kernel): rendering every summary's
body with its markup's renderer (Markdown, flattened Markdown with its restorer, wikitext; link
look-ups answer nothing), and deriving from each rendered HTML what the workers derive (plain
text, title, teaser, word count). Narrower than summary_cpu.py, so less noisy on a loaded machine.
With `--source DIR` (repeatable) the repetitions alternate between source trees (`PYTHONPATH=DIR`,
e.g. an extracted `git archive` of main); the table gives medians.
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


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def one(site: Path) -> dict[str, float]:
    from site_builder.cache import BuildCache
    from site_builder.catalog import build_catalog
    from site_builder.catalog import overrides as paper_overrides
    from site_builder.config import load_config
    from site_builder.pipeline import BuildReport, read_inputs
    from site_builder.render import summaries as S
    from site_builder.render.html import LinkContext

    os.chdir(site)
    config = load_config(Path("site.yaml"))
    records, collections = read_inputs(Path("content"), BuildReport(), None, BuildCache.memory(), 1)
    catalog = build_catalog(records, collections, config, paper_overrides.load(Path("content")))
    ctx = LinkContext(resolve_wiki_page=lambda t: None, resolve_bibtex_key=lambda k: None, cited_title=lambda k: None)
    renderers = S._renderers()
    by_markup: dict[str, list[str]] = {}
    for s in catalog.summaries:
        by_markup.setdefault(s.record.markup, []).append(s.record.body)
    out: dict[str, float] = {}
    htmls: list[str] = []
    for markup, bodies in sorted(by_markup.items()):
        render = renderers[markup]
        for body in bodies[:50]:  # imports, lexers, parsers made: not timed
            render(body, ctx)
        started = _cpu()
        htmls += [render(body, ctx).html for body in bodies]
        out[f"{markup} ({len(bodies):,} summaries)"] = _cpu() - started
    if hasattr(S, "text_and_words"):
        def text(html: str) -> tuple:
            plain, words = S.text_and_words(html)
            return plain, S.derive_title(plain), S.excerpt(plain, S.TEASER_CHARS), words
    else:  # before issue 29's third round
        def text(html: str) -> tuple:
            found = S._text_and_title(html)
            return (*found, *S._teaser_and_words(found[0]))
    for html in htmls[:50]:
        text(html)
    started = _cpu()
    for html in htmls:
        text(html)
    out[f"plain text, title, teaser, words ({len(htmls):,})"] = _cpu() - started
    out["sum"] = sum(out.values())
    out["load average (1 min) at the end"] = os.getloadavg()[0]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
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
            proc = subprocess.run([sys.executable, __file__, str(site), "--one"], env=env,
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


if __name__ == "__main__":
    sys.exit(main())
