"""Top functions of a py-spy profile, by self and by cumulative time, as Markdown tables.

    py-spy record --subprocesses --format raw -o PROFILE.txt -- site-builder build --ignore-cache ...
    python benchmarks/profile_summary.py PROFILE.txt [--top 30] [--under FUNCTION]

A function is its name and file (lines merged). Cumulative time counts a sample once
per function however deep the recursion. `--under NAME` keeps only the samples whose
stack passes through a function of that name (e.g. `render_one`, `_render_page`), so a
step's own costs can be read apart. `--stages` prints the share of a few pipeline steps.
Percentages are of all the samples kept (every process's, with --subprocesses).
"""
from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<name>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")
STAGES = [  # (label, a function whose subtree is the step), the first match on a stack wins
    ("reading the inputs", "read_inputs"),
    ("catalog (merge, identity, topics)", "build_catalog"),
    ("summaries: Markdown", "render_markdown"),
    ("summaries: wikitext", "render_wikitext"),
    ("summaries: plain text", "plain_text"),
    ("summaries: other", "render_catalog"),
    ("related papers", "for_catalog"),
    ("related papers", "resolve"),
    ("pages (Jinja + recorder + write)", "render_pages"),
    ("rest of writing the site", "write_site"),
    ("saving cache and session", "save"),
]


def frames(stack: str) -> list[str]:
    out = []
    for part in stack.split(";")[1:]:  # the first is the process
        m = FRAME.match(part)
        out.append(f"{m['name']} ({m['file']})" if m else part)
    return out


def load(path: Path, under: str | None) -> list[tuple[list[str], int]]:
    samples = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        fs = frames(stack)
        if under:
            if not any(f.split(" (")[0] in (under,) or f.split(" (")[0].endswith("." + under) for f in fs):
                continue
        samples.append((fs, int(count)))
    return samples


def table(title: str, counts: Counter, total: int, top: int) -> str:
    lines = [f"| {title} | % | samples |", "| --- | ---: | ---: |"]
    for name, n in counts.most_common(top):
        lines.append(f"| `{name}` | {100 * n / total:.1f} | {n} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--under")
    parser.add_argument("--stages", action="store_true")
    args = parser.parse_args()
    samples = load(args.profile, args.under)
    total = sum(n for _, n in samples) or 1
    own: Counter = Counter()
    cumulative: Counter = Counter()
    stages: Counter = Counter()
    for fs, n in samples:
        if fs:
            own[fs[-1]] += n
        for f in set(fs):
            cumulative[f] += n
        names = {f.split(" (")[0].rpartition(".")[2] for f in fs}
        stages[next((label for label, fn in STAGES if fn in names), "other (start-up, node, idle)")] += n
    print(f"{total} samples{' under ' + args.under if args.under else ''}\n")
    if args.stages:
        print(table("step", stages, total, 20) + "\n")
    print(table("self", own, total, args.top) + "\n")
    print(table("cumulative", cumulative, total, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
