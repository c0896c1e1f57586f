"""Front matter read through libyaml gives what PyYAML's own parser gives, errors included."""
import pytest
import yaml

from site_builder.readers import yamlload
from site_builder.readers.shortscience import _RESIDUE_TAIL, clean_summary


def _outcome(load, text):
    try:
        return "ok", repr(load(text))
    except RecursionError:
        return "deep", None
    except Exception as exc:  # noqa: BLE001 - the comparison is the point
        return type(exc).__name__, str(exc)


CASES = [
    'title: "A: b"\nauthors: [Jane Doe, Richard Roe]\nyear: 2020\ndate: 2024-01-02\nlinks: {arxiv: "https://arxiv.org/abs/1"}\n',
    "title: Schrödinger’s 猫\nkeywords: cs.LG, widgets\n",
    "a: !\n",  # libyaml: "", PyYAML: None
    "ke\ty: x\n",  # libyaml accepts the tab, PyYAML does not
    "keywords: [th?eory]\n",  # likewise
    "a: b\ufeff\n",
    "a: " + "[" * 200 + "]" * 200 + "\n",
    "a: &x [*x]\n",
    "title: [unclosed\n",
    "a: 1\na: 2\n",
    "",
    "- 1\n- 2\n",
    "x: 0o17\ny: 1_000\nz: .inf\nw: ~\nv: yes\n",
]


@pytest.mark.parametrize("text", CASES)
def test_same_as_pyyaml(text):
    assert _outcome(yamlload.safe_load, text) == _outcome(yaml.safe_load, text)


def test_clean_summary_is_the_regex():
    for text in ["a ![]() |", "a |\n", "x ![]()![]()  | \n", "| ", "a\u3000|\x85", "![]()", "a) |", "b [] ()", ""]:
        assert clean_summary(text) == _RESIDUE_TAIL.sub("", text).strip()
