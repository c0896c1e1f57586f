"""restore_markdown: line structure rebuilt from summaries flattened to one line.

Every example is invented (a made-up "Glimmer network" paper); the seeds are
exercised through the renderer in test_markdown.py.
"""
from __future__ import annotations

import pytest

from site_builder.render.markdown import render_markdown
from site_builder.render.restore import restore_markdown


def r(text: str) -> str:
    return restore_markdown(text)


# --- headings ----------------------------------------------------------------------


def test_heading_run_into_text_ends_before_sentence_opener():
    assert r("Some intro. ## Method The gates are learned jointly.") == (
        "Some intro.\n\n## Method\n\nThe gates are learned jointly."
    )


def test_heading_ends_after_question_mark():
    assert r("#### Why does it work? Because the gates saturate early.") == (
        "#### Why does it work?\n\nBecause the gates saturate early."
    )


def test_heading_ends_after_colon_when_a_sentence_follows():
    assert r("### Setup: Glimmer is trained for ten epochs.") == (
        "### Setup:\n\nGlimmer is trained for ten epochs."
    )


def test_long_heading_is_cut_before_its_first_capitalised_word():
    text = "#### Approach Glimmer nets replace every pooling layer with a learned gate. Training is quick."
    assert r(text) == (
        "#### Approach\n\nGlimmer nets replace every pooling layer with a learned gate. Training is quick."
    )


def test_short_heading_runs_to_the_next_list_marker():
    assert r("### Results on Glimmer 2019 2 Glimmer 2020 * first run * second run") == (
        "### Results on Glimmer 2019 2 Glimmer 2020\n\n* first run\n* second run"
    )


def test_single_hash_heading_only_at_a_block_start():
    assert r("# Overview. The idea is simple.") == "# Overview.\n\nThe idea is simple."
    assert r("We count the # of gates.") == "We count the # of gates."


def test_bold_label_ends_a_heading_and_opens_paragraphs():
    out = r("## Details **Gating** Each gate is a sigmoid. **Pooling** Max pooling is dropped.")
    assert out == (
        "## Details\n\n**Gating** Each gate is a sigmoid.\n\n**Pooling** Max pooling is dropped."
    )


def test_heading_stops_before_a_numbered_label_and_the_labels_split_the_list():
    text = ("## Training 1 Supervised pre-training: * pre-train on images 2 Domain-specific fine-tuning. "
            "* tune on regions 3 Object classifiers. * one SVM per class")
    assert r(text) == (
        "## Training\n\n1 Supervised pre-training:\n\n* pre-train on images\n\n2 Domain-specific fine-tuning.\n\n"
        "* tune on regions\n\n3 Object classifiers.\n\n* one SVM per class"
    )


def test_numbers_in_a_heading_are_no_label_without_one():
    # no label ending in ":" or "." before the list: the numbers are the heading's
    assert r("### Results on Glimmer 2019 2 Glimmer 2020 * first run") == (
        "### Results on Glimmer 2019 2 Glimmer 2020\n\n* first run")
    # an item ending in a number and capital word is not cut unless it is the next label
    assert r("* runs in 2 Hours. * done") == "* runs in 2 Hours.\n* done"


# --- lists -------------------------------------------------------------------------


def test_bullets_after_colon():
    assert r("Pros: * fast * small * cheap to train") == "Pros:\n\n* fast\n* small\n* cheap to train"


def test_double_star_items_are_nested():
    assert r("* Encoder ** conv layers ** pooling * Decoder ** upsampling") == (
        "* Encoder\n  * conv layers\n  * pooling\n* Decoder\n  * upsampling"
    )


def test_emphasis_and_bold_are_not_list_markers():
    text = "Glimmer is a *very* small and **bold** claim, see *Table 2* for numbers."
    assert r(text) == text


def test_star_between_numbers_is_arithmetic():
    assert r("The grid has 3 * 4 = 12 cells.") == "The grid has 3 * 4 = 12 cells."


def test_ordered_list_after_colon():
    assert r("Steps: 1. embed the tokens 2. pool them 3. classify") == (
        "Steps:\n\n1. embed the tokens\n2. pool them\n3. classify"
    )


