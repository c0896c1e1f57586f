"""One bad value costs one warning, never the build: dates, years, control characters, lone
surrogates, huge values; feeds and sitemap stay valid XML whatever the input; a full disk
fails the build cleanly (exit 3) and leaves the previous site as it was."""
from __future__ import annotations

import errno
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.config import SiteConfig
from site_builder.output import confine
from site_builder.pipeline import build
from tests.conftest import ROOT
from tests.robustness.test_atomic_output import snapshot
from tests.robustness.inputs import feed, feed_entry, listing, listing_block, md_record

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = {
    # YAML double-quoted escapes: control characters and a lone surrogate reach the record as they are.
    "ctrl.md": ('---\ntitle: "Control\\x01 \\x0b Title ]]> <b>&amp;"\nauthors: ["Ctrl\\x02 Author"]\n'
                'keywords: ["bad\\x03keyword", "C++"]\nyear: 2019\ndate: 2021-03-04\n---\nBody with \x07 bell.\n'),
    "surrogate.md": ('---\ntitle: "Lone \\ud800 surrogate"\nkeywords: ["x\\udfff"]\nvenue: "V\\ud83d"\nyear: 2018\n'
                     '---\nBody of the surrogate record.\n'),
    "huge.md": md_record("Huge " + "word " * 20000, "Huge body " * 1000, keywords="[" + ", ".join(f"k{i}" for i in range(300)) + "]"),
    "ctrl-listing.txt": listing(listing_block("Listing summary with \x01 control \x1f bytes ]]>.",
                                              title="Listing \x01 Paper", authors="A. Ctrl\x08",
                                              venue="Venue\x0c - 2020 via Local arXiv")),
    "ctrl-feed.txt": feed(feed_entry("Wiki \x01 Page", 5, "Wiki text with \x02 control ]]> and more.")),
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    content.mkdir()
    for name, text in HOSTILE.items():
        (content / name).write_text(text, encoding="utf-8")
    (content / "dates.md").write_text(
        "---\ntitle: Dated Paper\nauthors: [D. Ate]\nyear: nineteen\ndate: not-a-date\n"
        "first_published: 31/12/2019\npresented_on: yesterday\n---\nA summary with bad dates.\n", encoding="utf-8")
    (content / "year.md").write_text("---\ntitle: Far Future Paper\nyear: 99999\n---\nToo late.\n", encoding="utf-8")
    config = SiteConfig(title="Hostile Site")
    config.search = False
    config.mathjax.self_host = False
    out = root / "site"
    report = build(content, out, config, ROOT, use_cache=False)
    return out, report


def messages(report) -> list[str]:
    return [str(d) for d in report.diagnostics]


def test_every_xml_file_parses(hostile_site):
    out, _ = hostile_site
    files = [out / "sitemap.xml", out / "feed.xml", *sorted((out / "topics").glob("*/feed.xml"))]
    assert len(files) > 5
    for path in files:
        ET.parse(path)  # a real XML parser: raises on any character XML 1.0 cannot hold
        path.read_bytes().decode("utf-8")  # strict UTF-8: no lone surrogates written through
    for path in (out / "api" / "papers.json", out / "api" / "summaries.json"):
        json.loads(path.read_bytes().decode("utf-8"))


def test_feed_dates_are_rfc3339_and_never_made_up(hostile_site):
    out, _ = hostile_site
    root = ET.parse(out / "feed.xml").getroot()
    import datetime as dt
    for updated in root.iter(f"{ATOM}updated"):
        dt.datetime.fromisoformat(updated.text.replace("Z", "+00:00"))
    for entry in root.iter(f"{ATOM}entry"):
        if entry.findtext(f"{ATOM}title").startswith("Dated Paper"):
            assert entry.findtext(f"{ATOM}updated") != "not-a-dateZ"
            break
    else:
        raise AssertionError("the record with bad dates is missing from the feed")


def test_each_bad_value_is_one_warning_with_its_line(hostile_site):
    _, report = hostile_site
    found = messages(report)
    expected = [
        "dates.md:4: warning: year 'nineteen' is not a year",
        "dates.md:5: warning: date 'not-a-date' is not an ISO date",
        "dates.md:6: warning: first_published '31/12/2019' is not an ISO date",
        "dates.md:7: warning: presented_on 'yesterday' is not an ISO date",
        "year.md:3: warning: year '99999' is not a year",
        "ctrl.md:2: warning: front matter key 'title' holds control characters",
        "ctrl.md:4: warning: front matter key 'keywords' holds control characters",
        "surrogate.md:2: warning: front matter key 'title' holds",
    ]
    for start in expected:
        assert sum(m.startswith(start) for m in found) == 1, (start, found)


def test_the_rest_of_the_site_is_built(hostile_site):
    out, _ = hostile_site
    papers = {p.name for p in (out / "papers").iterdir() if p.is_dir()}
    assert {"dated-paper", "far-future-paper"} <= papers, papers
    assert any(p.startswith("lone-surrogate") for p in papers)
    control = next(p for p in papers if p.startswith("control-title-b-amp"))
    page = (out / "papers" / control / "index.html").read_text(encoding="utf-8")
    assert "\x01" not in page and "\x0b" not in page


@pytest.fixture()
def small_site(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    for n in range(3):
        (content / f"r{n}.md").write_text(md_record(f"Paper {n}", f"Summary {n}.", year="2020"), encoding="utf-8")
    (content / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "site.yaml").write_text("title: Disk\nsearch: false\n", encoding="utf-8")
    return tmp_path


def run(root: Path, *extra: str) -> int:
    return main(["build", "--content", str(root / "content"), "--config", str(root / "site.yaml"),
                 "--output", str(root / "out"), "-q", "--jobs", "1", *extra])


# (how the build runs, how many files it writes before the disk is full)
@pytest.mark.parametrize("mode,after", [("clean", 0), ("clean", 5), ("clean", 15), ("incremental", 0), ("incremental", 1)])
def test_a_full_disk_fails_the_build_cleanly_and_keeps_the_old_site(small_site, monkeypatch, capsys, after, mode):
    assert run(small_site) == 0
    before = snapshot(small_site / "out")
    (small_site / "content" / "r0.md").write_text(md_record("Paper 0", "Edited summary.", year="2020"), encoding="utf-8")
    # every new file is opened by _open_new (Folder.write and open_new), every replaced one staged
    real_open, real_stage = confine.Folder._open_new, confine.Folder.stage
    calls = []

    def full(real):
        def write(self, rel, *data):
            calls.append(rel)
            if len(calls) > after:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(self, rel, *data)
        return write

    monkeypatch.setattr(confine.Folder, "_open_new", full(real_open))
    monkeypatch.setattr(confine.Folder, "stage", full(real_stage))
    capsys.readouterr()
    assert run(small_site, *(["--clean"] if mode == "clean" else [])) == 3
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err and err.startswith("error: "), err
    assert "previous site" in err
    assert calls  # the failure came from a write
    assert snapshot(small_site / "out") == before
    assert sorted(p.name for p in small_site.iterdir()) == [".site-builder-cache", "content", "out", "site.yaml"]
    assert not [p for p in (small_site / "out").rglob(".*.tmp")]
    monkeypatch.undo()
    assert run(small_site) == 0  # space again: the next build works
    assert "Edited summary." in (small_site / "out" / "papers" / "paper-0" / "index.html").read_text(encoding="utf-8")
