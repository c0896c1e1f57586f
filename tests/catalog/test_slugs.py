"""Slugs: transliterated, never shared by different names, unchanged for plain ASCII."""
from __future__ import annotations

import random

from site_builder.catalog import build_catalog
from site_builder.catalog.merge import group_papers, merge_summaries
from site_builder.catalog.slugs import LISTING_SLUGS, assign_slugs, slugify, unique_slug
from site_builder.config import SiteConfig
from site_builder.records import PaperMeta, SummaryRecord


def record(n: int, title: str, **meta) -> SummaryRecord:
    return SummaryRecord(id=f"md-{n:04}", source="markdown", markup="markdown", body=f"Summary {n}.",
                         origins=[f"r{n}.md"], paper=PaperMeta(title=title, **meta))


def test_plain_ascii_slugs_are_unchanged():
    # The old rule: NFKD to ASCII, lower case, runs of anything else become one hyphen, cut at 80.
    assert slugify("Attention Is All You Need") == "attention-is-all-you-need"
    assert slugify("Don't Decay the Learning Rate, Increase the Batch Size") == "don-t-decay-the-learning-rate-increase-the-batch-size"
    assert unique_slug("Adam: A Method for Stochastic Optimization") == "adam-a-method-for-stochastic-optimization"
    assert unique_slug("Kaiming He") == "kaiming-he"
    assert unique_slug("Jürgen Schmidhuber") == unique_slug("Jurgen Schmidhuber") == "jurgen-schmidhuber"
    assert unique_slug("stat946w18") == "stat946w18"


def test_other_scripts_are_transliterated_not_untitled():
    assert slugify("Иван Петров") == "ivan-petrov"
    assert slugify("李明") == "li-ming"
    assert slugify("Łukasz Kaiser") == "lukasz-kaiser"
    names = ["李明", "Иван Петров", "王芳", "黎明", "Ἀριστοτέλης", "한국어", "😀", "🎉", "???"]
    slugs = [unique_slug(n) for n in names]
    assert len(set(slugs)) == len(names), slugs
    assert not any(s.startswith("untitled") for s in slugs[:6]), slugs
    assert unique_slug("李明").startswith("li-ming_") and unique_slug("黎明").startswith("li-ming_")


def test_symbols_that_carry_meaning_keep_names_apart():
    assert len({unique_slug("C++"), unique_slug("C#"), unique_slug("C")}) == 3
    assert unique_slug("C") == "c"
    # A plain name can never take a hashed slug: hashed slugs hold "_", plain ones never do.
    assert "_" not in unique_slug("c " + unique_slug("C++").split("_")[1])


def test_long_names_that_cut_to_the_same_slug_stay_apart():
    a = "A Study of Something Long " * 4 + "First"
    b = "A Study of Something Long " * 4 + "Second"
    assert slugify(a) == slugify(b)
    assert unique_slug(a) != unique_slug(b)


def test_same_case_insensitive_name_is_one_term():
    assert unique_slug("Machine Learning") == unique_slug("machine learning") == "machine-learning"
    assert unique_slug("李明") == unique_slug("李明 ")


def test_assigned_slugs_do_not_depend_on_order():
    items = [("C++", "a"), ("C#", "b"), ("C", "c"), ("Page", "d"), ("李明", "e"), ("黎明", "f"),
             ("Deep Learning", "g"), ("Deep Learning", "h"), ("😀", "i"), ("🎉", "j"), ("!!!", "k")]
    first = dict(zip(items, assign_slugs(items, LISTING_SLUGS)))
    assert len(set(first.values())) == len(items)
    assert first[("C", "c")] == "c" and first[("Deep Learning", "g")] == "deep-learning"
    assert first[("Page", "d")] != "page"
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        assert dict(zip(shuffled, assign_slugs(shuffled, LISTING_SLUGS))) == first


def test_authors_in_other_scripts_get_their_own_pages():
    records = [record(1, "Paper One", authors=["李明", "Иван Петров"]), record(2, "Paper Two", authors=["王芳"])]
    catalog = build_catalog(records, [], SiteConfig())
    keys = [t.key for t in catalog.taxonomies["authors"].terms]
    assert len(keys) == 3 and len(set(keys)) == 3, keys


def test_topics_cpp_csharp_and_c_are_three_topics():
    records = [record(1, "One", keywords=["C++"]), record(2, "Two", keywords=["C#"]), record(3, "Three", keywords=["C"])]
    terms = build_catalog(records, [], SiteConfig()).taxonomies["topics"].terms
    assert sorted(t.name for t in terms) == ["C", "C#", "C++"]
    assert len({t.key for t in terms}) == 3


def test_punctuation_and_emoji_titles_are_different_papers():
    summaries = merge_summaries([record(1, "???"), record(2, "!!!"), record(3, "😀"), record(4, "🎉")])
    papers = group_papers(summaries)
    assert len(papers) == 4
    assert len({p.id for p in papers}) == 4
