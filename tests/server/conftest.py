"""A tiny site of our own, served for real on 127.0.0.1 (a free port) by DevServer."""
from __future__ import annotations

import argparse
import http.client
import io
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.commands.build import load
from site_builder.pipeline import build
from site_builder.server import DevServer

NOTE = """---
title: "Learning to Count Pebbles"
authors: [Ada Example, Bo Sample]
venue: Workshop on Imaginary Results
year: 2021
keywords: [counting]
contributor: test author
date: 2024-01-05
---
The model counts pebbles by looking at them twice. {extra}
"""
# No math: keeps Node's formula check out of these tests. No search index: fast builds.
CONFIG = "title: Serve Test\nsearch: false\n"


@dataclass
class Served:
    server: DevServer
    site: Path  # folder holding site.yaml, content/
    output: Path
    out: io.StringIO  # what the server printed

    @property
    def note(self) -> Path:
        return self.site / "content" / "pebbles.md"

    def request(self, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """One real HTTP request; the path is sent exactly as given (no normalising)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            conn.request(method, path, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def page_version(self, path: str = "/") -> str:
        _, _, body = self.request(path)
        return re.search(rb"events\?v=([^\"]+)\"", body).group(1).decode()

    def wait_for_reload(self, version: str, timeout: float = 10) -> str:
        """Listen on the live-reload stream like the page's script does; the new version."""
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=timeout)
        try:
            conn.request("GET", f"/__site-builder/events?v={version}")
            resp = conn.getresponse()
            assert resp.getheader("Content-Type").startswith("text/event-stream")
            event = None
            while True:
                line = resp.fp.readline().decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "reload":
                    return line[6:]
        finally:
            conn.close()


def make_site(root: Path, extra: str = "") -> Path:
    (root / "content").mkdir(parents=True)
    (root / "content" / "pebbles.md").write_text(NOTE.format(extra=extra), encoding="utf-8")
    (root / "site.yaml").write_text(CONFIG, encoding="utf-8")
    return root


@contextmanager
def serving(root: Path, build_delay: float = 0.0, **server_options):
    site = make_site(root / "site")
    output = root / "out"
    out = io.StringIO()
    server = DevServer("127.0.0.1", 0, output, out=out, err=out, **server_options)
    where = argparse.Namespace(config=site / "site.yaml", base_url=server.url)

    def build_once():
        config, site_root = load(where)
        if build_delay:
            time.sleep(build_delay)  # widen the window in which requests must wait
        return build(site / "content", output, config, site_root)

    try:
        server.start(build_once, site / "content", site, site / "site.yaml")
        yield Served(server, site, output, out)
    finally:
        server.stop()


@pytest.fixture
def served(tmp_path):
    with serving(tmp_path) as s:
        yield s


@pytest.fixture(scope="module")
def served_once(tmp_path_factory):
    """One server for the tests that only read (a build per test is the slow part)."""
    with serving(tmp_path_factory.mktemp("served")) as s:
        yield s
