import pytest

from site_builder.config import ConfigError, load_config


def test_missing_file_gives_defaults(tmp_path):
    config = load_config(tmp_path / "site.yaml")
    assert config.title and config.base_url.startswith("http")
    assert config.mathjax.url.startswith("https://")


def test_values_are_read(tmp_path):
    p = tmp_path / "site.yaml"
    p.write_text("title: T\nbase_url: https://ex.org/sub\npage_size: 10\nmathjax: {self_host: true}\n"
                 "topics: [{topic: GANs, match: [adversarial]}]\n", encoding="utf-8")
    config = load_config(p)
    assert (config.title, config.page_size, config.mathjax.self_host) == ("T", 10, True)
    assert config.root_url == "https://ex.org/sub/"
    assert config.topics[0].topic == "GANs"


def test_math_settings(tmp_path):
    assert load_config(tmp_path / "none.yaml").math == "build"
    p = tmp_path / "site.yaml"
    p.write_text("math: client\nmathjax:\n  macros: {R: '\\mathbb{R}', '\\norm': ['\\lVert #1 \\rVert', 1]}\n"
                 "  font_url: https://cdn.example/fonts\n", encoding="utf-8")
    config = load_config(p)
    assert config.math == "client" and config.mathjax.font_url == "https://cdn.example/fonts"
    from site_builder.render.formulas import macros_for
    assert macros_for(config) == {"cite": ["\\text{[#1]}", 1], "bm": ["\\boldsymbol{#1}", 1],
                                  "R": "\\mathbb{R}", "norm": ["\\lVert #1 \\rVert", 1]}


@pytest.mark.parametrize("text, words", [
    ("base_ulr: x\n", ["base_ulr", "base_url"]),
    ("mathjax: {selfhost: true}\n", ["mathjax.selfhost", "self_host"]),
    ("page_size: many\n", ["page_size", "whole number"]),
    ("topics: [{topic: X, matches: [y]}]\n", ["topics[0]", "matches"]),
    ("title: [unclosed\n", ["invalid YAML", ":1:"]),
    ("math: server\n", ["'math'", "'build' or 'client'"]),
    ("mathjax: {macros: [R]}\n", ["mathjax.macros", "mapping"]),
    ("mathjax: {macros: {R2: x}}\n", ["mathjax.macros", "letters only"]),
    ("mathjax: {macros: {norm: [x, ten]}}\n", ["mathjax.macros", "norm", "arguments"]),
    ("images: copy\n", ["images", "'link' or 'mirror'"]),
    ("enrich: {arxive: x}\n", ["enrich.arxive", "enrich.arxiv"]),
    ("enrich: {openalex: 'file:///etc'}\n", ["enrich.openalex", "http"]),
])
def test_mistakes_name_the_key(tmp_path, text, words):
    p = tmp_path / "site.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(p)
    for w in words:
        assert w in str(err.value)


# -- issue 25: every mistake is one message naming the key (never a traceback) --------------

@pytest.mark.parametrize("text, words", [
    ("topics: [{match: [x]}]\n", ["topics[0]", "missing", "'topic'"]),
    ("topics: [{topic: 5, match: [x]}]\n", ["topics[0].topic", "text", "5"]),
    ("topics: [{topic: X, match: [1, 2]}]\n", ["topics[0].match[0]", "text", "1"]),
    ("topics: [{topic: X, match: dropout}]\n", ["topics[0].match", "list", "[dropout]"]),
    ("topics: [{topic: '', match: [x]}]\n", ["topics[0].topic", "empty"]),
    ("topics: [{topic: X, match: ['']}]\n", ["topics[0].match[0]", "empty"]),
    ("topics: {topic: X}\n", ["topics", "list"]),
    ("topics: [X]\n", ["topics[0]", "mapping"]),
    ("base_url: example.org/notes/\n", ["base_url", "absolute", "https://"]),
    ("base_url: ftp://example.org/\n", ["base_url", "http"]),
    ("base_url: 'https://'\n", ["base_url", "absolute"]),
    ("wiki_base: wiki.example.org\n", ["wiki_base", "absolute"]),
    ("author_names: first_last\n", ["author_names", "'first-last'", "'last-first'"]),
    ("collections: {a: [b]}\n", ["collections.a", "text"]),
    ("topic_names: [a]\n", ["topic_names", "mapping"]),
    ("search: 'yes please'\n", ["search", "true or false"]),
    ("feed_entries: 0\n", ["feed_entries", "whole number"]),
    ("feed_entries: 2.5\n", ["feed_entries", "whole number"]),
    ("mathjax: {self_host: 1}\n", ["mathjax.self_host", "true or false"]),
    ("mathjax: [1]\n", ["mathjax", "mapping"]),
    ("- a\n- b\n", ["top level", "mapping"]),
    ("just text\n", ["top level", "mapping"]),
    ("title: " + "[" * 2000 + "\n", ["site.yaml"]),
])
def test_wrong_shapes_name_the_key(tmp_path, text, words):
    p = tmp_path / "site.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert "\n" not in str(err.value)  # one line
    for w in words:
        assert w in str(err.value), str(err.value)


