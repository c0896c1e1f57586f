"""The development server: bind, build, watch, serve; stop cleanly on Ctrl-C.

The socket is bound before the first build so that the site can be built for the
URL it is served at (a port of 0 picks a free one).
"""
from __future__ import annotations

import ipaddress
import os
import socket
import sys
import threading
import time
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Callable, TextIO

from ..output import scratch
from ..pipeline import BuildReport
from .handler import DevRequestHandler
from .rebuild import Rebuilder
from .state import SiteState
from .watch import ChangeQueue, Watching


# Defaults of the limits below; DevServer takes others (the tests use small ones).
IDLE_TIMEOUT = 30.0  # seconds a connection may sit without finishing its request
MAX_CONNECTIONS = 64  # handler threads at once; each open page's live-reload stream holds one
REFUSE_TIMEOUT = 0.2  # seconds the accept loop spends telling a connection beyond the cap to retry


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # an open live-reload stream must not keep the process alive
    # The listen backlog (socketserver's default is 5): a page load opens a burst of connections,
    # and a full queue makes the kernel drop them, which a browser retries only after a second.
    request_queue_size = 128
    idle_timeout = IDLE_TIMEOUT
    check_host = True

    def __init__(self, address, handler, max_connections: int = MAX_CONNECTIONS) -> None:
        self.max_connections = max_connections
        self.active = 0
        self.active_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        """One thread per connection, up to max_connections; beyond that a quick 503, so that
        slow or idle clients can never make the server start threads without end."""
        with self.active_lock:
            full = self.active >= self.max_connections
            if not full:
                self.active += 1
        if full:
            refuse(request)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.active_lock:
                self.active -= 1

    def handle_error(self, request, client_address) -> None:
        """A client that went away (or stalled past the timeout) is not worth a traceback."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _HTTP6Server(_HTTPServer):
    address_family = socket.AF_INET6


BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\n"
        b"Cache-Control: no-store\r\nConnection: close\r\nContent-Length: 38\r\n\r\n"
        b"Too many connections; try again soon.\n")


def refuse(request: socket.socket) -> None:
    """Answer 503 on the accept loop's thread, spending at most about REFUSE_TIMEOUT on it."""
    try:
        request.settimeout(REFUSE_TIMEOUT)
        request.recv(65536)  # read the request first: closing on unread data resets the connection
        request.sendall(BUSY)
    except OSError:
        pass


def is_loopback(host: str) -> bool:
    """`host` is a name or address of this machine's loopback interface.

    `localhost` and names under `.localhost` are loopback by definition (RFC 6761), and
    browsers resolve them so without asking DNS.
    """
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_header_name(value: str) -> str | None:
    """The host part of a Host header ("[::1]:8000" -> "::1", "localhost:8000" -> "localhost");
    None when it is not of that form."""
    value = value.strip()
    if value.startswith("["):
        end = value.find("]")
        rest = value[end + 1:]
        if end < 0 or (rest and not (rest[0] == ":" and rest[1:].isdigit())):
            return None
        return value[1:end]
    name, colon, port = value.partition(":")
    if colon and not port.isdigit():
        return None
    return name


def loopback_host_header(value: str | None) -> bool:
    """A request's Host header names this machine (or there is none: only non-browser clients omit it)."""
    if value is None:
        return True
    name = host_header_name(value)
    return name is not None and is_loopback(name)


class DevServer:
    def __init__(self, host: str, port: int, output: Path, *, out: TextIO | None = None, err: TextIO | None = None,
                 check_host: bool = True, idle_timeout: float = IDLE_TIMEOUT, max_connections: int = MAX_CONNECTIONS) -> None:
        """`check_host`: answer only requests whose Host header names this machine's loopback
        interface (421 otherwise), which defeats DNS rebinding: a web page whose own domain was
        re-pointed at 127.0.0.1 cannot read the site. Off when the site is shared on the network,
        whose machines reach it under names this one cannot know."""
        self.out, self.err = out or sys.stdout, err or sys.stderr
        cls = _HTTP6Server if ":" in host else _HTTPServer
        self.httpd = cls((host, port), DevRequestHandler, max_connections)
        self.httpd.check_host, self.httpd.idle_timeout = check_host, idle_timeout
        boot = f"{os.getpid():x}{time.time_ns() & 0xFFFFFF:x}"
        self.state = SiteState(output, boot)
        self.httpd.state = self.state  # type: ignore[attr-defined]
        self.host = host
        self.stop_event = threading.Event()
        self.queue = ChangeQueue()
        self.threads: list[threading.Thread] = []
        self.rebuilder: Rebuilder | None = None
        self.watching: Watching | None = None

    @property
    def active_connections(self) -> int:
        return self.httpd.active

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        shown = "localhost" if self.host in ("0.0.0.0", "::") else self.host
        shown = f"[{shown}]" if ":" in shown else shown
        return f"http://{shown}:{self.port}/"

    def start(self, build_once: Callable[[], BuildReport], content: Path, site_root: Path, config: Path | None) -> None:
        """First build (a failure is shown in the browser, not raised), then watch and serve in threads."""
        self.rebuilder = Rebuilder(self.state, build_once, self.out, self.err)
        self.rebuilder.run()
        output = self.state.output.resolve()
        ignore = [output, partial(scratch.is_scratch_path, output=output)]  # the build's own writing
        self.watching = Watching(content, site_root, config, self.queue, ignore)
        self.watching.start()
        self.threads = [threading.Thread(target=self._rebuild_loop, name="site-builder-rebuild", daemon=True),
                        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                         name="site-builder-http", daemon=True)]
        for thread in self.threads:
            thread.start()

    def _rebuild_loop(self) -> None:
        while (batch := self.queue.next_batch()) is not None:
            if batch:
                self.watching.refresh()  # before building: what is written after this is seen next time
                self.rebuilder.run(len(batch))

    def wait(self) -> None:
        """Block until Ctrl-C (or `stop()` from another thread)."""
        try:
            while not self.stop_event.wait(0.5):
                pass
        except KeyboardInterrupt:
            print("\nstopping", file=self.out, flush=True)

    def stop(self) -> None:
        self.stop_event.set()
        if self.watching:
            self.watching.stop()
        self.queue.close()
        self.state.close()  # ends the live-reload streams
        if self.threads:  # shutdown() waits for serve_forever(), so only once it was started
            self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self.threads:
            if thread is not threading.current_thread():
                thread.join(timeout=5)
