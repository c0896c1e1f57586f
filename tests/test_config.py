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
    assert config.mathjax.macros == {"R": "\\mathbb{R}", "norm": ["\\lVert #1 \\rVert", 1]}


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