def test_number_in_prose_does_not_start_a_list():
    text = "We use version 2. The older one was slower."
    assert r(text) == text


def test_dash_in_prose_is_not_a_list():
    text = "The gate - which is cheap - and the pool - a max - are both kept."
    assert r(text) == text


def test_dash_items_after_colon_and_lowercase_dash_stays_in_item():
    assert r("Notes: - First point - Second point - with an aside") == (
        "Notes:\n\n- First point\n- Second point - with an aside"
    )


def test_dash_list_at_block_start_after_heading():
    assert r("#### Key Points - Gates help - Pools hurt") == "#### Key Points\n\n- Gates help\n- Pools hurt"


def test_list_ends_where_a_sentence_starts_after_an_item_without_full_stop():
    # the item had no full stop; the scrape glued the next paragraph to it
    assert r("Results: * Glimmer wins on speed * Glimmer loses on size The authors argue that gates matter.") == (
        "Results:\n\n* Glimmer wins on speed\n* Glimmer loses on size\n\nThe authors argue that gates matter."
    )
    assert r("Steps: 1. embed the tokens 2. pool them This way, the model stays small.") == (
        "Steps:\n\n1. embed the tokens\n2. pool them\n\nThis way, the model stays small."
    )


def test_list_of_one_sentence_items_ends_before_a_run_of_sentences():
    text = ("Pros: * Fast. * Small. * Cheap to train. Training takes an hour on one card. "
            "Inference is instant too. The code is public.")
    assert r(text) == ("Pros:\n\n* Fast.\n* Small.\n* Cheap to train.\n\n"
                       "Training takes an hour on one card. Inference is instant too. The code is public.")


def test_last_item_keeps_a_second_sentence_or_sentences_like_its_siblings():
    # one more sentence (or a follow-up question) is the item's own
    assert r("Notes: * Fast. * Small. Smaller than Glimmer-1.") == "Notes:\n\n* Fast.\n* Small. Smaller than Glimmer-1."
    assert r("Questions: - Why gates? - What does it cost? Is it much?") == (
        "Questions:\n\n- Why gates?\n- What does it cost? Is it much?")
    # items of several sentences each: the last one may have several too
    text = "* Gates help. They saturate early. Often. * Pools hurt. They lose detail. Worse with depth."
    assert r(text) == "* Gates help. They saturate early. Often.\n* Pools hurt. They lose detail. Worse with depth."


def test_list_end_rule_reads_the_last_item_only():
    # a middle item runs to the next marker, whatever it holds
    assert r("* one thing The rest of it * two") == "* one thing The rest of it\n* two"


# --- code ------------------------------------------------------------------------


def test_fenced_python_keeps_language_and_gets_newlines_back():
    assert r("Run: ```python x = 1 y = f(x) print(y)``` done.") == (
        "Run:\n\n```python\nx = 1\ny = f(x)\nprint(y)\n```\n\ndone."
    )


def test_single_def_is_reflowed_with_indentation():
    out = r("```python def gate(x): y = x * 2 return y```")
    assert out == "```python\ndef gate(x):\n    y = x * 2\n    return y\n```"


def test_python_with_loops_stays_on_one_line():
    code = "total = 0 for i in range(3): total += i print(total)"
    assert r(f"```python {code}```") == f"```python\n{code}\n```"


def test_fence_without_language_and_with_code_looking_word():
    assert r("Values ```c = 3``` end") == "Values\n\n```\nc = 3\n```\n\nend"


def test_inline_code_is_untouched():
    text = "Call `a * b - c | d # e` then `1. x` and stop."
    assert r(text) == text


# --- math --------------------------------------------------------------------------


def test_inline_math_with_structure_characters_is_untouched():
    text = "We set $a * b_1 - c | d$ and $x_* = 1. y$ here."
    assert r(text) == text


def test_display_math_becomes_its_own_block_and_keeps_punctuation():
    assert r("The loss is $$ L = a * b - c $$. Then we stop.") == (
        "The loss is\n\n$$\nL = a * b - c.\n$$\n\nThen we stop."
    )


