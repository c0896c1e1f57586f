"""The preview server under abuse (issue 25): DNS rebinding, huge paths, idle and too many
connections, a full listen queue, and a long series of edits."""
from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from tests.conftest import ROOT

from .conftest import NOTE, make_site, serving


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "[::1]:{port}", "127.0.0.2:{port}",
                                  "docs.localhost:{port}"])
def test_loopback_host_names_are_served(served_once, host):
    status, _, body = served_once.request("/", headers={"Host": host.format(port=served_once.server.port)})
    assert status == 200 and b"Learning to Count Pebbles" in body


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1.evil.example:{port}", "10.0.0.1:{port}",
                                  "localhost.evil.example", "[::ffff:7f00:1]x", ""])
def test_other_host_names_are_refused(served_once, host):
    # A page on evil.example whose name was re-pointed at 127.0.0.1 (DNS rebinding) must not read the site.
    for path in ["/", "/api/papers.json", "/__site-builder/events"]:
        status, _, body = served_once.request(path, headers={"Host": host.format(port=served_once.server.port)})
        assert status == 421, (host, path)
        assert b"Learning to Count Pebbles" not in body


def test_any_host_name_when_shared_on_the_network(tmp_path):
    with serving(tmp_path, check_host=False) as s:
        status, _, body = s.request("/", headers={"Host": "my-laptop.lan:8000"})
        assert status == 200 and b"Learning to Count Pebbles" in body


def test_a_very_long_path_is_a_clean_414(served_once):
    status, headers, body = served_once.request("/" + "a/" * 5000)
    assert status == 414 and headers["content-type"].startswith("text/")
    status, _, _ = served_once.request("/" + "x" * 300)  # one segment longer than a file name may be
    assert status == 404
    status, _, _ = served_once.request("/papers/" + "%41" * 3000)
    assert status in (404, 414)
    assert served_once.request("/")[0] == 200  # and the server is still there


def _open_idle(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finishes its headers
    return sock


def test_an_idle_connection_is_closed(tmp_path):
    with serving(tmp_path, idle_timeout=0.5) as s:
        sock = _open_idle(s.server.port)
        started = time.monotonic()
        try:
            sock.settimeout(10)
            data = sock.recv(4096)  # the server hangs up: b"" (or an error response first)
            while data:
                data = sock.recv(4096)
        finally:
            sock.close()
        assert time.monotonic() - started < 5
        assert "Traceback" not in s.out.getvalue() and "timed out" not in s.out.getvalue()
        assert s.request("/")[0] == 200


def test_live_reload_streams_outlive_the_idle_timeout(tmp_path):
    with serving(tmp_path, idle_timeout=0.3) as s:
        version = s.page_version()
        got = []
        listener = threading.Thread(target=lambda: got.append(s.wait_for_reload(version)))
        listener.start()
        time.sleep(1.0)  # longer than the idle timeout: the stream must still be open
        s.note.write_text(NOTE.format(extra="Edited after a pause."), encoding="utf-8")
        listener.join(timeout=15)
        assert got and got[0] != version


def test_connections_beyond_the_cap_get_503_and_the_server_recovers(tmp_path):
    with serving(tmp_path, max_connections=3, idle_timeout=30) as s:
        idle = [_open_idle(s.server.port) for _ in range(3)]
        try:
            deadline = time.monotonic() + 5
            while s.server.active_connections < 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            status, headers, _ = s.request("/")
            assert status == 503 and "retry-after" in headers
        finally:
            for sock in idle:
                sock.close()
        deadline = time.monotonic() + 5
        while s.request("/")[0] != 200:
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_the_listen_queue_is_long(served_once):
    assert served_once.server.httpd.request_queue_size >= 128
    listing = subprocess.run(["ss", "-ltnH", f"sport = :{served_once.server.port}"], capture_output=True, text=True)
    if listing.returncode == 0 and listing.stdout.strip():
        assert int(listing.stdout.split()[2]) >= 128  # Send-Q of a listening socket is its backlog


RECORD = """---
title: "Counting Method Number {i}"
authors: [Ada Example]
year: {year}
keywords: [counting]
---
Summary number {i} counts things in a new way{text}.
"""


# `site-builder serve`, with every stage of a build forking its worker pool however few its items
# (parallel.MIN_PER_JOB), so that a small site exercises what a large one does.
FORKING_SERVE = "import sys; from site_builder import cli, parallel; parallel.MIN_PER_JOB = 1; sys.exit(cli.main(sys.argv[1:]))"


def test_twenty_edits_in_a_row_and_it_still_answers(tmp_path):
    # Issue 25: every full rebuild forks worker pools (four), with `serve`'s own SIGTERM handler
    # installed as when a user runs it. Every other edit changes paper metadata, which is a full
    # rebuild; the others change only the text (the incremental path, which forks nothing), to keep
    # the test short. It used to hang within a few edits.
    site = make_site(tmp_path / "site")
    for i in range(3):
        (site / "content" / f"method-{i}.md").write_text(RECORD.format(i=i, year=2000 + i, text=""), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-c", FORKING_SERVE, "serve", "--port", "0", "--jobs", "2"], cwd=site,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def next_line(prefixes: tuple[str, ...], why: str) -> str:
        deadline = time.monotonic() + 30
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(why) from None
            if line.startswith(prefixes):
                return line

    try:
        assert next_line(("built", "build failed"), "no first build").startswith("built in ")
        url = re.search(r"at (http://127\.0\.0\.1:\d+/)", next_line(("Serving",), "no address")).group(1)
        for n in range(20):
            year, text = 1980 + n // 2, f" (edit {n})"
            (site / "content" / "method-1.md").write_text(RECORD.format(i=1, year=year, text=text), encoding="utf-8")
            line = next_line(("rebuilt", "build failed"), f"no rebuild after edit {n + 1}: the server hung")
            assert line.startswith("rebuilt") and ("incremental" in line) == (n % 2 == 1), line
            with urllib.request.urlopen(url + "papers/counting-method-number-1/", timeout=20) as resp:
                page = resp.read()
                assert resp.status == 200 and str(year).encode() in page and text.encode() in page, n
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
        assert proc.returncode == 0 and "Traceback" not in err, err
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
