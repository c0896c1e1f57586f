"""The request handler: files from the output folder, the live-reload stream, errors.

Nothing is cached (`Cache-Control: no-store`): after a rebuild the browser must
fetch the new files, not reuse old ones.
"""
from __future__ import annotations

import mimetypes
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .errorpage import error_page
from .livereload import EVENTS_PATH, event, inject
from .paths import Redirect, resolve
from .state import SiteState

# Only Python's built-in table (not /etc/mime.types), so types are the same on every machine.
_TYPES = mimetypes.MimeTypes()
for _ext, _type in {".js": "text/javascript", ".mjs": "text/javascript", ".woff": "font/woff",
                    ".woff2": "font/woff2", ".atom": "application/atom+xml", ".map": "application/json"}.items():
    _TYPES.add_type(_type, _ext)
TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml",
              "application/atom+xml", "image/svg+xml", "application/manifest+json")

KEEPALIVE_SECONDS = 15.0
# Longer request paths are answered 414 at once (the request line itself is capped at 64 KiB by
# http.server); no page of a site has a path anywhere near this long.
MAX_PATH = 8192


def content_type(path: Path) -> str:
    kind = _TYPES.guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(TEXT_TYPES) else kind


class DevRequestHandler(BaseHTTPRequestHandler):
    server_version = "site-builder-serve"
    state: SiteState  # set on the server; see app.DevServer

    def setup(self) -> None:
        self.timeout = self.server.idle_timeout  # type: ignore[attr-defined] - a slow or idle client is let go
        super().setup()

    def do_GET(self) -> None:
        self.respond(send_body=True)

    def do_HEAD(self) -> None:
        self.respond(send_body=False)

    def respond(self, send_body: bool) -> None:
        from .app import loopback_host_header

        if self.server.check_host and not loopback_host_header(self.headers.get("Host")):  # type: ignore[attr-defined]
            # DNS rebinding: a page on another domain, re-pointed at 127.0.0.1, must not read the site.
            return self.send_bytes(HTTPStatus.MISDIRECTED_REQUEST, b"This server answers only to localhost.\n",
                                   "text/plain; charset=utf-8", send_body)
        if len(self.path) > MAX_PATH:
            return self.send_bytes(HTTPStatus.REQUEST_URI_TOO_LONG, b"The address is too long.\n",
                                   "text/plain; charset=utf-8", send_body)
        url = urlsplit(self.path)
        state: SiteState = self.server.state  # type: ignore[attr-defined]
        if url.path == EVENTS_PATH:
            # Without a version (an old page), only future rebuilds count.
            return self.stream_events(state, parse_qs(url.query).get("v", [""])[0] or state.version)
        with state.reading() as (failure, version):
            found = resolve(state.output, url.path)
            if isinstance(found, Redirect):
                location = found.location + (f"?{url.query}" if url.query else "")
                return self.send_bytes(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain; charset=utf-8",
                                       send_body, location=location)
            status, path = (HTTPStatus.OK, found) if found else (HTTPStatus.NOT_FOUND, state.output / "404.html")
            try:
                data = path.read_bytes()
            except OSError:  # no 404.html (first build failed, or a theme without one)
                data, path = b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>", Path("404.html")
        kind = content_type(path)
        if kind.startswith("text/html"):
            if failure:
                status, data = HTTPStatus.INTERNAL_SERVER_ERROR, error_page(failure)
            data = inject(data, version)
        self.send_bytes(status, data, kind, send_body)

    def send_bytes(self, status: int, data: bytes, kind: str, send_body: bool, location: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def stream_events(self, state: SiteState, seen: str) -> None:
        """Server-Sent Events: `reload` whenever the site version differs from the page's."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while True:
                version = state.wait_for_version(seen, KEEPALIVE_SECONDS)
                if version is None:  # server stopping
                    return
                # A comment line as keep-alive: writing is how a closed tab is noticed.
                self.wfile.write(b": keep-alive\n\n" if version == seen else event("reload", version))
                self.wfile.flush()
                seen = version
        except OSError:  # the tab was closed (broken pipe, reset) or stopped reading (timed out)
            return

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature of the base class
        """Quiet: one line per request would drown the rebuild lines. Errors still print."""

    def log_error(self, format: str, *args) -> None:  # noqa: A002
        if format.startswith("Request timed out"):  # an idle connection let go: routine, not news
            return
        print(f"serve: {self.address_string()}: {format % args}", file=sys.stderr)
