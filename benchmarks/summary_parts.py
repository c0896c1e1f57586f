"""CPU seconds of each part of rendering summaries, alone, in one process: per markup, and plain text.

    python benchmarks/summary_parts.py SITE [--reps 3] [--source DIR ...]

SITE is a site folder (`make_corpus.py`'s `DIR/site`). Each run reads the inputs and builds the
catalog (not timed), then times (CPU of the process, user + kernel): rendering every summary's
body with its markup's renderer (Markdown, flattened Markdown with its restorer, wikitext; link
look-ups answer nothing), and deriving from each rendered HTML what the workers derive (plain
text, title, teaser, word count). Narrower than summary_cpu.py, so less noisy on a loaded machine.
With `--source DIR` (repeatable) the repetitions alternate between source trees (`PYTHONPATH=DIR`,
e.g. an extracted `git archive` of main); the table gives medians.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import alternating  # benchmarks/ is the script's folder, first on sys.path


def one(site: Path) -> dict[str, float]:
    from site_builder.cache import BuildCache
    from site_builder.catalog import build_catalog
    from site_builder.catalog import overrides as paper_overrides
    from site_builder.config import load_config
    from site_builder.pipeline import BuildReport, read_inputs
    from site_builder.render import summaries as S
    from site_builder.render.html import LinkContext

    os.chdir(site)
    config = load_config(Path("site.yaml"))
    records, collections = read_inputs(Path("content"), BuildReport(), None, BuildCache.memory(), 1)
    catalog = build_catalog(records, collections, config, paper_overrides.load(Path("content")))
    ctx = LinkContext(resolve_wiki_page=lambda t: None, resolve_bibtex_key=lambda k: None, cited_title=lambda k: None)
    renderers = S._renderers()
    by_markup: dict[str, list[str]] = {}
    for s in catalog.summaries:
        by_markup.setdefault(s.record.markup, []).append(s.record.body)
    out: dict[str, float] = {}
    htmls: list[str] = []
    for markup, bodies in sorted(by_markup.items()):
        render = renderers[markup]
        for body in bodies[:50]:  # imports, lexers, parsers made: not timed
            render(body, ctx)
        started = alternating.cpu()
        htmls += [render(body, ctx).html for body in bodies]
        out[f"{markup} ({len(bodies):,} summaries)"] = alternating.cpu() - started
    if hasattr(S, "text_and_words"):
        def text(html: str) -> tuple:
            plain, words = S.text_and_words(html)
            return plain, S.derive_title(plain), S.excerpt(plain, S.TEASER_CHARS), words
    else:  # before issue 29's third round
        def text(html: str) -> tuple:
            found = S._text_and_title(html)
            return (*found, *S._teaser_and_words(found[0]))
    for html in htmls[:50]:
        text(html)
    started = alternating.cpu()
    for html in htmls:
        text(html)
    out[f"plain text, title, teaser, words ({len(htmls):,})"] = alternating.cpu() - started
    out["sum"] = sum(out.values())
    out["load average (1 min) at the end"] = os.getloadavg()[0]
    return out


if __name__ == "__main__":
    sys.exit(alternating.main(one, __file__, __doc__))
