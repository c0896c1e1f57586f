"""The search index after an edit (output/search_delta.py): a delta bundle of the edited pages, their
old copies named in parts.json for the search page to leave out, parts indexed again past a bound.

`search_view` reads an index the way the search page sees it (every part and the delta, hidden pages
left out): the URL of each live page -> its fragment, and each filter value -> its pages' URLs. After
any edit it must equal the view of an index written from nothing for the same records.
"""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import cbor2
import pytest

from site_builder.config import SiteConfig
from site_builder.output import search, search_delta
from site_builder.output.pagefind import Record
from site_builder.output.search import BUNDLE_DIR, write_search_index
from site_builder.output.search_delta import (Delta, Position, base_urls, next_positions, page_positions,
                                               stage_search_edit)
from site_builder.output.swap import swap_in

MARKER = b"pagefind_dcd"


def _unpack(path: Path):
    raw = gzip.decompress(path.read_bytes())
    assert raw.startswith(MARKER)
    return raw[len(MARKER):]


def search_view(site: Path) -> tuple[dict[str, dict], dict[str, dict[str, list[str]]]]:
    """(URL -> fragment of every page a search can find, filter -> value -> sorted URLs), as the search
    page sees the index: every part and the delta, less the old copies parts.json names."""
    bundle = site / BUNDLE_DIR
    manifest = json.loads((bundle / "parts.json").read_text(encoding="utf-8"))
    delta = manifest.get("delta") or {}
    hidden = {h[0]: h for h in delta.get("hidden") or []}
    paths = [p["path"] for p in manifest["parts"]] + ([delta["path"]] if delta.get("path") else [])
    pages: dict[str, dict] = {}
    filters: dict[str, dict[str, list[str]]] = {}
    seen: set[str] = set()
    for j, path in enumerate(paths):
        part = bundle / path
        entry = json.loads((part / "pagefind-entry.json").read_text(encoding="utf-8"))
        (_, info), = entry["languages"].items()
        meta = cbor2.loads(_unpack(part / f"pagefind.{info['hash']}.pf_meta"))
        urls = {}
        for n, (page_id, _words) in enumerate(meta[1]):
            fragment = json.loads(_unpack(part / "fragment" / f"{page_id}.pf_fragment"))
            urls[n] = fragment["url"]
            if page_id in hidden:  # named rightly: its part, filter values and URL
                assert hidden[page_id][1:] == [str(j), fragment["filters"], fragment["url"]]
                seen.add(page_id)
                continue
            assert fragment["url"] not in pages, f"{fragment['url']} found twice"
            pages[fragment["url"]] = fragment
        for _name, h in meta[3]:
            key, values = cbor2.loads(_unpack(part / "filter" / f"{h}.pf_filter"))
            for value, members in values:
                shown = [urls[n] for n in members if meta[1][n][0] not in hidden]
                if shown:
                    filters.setdefault(key, {}).setdefault(value, []).extend(shown)
    assert seen == hidden.keys(), "parts.json names a page no part holds"
    return pages, {k: {v: sorted(us) for v, us in vs.items()} for k, vs in filters.items()}


# -- the delta's bookkeeping ---------------------------------------------------------------------


def test_next_positions_follow_edits_additions_and_removals():
    base = ["/a/", "/b/", "/c/", "/d/"]
    count = 2
    where = {}
    seen = [0, 0]
    for u in base:
        j = search.part_of(u, count)
        where[u] = (j, seen[j])
        seen[j] += 1
    asked = []

    def ask():
        asked.append(1)
        return base

    first = next_positions({}, ["/b/"], [], ask, count)
    assert first == {"/b/": Position(*where["/b/"], True)}
    again = next_positions(first, ["/b/"], [], lambda: pytest.fail("no new page: the parts are not asked"), count)
    assert again == first
    more = next_positions(again, ["/new/"], ["/c/"], ask, count)
    assert more == {"/b/": Position(*where["/b/"], True), "/new/": Position(None, None, True),
                    "/c/": Position(*where["/c/"], False)}
    assert len(asked) == 2  # once per edit that brings a page in, not once per page
    # Added, then removed: nothing to hide. Removed, then back: its old copy stays hidden, the page live.
    back = next_positions(more, ["/c/"], ["/new/"], ask, count)
    assert back == {"/b/": Position(*where["/b/"], True), "/c/": Position(*where["/c/"], True)}
    assert page_positions(base, count) == where


def test_next_positions_take_what_the_session_keeps_and_work_it_out_when_it_cannot_say():
    base = ["/a/", "/b/", "/c/", "/d/"]
    count = 2
    where = page_positions(base, count)

    def kept(urls, n):
        return {u: where[u] for u in urls if u in where} if n == count else None
    no_parts = lambda: pytest.fail("the session knows where the page is: the parts are not asked")  # noqa: E731
    assert next_positions({}, ["/b/"], ["/d/"], no_parts, count, kept) == \
        next_positions({}, ["/b/"], ["/d/"], lambda: base, count)
    # Kept for another number of parts, or a page the kept rows do not hold: worked out from the parts.
    assert next_positions({}, ["/c/"], [], lambda: base, 3, kept) == next_positions({}, ["/c/"], [], lambda: base, 3)
    assert next_positions({}, ["/new/"], [], lambda: base, count, kept) == {"/new/": Position(None, None, True)}


