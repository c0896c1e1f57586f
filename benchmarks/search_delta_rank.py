"""Where an edited paper ranks after an incremental build (the search delta) against a clean build.

    python benchmarks/search_delta_rank.py CLEAN_SITE DELTA_SITE URL_PART QUERY...

CLEAN_SITE is a clean build of the edited content, DELTA_SITE the incremental build's output (its
index holding a delta: output/search_delta.py); URL_PART names the edited paper's URL. Each site is
served on 127.0.0.1 and searched in headless Chromium through the search page's own module (the
query rule, the parts and the delta merged); printed, per query, the number of results and the
edited paper's rank in the clean build, with the delta (it takes its old copy's score when that
matched), and with the delta scored by Pagefind alone (a copy of DELTA_SITE whose parts.json has no
delta page ids).
"""
from __future__ import annotations

import functools
import http.server
import json
import shutil
import sys
import tempfile
import threading
from pathlib import Path

SEARCH = """async ([queries, part]) => {
  const m = await import('/assets/search/pagefind.js');
  await m.options({ baseUrl: '/' });
  const parts = await (await fetch('/pagefind/parts.json')).json();
  let i = 1;
  for (const p of parts.parts.slice(1)) await m.mergeIndex('/pagefind/' + p.path, { mergeFilter: { part: String(i++) } });
  if (parts.delta && parts.delta.path) await m.mergeIndex('/pagefind/' + parts.delta.path, { mergeFilter: { part: 'delta' } });
  await m.filters();
  const out = {};
  for (const q of queries) {
    const found = await m.search(q, {});
    let rank = null;
    for (let k = 0; k < found.results.length && rank === null; k++) {
      let data = await found.results[k].data();
      if (!data) data = await found.results[k].data();  // a fragment whose fetch failed (a busy local server): once more
      if (data && data.url.includes(part)) rank = k + 1;
    }
    out[q] = [rank, found.results.length];
  }
  return out;
}"""


def serve(root: Path) -> http.server.ThreadingHTTPServer:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    if len(argv) < 4:
        sys.exit(__doc__)
    clean, delta, part, queries = Path(argv[0]), Path(argv[1]), argv[2], argv[3:]
    plain = Path(tempfile.mkdtemp(prefix="delta-rank-")) / "site"
    shutil.copytree(delta, plain)
    manifest = json.loads((plain / "pagefind" / "parts.json").read_text(encoding="utf-8"))
    manifest["delta"]["ids"] = []
    (plain / "pagefind" / "parts.json").write_text(json.dumps(manifest), encoding="utf-8")
    ranks = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        for name, root in (("clean", clean), ("delta", delta), ("plain", plain)):
            server = serve(root)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/")  # (not the search page: its UI merges the parts too)
            ranks[name] = page.evaluate(SEARCH, [queries, part])
            server.shutdown()
        browser.close()
    shutil.rmtree(plain.parent)
    print("| query | results | clean build | delta (old copy's score) | delta (Pagefind's score) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for q in queries:
        print(f"| `{q}` | {ranks['clean'][q][1]} | {ranks['clean'][q][0]} | {ranks['delta'][q][0]} | {ranks['plain'][q][0]} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
