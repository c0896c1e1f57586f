"""Cold builds of one corpus by two commits of site-builder, alternating, with CPU times.

    python benchmarks/compare_commits.py OLD NEW DIR [--reps 3] [--pause 20]

OLD and NEW are git revisions of this repository; each is checked out into a
temporary worktree (with this checkout's node_modules linked in). DIR is a corpus
site from `make_corpus.py` (`DIR/site`, or that folder itself). Each repetition
builds with OLD and NEW (OLD first in odd repetitions, NEW first in even ones),
from nothing (output and cache deleted, then a
pause: ext4 is slow to hand out inodes right after thousands of files were
deleted). Printed per build: wall clock, user and kernel CPU of the build and
its workers, and a digest of every output file; the two commits must agree on it.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
from compare import installed_env  # noqa: E402


def tree_digest(folder: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def cold_build(checkout: Path, site: Path, pause: float) -> tuple[float, float, float, str]:
    shutil.rmtree(site / "_site", ignore_errors=True)
    shutil.rmtree(site / ".site-builder-cache", ignore_errors=True)
    os.sync()
    time.sleep(pause)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "site_builder", "build", "--quiet", "--content", "content",
                    "--output", "_site"], cwd=site, check=True, env=installed_env(checkout))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime, tree_digest(site / "_site")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--pause", type=float, default=20.0)
    args = parser.parse_args()
    site = args.corpus / "site" if (args.corpus / "site").is_dir() else args.corpus
    with tempfile.TemporaryDirectory(prefix="compare-commits-") as tmp:
        checkouts = {}
        for name in ("old", "new"):
            where = Path(tmp) / name
            subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(where),
                            getattr(args, name)], check=True)
            if (REPO / "node_modules").is_dir():
                (where / "node_modules").symlink_to(REPO / "node_modules")
            checkouts[name] = where
        try:
            digests = set()
            print("| rep | commit | wall (s) | user CPU (s) | kernel CPU (s) | output digest |")
            print("| ---: | --- | ---: | ---: | ---: | --- |")
            for rep in range(1, args.reps + 1):
                # Each build leaves more recently deleted inodes behind, which makes the next one's kernel
                # time grow (ext4): the order flips every repetition so neither commit always goes second.
                order = list(checkouts.items()) if rep % 2 else list(checkouts.items())[::-1]
                for name, checkout in order:
                    wall, user, system, digest = cold_build(checkout, site, args.pause)
                    digests.add(digest)
                    print(f"| {rep} | {getattr(args, name)} | {wall:.2f} | {user:.2f} | {system:.2f} | {digest} |",
                          flush=True)
        finally:
            for where in checkouts.values():
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(where)], check=False)
    if len(digests) != 1:
        print("the two commits' outputs differ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
