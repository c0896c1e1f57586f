"""`site-builder serve` as a user runs it: prints the address, serves, stops on Ctrl-C."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

from .conftest import make_site


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_runs_and_ctrl_c_stops_it_cleanly(tmp_path, stop):
    site = make_site(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--port", "0"], cwd=site, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline(), proc.stdout.readline()]
        assert lines[0].startswith("built in "), lines
        url = re.search(r"at (http://127\.0\.0\.1:\d+/)", lines[1]).group(1)
        served_from = re.search(r"Serving (\S+) at", lines[1]).group(1)
        assert site not in Path(served_from).parents  # a temporary folder, not the site's own _site
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.status == 200 and b"Learning to Count Pebbles" in resp.read()
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "stopping" in out and "Traceback" not in err
    assert not os.path.exists(served_from)  # the temporary output is removed


def test_port_in_use_is_a_clear_error(tmp_path):
    import socket

    site = make_site(tmp_path / "site")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "site_builder", "serve", "--port", str(port)], cwd=site,
                                env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)},
                                capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert not list(tmp_path.glob("site-builder-serve-*"))  # no temporary folder left behind


@pytest.mark.parametrize("flag", [[], ["-D"], ["--drafts"]], ids=["default", "-D", "--drafts"])
def test_serve_shows_drafts_with_a_badge_only_when_asked(tmp_path, flag):
    """As `hugo server -D`: a `draft: true` record is previewed, badged, only with -D/--drafts."""
    site = make_site(tmp_path / "site")
    (site / "content" / "draft.md").write_text(
        "---\ntitle: A Half Written Note\nyear: 2021\ndraft: true\n---\nStill being written.\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--port", "0", *flag], cwd=site, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline(), proc.stdout.readline()]
        url = re.search(r"at (http://127\.0\.0\.1:\d+/)", lines[1]).group(1)
        with urllib.request.urlopen(url + "papers/", timeout=10) as resp:
            listing = resp.read().decode("utf-8")
        assert ("A Half Written Note" in listing) == bool(flag)
        if flag:
            with urllib.request.urlopen(url + "papers/a-half-written-note/", timeout=10) as resp:
                assert 'class="badge badge-draft">Draft<' in resp.read().decode("utf-8")
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
    finally:
        proc.kill()
