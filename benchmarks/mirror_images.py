"""What `images: mirror` costs: the seeds built with hot-linked figures, with a cold image store, and warm.

    python benchmarks/mirror_images.py [SEEDS_DIR] [--reps N]

A local server on 127.0.0.1 stands in for the wiki (`wiki_base` points at it) and answers
every image request with the same small PNG, so the numbers measure site-builder's side:
the polite client (one request at a time, 0.2 s apart per host: the floor of a cold run is
0.2 s times the number of figures), the checks and the store, then a build that finds every
wiki figure in the store and must not ask the local server (it is stopped for it). Figures
on other hosts (imgur...) cannot be reached from a machine without a network: they fail in
every mode that mirrors, and each build tries them again (one host's retries, then the host
is skipped), which the table counts apart.
Every build is `--clean` (no build cache), so the three differ only in the figures' handling.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class ImageHandler(http.server.BaseHTTPRequestHandler):
    body = tiny_png()
    hits = 0

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args) -> None:
        pass


FAILED: dict[str, int] = {}


def build(content: Path, site: Path, out: Path, name: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "site_builder", "build", "--content", str(content), "--output",
                           str(out), "--config", str(site / "site.yaml"), "--ignore-cache", "-q", "-j", "1"],
                          check=True, cwd=site, capture_output=True, text=True)
    FAILED[name] = done.stderr.count("figure not mirrored")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("seeds", nargs="?", default=str(ROOT.parent / "shared" / "seeds"))
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mirror-bench-"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(ImageHandler))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/statwiki/"
    results: dict[str, list[float]] = {"link": [], "mirror, cold store": [], "mirror, warm store (no server)": []}
    figures = 0
    try:
        for rep in range(args.reps):
            site = work / f"site{rep}"
            site.mkdir()
            for mode in ("link", "mirror"):
                (site / "site.yaml").write_text(f"search: false\nwiki_base: '{base}'\nimages: {mode}\n", encoding="utf-8")
                before = ImageHandler.hits
                key = "link" if mode == "link" else "mirror, cold store"
                results[key].append(build(Path(args.seeds), site, site / f"out-{mode}", key))
                figures = max(figures, ImageHandler.hits - before)
            if rep == args.reps - 1:
                server.shutdown()  # the warm build has nobody to ask
            hits = ImageHandler.hits
            name = "mirror, warm store (no server)"
            results[name].append(build(Path(args.seeds), site, site / "out-warm", name))
            assert ImageHandler.hits == hits, "the warm build asked the network"
            shutil.rmtree(site / ".site-builder-cache" / "images")  # the next repetition starts cold
    finally:
        server.server_close()
        shutil.rmtree(work, ignore_errors=True)
    print(f"seeds: {args.seeds}; {figures} wiki figures served locally; median of {args.reps} `build --clean -j 1` runs")
    print("| figures | seconds | figures not mirrored (other hosts, unreachable here: each build tries them again) |")
    print("| --- | --- | --- |")
    for name, times in results.items():
        print(f"| {name} | {statistics.median(times):.2f} | {FAILED.get(name, 0)} |")


if __name__ == "__main__":
    main()
