"""Bad input: every broken file gives one clear message (file, position, what is wrong),
the good records around it are still published, the exit code is 0 with warnings and
1 under --strict, and a broken theme leaves the previous site as it was."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.readers import read_file, read_text
from site_builder.readers.limits import MAX_SUMMARY_CHARS
from tests.robustness.inputs import WIKI, feed, feed_entry, listing, listing_block, md_record

GOOD_LISTING = listing(listing_block("Widgets are tiny machines; this summary explains how they spin.",
                                     title="A Good Paper About Widgets", authors="Ada Lovelace and Alan Turing",
                                     venue="Widget Conference - 2021 via Local arXiv"))
CUT_FEED = feed(
    feed_entry("Complete Page One", 11, "= Intro =\nThe first complete page."),
    feed_entry("Complete Page Two", 12, "The second complete page."),
    feed_entry("Cut Page Three", 13, "This page is cut in the middle of a sentence and never"),
)
CUT_FEED = CUT_FEED[: CUT_FEED.index("in the middle of")]  # the scrape stopped here
NO_TITLE_FEED = feed(
    feed_entry("Titled Page", 21, "A page with a title."),
    feed_entry("Untitled Page", 22, "The title is missing from this entry.").replace(" Untitled Page 2024", " 2024"),
    feed_entry("Timeless Page", 23, "This entry lost its timestamp.").replace(" 2024-02-01T10:00:00Z", ""),
)
NO_LINK_LISTING = listing(
    listing_block("First summary, with its link line.", title="Paper One", authors="A. Author",
                  venue="Venue - 2019 via Local arXiv"),
    "Paper Two\n\nB. Author\n\nVenue - 2020 via Local arXiv\n\nKeywords: cs.CV\n\n",  # lost its [link] and summary
    listing_block("Third summary, which belongs to paper three.", title="Paper Three", authors="C. Author",
                  venue="Venue - 2021 via Local arXiv"),
)
CUT_URL_FEED = feed(feed_entry("Whole Page", 31, "Whole.")).rstrip() + f" {WIKI}?title=Half_"
LATIN = listing(listing_block("Caf\xe9 summary in Latin-1, kept with the bad byte replaced."))
GIANT_LISTING = listing(
    listing_block("word " * (MAX_SUMMARY_CHARS // 5 + 10)),
    listing_block("A normal summary after the gigantic line survives."),
)



def at(text: str, page: str) -> int:
    """Character offset where the feed entry of `page` starts (its revision URL)."""
    return text.index(f"{WIKI}?title={page}")


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# file name -> (bytes, the exact message it must give)
CASES: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "empty.txt: warning: empty file (0 bytes); skipped"),
    "binary.dat": (b"PK\x03\x04\x00\x00binary", "binary.dat:1:5: warning: binary file (NUL byte at byte offset 4), not a text input; skipped"),
    "latin1.txt": (LATIN.encode("latin-1"),
                   f"latin1.txt:{line_of(LATIN, 'Caf')}:4: warning: invalid UTF-8 (byte offset {LATIN.index('Caf') + 3}); bad bytes replaced"),
    "cut-feed.txt": (CUT_FEED.encode(), f"cut-feed.txt:1:{at(CUT_FEED, 'Cut_Page_Three') + 1} (entry 3): warning: feed entry 3 "
                     f"(at character {at(CUT_FEED, 'Cut_Page_Three')}, revision 13): "
                     f"cut off after {len('This page is cut ')} characters of text (no closing </div>); skipped"),
    "cut-url-feed.txt": (CUT_URL_FEED.encode(), f"cut-url-feed.txt:1:{at(CUT_URL_FEED, 'Half_') + 1} (entry 2): warning: feed entry 2 "
                         f"(at character {at(CUT_URL_FEED, 'Half_')}): cut off inside its revision URL; skipped"),
    "no-title-feed.txt": (NO_TITLE_FEED.encode(), f"no-title-feed.txt:1:{at(NO_TITLE_FEED, 'Untitled_Page') + 1} (entry 2): warning: "
                          f"feed entry 2 (at character {at(NO_TITLE_FEED, 'Untitled_Page')}) has no title; using 'Untitled Page' from its URL"),
    "no-ts-feed.txt": (NO_TITLE_FEED.encode(), f"no-ts-feed.txt:1:{at(NO_TITLE_FEED, 'Timeless_Page') + 1} (entry 3): warning: "
                       f"feed entry 3 (at character {at(NO_TITLE_FEED, 'Timeless_Page')}, revision 23): "
                       "no timestamp (YYYY-MM-DDTHH:MM:SSZ) after the title; skipped"),
    "no-link.txt": (NO_LINK_LISTING.encode(), f"no-link.txt:{line_of(NO_LINK_LISTING, 'Paper Two')}: warning: paper metadata block for 'Paper Two' has no [link] summary after it; skipped"),
    "giant.txt": (GIANT_LISTING.encode(), f"giant.txt:{line_of(GIANT_LISTING, '[link]') + 1}: error: the summary after the [link] on line 3 is {len('word ' * (MAX_SUMMARY_CHARS // 5 + 10)) - 1:,} "
                  f"characters long, over the {MAX_SUMMARY_CHARS:,}-character limit for one summary; skipped"),
    "bad-yaml.md": (b"---\ntitle: [unclosed\nyear: 2020\n---\nBody.\n",
                    "bad-yaml.md:3:5: error: front matter is not valid YAML: expected ',' or ']', but got ':'"),
    "unclosed-front.md": (b"---\ntitle: Never closed\n\nBody text.\n",
                          "unclosed-front.md:1: error: front matter opened by '---' on line 1 is never closed by a '---' line; skipped"),
    "notes.json": (b'{"not": "a summary"}\n',
                   "notes.json: warning: not a format site-builder knows (ShortScience listing, statwiki feed or Markdown with front matter); skipped"),
}

# Problems only the renderer sees: the message names the file, the summary id and the line.
RENDER_CASES: dict[str, tuple[str, str]] = {
    "dollar.md": (md_record("Dollar Paper", "Cost is $x$ plus $y and more.", id="dollar"),
                  'dollar.md [dollar]: unbalanced $ in text (line 1 of the summary, near "plus $y and more.")'),
    "fence.md": (md_record("Fence Paper", "Intro.\n\n```python\nx = 1\n", id="fence"),
                 "fence.md [fence]: code fence ``` opened at line 3 of the summary is never closed; it runs to the end"),
    "flat-fence.txt": (listing(listing_block("Code follows ```python x = 1 and the fence never closes.")),
                       'code fence ``` at character 14 of the summary is never closed; shown as text: "```python x = 1 and the fence never clos"'),
    "nested.md": (md_record("Nested Paper", "- " * 40 + "deep", id="nested"),
                  "nested.md [nested]: blocks nested more than 20 levels deep at line 1 of the summary; the deeper part is not shown"),
    "table-feed.txt": (feed(feed_entry("Table Page", 41, "Intro.\n\n{| class=\"wikitable\"\n|-\n| a || b\n")),
                       "table opened at line 3 ('{| class=\"wikitable\"') is not closed by |}; closed at the end of its section"),
}

GOOD_TITLES = {"A Good Paper About Widgets", "Complete Page One", "Complete Page Two", "Whole Page", "Titled Page",
               "Untitled Page", "Paper One", "Paper Three", "Dollar Paper", "Fence Paper", "Nested Paper", "Table Page"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_reader_gives_one_clear_message(tmp_path, name):
    data, expected = CASES[name]
    (tmp_path / name).write_bytes(data)
    messages = [str(d) for d in read_file(tmp_path / name, name).diagnostics]
    assert expected in messages
    # the same from the bytes the build already read (it hashes each input first)
    assert read_file(tmp_path / name, name, data=data) == read_file(tmp_path / name, name)
    # one message per problem: that feed has two broken entries, every other file one problem
    assert len(messages) == (2 if name in ("no-title-feed.txt", "no-ts-feed.txt") else 1), messages


def test_good_records_survive_next_to_bad_ones():
    by_title = {r.paper.title or r.title: r for r in read_text(CUT_FEED, "f").records}
    assert sorted(by_title) == ["Complete Page One", "Complete Page Two"]
    assert by_title["Complete Page Two"].body == "The second complete page."
    assert [r.paper.title for r in read_text(NO_LINK_LISTING, "l").records] == ["Paper One", "Paper Three"]
    assert [r.body for r in read_text(GIANT_LISTING, "g").records] == ["A normal summary after the gigantic line survives."]
    latin = read_text(CASES["latin1.txt"][0].decode("utf-8", errors="replace"), "x").records
    assert latin[0].body.startswith("Caf\ufffd summary")


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    content = root / "content"
    content.mkdir()
    (content / "good.md").write_text(md_record("A Good Markdown Paper", "A fine summary with $x^2$ math."), encoding="utf-8")
    (content / "good-listing.txt").write_text(GOOD_LISTING, encoding="utf-8")
    for name, (data, _) in CASES.items():
        (content / name).write_bytes(data)
    for name, (text, _) in RENDER_CASES.items():
        (content / name).write_text(text, encoding="utf-8")
    (root / "site.yaml").write_text("title: Bad input\nsearch: false\n", encoding="utf-8")
    return root


def build(root: Path, out: Path, capsys, *extra: str) -> tuple[int, str]:
    code = main(["build", "--content", str(root / "content"), "--output", str(out), "--config", str(root / "site.yaml"),
                 "--quiet", "--ignore-cache", *extra])
    return code, capsys.readouterr().err


def test_build_reports_every_problem_and_keeps_good_records(bad_site, tmp_path, capsys):
    code, err = build(bad_site, tmp_path / "out", capsys)
    assert code == 0, err
    for name, (_, expected) in CASES.items():
        if name != "no-ts-feed.txt":  # same file as no-title-feed.txt, read under another name
            assert expected in err.splitlines(), name
    for name, (_, expected) in RENDER_CASES.items():
        assert any(line.startswith(name) and line.endswith(expected) for line in err.splitlines()), name
    papers = {p["title"] for p in json.loads((tmp_path / "out" / "api" / "papers.json").read_text(encoding="utf-8"))}
    summaries = {s["title"] for s in json.loads((tmp_path / "out" / "api" / "summaries.json").read_text(encoding="utf-8"))}
    assert GOOD_TITLES <= papers | summaries
    assert "A Good Markdown Paper" in papers and "Cut Page Three" not in papers | summaries


def test_strict_turns_warnings_into_a_failure(bad_site, tmp_path, capsys):
    code, err = build(bad_site, tmp_path / "out", capsys, "--strict")
    assert code == 1
    assert "--strict is set" in err


def test_max_input_size_is_configurable(tmp_path, capsys):
    content = tmp_path / "content"
    content.mkdir()
    (content / "big.txt").write_text(listing(listing_block("x " * 600_000)), encoding="utf-8")
    (content / "small.md").write_text(md_record("Small Paper", "Small."), encoding="utf-8")
    (tmp_path / "site.yaml").write_text("search: false\nmax_input_mb: 1\n", encoding="utf-8")
    code, err = build(tmp_path, tmp_path / "out", capsys)
    assert code == 0
    size = (content / "big.txt").stat().st_size
    assert f"big.txt: error: file is 1.1 MB ({size:,} bytes), over the 1.0 MB (1,048,576 bytes) input limit (max_input_mb); skipped" in err
    assert "Small Paper" in (tmp_path / "out" / "api" / "papers.json").read_text(encoding="utf-8")


def test_missing_template_is_a_clear_error_and_keeps_the_previous_site(tmp_path, capsys):
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text(md_record("Template Paper", "Text."), encoding="utf-8")
    (tmp_path / "site.yaml").write_text("search: false\n", encoding="utf-8")
    out = tmp_path / "out"
    assert build(tmp_path, out, capsys)[0] == 0
    before = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    own = tmp_path / "templates"
    own.mkdir()
    (own / "about.html").write_text('{% extends "base.html" %}{% block content %}\n{% include "missing-part.html" %}\n{% endblock %}\n',
                                    encoding="utf-8")
    code, err = build(tmp_path, out, capsys)
    assert code == 3  # the build failed (2 is for usage and config mistakes)
    assert f"error: {own / 'about.html'}:2: template 'missing-part.html' not found" in err
    after = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before
