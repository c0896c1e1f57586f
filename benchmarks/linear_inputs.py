"""Time against input size for crafted inputs that used to take quadratic time.

    python benchmarks/linear_inputs.py                      # every pattern, 25/50/100/200 KB
    python benchmarks/linear_inputs.py --sizes 50,200 --only wiki-
    python benchmarks/linear_inputs.py --list

Each pattern is one input file of the given size, written the way an attacker (or
a scraping accident) would: one construct repeated, never closed. The file goes
through the real path of a build, in one process: format detection and the
reader (`readers.read_text`), the catalog, and per summary the renderer with its
work budget, heading re-levelling and the plain text (`render.summaries.render_one`)
— everything but the page templates and MathJax's check in Node, whose cost does
not depend on these patterns. The table gives seconds per size and the ratio of
the two largest sizes: about 2 for linear time, 4 for quadratic. Times are CPU
seconds of this process (time.process_time), so other work on a shared machine does
not count; on an idle machine they are the wall time. "budget" says whether a
summary hit its work budget (it is then shown as escaped text).
"""
from __future__ import annotations

import argparse
import html
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from site_builder.catalog import build_catalog  # noqa: E402
from site_builder.config import SiteConfig  # noqa: E402
from site_builder.readers import detect, read_text  # noqa: E402
from site_builder.render.plaintext import html_to_text  # noqa: E402
from site_builder.render.summaries import link_context, render_one  # noqa: E402

KB = 1000


def repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def shortscience(body: str) -> str:
    return f"Welcome to ShortScience.org! |\n[link]\n{body} |\n"


def markdown_record(body: str) -> str:
    return f"---\ntitle: A crafted record\n---\n{body}\n"


_ENTRY = ("http://wiki.example.org/w/index.php?title={page}&diff={rev} {title} 2018-03-01T10:00:00Z "
          "<p>Someone: edit</p> <hr /> <div>{body}</div> Someone ")


def feed(wikitext: str, *, page: str = "Crafted_page") -> str:
    body = html.escape(wikitext, quote=False).replace("\n", "<br />")
    return ("http://wiki.example.org/w/api.php?action=feedcontributions statwiki - User contributions "
            + _ENTRY.format(page=page, rev=1, title=page.replace("_", " "), body=body))


def feed_then(raw: str) -> str:
    """A valid feed entry, then raw text where the next entry would be."""
    return feed("A short page.") + raw


def metadata_listing(lines: list[str]) -> str:
    return "\n".join(lines + ["Conf - 2018 via arXiv", "[link]", "A summary.", ""])


@dataclass
class Pattern:
    name: str
    what: str
    make: Callable[[int], str]


