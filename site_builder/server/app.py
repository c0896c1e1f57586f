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
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Callable, TextIO

from ..pipeline import BuildReport
from .handler import DevRequestHandler
from .rebuild import Rebuilder
from .state import SiteState
from .watch import ChangeQueue, Watching


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # an open live-reload stream must not keep the process alive


class _HTTP6Server(_HTTPServer):
    address_family = socket.AF_INET6


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class DevServer:
    def __init__(self, host: str, port: int, output: Path, *, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.out, self.err = out or sys.stdout, err or sys.stderr
        cls = _HTTP6Server if ":" in host else _HTTPServer
        self.httpd = cls((host, port), DevRequestHandler)
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
        ignore = [output, output.with_name(f".{output.name}.staging"), output.with_name(f".{output.name}.old")]
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
