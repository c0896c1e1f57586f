"""Related entries: TF-IDF similarity plus shared topics, deterministic."""
from __future__ import annotations

from site_builder.catalog import Catalog, Paper, Summary
from site_builder.catalog.related import related_entries
from site_builder.records import PaperMeta, SummaryRecord


def paper(pid, title, text, topics=()):
    p = Paper(id=pid, meta=PaperMeta(title=title), topics=list(topics))
    s = Summary(record=SummaryRecord(id=f"s-{pid}", source="markdown", markup="markdown", body=""), paper=p)
    s.text = text
    p.summaries.append(s)
    return p


def catalog(papers):
    return Catalog(papers=papers, summaries=[s for p in papers for s in p.summaries], taxonomies={}, collections=[])


FILLER = "training networks layers data model "


def corpus():
    return [
        paper("bn", "Batch normalization", FILLER + "normalization statistics minibatch variance normalization covariate shift", ["Normalization"]),
        paper("ln", "Layer normalization", FILLER + "normalization statistics hidden units variance recurrent", ["Normalization"]),
        paper("gn", "Group normalization", FILLER + "normalization groups channels statistics variance", ["Normalization"]),
        paper("adam", "Adam optimizer", FILLER + "gradient moments learning rate momentum optimizer", ["Optimization"]),
        paper("sgd", "Momentum methods", FILLER + "gradient momentum learning rate schedule", ["Optimization"]),
        paper("gan", "Generative adversarial nets", FILLER + "generator discriminator adversarial game", []),
    ]


def test_most_similar_first_and_unrelated_left_out():
    rel = related_entries(catalog(corpus()))
    assert [e.id for e in rel["/papers/bn/"]][:2] in (["gn", "ln"], ["ln", "gn"])
    assert [e.id for e in rel["/papers/adam/"]][0] == "sgd"
    assert all(e.id not in ("adam", "sgd") for e in rel["/papers/bn/"][:2])
    assert "bn" not in [e.id for e in rel["/papers/bn/"]]  # never itself


def test_shared_topics_count():
    a = paper("a", "One", FILLER + "alpha beta", ["Topic"])
    b = paper("b", "Two", FILLER + "gamma delta", ["Topic"])
    c = paper("c", "Three", FILLER + "epsilon zeta", [])
    d = paper("d", "Four", FILLER + "eta theta", [])
    rel = related_entries(catalog([a, b, c, d]))
    assert [e.id for e in rel["/papers/a/"]] == ["b"]


def test_same_result_whatever_the_input_order():
    papers = corpus()
    first = {k: [e.id for e in v] for k, v in related_entries(catalog(papers)).items()}
    second = {k: [e.id for e in v] for k, v in related_entries(catalog(list(reversed(corpus())))).items()}
    assert first == second


def test_at_most_k_and_single_entry_catalog():
    assert all(len(v) <= 2 for v in related_entries(catalog(corpus()), k=2).values())
    assert related_entries(catalog(corpus()[:1])) == {"/papers/bn/": []}


def test_paper_page_shows_related_summaries(sample_site):
    out, _ = sample_site
    page = (out / "papers" / "layer-normalization" / "index.html").read_text(encoding="utf-8")
    section = page.split('<section class="related"', 1)[1].split("</section>", 1)[0]
    assert "Dropout: A Simple Way to Prevent Neural Networks from Overfitting" in section
