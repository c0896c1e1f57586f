"""Count the rendering defects of issue 27 in a folder of scraped inputs (default ../shared/seeds).

    python benchmarks/fidelity_seeds.py                  # counts
    python benchmarks/fidelity_seeds.py --show           # and every case, to check by eye
    PYTHONPATH=/path/to/old/checkout python benchmarks/fidelity_seeds.py   # an older commit's counts

It renders every summary the way a build does (reader, renderer, heading re-levelling)
and counts, independently of the rules that fix them:

- dollar math shown raw: `$...$` left in the text of a rendered statwiki page (outside
  the math elements), read with the Markdown renderer's dollarmath rules;
- lists that swallowed a paragraph, in flattened ShortScience summaries: the last item
  of a list goes on past its own end into text that starts a new paragraph, seen as a
  sentence opener after a word with no full stop ("... texture The first thing ..."),
  or as further sentences after the item's first when the list's other items are one
  sentence each, or when they are more than any other item holds (a broad net: check
  its finds by eye with --show, a second sentence can be the item's own);
- sibling headings nested: two headings of the same level in the source that come out
  at different levels;
- headings run into a label: a heading whose text runs on into the first of a run of
  numbered labels, or a bold one ("Training 1 Supervised pre-training:").
"""
from __future__ import annotations

import argparse
import re
import sys
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH, so an older checkout there wins

from markdown_it import MarkdownIt  # noqa: E402

from site_builder.readers import read_file  # noqa: E402
from site_builder.render.markdown import render_flat_markdown, render_markdown  # noqa: E402
from site_builder.render.outline import relevel_headings  # noqa: E402
from site_builder.render.restore import restore_markdown  # noqa: E402
from site_builder.render.wikitext import render_wikitext  # noqa: E402

OPENERS = {"The", "This", "These", "That", "Those", "We", "It", "In", "Our", "They", "Their", "There", "Here",
           "To", "For", "As", "When", "While", "Since", "Given", "Although", "However", "First", "Then",
           "Each", "Using", "By", "If", "Most", "Some", "Both", "All", "Instead", "Unlike", "You"}
_RUN_ON = re.compile(r"[a-z0-9)%][ ]+(" + "|".join(sorted(OPENERS)) + r") [a-z]")
# a sentence end: not after a single letter or an abbreviation ("e.g.", "Fig.")
_SENTENCE = re.compile(r"(?<![ .(][A-Za-z])(?<!e\.g)(?<!i\.e)(?<!Fig)(?<!etc)(?<!\bal)(?<!\bvs)(?<!\bEq)[.!?][ ]+(?=[A-Z])")
_SPLIT_FORMULA = re.compile(r'\$[^$<]{1,200}(?=</p>\s*<div class="math display">)')
_MATH = re.compile(r'<(span|div) class="math[^"]*">.*?</\1>', re.S)
_TAG = re.compile(r"<[^>]+>")
_LABEL = re.compile(r"\s1\.?\s+[^\s.:]+(?:\s[^\s.:]+){0,5}[:.]?$|\s\*\*[^*]+\*\*:?$")  # "... 1 Supervised pre-training:"


def raw_dollar_math(html: str) -> list[str]:
    """`$...$` left in the page's text, by dollarmath's rules (no space inside, no digit outside),
    and `$...` opening a formula that a display block of its own environment split off."""
    found = [m.group(0) + "[display block]$" for m in _SPLIT_FORMULA.finditer(html)]
    text = unescape(_TAG.sub(" ", _MATH.sub(" ", _SPLIT_FORMULA.sub(" ", html))))
    pos = 0
    while (start := text.find("$", pos)) >= 0:
        pos = start + 1
        if text[start + 1:start + 2] in ("", "$") or text[start + 1].isspace() or text[start - 1:start].isdigit():
            continue
        end = text.find("$", start + 1)
        if end < 0:
            break
        if not text[end - 1].isspace() and not text[end + 1:end + 2].isdigit() and "\n\n" not in text[start:end]:
            found.append(" ".join(text[start:end + 1].split()))
            pos = end + 1
    return found


def swallowed_lists(markdown: str) -> tuple[int, list[str]]:
    """(lists, last items that run on into a paragraph) of restored Markdown."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    lists, bad, depth, items = 0, [], 0, []
    for i, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            if depth == 1:
                items = []
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0 and items:
                lists += 1
                last, others = items[-1], items[:-1]
                after_first = len(_SENTENCE.findall(last))
                most = max((len(_SENTENCE.findall(item)) + 1 for item in others), default=0)
                if _RUN_ON.search(last) or (after_first and most <= 1) or after_first > most:
                    bad.append(last)
        elif token.type == "inline" and depth and tokens[i - 2].type == "list_item_open":
            items.append(token.content)
    return lists, bad


def heading_levels(html: str) -> list[tuple[int, str]]:
    return [(int(m.group(1)), _TAG.sub("", m.group(2))) for m in re.finditer(r"<h([1-6])[^>]*>(.*?)</h\1>", html, re.S)]


def nested_siblings(source_levels: list[int], output_levels: list[int]) -> int:
    """Headings at the same source level as an earlier heading of their section, shown at another level."""
    bad = 0
    for i in range(1, len(source_levels)):
        for j in range(i - 1, -1, -1):
            if source_levels[j] < source_levels[i]:
                break  # the section's parent: no earlier sibling
            if source_levels[j] == source_levels[i]:
                bad += output_levels[j] != output_levels[i]
                break
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("seeds", nargs="?", default=str(ROOT.parent / "shared" / "seeds"))
    parser.add_argument("--show", action="store_true", help="print every case found")
    args = parser.parse_args()
    records = {}
    for path in sorted(Path(args.seeds).iterdir()):
        for record in read_file(path).records:
            records.setdefault(record.id, record)
    dollars, lists, swallowed, siblings, labels = 0, 0, 0, 0, 0
    for record in records.values():
        name = record.title or record.id
        if record.markup == "wikitext":
            html = render_wikitext(record.body).html
            source = [len(m.group(1)) for m in re.finditer(r"^(={1,6})[^=\n].*?\1\s*$", record.body, re.M)]
        else:
            render = render_flat_markdown if record.markup == "flat-markdown" else render_markdown
            html = render(record.body).html
            markdown = restore_markdown(record.body) if record.markup == "flat-markdown" else record.body
            n, bad = swallowed_lists(markdown)
            lists += n
            swallowed += len(bad)
            if args.show:
                for item in bad:
                    print(f"swallowed  {name}: {item[:160]!r}")
            source = [len(m.group(1)) for m in re.finditer(r"^(#{1,6}) ", markdown, re.M)]
        raw = raw_dollar_math(html)
        dollars += len(raw)
        if args.show:
            for formula in raw:
                print(f"raw $      {name}: {formula[:100]}")
        shown = heading_levels(relevel_headings(html))
        if len(source) == len(shown):
            bad_siblings = nested_siblings(source, [level for level, _ in shown])
            siblings += bad_siblings
            if args.show and bad_siblings:
                print(f"siblings   {name}: source {source} -> shown {[level for level, _ in shown]}")
        for _, text in shown:
            if _LABEL.search(text.strip()):
                labels += 1
                if args.show:
                    print(f"label      {name}: {text.strip()[:100]!r}")
    print(f"summaries {len(records)}")
    print(f"dollar math shown raw (statwiki): {dollars}")
    print(f"lists in flattened summaries: {lists}, whose last item swallowed a paragraph: {swallowed}")
    print(f"sibling headings shown at different levels: {siblings}")
    print(f"headings run into a label: {labels}")


if __name__ == "__main__":
    main()
