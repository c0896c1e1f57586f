import html

from site_builder.readers import course_table, detect, statwiki
from tests.conftest import seed_file

BASE = "http://wiki.example.org/w/index.php"


def entry(title, rev, ts, text, user="Ed", comment="edit"):
    body = html.escape(text).replace("\n", "<br />")
    return f"{BASE}?title={title.replace(' ', '_')}&diff={rev} {title} {ts} <p>{user}: {comment}</p> <hr /> <div>{body}</div> {user}"


COURSE = """{| class="wikitable"
|-
|width="60pt"|Date
|Name
|Title
|Link to the paper
|Link to the summary
|-
|Feb 15 (example)|| Someone || An Example Row || ||
|-
|Mar 1 || Ada Byron || Convolutional Widget Networks || [https://arxiv.org/pdf/1801.01234.pdf Paper] ||
|-
|Mar 6 || Alan T. || Adversarial Gadgets for Everyone || [https://openreview.net/pdf?id=AbC-1 Paper] || [http://wiki.example.org/w/index.php?title=cs999w19/Adversial_gadget_for_everyone Summary]
|}"""


def feed():
    return " ".join([
        "http://wiki.example.org/w/api.php?action=feedcontributions header 2020-01-01T00:00:00Z MediaWiki",
        entry("cs999w19/Convolutional Widget Networks", 12, "2019-03-02T10:00:00Z", "= New =\nnewest text & more"),
        entry("File:widget.png", 11, "2019-03-02T09:00:00Z", "a file"),
        entry("cs999w19/Convolutional Widget Networks", 10, "2019-03-01T10:00:00Z", "= Old =\nold text"),
        entry("Old Name", 9, "2019-02-01T10:00:00Z", "#REDIRECT [[cs999w19/Convolutional Widget Networks]]"),
        entry("cs999w19/Adversial gadget for everyone", 8, "2019-03-07T10:00:00Z", "gadgets <math>x</math>"),
        entry("Standalone Page CS999", 7, "2019-03-08T10:00:00Z", "standalone"),
        entry("cs999w19", 5, "2019-01-01T10:00:00Z", COURSE),
    ])


def test_newest_revision_wins_whatever_the_order():
    result = statwiki.read(feed(), "feed.txt")
    by_title = {r.title: r for r in result.records}
    widget = by_title["Convolutional Widget Networks"]
    assert widget.revision == 12 and widget.date == "2019-03-02T10:00:00Z"
    # HTML entities in the dump are decoded exactly once.
    assert widget.body == "= New =\nnewest text & more"
    assert widget.contributor == "Ada Byron" and widget.editor == "Ed"  # the presenter is the credit
    assert widget.source == "statwiki" and widget.markup == "wikitext"


def test_file_course_and_redirect_pages_are_not_summaries():
    result = statwiki.read(feed(), "feed.txt")
    titles = sorted(r.title for r in result.records)
    assert titles == ["Adversial gadget for everyone", "Convolutional Widget Networks", "Standalone Page"]
    widget = next(r for r in result.records if r.title == "Convolutional Widget Networks")
    assert widget.aliases == ["Old Name"]


def test_course_prefix_and_suffix_become_the_collection():
    result = statwiki.read(feed(), "feed.txt")
    assert [c.key for c in result.collections] == ["cs999w19"]
    assert result.collections[0].name == "CS 999, Winter 2019"
    assert {r.title: r.collection for r in result.records} == {
        "Convolutional Widget Networks": "cs999w19",
        "Adversial gadget for everyone": "cs999w19",
        "Standalone Page": "cs999w19",
    }


def test_course_table_enriches_matching_summaries():
    result = statwiki.read(feed(), "feed.txt")
    by_title = {r.title: r for r in result.records}
    widget = by_title["Convolutional Widget Networks"]
    assert (widget.presenter, widget.presented_on) == ("Ada Byron", "2019-03-01")
    assert widget.paper.links == {"arxiv": "https://arxiv.org/abs/1801.01234", "pdf": "https://arxiv.org/pdf/1801.01234.pdf"}
    gadget = by_title["Adversial gadget for everyone"]
    assert gadget.presenter == "Alan T."
    assert gadget.paper.links == {"openreview": "https://openreview.net/forum?id=AbC-1"}
    # The table's careful spelling replaces the page title's typo for the paper.
    assert gadget.paper.title == "Adversarial Gadgets for Everyone"
    assert by_title["Standalone Page"].presenter is None


def test_tolerant_title_matching():
    rows = course_table.parse(COURSE, "cs999w19")
    assert [r.title for r in rows] == ["Convolutional Widget Networks", "Adversarial Gadgets for Everyone"]
    assert course_table.match(rows, "convolutional widget networks.", "x").presenter == "Ada Byron"
    assert course_table.match(rows, "Adversial Gadget for Everyone", "y").presenter == "Alan T."
    assert course_table.match(rows, "Something Else Entirely", "z") is None


def test_truncated_feed_keeps_complete_entries():
    text = feed()
    cut = text[: text.index("gadgets &lt;math")]
    result = statwiki.read(cut, "cut.txt")
    assert "Convolutional Widget Networks" in [r.title for r in result.records]
    assert any("cut off" in d.message for d in result.diagnostics)


def test_detected_from_content():
    assert detect(feed()) == "statwiki"


def test_seed_feed():
    path = seed_file("003")
    result = statwiki.read(path.read_text(encoding="utf-8"), path.name)
    by_title = {r.title: r for r in result.records}
    assert len(result.records) == 22
    assert not any(t.startswith("File:") for t in by_title)
    assert "stat946w18" not in by_title
    ambient = by_title["AmbientGAN: Generative Models from Lossy Measurements"]
    assert ambient.revision == 32391  # the newest of its five revisions
    assert ambient.aliases == ["AmbientGAN: Generative Models from Lossy Measurements"]
    sketch = by_title["A Neural Representation of Sketch Drawings"]
    assert sketch.revision == 36224  # 36223 is older
    capsules = by_title["Dynamic Routing Between Capsules"]  # suffix " STAT946" removed
    assert capsules.collection == "stat946w18" and capsules.presenter == "Tong Yang"
    spectral = by_title["Spectral normalization for generative adversial network"]
    assert spectral.presenter == "Wenqing Liu" and spectral.presented_on == "2018-03-01"
    assert spectral.paper.title == "Spectral Normalization for Generative Adversarial Networks"
    assert [c.key for c in result.collections] == ["stat946w18"]
