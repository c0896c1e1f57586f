"""arXiv's Atom and OpenAlex's JSON, read defensively."""
from __future__ import annotations

import json

from site_builder.enrich import arxiv, openalex

from .apis import PAPERS, arxiv_error_feed, atom_feed, work_json


def test_arxiv_feed_gives_every_field():
    works, warnings = arxiv.parse(atom_feed(PAPERS[:2]).encode())
    assert warnings == []
    first, second = works
    assert first.title == "Spectral Pruning of Recurrent Gates"  # hard wrap undone
    assert first.authors == ["Ada Quill", "Bram Ostrow"]
    assert (first.arxiv, first.year, first.published) == ("1811.01234", 2018, "2018-11-03")
    assert first.doi == "10.5555/spr.2018.7"
    assert first.keywords == ["cs.LG", "stat.ML"]  # primary category first, no repeats
    assert first.links() == {"arxiv": "https://arxiv.org/abs/1811.01234", "doi": "https://doi.org/10.5555/spr.2018.7",
                             "pdf": "https://arxiv.org/pdf/1811.01234"}
    assert first.abstract.startswith("We study") and "\n" not in first.abstract
    assert second.doi is None and second.journal_ref == "Workshop on Fictional Language 2019"


def test_arxiv_query_asks_for_every_id():
    url = arxiv.query_url("https://export.arxiv.org/api/query", ["1811.01234", "hep-th/9901001"])
    assert url == ("https://export.arxiv.org/api/query?id_list=1811.01234%2Chep-th%2F9901001&max_results=2")
    assert arxiv.valid_id("hep-th/9901001") and arxiv.valid_id("1811.01234") and not arxiv.valid_id("x/1")


def test_arxiv_error_entry_is_a_warning_not_a_paper():
    works, warnings = arxiv.parse(arxiv_error_feed("incorrect id format for 1234").encode())
    assert works == [] and warnings == ["arXiv reported an error: incorrect id format for 1234"]


def test_arxiv_malformed_answers_are_warnings():
    for data in (b"Rate exceeded.", b"<feed><entry>", b"", "<html><body>busy</body></html>".encode(),
                 b"\xff\xfe<feed/>"):
        works, warnings = arxiv.parse(data)
        assert works == [] and len(warnings) == 1 and warnings[0].startswith("arXiv answered")


def test_arxiv_entity_expansion_is_refused():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&b;</title></entry></feed>"""
    works, warnings = arxiv.parse(bomb)
    assert works == [] and "not a usable Atom feed" in warnings[0]
    external = b"""<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&x;</title></entry></feed>"""
    assert arxiv.parse(external)[0] == []


def test_arxiv_hostile_title_stays_text():
    hostile = PAPERS[1].__class__(**{**PAPERS[1].__dict__, "title": '<script>alert(1)</script>\u200b Evil\t"Title"'})
    work = arxiv.parse(atom_feed([hostile]).encode())[0][0]
    assert work.title == '<script>alert(1)</script> Evil "Title"'  # markup as characters, control chars gone


def test_openalex_work_fields():
    work = openalex.parse_work(work_json(PAPERS[2]))
    assert work is not None
    assert (work.title, work.year, work.venue, work.doi) == (
        "Warm Starts for Cold Bandits", 2016, "Journal of Pretend Decisions", "10.5555/wscb.16")
    assert work.authors == ["Dita Moor", "Egon Fray"] and not work.venue_is_repository
    assert work.abstract == PAPERS[2].abstract  # rebuilt from the inverted index


def test_openalex_preprint_gives_arxiv_id_and_no_venue_doi():
    work = openalex.parse_work(work_json(PAPERS[0], preprint=True))
    assert work.arxiv == "1811.01234" and work.doi is None and work.venue_is_repository


def test_openalex_nulls_and_wrong_types_are_survived():
    assert openalex.parse_work({"title": None, "display_name": None}) is None
    work = openalex.parse_work({"title": "T", "authorships": [None, {"author": None}, {"author": {"display_name": 5}}],
                                "primary_location": [], "publication_year": "x", "abstract_inverted_index": {"a": "b"},
                                "locations": None, "ids": "no", "doi": 7})
    assert work is not None and work.title == "T" and work.authors == [] and work.year is None


def test_openalex_malformed_json_is_a_warning():
    work, warnings = openalex.parse_one(b"<html>oops</html>")
    assert work is None and "not JSON" in warnings[0]
    works, warnings = openalex.parse_list(json.dumps({"results": "nope"}).encode())
    assert works == [] and "without a list" in warnings[0]
    assert openalex.parse_list(b"[" * 100000)[1]  # deep nesting: a warning, not a crash


def test_openalex_title_request_keeps_filter_syntax_out():
    url, params = openalex.title_request("https://api.openalex.org/", "A: B, C|D!")
    assert url == "https://api.openalex.org/works" and params["filter"] == "title.search:A B C D"


def test_old_style_ids_are_asked_as_the_api_answers_them():
    assert arxiv.canonical_id("math.GT/0309136") == "math/0309136"
    assert arxiv.canonical_id("hep-th/9901001") == "hep-th/9901001"
    assert arxiv.canonical_id("1811.01234") == "1811.01234"