@pytest.mark.parametrize("env", ["align*", "align", "equation", "gather*", "multline"])
def test_amsmath_environments_become_blocks(env):
    text = f"Solve \\begin{{{env}}} x &= a * b \\\\ y &= c - d \\end{{{env}}} and stop."
    assert r(text) == f"Solve\n\n\\begin{{{env}}} x &= a * b \\\\ y &= c - d \\end{{{env}}}\n\nand stop."


def test_dollar_amounts_are_not_math():
    text = "It costs $5 and $10 per run."
    assert r(text) == text


# --- tables, figures, quotes, rules, residue ------------------------------------------------


def test_table_rows_are_rebuilt_and_pipes_in_math_escaped():
    assert r("Results: | model | acc | |---|---| | Glimmer | $p(a|b)$ | | Base | 2 | The end.") == (
        "Results:\n\n| model | acc |\n|---|---|\n| Glimmer | $p(a\\|b)$ |\n| Base | 2 |\n\nThe end."
    )


def test_bare_image_urls_become_paragraphs():
    assert r("See the plot https://i.imgur.com/Abc123x.png and the photo https://ex.org/p.JPG done.") == (
        "See the plot\n\nhttps://i.imgur.com/Abc123x.png\n\nand the photo\n\nhttps://ex.org/p.JPG\n\ndone."
    )


def test_imgur_page_becomes_a_paragraph():
    assert r("Plot: https://imgur.com/Abc123x more.") == "Plot:\n\nhttps://imgur.com/Abc123x\n\nmore."


def test_image_with_caption_is_one_block():
    text = 'Intro. ![Gates](https://ex.org/g.png "Gates") *Gate activations over time.* After.'
    assert r(text) == (
        'Intro.\n\n![Gates](https://ex.org/g.png "Gates")\n*Gate activations over time.*\n\nAfter.'
    )


def test_urls_keep_their_structure_characters():
    text = "See https://ex.org/a-b_c#sec-1*2 and [doc](https://ex.org/x-1.html#a) now."
    assert r(text) == text


def test_block_quote_runs_to_the_end_of_its_first_sentence():
    assert r("They say: > Gates are all you need. We disagree.") == (
        "They say:\n\n> Gates are all you need.\n\nWe disagree."
    )


def test_horizontal_rule():
    assert r("Summary done. ---------- ### Notes * one") == "Summary done.\n\n----------\n\n### Notes\n\n* one"


def test_scrape_residue_is_removed():
    assert r("Glimmer is small. ![]() |") == "Glimmer is small."
    assert r("Glimmer is small. |") == "Glimmer is small."
    assert r("A ![]() gap.") == "A gap."


def test_cite_is_kept_as_text():
    text = "As shown before \\cite{journals/corr/abs-1234-5678} - which we reuse."
    assert r(text) == text


# --- pass-through and idempotence --------------------------------------------------


def test_structured_markdown_passes_through():
    text = "## Title\n\n* one\n* two\n\nSome $a*b$ text."
    assert r(text) == text


IDEMPOTENCE_CASES = [
    "Intro. #### Heading text * item one * item two ## Other heading 1. first 2. second "
    "```python x = 1 y = 2``` $$ a*b $$ https://i.imgur.com/abc.png more text",
    "Plain prose about Glimmer with $x$ and `code` only.",
    "Results: | a | b | |---|---| | 1 | 2 | |",
]


@pytest.mark.parametrize("text", IDEMPOTENCE_CASES)
def test_restore_is_idempotent(text):
    once = r(text)
    assert r(once) == once
    assert render_markdown(r(once)).html == render_markdown(once).html


def test_example_from_the_brief_renders_every_construct():
    html = render_markdown(r(IDEMPOTENCE_CASES[0])).html
    assert "<h4" in html and "<h2" in html
    assert html.count("<li>") == 4
    assert 'data-lang="python"' in html
    assert html.count('class="math display"') == 1
    assert html.count("<figure>") == 1
