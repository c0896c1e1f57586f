"""papers.enriched.yaml: a fixed order and layout, atomic writes, matches compared normalised."""
from __future__ import annotations

import datetime as dt

import yaml

from site_builder.enrich import store
from site_builder.enrich.work import Work

DAY = dt.date(2026, 1, 2)


def entry(match, title, **kw):
    return store.paper_entry(match, Work(source="arxiv", title=title, **kw), "arxiv", DAY)


def test_render_is_sorted_whatever_the_order_found():
    a, b = store.Enriched(), store.Enriched()
    items = [entry({"title": "Zeta Paper"}, "Zeta Paper"), entry({"arxiv": "1811.01234"}, "One", year=2018),
             entry({"doi": "10.5555/x"}, "Two")]
    for e in items:
        a.put_paper(e)
    for e in reversed(items):
        b.put_paper(e)
    b.put_unresolved(store.unresolved_entry({"title": "Lost"}, "not-found", [], DAY))
    a.put_unresolved(store.unresolved_entry({"title": "Lost"}, "not-found", [], DAY))
    text = store.render(a)
    assert text == store.render(b)
    assert "&id" not in text and "*id" not in text  # no YAML aliases for the shared date
    data = yaml.safe_load(text)
    assert [list(e["match"]) for e in data["papers"]] == [["arxiv"], ["doi"], ["title"]]
    assert list(data["papers"][0]) == ["match", "title", "year", "source", "retrieved"]
    assert data["unresolved"] == [{"match": {"title": "Lost"}, "reason": "not-found", "retrieved": DAY}]


def test_round_trip_and_match_keys_are_normalised(tmp_path):
    path = tmp_path / store.ENRICHED_NAME
    enriched = store.Enriched()
    enriched.put_paper(entry({"doi": "10.5555/ABC"}, "T"))
    store.write(path, enriched)
    again = store.load(path)
    assert ("doi", "10.5555/abc") in again.papers
    assert store.render(again) == path.read_text(encoding="utf-8")
    assert store.match_key({"doi": "https://doi.org/10.5555/Abc"}) == ("doi", "10.5555/abc")
    assert store.match_key({"title": "  A  Title!"}) == ("title", "a title")
    assert store.match_key({"arxiv": "arXiv:1811.01234"}) == ("arxiv", "1811.01234")
    assert store.match_key("nope") is None and store.match_key({"title": ["x"]}) is None


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / store.ENRICHED_NAME
    path.write_text("old\n", encoding="utf-8")

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(store.os, "replace", boom)
    try:
        store.write(path, store.Enriched())
    except OSError:
        pass
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == [store.ENRICHED_NAME]


def test_a_found_entry_replaces_an_unresolved_one():
    enriched = store.Enriched()
    enriched.put_unresolved(store.unresolved_entry({"title": "T"}, "ambiguous", ["a", "b"], DAY))
    enriched.put_paper(entry({"title": "t"}, "T"))
    assert list(enriched.papers) == [("title", "t")] and not enriched.unresolved
