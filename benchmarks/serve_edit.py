"""Time the rebuild after one summary edit in a running preview server, against `hugo server`.

    python benchmarks/serve_edit.py CORPUS_DIR [--edits 5]

CORPUS_DIR is what make_corpus.py wrote (`site/` and `hugo/`). For site-builder,
this is the incremental Session that `site-builder serve` runs (in-process, no
HTTP and no file watcher: just the rebuild); for Hugo, `hugo server`, whose own
log line "Total in N ms" is taken for each rebuild. The same file gets the same
kind of sentence appended as in compare.py, and, every other edit, twelve words
taken from another summary. Prints one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def edit(folder: Path, n: int) -> None:
    """Odd edits append a sentence of words new to the summary, even ones a sentence of words
    other summaries use (which moves their weights for related papers: the harder case)."""
    files = sorted((folder / "content" / "summaries").glob("*.md"))
    if n % 2:
        words = re.findall(r"\b[a-z]{5,}\b", files[7 + n].read_text(encoding="utf-8").split("---", 2)[-1])[:12]
        sentence = " ".join(words).capitalize() + "."
    else:
        sentence = f"A sentence edited in the server, number {n}."
    with open(files[1], "a", encoding="utf-8") as f:
        f.write(f"\n{sentence}\n")


def ours(site: Path, edits: int, jobs: int | None) -> dict:
    sys.path.insert(0, str(REPO))
    from site_builder.commands.build import load
    from site_builder.incremental import Session
    from site_builder.parallel import default_jobs

    os.chdir(site)
    config, root = load(argparse.Namespace(config=Path("site.yaml"), base_url=None))
    session = Session(site / "content", site / "_site", root, jobs=jobs or default_jobs())
    started = time.perf_counter()
    session.build(config)
    first = time.perf_counter() - started
    times, modes, pages = [], [], []
    for n in range(edits):
        edit(site, n)
        started = time.perf_counter()
        report = session.build(config)
        times.append(time.perf_counter() - started)
        modes.append(session.last_mode if session.last_mode != "full" else f"full ({session.why_full})")
        pages.append(report.pages_rendered)
    return {"first_build_s": round(first, 2), "edit_s": [round(t, 4) for t in times], "modes": modes,
            "pages_rendered": pages, "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def hugo(folder: Path, edits: int, binary: str) -> dict:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [binary, "server", "--source", str(folder), "--port", str(port), "--bind", "127.0.0.1", "--disableLiveReload"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            if "Web Server is available" in line:
                break
        else:
            raise SystemExit("hugo server did not start")
        first = time.perf_counter() - started
        times, walls = [], []
        for n in range(edits):
            time.sleep(1.0)  # let the previous rebuild's output settle
            t0 = time.perf_counter()
            edit(folder, n)
            for line in proc.stdout:
                found = re.search(r"Total in (\d+) ms", line)
                if found:
                    times.append(int(found.group(1)) / 1000)
                    walls.append(time.perf_counter() - t0)
                    break
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"first_build_s": round(first, 2), "edit_s": times, "edit_wall_s": [round(w, 3) for w in walls]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--only", choices=["ours", "hugo"], default=None)
    args = ap.parse_args(argv)
    out = {}
    if args.only in (None, "hugo"):
        sys.path.insert(0, str(HERE))
        from compare import hugo_binary
        out["hugo"] = hugo(args.corpus.resolve() / "hugo", args.edits, hugo_binary())
    if args.only in (None, "ours"):
        out["site-builder"] = ours(args.corpus.resolve() / "site", args.edits, args.jobs)
    for v in out.values():
        v["median_edit_s"] = statistics.median(v["edit_s"]) if v["edit_s"] else None
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
