"""Browser-test plumbing shared by every test here: Chromium, a static server, no network.

Chromium comes from Debian (`apt-get install chromium`) and is driven by
Playwright's Python package; the tests skip when either is missing. Requests to
other hosts (figures hot-linked by summaries, CDNs) are answered with a 1x1 PNG,
because the test machine has no network.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import threading

import pytest

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


# Module scope: Playwright allows one sync session at a time, and some modules start their own.
@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.skip("chromium is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


def serve(root):
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stand_in(route):
    url = route.request.url
    if url.startswith("http://127.0.0.1"):
        return route.continue_()
    return route.fulfill(status=200, content_type="image/png", body=PNG_1X1)


@pytest.fixture
def served():
    """served(folder) -> base URL of a static server for that folder (stopped after the test)."""
    servers = []

    def start(root) -> str:
        server = serve(root)
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
