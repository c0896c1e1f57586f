"""A scripted HTTP server on 127.0.0.1 for the tests of the commands that fetch.

Each path answers with a function of the request, or with a list of replies given
in turn (the last one repeats). Every request is logged, so a test can check what
was asked, in which order and with which headers.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Union
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow server)

    def data(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Route = Union[Callable[[Request], Reply], list]


class FakeServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Request] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def route(self, path: str, *replies: Reply | Callable[[Request], Reply]) -> None:
        self.routes[path] = replies[0] if len(replies) == 1 and callable(replies[0]) else list(replies)

    def url(self, path: str = "/") -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path]

    def start(self) -> "FakeServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                req = Request(parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}, dict(self.headers))
                server.log.append(req)
                reply = server._reply(req)
                if reply.delay:
                    import time
                    time.sleep(reply.delay)
                data = reply.data()
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Length": str(len(data)), **reply.headers}
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:  # quiet
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def _reply(self, req: Request) -> Reply:
        route = self.routes.get(req.path)
        if route is None:
            return Reply(404, "not found")
        if callable(route):
            return route(req)
        reply = route[0] if len(route) == 1 else route.pop(0)
        return reply(req) if callable(reply) else reply

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None


class FakeClock:
    """monotonic() and sleep() that only move when slept: pauses are recorded, not waited."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
