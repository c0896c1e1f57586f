"""Formulas are judged by MathJax itself at build time (needs node + npm mathjax)."""
import shutil

import pytest

from site_builder.render import mathcheck
from site_builder.render.html import math_display, math_inline
from tests.conftest import ROOT


@pytest.fixture
def npm_root():
    root = mathcheck.find_mathjax([ROOT])
    if root is None or not shutil.which("node"):
        pytest.skip("node or node_modules/mathjax missing (npm install)")
    return root


def test_formulas_are_found_in_rendered_html():
    html = "<p>a " + math_inline("x < y") + "</p>" + math_display(r"\begin{align} a &= b \end{align}")
    assert mathcheck.formulas(html) == [("x < y", False), (r"\begin{align} a &= b \end{align}", True)]


def test_macros_used_by_summaries_typeset(npm_root, tmp_path):
    good = [(r"\mathbb{E}[x] \mathcal{N} \text{var} \operatorname{KL} \lfloor u \rfloor", False),
            (r"\begin{align*} a &= b \nonumber \\ c &= d \tag{2} \label{eq:c} \end{align*}", True),
            (r"\pmb{x} + \cite{journals/corr/1608.06993}", False)]
    assert mathcheck.check(good, npm_root, tmp_path / "c.json") == {}


def test_broken_formula_is_a_warning_and_shown_as_tex(npm_root, tmp_path):
    bad = (r"\frac{a}{b} + \undefinedmacro{x}", False)
    unclosed = (r"x^{2", True)
    errors = mathcheck.check([bad, unclosed, ("y", False)], npm_root, tmp_path / "c.json")
    assert set(errors) == {bad, unclosed}
    assert "undefinedmacro" in errors[bad]
    html = "<p>" + math_inline(bad[0]) + "</p>" + math_display(unclosed[0])
    out = mathcheck.replace_failed(html, errors)
    assert 'class="math inline' not in out and 'class="math display' not in out  # MathJax skips them
    assert '<code class="math-error"' in out and r"\undefinedmacro{x}" in out
    # The verdicts are cached: a second check needs no Node run for known formulas.
    assert mathcheck.check([bad], npm_root, tmp_path / "c.json") == {bad: errors[bad]}


def test_plain_text_is_of_the_html_after_the_math_check(npm_root, tmp_path):
    # Workers derive each summary's plain text as they render it; where the math check then
    # replaces a formula by its TeX, the text must be that of the new HTML.
    from dataclasses import replace

    from site_builder.catalog import build_catalog
    from site_builder.config import SiteConfig
    from site_builder.records import SummaryRecord
    from site_builder.render.summaries import _text_and_title, render_catalog

    bodies = [f"Note {n} on $x_{n}^2$ and more words." for n in range(40)]
    bodies[7] = r"A broken formula $\frac{a}{b} + \undefinedmacro{x}$ here."
    records = [SummaryRecord(id=f"m{n}", source="markdown", markup="markdown", body=body, title=f"Note {n}")
               for n, body in enumerate(bodies)]
    config = SiteConfig()
    config = replace(config, mathjax=replace(config.mathjax, npm_root=str(npm_root)))
    catalog = build_catalog(records, [], config)
    render_catalog(catalog, config, tmp_path, jobs=2)
    broken = next(s for s in catalog.summaries if s.id == "m7")
    assert "math-error" in broken.html and "undefinedmacro" in broken.text
    for s in catalog.summaries:
        assert (s.text, s.derived_title) == _text_and_title(s.html)
