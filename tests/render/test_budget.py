"""The per-summary work budget: a summary that needs more work than the budget allows is
shown as its escaped source with a warning; ordinary summaries spend a small fraction of it."""
from __future__ import annotations

import pytest

from site_builder.config import SiteConfig
from site_builder.records import MARKUP_FLAT_MARKDOWN, MARKUP_MARKDOWN, MARKUP_WIKITEXT, SummaryRecord
from site_builder.render import budget
from site_builder.render.budget import BudgetExceeded, work_budget
from site_builder.render.html import LinkContext
from site_builder.render.summaries import render_one
from tests.conftest import seeds_or_skip

NESTED_LINKS = "<script>x</script> " + "[[a|" * 10_000 + "b" + "]]" * 10_000  # deep nesting: quadratic work


def record(body: str, markup: str = MARKUP_WIKITEXT) -> SummaryRecord:
    return SummaryRecord(id="t", source="statwiki", markup=markup, body=body)


def test_over_budget_is_shown_as_escaped_text_with_a_warning():
    out = render_one(record(NESTED_LINKS), LinkContext(), SiteConfig())
    assert out["html"].startswith('<pre class="unrendered">&lt;script&gt;x&lt;/script&gt; [[a|[[a|')
    assert "<script>" not in out["html"]
    assert out["warnings"] == [
        "rendering needs more than its work budget (200 million steps, render_budget) at parsing wikitext; "
        "shown as plain text"]
    assert "timed_out" not in out  # counted work, not time: the same on every machine


def test_the_budget_is_configurable_and_deterministic():
    small = SiteConfig(render_budget=1)
    text = "Plain words. " * 40_000  # about half a million characters: a few steps each
    first = render_one(record(text, MARKUP_MARKDOWN), LinkContext(), small)
    assert first == render_one(record(text, MARKUP_MARKDOWN), LinkContext(), small)
    assert first["html"].startswith('<pre class="unrendered">')
    assert render_one(record(text, MARKUP_MARKDOWN), LinkContext(), SiteConfig())["html"].startswith("<p>")


def test_the_time_limit_is_a_safety_net_that_is_never_cached(monkeypatch):
    clock = iter(range(0, 10**6, 100))
    monkeypatch.setattr(budget.time, "perf_counter", lambda: next(clock))
    out = render_one(record("== A ==\nsome text"), LinkContext(), SiteConfig(render_timeout=60))
    assert out["timed_out"] is True
    assert out["warnings"][0].startswith("rendering took longer than its time limit (60 s, render_timeout)")


def test_charges_outside_a_budget_cost_nothing():
    budget.charge(10**12, "anything")  # no budget active: nothing happens
    with pytest.raises(BudgetExceeded):
        with work_budget(steps=10):
            budget.charge(11, "a test")


def test_real_summaries_spend_a_small_part_of_the_budget():
    """Every seed summary, measured: the steps spent per character of source stay far
    below what would make the default budget bite on a summary of the size limit."""
    from site_builder.readers import read_file
    from site_builder.readers.limits import MAX_SUMMARY_CHARS
    from site_builder.render.markdown import render_flat_markdown, render_markdown
    from site_builder.render.wikitext import render_wikitext

    renderers = {MARKUP_MARKDOWN: render_markdown, MARKUP_FLAT_MARKDOWN: render_flat_markdown,
                 MARKUP_WIKITEXT: render_wikitext}
    seeds = seeds_or_skip()
    worst = 0.0
    for path in sorted(seeds.iterdir()):
        for rec in read_file(path).records:
            with work_budget() as b:
                renderers[rec.markup](rec.body, LinkContext())
            worst = max(worst, b.spent / len(rec.body))
    assert 1 <= worst < 20
    assert worst * MAX_SUMMARY_CHARS < budget.DEFAULT_MILLION_STEPS * budget.MILLION / 10
