"""Lighthouse scores and page weight of some pages of a site.

Usage: python docs/lighthouse.py [--content DIR] [--config FILE] [--page NAME=PATH ...] [--keep DIR]
       python docs/lighthouse.py --site DIR --port N --page NAME=PATH ...

Builds a site (default: the sample site; `--content ../shared/seeds` for the
seeds) into a temporary folder, with the local server as its base URL so canonical
links point where Lighthouse looks, serves it with Python's http.server, runs
npm's `lighthouse` against Debian's chromium (CHROME_PATH) on each `--page`
(default: the sample site's home and two paper pages) and prints a table of the
four scores, the page weight Lighthouse counted and the main timings. `--site DIR
--port N` serves a folder built beforehand with `--base-url http://127.0.0.1:N/`
instead (e.g. by another version of site_builder). `--keep DIR` also saves each
JSON report there. Lighthouse is not a project dependency: install it only to run
this, e.g. `npm install --no-save lighthouse` (or set LIGHTHOUSE to its binary).
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = [  # the second paper hot-links a figure from statwiki: offline, that request fails
    ("home", "/"),
    ("paper", "/papers/dropout-a-simple-way-to-prevent-neural-networks-from-overfitting/"),
    ("paper, wiki figure", "/papers/layer-normalization/"),
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that compresses text as any real host does (GitHub Pages, Netlify, nginx with gzip on):
    without it Lighthouse would time the uncompressed transfer of every page."""

    COMPRESS = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"}

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (path.suffix not in self.COMPRESS or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "") or not self.path.endswith(("/", path.suffix))):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lighthouse_command() -> list[str]:
    if os.environ.get("LIGHTHOUSE"):
        return [os.environ["LIGHTHOUSE"]]
    return ["npx", "--no-install", "lighthouse"]


def run_lighthouse(url: str, env: dict[str, str]) -> dict:
    cmd = [*lighthouse_command(), url, f"--chrome-flags={CHROME_FLAGS}",
           f"--only-categories={','.join(CATEGORIES)}", "--output=json", "--quiet"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def failing_audits(report: dict) -> list[str]:
    """Audits below a perfect score in the categories other than performance."""
    out = []
    for cat in CATEGORIES[1:]:
        for ref in report["categories"][cat]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                out.append(f"  {cat}: {ref['id']} ({audit['title']})")
    return out


def weight(report: dict) -> str:
    """Bytes the page transferred (all requests), and the main timings."""
    a = report["audits"]
    kb = a["total-byte-weight"]["numericValue"] / 1024
    timing = {k: a[k]["numericValue"] for k in ("first-contentful-paint", "largest-contentful-paint",
                                                "total-blocking-time", "cumulative-layout-shift")}
    return (f"{kb:,.0f} KB | {timing['first-contentful-paint'] / 1000:.1f} s | {timing['largest-contentful-paint'] / 1000:.1f} s"
            f" | {timing['total-blocking-time']:.0f} ms | {timing['cumulative-layout-shift']:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="save the JSON reports in this folder")
    parser.add_argument("--content", type=Path, help="content folder to build (default: the sample site's)")
    parser.add_argument("--config", type=Path, help="site.yaml to build with (default: the sample site's)")
    parser.add_argument("--site", type=Path, help="serve this folder, built beforehand, instead of building")
    parser.add_argument("--port", type=int, help="with --site: the port its base URL names")
    parser.add_argument("--page", action="append", default=[], metavar="NAME=PATH",
                        help="a page to test, e.g. 'Capsules=/papers/dynamic-routing-between-capsules/' (repeatable)")
    args = parser.parse_args()
    pages = [tuple(p.split("=", 1)) for p in args.page] or PAGES
    if args.site and not args.port:
        parser.error("--site needs --port (the one in the base URL it was built with)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("chromium is not installed", file=sys.stderr)
        return 1
    env = {**os.environ, "CHROME_PATH": chromium}
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or Path(tmp) / "site"
        if not args.site:
            options = ["--content", str(args.content.resolve())] if args.content else []
            options += ["--config", str(args.config.resolve())] if args.config else []
            subprocess.run([sys.executable, "-m", "site_builder", "build", "--output", str(site),
                            "--base-url", base, "--quiet", *options], cwd=ROOT, check=True)
        handler = functools.partial(QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        rows, notes = [], []
        try:
            for name, path in pages:
                report = run_lighthouse(base + path.lstrip("/"), env)
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    (args.keep / f"{len(rows) + 1}-{name.split(',')[0]}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
                rows.append((name, path, [round(report["categories"][c]["score"] * 100) for c in CATEGORIES],
                             weight(report)))
                notes += [f"{name}:", *failing_audits(report)] if failing_audits(report) else []
        finally:
            server.shutdown()
    print(f"| page | {' | '.join(CATEGORIES)} | page weight | FCP | LCP | TBT | CLS |")
    print(f"| --- | {' | '.join('---:' for _ in CATEGORIES)} | ---: | ---: | ---: | ---: | ---: |")
    for name, path, scores, heavy in rows:
        print(f"| {name} (`{path}`) | {' | '.join(str(s) for s in scores)} | {heavy} |")
    if notes:
        print("\nAudits not passed (accessibility, best practices, SEO):")
        print("\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
