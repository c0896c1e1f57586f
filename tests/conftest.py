"""Shared fixtures: the seeds folder (optional) and built sites."""
from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.config import SiteConfig, load_config
from site_builder.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
CONTENT = ROOT / "content"


def seeds_or_skip() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    return SEEDS


def seed_file(prefix: str) -> Path:
    folder = seeds_or_skip()
    matches = sorted(folder.glob(f"{prefix}_*"))
    if not matches:
        pytest.skip(f"no seed file {prefix}_* in {folder}")
    return matches[0]


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """The embedded sample site, built once, with MathJax self-hosted when npm installed it."""
    out = tmp_path_factory.mktemp("sample") / "site"
    config = load_config(ROOT / "site.yaml")
    if not (ROOT / "node_modules" / "mathjax").is_dir():
        config.mathjax.self_host = False
    report = build(CONTENT, out, config, ROOT)
    return out, report


@pytest.fixture(scope="session")
def seeds_site(tmp_path_factory):
    seeds = seeds_or_skip()
    out = tmp_path_factory.mktemp("seeds") / "site"
    config = SiteConfig()
    config.mathjax.self_host = (ROOT / "node_modules" / "mathjax").is_dir()
    report = build(seeds, out, config, ROOT)
    return out, report


READING = ROOT / "tests" / "fixtures" / "reading-site"


@pytest.fixture(scope="session")
def reading_site(tmp_path_factory):
    """A small site written for the reader-facing features: one paper with three summaries (a long
    statwiki-style one with six heading levels and citation keys, two ShortScience notes), a course
    with presentation dates and table order, a paper without links (tests/fixtures/reading-site/)."""
    out = tmp_path_factory.mktemp("reading") / "site"
    config = SiteConfig(title="Reading fixture", collections={"demo101": "Demo 101, Spring 2024"}, search=False)
    config.mathjax.self_host = (ROOT / "node_modules" / "mathjax").is_dir()
    report = build(READING, out, config, ROOT)
    return out, report


@pytest.fixture
def fake_server(monkeypatch):
    """A scripted HTTP server on 127.0.0.1 (tests/http_server.py), stopped after the test."""
    from .http_server import FakeServer

    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)  # 127.0.0.1 is asked directly
    server = FakeServer().start()
    yield server
    server.stop()
