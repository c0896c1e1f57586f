"""Every generated HTML page passes the W3C Nu HTML Checker (vnu.jar) with no errors.

The checker comes from npm (`vnu-jar`, a devDependency) and runs on the machine's
Java, through site_builder/check/html.py (what `site-builder check` runs). A JVM is
slow to start, so both built sites are checked in ONE run and each test looks at
its own site's share of the report. Skipped when java or the jar is missing.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.check.html import find_vnu, vnu_messages as run_vnu
from tests.conftest import ROOT


def _built_roots(request) -> dict[str, Path]:
    roots = {"sample": request.getfixturevalue("sample_site")[0], "reading": request.getfixturevalue("reading_site")[0]}
    try:
        roots["seeds"] = request.getfixturevalue("seeds_site")[0]
    except pytest.skip.Exception:
        pass  # no seeds here: check the sample site alone
    return roots


@pytest.fixture(scope="module")
def vnu_messages(request) -> dict[str, list[dict]]:
    """The checker's error messages, by site name."""
    command, why = find_vnu(ROOT)
    if command is None:
        pytest.skip(f"{why} (Debian: apt-get install default-jre-headless; npm install)")
    roots = _built_roots(request)
    found: dict[str, list[dict]] = {name: [] for name in roots}
    for msg in run_vnu(command, list(roots.values()), timeout=300):
        path = Path(msg["file"])
        name = next((n for n, r in roots.items() if path.is_relative_to(r)), None)
        if name is None:  # a message about the run itself (e.g. a file it could not read)
            raise AssertionError(f"vnu: {msg}")
        msg["file"] = path.relative_to(roots[name]).as_posix()
        found[name].append(msg)
    return found


def _describe(msgs: list[dict]) -> str:
    return "\n".join(
        f"{m['file']}:{m.get('lastLine', '?')}:{m.get('firstColumn', m.get('lastColumn', '?'))}: "
        f"{m['type']}: {m['message']}\n    {m.get('extract', '').strip()!r}"
        for m in msgs
    )


def test_sample_site_html_is_valid(vnu_messages, sample_site):
    assert len(list(sample_site[0].rglob("*.html"))) > 30  # the checker had pages to look at
    errors = vnu_messages["sample"]
    assert not errors, f"{len(errors)} HTML errors:\n{_describe(errors)}"


def test_seed_site_html_is_valid(vnu_messages):
    if "seeds" not in vnu_messages:
        pytest.skip("../shared/seeds is not present")
    errors = vnu_messages["seeds"]
    assert not errors, f"{len(errors)} HTML errors:\n{_describe(errors)}"


def test_reading_fixture_html_is_valid(vnu_messages, reading_site):
    """Contents, anchors, several summaries on one page, buttons, charts (tests/fixtures/reading-site/)."""
    assert len(list(reading_site[0].rglob("*.html"))) > 15
    errors = vnu_messages["reading"]
    assert not errors, f"{len(errors)} HTML errors:\n{_describe(errors)}"