PATTERNS = [
    # readers
    Pattern("feed-head", "feed entry head: `<timestamp> <p>`×n, never closed",
            lambda n: feed_then("http://wiki.example.org/w/index.php?title=B&diff=2 B "
                                + repeat("2018-03-01T10:00:00Z <p>", n) + " <hr /> <div>x")),
    Pattern("feed-tail", "feed tail: `http://a`×n", lambda n: feed_then(repeat("http://a", n))),
    Pattern("feed-tail-spaced", "feed tail: `http://a/index.php?x `×n",
            lambda n: feed_then(repeat("http://a/index.php?x ", n))),
    Pattern("feed-urls", "feed: `http://a/index.php?title=`×n in one word",
            lambda n: feed_then(repeat("http://a/index.php?title=", n) + "&diff=1 ")),
    Pattern("detect-http", "format detection on `http://`×n", lambda n: repeat("http://", n)),
    Pattern("feed-no-ts", "feed entry head: title with a run of spaces, no timestamp",
            lambda n: feed_then("http://wiki.example.org/w/index.php?title=B&diff=2 B" + " " * n + "<x")),
    Pattern("meta-spaces", "metadata lines with a long run of spaces",
            lambda n: metadata_listing(["Title", "Ann" + " " * (n // 3) + "andB", "V" + " " * (n // 3) + "-x",
                                        "Ann and Bob"])),
    Pattern("course-table", "course page: table cells with `[http://a `×n",
            lambda n: feed("{|\n! Date !! Name !! Title\n|-\n| Jan 1 || A || " + repeat("[http://a ", n) + "\n|}",
                           page="stat946w18")),
    Pattern("course-presenters", "course page: a Name cell with a long run of spaces",
            lambda n: feed("{|\n! Date !! Name !! Title\n|-\n| Jan 1 || Ada" + " " * n + "Byron || Widget Networks\n|}",
                           page="stat946w18") + _ENTRY.format(page="Widget_Networks", rev=3, title="Widget Networks",
                                                              body="text")),
    Pattern("course-titles", "course page: a long title against a long page title",
            lambda n: feed("{|\n! Date !! Name !! Title\n|-\n| Jan 1 || A || " + repeat("word ", n // 2) + "\n|}",
                           page="stat946w18") + _ENTRY.format(page="P", rev=3, title=repeat("other ", n // 2),
                                                              body="text")),
    # the flattened-Markdown restorer (ShortScience)
    Pattern("flat-headings", "`#### a `×n", lambda n: shortscience(repeat("#### a ", n))),
    Pattern("flat-heading-sentences", "`## ` then `x. A `×n", lambda n: shortscience("## " + repeat("x. A ", n))),
    Pattern("flat-cite", "`\\cite{`×n", lambda n: shortscience(repeat("\\cite{", n))),
    Pattern("flat-begin", "`\\begin{align}`×n", lambda n: shortscience(repeat("\\begin{align} ", n))),
    Pattern("flat-urls", "bare URLs `http://a `×n", lambda n: shortscience(repeat("http://a ", n))),
    Pattern("flat-url-run", "`http://`×n", lambda n: shortscience(repeat("http://", n))),
    Pattern("flat-stars", "`1 * 2 * `×n", lambda n: shortscience(repeat("1 * 2 * ", n))),
    Pattern("flat-bullets", "`* a `×n", lambda n: shortscience(repeat("* a ", n))),
    Pattern("flat-quotes", "`> a. `×n", lambda n: shortscience(repeat("> a. ", n))),
    Pattern("flat-table-rows", "a table of n rows", lambda n: shortscience("| a | b | |---|---| " + repeat("| a | b | ", n))),
    Pattern("flat-delimiters", "`| a | |---| `×n", lambda n: shortscience(repeat("| a | |---| ", n))),
    Pattern("flat-backticks", "``` ``a ` ```×n", lambda n: shortscience(repeat("``a `", n))),
    Pattern("flat-dollars", "`$a `×n", lambda n: shortscience(repeat("$a ", n))),
    Pattern("flat-display", "`$$a`×n", lambda n: shortscience(repeat("$$a", n))),
    Pattern("flat-emphasis", "`*a _b `×n", lambda n: shortscience(repeat("*a _b ", n))),
    Pattern("flat-links", "`[a](`×n", lambda n: shortscience(repeat("[a](", n))),
    Pattern("flat-images", "`![a](b) `×n", lambda n: shortscience(repeat("![a](b) ", n))),
    Pattern("flat-fences", "`` ```a `` then text", lambda n: shortscience("```python " + repeat("a = 1 ", n))),
    Pattern("flat-ordered", "`1. a 2. b `×n", lambda n: shortscience(repeat("1. a 2. b ", n))),
    Pattern("flat-bold", "`**A** b `×n", lambda n: shortscience(repeat("**A** b ", n))),
    Pattern("flat-sentences", "`A b. `×n", lambda n: shortscience(repeat("A b. ", n))),
    Pattern("flat-url-words", "`ahttp://b.c/`×n (one word)", lambda n: shortscience(repeat("ahttp://b.c/", n))),
    Pattern("flat-url-pipes", "`http://x|----`×n", lambda n: shortscience(repeat("http://x|----", n))),
    Pattern("flat-distinct-urls", "n different URLs", lambda n: shortscience(" ".join(f"http://a{i}.org/" for i in range(n // 16)))),
    Pattern("flat-begin-dollars", "`\\begin{align}$$`×n", lambda n: shortscience(repeat("\\begin{align}$$", n))),
    Pattern("flat-tick-run", "a run of backticks, then text", lambda n: shortscience("`" * (n // 2) + repeat("a ", n // 2))),
    # Markdown records
    Pattern("md-cite", "`\\cite{`×n", lambda n: markdown_record(repeat("\\cite{", n))),
    Pattern("md-brackets", "`[a`×n", lambda n: markdown_record(repeat("[a", n))),
    Pattern("md-angle", "`<a`×n", lambda n: markdown_record(repeat("<a ", n))),
    Pattern("md-dollars", "`$a`×n", lambda n: markdown_record(repeat("$a", n))),
    Pattern("md-emphasis", "`*a`×n", lambda n: markdown_record(repeat("*a ", n))),
    Pattern("md-lines", "one-word lines", lambda n: markdown_record(repeat("a\n", n))),
    Pattern("md-open-brackets", "`[`×n", lambda n: markdown_record(repeat("[", n))),
    Pattern("md-headings", "`# a` lines (equal headings)", lambda n: markdown_record(repeat("# a\n", n))),
    Pattern("md-begin-lines", "`\\begin{align}` paragraphs", lambda n: markdown_record(repeat("\n\n\\begin{align}", n))),
    # wikitext (statwiki)
    Pattern("wiki-headings", "`== a ==`×n on one line", lambda n: feed(repeat("== a ==", n))),
    Pattern("wiki-heading-lines", "`== a ==` lines", lambda n: feed(repeat("== a ==\n", n))),
    Pattern("wiki-ext-links", "`[http://a `×n", lambda n: feed(repeat("[http://a ", n))),
    Pattern("wiki-spans", "`<span>`×n", lambda n: feed(repeat("<span>", n))),
    Pattern("wiki-file-links", "`[[File:a.png|`×n", lambda n: feed(repeat("[[File:a.png|", n))),
    Pattern("wiki-links", "`[[a`×n", lambda n: feed(repeat("[[a", n))),
    Pattern("wiki-begin", "`\\begin{align}`×n", lambda n: feed(repeat("\\begin{align}", n))),
    Pattern("wiki-math", "`<math>`×n", lambda n: feed(repeat("<math>", n))),
    Pattern("wiki-center-math", "`<center><math>`×n", lambda n: feed(repeat("<center><math>", n))),
    Pattern("wiki-refs", "`<ref>`×n", lambda n: feed(repeat("<ref>", n))),
    Pattern("wiki-templates", "`{{a|`×n", lambda n: feed(repeat("{{a|", n))),
    Pattern("wiki-template-links", "`{{` then `[[File:a.png|`×n", lambda n: feed("{{a}} " + repeat("[[File:a.png|", n))),
    Pattern("wiki-tables", "nested `{|` / `|` lines", lambda n: feed(repeat("{|\n|", n))),
    Pattern("wiki-table-rows", "a table of n rows", lambda n: feed("{|\n" + repeat("|-\n| a || b\n", n) + "|}")),
    Pattern("wiki-quotes", "`''a`×n", lambda n: feed(repeat("''a", n))),
    Pattern("wiki-bold-links", "`'''[[a|b''`×n", lambda n: feed(repeat("'''[[a|b''", n))),
    Pattern("wiki-lists", "deep list prefixes", lambda n: feed(repeat("*#:;", n) + " x")),
    Pattern("wiki-list-lines", "list lines", lambda n: feed(repeat("* a\n", n))),
    Pattern("wiki-dollars", "`$a `×n", lambda n: feed(repeat("$a ", n))),
    Pattern("wiki-dollar-begin", "`$ \\begin{cases}`×n", lambda n: feed(repeat("$\\begin{cases} ", n))),
    Pattern("wiki-braces", "`{`×n", lambda n: feed(repeat("{", n))),
    Pattern("wiki-brackets", "`[`×n", lambda n: feed(repeat("[", n))),
    Pattern("wiki-tags", "`<b><i>`×n", lambda n: feed(repeat("<b><i>", n))),
    Pattern("wiki-entities", "`&amp;`-like runs", lambda n: feed(repeat("&a", n))),
    Pattern("wiki-comments", "`<!--`×n", lambda n: feed(repeat("<!--", n))),
    Pattern("wiki-nowiki", "`<nowiki>`×n", lambda n: feed(repeat("<nowiki>", n))),
    Pattern("wiki-heading-start", "`=={{{<ref>{{{`×n (a paragraph that starts like a heading)",
            lambda n: feed(repeat("=={{{<ref>{{{", n))),
    Pattern("wiki-link-brackets", "`[[a|]&`×n", lambda n: feed(repeat("[[a|]&", n))),
    Pattern("wiki-nested-links", "`[[a|`×n then `]]`×n (deep nesting)", lambda n: feed(repeat("[[a|", n * 2 // 3) + repeat("]]", n // 3))),
    Pattern("wiki-distinct-links", "n different external links", lambda n: feed(" ".join(f"[http://a{i}.org x]" for i in range(n // 20)))),
]


def run(text: str, config: SiteConfig) -> tuple[float, int, int]:
    """Seconds for the whole path, the number of summaries, and how many hit their budget."""
    started = time.process_time()
    detect(text)
    result = read_text(text, "crafted.txt")
    catalog = build_catalog(result.records, result.collections, config)
    ctx = link_context(catalog, config)
    over = 0
    for s in catalog.summaries:
        out = render_one(s.record, ctx, config)
        html_to_text(out["html"])
        over += any("work budget" in w for w in out["warnings"])
    return time.process_time() - started, len(catalog.summaries), over


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="25,50,100,200", help="input sizes in KB (1 KB = 1000 characters)")
    parser.add_argument("--only", default="", help="run the patterns whose name starts with this")
    parser.add_argument("--list", action="store_true", help="list the patterns and stop")
    parser.add_argument("--reps", type=int, default=1, help="runs per size; the fastest counts")
    args = parser.parse_args()
    if args.list:
        for p in PATTERNS:
            print(f"{p.name:24} {p.what}")
        return
    sizes = [int(float(s) * KB) for s in args.sizes.split(",")]
    config = SiteConfig()
    head = " | ".join(f"{s // KB} KB (s)" for s in sizes)
    print(f"| pattern | input | {head} | ratio last two | budget hit |")
    print("| --- | --- |" + " ---: |" * len(sizes) + " ---: | --- |")
    worst = 0.0
    for p in PATTERNS:
        if not p.name.startswith(args.only):
            continue
        times, hits = [], 0
        for size in sizes:
            text = p.make(size)
            best = min(run(text, config) for _ in range(args.reps))
            times.append(best[0])
            hits = max(hits, best[2])
        worst = max(worst, times[-1])
        ratio = times[-1] / times[-2] if len(times) > 1 and times[-2] > 0 else float("nan")
        cells = " | ".join(f"{t:.3f}" for t in times)
        print(f"| {p.name} | {p.what.replace('|', '&#124;')} | {cells} | {ratio:.1f} | {'yes' if hits else 'no'} |",
              flush=True)
    print(f"\nSlowest at the largest size: {worst:.2f} s. Python {platform.python_version()}, "
          f"{platform.processor() or platform.machine()}.")


if __name__ == "__main__":
    main()