def test_base_urls_are_the_parts_urls_whatever_the_delta_added_or_removed():
    old = {"/new/": Position(None, None, True), "/c/": Position(1, 0, False), "/b/": Position(0, 1, True)}
    assert base_urls(["/a/", "/b/", "/new/", "/d/"], old) == ["/a/", "/b/", "/c/", "/d/"]


# -- whole edits against an index written from nothing -----------------------------------------------

WORDS = "normal batch layer gradient attention whitening sparse graph policy reward".split()


def record(i: int, extra: str = "") -> Record:
    text = " ".join(WORDS[(i * j + j) % 10] for j in range(120)) + f" paper{i}" + extra
    year = str(2000 + i % 5)
    return Record(f"/papers/p{i:03}/", text, {"title": f"Paper {i}", "year": year},
                  {"year": [year], "topic": [WORDS[i % 10]], "source": ["Markdown"]})


def write(records: list[Record], site: Path) -> None:
    if site.exists():
        shutil.rmtree(site)
    site.mkdir(parents=True)
    write_search_index(sorted(records, key=lambda r: r.url), site / BUNDLE_DIR, SiteConfig())


def edit(records: dict[str, Record], changed: list[Record], removed: list[str], site: Path) -> Path | None:
    """One edit through the delta path, swapped in as the incremental build does; `records` updated."""
    before = sorted(records)
    for url in removed:
        del records[url]
    records.update((r.url, r) for r in changed)
    staged = stage_search_edit({r.url: r for r in changed}, removed, site, SiteConfig(),
                               urls=lambda: before, records_of=lambda urls: {u: records[u] for u in urls},
                               all_records=lambda: sorted(records.values(), key=lambda r: r.url))
    publish(staged, site)
    return staged


def publish(staged, site: Path) -> None:
    if isinstance(staged, Delta):
        staged.publish()
    elif staged is not None:
        swap_in(staged / BUNDLE_DIR, site / BUNDLE_DIR)
        shutil.rmtree(staged)


def files(site: Path) -> dict[str, bytes]:
    bundle = site / BUNDLE_DIR
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()}


@pytest.fixture
def parts(monkeypatch):
    monkeypatch.setattr(search, "PART_CHARS", 4000)  # 30 records of ~900 characters: several parts


def test_edits_go_to_the_delta_and_read_as_a_fresh_index(tmp_path, parts):
    records = {r.url: r for r in (record(i) for i in range(30))}
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    write(list(records.values()), site)
    published = {p: (p.stat().st_ino, p.read_bytes()) for p in (site / BUNDLE_DIR).rglob("*") if p.is_file()}
    count = len(json.loads((site / BUNDLE_DIR / "parts.json").read_text())["parts"])
    assert count >= 3

    # An edit: the new words are found, the old copy is not, filter counts as a fresh index has them.
    assert isinstance(edit(records, [record(4, " quokkaword")], [], site), Delta)
    write(list(records.values()), fresh)
    view = search_view(site)
    assert view == search_view(fresh)
    assert "quokkaword" in view[0]["/papers/p004/"]["content"]
    manifest = json.loads((site / BUNDLE_DIR / "parts.json").read_text())
    assert manifest["delta"]["path"].startswith("delta-") and len(manifest["delta"]["hidden"]) == 1
    # The parts are not touched: every published file but parts.json is the same file, the same bytes.
    for path, (ino, data) in published.items():
        if path.name != "parts.json":
            assert path.stat().st_ino == ino and path.read_bytes() == data
    # A second edit of the same page and one of another; a removal; an addition; a filter value that
    # only the removed page had must vanish from the counts.
    lonely = Record("/papers/zz-lonely/", "a lonely page about graphs", {"title": "Lonely", "year": "1999"},
                    {"year": ["1999"], "source": ["statwiki"]})
    records[lonely.url] = lonely
    write(list(records.values()), site)
    assert edit(records, [record(4, " quokkaword again"), record(11, " wombatword")], [], site) is not None
    first = json.loads((site / BUNDLE_DIR / "parts.json").read_text())["delta"]["path"]
    assert edit(records, [record(40, " newcomer")], ["/papers/p007/", lonely.url], site) is not None
    write(list(records.values()), fresh)
    view = search_view(site)
    assert view == search_view(fresh)
    assert "/papers/p007/" not in view[0] and "1999" not in view[1]["year"] and "/papers/p040/" in view[0]
    assert not (site / BUNDLE_DIR / first).exists()  # the last delta's folder went when the next came
    assert len([d for d in (site / BUNDLE_DIR).iterdir() if d.name.startswith("delta")]) == 1

    # The same records again: nothing to swap.
    assert edit(records, [records["/papers/p004/"]], [], site) is None


