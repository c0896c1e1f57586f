"""Hypothesis: the config loader, given YAML of any shape for any key, returns a config or
raises ConfigError with one line of text; never another exception (issue 25)."""
from __future__ import annotations

import dataclasses
import typing

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.config import ConfigError, MathJaxConfig, SiteConfig, TopicRule, load_config

from .robustness.test_fuzz import PROFILE

KEYS = [f.name for f in dataclasses.fields(SiteConfig)]
NESTED = {"mathjax": [f.name for f in dataclasses.fields(MathJaxConfig)],
          "topics": [f.name for f in dataclasses.fields(TopicRule)]}

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10, max_value=10**20), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from(["https://example.org/", "example.org", "", "first-last",
                                                           "x" * 300, "2024-01-01", "yes", "0x10"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(
                                                           [k for ks in NESTED.values() for k in ks])), inner, max_size=4)),
                      max_leaves=12)
section = st.dictionaries(st.sampled_from(NESTED["topics"] + NESTED["mathjax"] + ["matches", ""]), values, max_size=3)
key_value = st.one_of(
    st.tuples(st.sampled_from(KEYS), values),
    st.tuples(st.just("topics"), st.lists(st.one_of(section, values), max_size=3)),
    st.tuples(st.just("mathjax"), st.one_of(section, values)),
    st.tuples(st.text(max_size=10), values),
)
configs = st.lists(key_value, max_size=6).map(dict)


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz") / "site.yaml"


def check(path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", errors="replace"))  # lone surrogates become "?"
    try:
        config = load_config(path)
    except ConfigError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    # What loaded has the declared shapes: nothing downstream meets a surprise.
    hints = typing.get_type_hints(SiteConfig)
    for f in dataclasses.fields(SiteConfig):
        value = getattr(config, f.name)
        if hints[f.name] in (str, int, bool):
            assert type(value) is hints[f.name], (f.name, value)
    assert all(isinstance(t.topic, str) and t.topic and all(isinstance(m, str) and m for m in t.match)
               for t in config.topics)
    assert config.base_url.startswith(("http://", "https://"))


@settings(PROFILE)
@given(configs)
def test_any_yaml_shape_is_a_config_or_a_message(path, data):
    check(path, yaml.safe_dump(data, allow_unicode=True))


@settings(PROFILE)
@given(st.lists(st.sampled_from(list("{}[]:,-&*!|>'\"#? \n\tab1") + ["topics:", "mathjax:", "- topic: ", "match: ",
                                                                     "base_url: ", "\n  ", "*a", "&a "]),
                max_size=60).map("".join))
def test_any_text_is_a_config_or_a_message(path, text):
    check(path, text)