def test_a_folder_given_as_the_config_file(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, required=True)
    assert str(tmp_path) in str(err.value) and "folder" in str(err.value)


def test_a_config_that_cannot_be_read(tmp_path):
    p = tmp_path / "site.yaml"
    p.write_bytes(b"title: \xff\xfe\n")
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert "UTF-8" in str(err.value)


def test_good_values_still_load(tmp_path):
    p = tmp_path / "site.yaml"
    p.write_text("base_url: https://notes.example.net/shelf\nwiki_base: http://wiki.example.org/w/\n"
                 "topics: [{topic: GANs, match: [adversarial, generator]}, {topic: Empty}]\n"
                 "collections: {c1: Course One}\ntopic_names: {cs.LG: Learning}\nmathjax:\n", encoding="utf-8")
    config = load_config(p)
    assert config.root_url == "https://notes.example.net/shelf/"
    assert [(t.topic, t.match) for t in config.topics] == [("GANs", ["adversarial", "generator"]), ("Empty", [])]
    assert config.collections == {"c1": "Course One"} and config.mathjax.self_host is False


def test_override_checks_the_value_like_the_file_does():
    from site_builder.config import SiteConfig, with_values

    config = with_values(SiteConfig(), "--base-url", base_url="https://example.org/x/")
    assert config.base_url == "https://example.org/x/"
    with pytest.raises(ConfigError) as err:
        with_values(SiteConfig(), "--base-url", base_url="example.org")
    assert "--base-url" in str(err.value) and "absolute" in str(err.value)


def test_validation_is_generic_for_keys_added_later():
    # Other parts of the tool add keys to SiteConfig; the loader checks them from their types alone.
    from dataclasses import dataclass, field
    from typing import Literal

    from site_builder.config import build_section

    @dataclass
    class Extra:
        mode: Literal["a", "b"] = "a"
        names: list[str] = field(default_factory=list)
        limit: int = 3
        ratio: float = 0.5
        note: str | None = None

    assert build_section(Extra, {"mode": "b", "names": ["x"], "limit": 4, "ratio": 1, "note": None}, "f.yaml") == \
        Extra("b", ["x"], 4, 1.0, None)
    for data, words in [({"mode": "c"}, ["mode", "'a'", "'b'"]), ({"names": "x"}, ["names", "list"]),
                        ({"limit": True}, ["limit", "whole number"]), ({"ratio": "x"}, ["ratio", "number"]),
                        ({"note": 3}, ["note", "text"])]:
        with pytest.raises(ConfigError) as err:
            build_section(Extra, data, "f.yaml", "extra.")
        assert all(w in str(err.value) for w in words), str(err.value)
        assert "f.yaml: 'extra." in str(err.value)


def test_enrich_and_images_keys(tmp_path):
    p = tmp_path / "site.yaml"
    assert load_config(p).images == "link" and load_config(p).enrich.arxiv == "https://export.arxiv.org/api/query"
    p.write_text("images: mirror\nimages_max_mb: 3\n"
                 "enrich: {arxiv: 'http://127.0.0.1:9/q', openalex: 'http://127.0.0.1:9', mailto: a@b.org}\n",
                 encoding="utf-8")
    config = load_config(p)
    assert (config.images, config.images_max_mb) == ("mirror", 3)
    assert (config.enrich.arxiv, config.enrich.openalex, config.enrich.mailto) == \
        ("http://127.0.0.1:9/q", "http://127.0.0.1:9", "a@b.org")