def test_past_the_bound_the_parts_are_indexed_again_as_a_fresh_index(tmp_path, parts, monkeypatch):
    monkeypatch.setattr(search_delta, "DELTA_PAGES", 2)
    records = {r.url: r for r in (record(i) for i in range(30))}
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    write(list(records.values()), site)
    edit(records, [record(1, " one")], [], site)
    edit(records, [record(2, " two")], [], site)
    assert json.loads((site / BUNDLE_DIR / "parts.json").read_text())["delta"]
    edit(records, [record(3, " three")], [], site)  # a third page: past the bound
    write(list(records.values()), fresh)
    assert files(site) == files(fresh)  # byte for byte what a build from nothing writes


def test_a_part_not_as_its_manifest_says_is_indexed_again(tmp_path, parts):
    """Page numbers are the records' order; if a hidden page's fragment is not the expected URL the
    delta is not trusted and the parts are indexed again."""
    records = {r.url: r for r in (record(i) for i in range(30))}
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    write(list(records.values()), site)
    count = len(json.loads((site / BUNDLE_DIR / "parts.json").read_text())["parts"])
    # A page that is not the first of its part; told that the site holds only it, the delta takes it for page 0.
    url = [u for u in sorted(records) if search.part_of(u, count) == search.part_of(sorted(records)[0], count)][1]
    records[url] = Record(url, records[url].content + " changed", records[url].meta, records[url].filters)
    staged = stage_search_edit({url: records[url]}, [], site, SiteConfig(),
                               urls=lambda: [url], records_of=lambda urls: {u: records[u] for u in urls},
                               all_records=lambda: sorted(records.values(), key=lambda r: r.url))
    assert not isinstance(staged, Delta)
    publish(staged, site)
    write(list(records.values()), fresh)
    assert files(site) == files(fresh)


def test_a_page_id_that_is_not_a_plain_name_is_never_opened(tmp_path, parts, monkeypatch):
    """The old copy's fragment is opened by the page id its part lists; an id that would leave the
    part's fragment folder (a damaged or planted index) is not followed: the parts are indexed again."""
    records = {r.url: r for r in (record(i) for i in range(30))}
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    write(list(records.values()), site)
    url = sorted(records)[3]
    records[url] = Record(url, records[url].content + " changed", records[url].meta, records[url].filters)
    real = search_delta._load
    opened: list[str] = []

    def planted(path):
        found = real(path)
        return (found[0], [["../../../../planted", *page[1:]] for page in found[1]], *found[2:])
    monkeypatch.setattr(search_delta, "_load", planted)
    read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: opened.append(str(self)) or read(self))
    staged = stage_search_edit({url: records[url]}, [], site, SiteConfig(),
                               urls=lambda: sorted(records), records_of=lambda urls: {u: records[u] for u in urls},
                               all_records=lambda: sorted(records.values(), key=lambda r: r.url))
    assert not isinstance(staged, Delta)
    assert not [p for p in opened if "planted" in p]
    publish(staged, site)
    write(list(records.values()), fresh)
    assert files(site) == files(fresh)


def test_a_page_edited_back_leaves_the_delta(tmp_path, parts):
    """Its page id (a hash of its fragment) is its old copy's again: hiding that id would hide both."""
    records = {r.url: r for r in (record(i) for i in range(30))}
    site = tmp_path / "site"
    write(list(records.values()), site)
    before = files(site)
    edit(records, [record(4, " quokkaword"), record(9, " wombatword")], [], site)
    edit(records, [record(9)], [], site)  # back as the parts hold it
    view = search_view(site)
    assert json.loads((site / BUNDLE_DIR / "parts.json").read_text())["delta"]["pages"][0][0] == "/papers/p004/"
    assert "wombatword" not in view[0]["/papers/p009/"]["content"]
    edit(records, [record(4)], [], site)
    assert files(site) == before  # no delta left: the index as it was, byte for byte


def test_an_edit_begun_and_abandoned_leaves_no_indexer_and_no_folder(tmp_path, parts):
    """Pagefind indexes the delta while the build goes on (begin_search_edit); a build that gives up
    meanwhile (the output changed, a page failed) ends the indexer and removes what it made."""
    from site_builder.output.search_delta import begin_search_edit

    records = {r.url: r for r in (record(i) for i in range(30))}
    site = tmp_path / "site"
    write(list(records.values()), site)
    before = files(site)
    url = sorted(records)[5]
    pending = begin_search_edit({url: record(5, " abandoned")}, [], site, SiteConfig(), urls=lambda: sorted(records),
                                records_of=lambda urls: {u: records[u] for u in urls},
                                all_records=lambda: pytest.fail("no whole index for one edit"))
    indexer = pending.indexer
    assert indexer is not None and indexer.proc is not None
    pending.abandon()
    assert indexer.proc.returncode is not None  # ended (and reaped), whatever point it had reached
    assert not indexer.finisher.is_alive()
    assert [p.name for p in tmp_path.iterdir()] == ["site"] and files(site) == before
