"""Formulas are typeset by MathJax itself at build time (needs node + npm mathjax)."""
from __future__ import annotations

import html
import re
import shutil
import threading
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from site_builder.catalog import build_catalog
from site_builder.config import SiteConfig
from site_builder.records import SummaryRecord
from site_builder.render import formulas, typeset
from site_builder.render.html import math_display, math_inline
from site_builder.render.summaries import render_catalog
from tests.conftest import ROOT
from tests.render.test_math_fast_paths import reference_flags as math_flags


@pytest.fixture(scope="module")
def engine():
    root = typeset.find_mathjax([ROOT])
    if root is None or not shutil.which("node"):
        pytest.skip("node or node_modules/mathjax missing (npm install)")
    return typeset.Engine.create(root)


def one(engine, tex: str, display: bool = False, prelude: tuple[str, ...] = ()) -> typeset.Typeset:
    (result,), _ = typeset.typeset_all(engine, [(tex, display, prelude)])
    return result


def config_for(engine, **math) -> SiteConfig:
    config = SiteConfig()
    return replace(config, mathjax=replace(config.mathjax, npm_root=str(engine.npm_root)), **math)


def catalog_of(bodies: list[str]):
    records = [SummaryRecord(id=f"m{n}", source="markdown", markup="markdown", body=body, title=f"Note {n}")
               for n, body in enumerate(bodies)]
    return build_catalog(records, [], SiteConfig())


def test_formulas_are_found_in_rendered_html():
    html = "<p>a " + math_inline("x < y") + "</p>" + math_display(r"\begin{align} a &= b \end{align}")
    assert typeset.formulas(html) == [("x < y", False), (r"\begin{align} a &= b \end{align}", True)]


def test_macros_and_extensions_loaded_on_demand_typeset(engine):
    items = [(r"\mathbb{E}[x] \mathcal{N} \text{var} \operatorname{KL} \lfloor u \rfloor", False, ()),
             (r"\begin{align*} a &= b \nonumber \\ c &= d \tag{2} \label{eq:c} \end{align*}", True, ()),
             (r"\pmb{x} + \cite{journals/corr/1608.06993}", False, ()),
             (r"\boldsymbol{\theta} + \bm{x} + \color{red}{y} + \cancel{z}", False, ())]
    results, said = typeset.typeset_all(engine, items)
    assert said == []
    for result in results:
        assert result.error is None and result.messages == ()
        assert result.html.startswith('<mjx-container class="MathJax" jax="CHTML"')
        assert "<mjx-assistive-mml" in result.html and "<math" in result.html  # for screen readers
        assert "data-latex" not in result.html  # dropped: it doubled the HTML
    assert "mjx-c1D73D" in results[3].html  # bold italic theta, from \boldsymbol (loaded on demand)
    assert "(2)" in results[1].html.replace("</mjx-c><mjx-c", "") or "mjx-c32" in results[1].html


def test_equations_are_not_numbered_unless_tagged(engine):
    # MediaWiki (statwiki) and ShortScience's MathJax never numbered equations by themselves.
    align = one(engine, r"\begin{align} a &= b \\ c &= d \end{align}", True)
    equation = one(engine, r"\begin{equation} e = mc^2 \end{equation}", True)
    for result in (align, equation):
        assert "mjx-mlabeledtr" not in result.html and "mjx-c28" not in result.html  # no "(1)"
    assert "mjx-mlabeledtr" in one(engine, r"\begin{equation} e = mc^2 \tag{7} \end{equation}", True).html


def test_broken_formulas_give_errors(engine):
    assert "undefinedmacro" in one(engine, r"\frac{a}{b} + \undefinedmacro{x}").error
    assert one(engine, r"x^{2", True).error
    assert "require" in one(engine, r"\require{html} x").error  # no loading of extensions by TeX


def test_what_mathjax_prints_comes_back_with_the_formula(engine):
    result = one(engine, r"\mmlToken{mi}[mathvariant='bogus']{x}")
    assert result.html and any("Invalid variant" in m for m in result.messages)


def test_results_do_not_depend_on_order_or_processes(engine, monkeypatch):
    monkeypatch.setattr(typeset, "PER_PROCESS", 10)  # few formulas: still two processes
    monkeypatch.setattr(typeset, "BATCH", 4)  # and batches small enough for both to take some from the queue
    monkeypatch.setattr(typeset, "MIN_BATCH", 2)
    items = [(r"\newcommand{\R}{\mathbb{R}} x \in \R", False, ()), (r"\R^n", False, ()),
             (r"\definecolor{mine}{rgb}{1,0,0} \color{mine}{a}", False, ()), (r"\color{mine}{b}", False, ()),
             (r"\unicode[Comic Sans]{x2260} \unicode{x2260}", False, ())] + [
             (rf"\sum_{{i={n}}}^{{N}} x_i^{n} \frac{{\alpha}}{{{n}}}", n % 2 == 0, ()) for n in range(40)]
    forward, _ = typeset.typeset_all(engine, items, 1)
    backward, _ = typeset.typeset_all(engine, items[::-1], 1)
    started, ran, ready = [], [], threading.Barrier(2, timeout=60)
    original, start, receive = typeset.Worker.__init__, typeset.Worker.start, typeset.Worker.receive
    monkeypatch.setattr(typeset.Worker, "__init__", lambda self, *a: started.append(1) or original(self, *a))
    monkeypatch.setattr(typeset.Worker, "start", lambda self: start(self) or ready.wait())  # neither takes a batch alone
    monkeypatch.setattr(typeset.Worker, "receive", lambda self, *a: ran.append(id(self)) or receive(self, *a))
    shared, _ = typeset.typeset_all(engine, items, 2)
    assert len(started) == 2 and len(set(ran)) == 2  # both processes typeset some of the batches
    assert forward == backward[::-1] == shared
    assert forward[1].error and forward[3].error is None  # \R was not left behind by the first formula
    assert "Comic" not in forward[4].html  # \unicode may not set a font


MIXED = [(r"\newcommand{\R}{\mathbb{R}} x \in \R", False, ()), (r"\R^n", True, (r"\newcommand{\R}{\mathbb{R}}",)),
         (r"\mathcal{W}_c + \mathfrak{g} + \boldsymbol{\theta}", False, ()),  # font ranges, an autoloaded extension
         (r"\color{red}{a} \cancel{b}", False, ()), (r"x^{2", True, ()), (r"\mmlToken{mi}[mathvariant='bogus']{x}", False, ()),
         (r"\href{https://example.org/}{x} \unicode[Comic Sans]{x2260}", False, ())] + [
         (rf"\frac{{a_{n}}}{{b}} \sqrt{{{n}}}", n % 2 == 0, ()) for n in range(20)]


def test_a_startup_snapshot_gives_the_same_results(engine, tmp_path, monkeypatch):
    snapshot = tmp_path / engine.snapshot_name()
    (tmp_path / "mathjax-0ld.blob").write_bytes(b"an older version's")
    plain, plain_said = typeset.typeset_all(engine, MIXED, 1)
    monkeypatch.setattr(typeset, "SNAPSHOT_MIN", 10)  # worth a snapshot
    monkeypatch.setattr(typeset, "PER_PROCESS", 10)  # and two processes
    made, made_said = typeset.typeset_all(engine, MIXED, 2, snapshot=snapshot)  # makes it meanwhile
    assert snapshot.is_file() and not (tmp_path / "mathjax-0ld.blob").exists()
    assert not list(tmp_path.glob("*.tmp"))
    commands = []
    popen = typeset.subprocess.Popen
    monkeypatch.setattr(typeset.subprocess, "Popen", lambda cmd, *a, **k: commands.append(cmd) or popen(cmd, *a, **k))
    warm, warm_said = typeset.typeset_all(engine, MIXED, 2, snapshot=snapshot)
    assert commands and all("--snapshot-blob" in cmd and str(typeset.SCRIPT) not in cmd for cmd in commands)
    assert plain == made == warm and plain_said == made_said == warm_said
    assert plain[2].error is None and "NCM-C" in plain[2].html  # the calligraphic font range was loaded
    assert plain[4].error and any("Invalid variant" in m for m in plain[5].messages)


def test_a_snapshot_node_cannot_load_is_replaced_by_loading_mathjax(engine, tmp_path):
    snapshot = tmp_path / engine.snapshot_name()
    snapshot.write_bytes(b"not a snapshot")
    results, _ = typeset.typeset_all(engine, MIXED[:3], 1, snapshot=snapshot)
    assert results == typeset.typeset_all(engine, MIXED[:3], 1)[0]
    assert not snapshot.exists()  # removed, to be made again by a build with enough formulas


def test_a_few_formulas_make_no_snapshot(engine, tmp_path):
    snapshot = tmp_path / engine.snapshot_name()
    typeset.typeset_all(engine, MIXED[:3], 1, snapshot=snapshot)
    assert not snapshot.exists() and not list(tmp_path.iterdir())


def test_batches_shrink_towards_the_end_and_cover_every_formula_once():
    queue = typeset.Batches(1000, 2)
    spans = []
    while (span := queue.take()) is not None:
        spans.append(span)
    assert [a for a, _ in spans] == [0] + [b for _, b in spans[:-1]] and spans[-1][1] == 1000
    sizes = [b - a for a, b in spans]
    assert sizes[0] == typeset.BATCH and sizes == sorted(sizes, reverse=True)[:len(sizes) - 1] + sizes[-1:]
    assert max(sizes[-4:]) <= typeset.MIN_BATCH


@pytest.mark.parametrize("pipe_safe", [100, 10_000_000])
def test_large_requests_and_answers_do_not_stall_the_pipes(engine, monkeypatch, pipe_safe):
    # Requests of ~40 KB and answers of a few hundred KB: with one request in flight (pipe_safe small)
    # and with two whatever their size (pipe_safe huge: the limit off, as long as Node reads its stdin).
    monkeypatch.setattr(typeset, "PIPE_SAFE", pipe_safe)
    monkeypatch.setattr(typeset, "MIN_BATCH", 8)
    items = [(rf"\text{{{n} " + "word " * 1000 + "}", False, ()) for n in range(24)]
    results, _ = typeset.typeset_all(engine, items, 1)
    assert all(r.error is None and r.html.count("word") >= 1000 for r in results)
    assert len({r.html for r in results}) == 24


def test_macros_defined_earlier_in_a_summary_are_a_prelude(engine):
    items = typeset.with_preludes([(r"\newcommand{\R}{\mathbb{R}}", False), ("x", False), (r"\R^n", True)])
    assert items[2] == (r"\R^n", True, (r"\newcommand{\R}{\mathbb{R}}",))
    results, _ = typeset.typeset_all(engine, items)
    assert results[2].error is None and "mjx-c211D" in results[2].html  # double-struck R
    assert engine.key(*items[2]) != engine.key(r"\R^n", True)


class Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.found += [(tag, k, v or "") for k, v in attrs]


def attributes(html: str) -> list[tuple[str, str, str]]:
    p = Attributes()
    p.feed(html)
    return p.found


TEX_PAYLOADS = [
    "\\href{\x01javascript:alert(1)//{}}{x}",
    r"\href{javascript:alert(2)}{x}",
    "\\href{ java\tscript:alert(3)}{x}",
    r"\newcommand{\h}{\href{javascript:alert(4)}}\h{x}",
    r"\def\h#1{\href{#1}{y}}\h{JaVaScRiPt:alert(5)}",
    r"\href{data:text/html,<script>alert(6)</script>}{x}",
    r"\href{vbscript:msgbox(7)}{x}",
    r"\class{evil8}{x} \style{color:red;background:url(javascript:alert(8))}{y} \cssId{evil8}{z} \data{evil=8}{w}",
    r"\let\c\class \c{evil9}{x}",
    r"\mmlToken{mi}[class='evil10' style='color:red' id='evil10' href='javascript:alert(10)']{q}",
    r"\unicode[evil11;background:url(javascript:alert(11))]{x2260}",
    r"\unicode[evilfont12]{x41}",
]


def test_tex_cannot_make_script_links_or_set_attributes(engine):
    results, _ = typeset.typeset_all(engine, [(t, False, ()) for t in TEX_PAYLOADS])
    for tex, result in zip(TEX_PAYLOADS, results):
        if result.error:
            continue  # shown as TeX source, escaped: no element at all
        for tag, name, value in attributes(result.html):
            probe = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
            assert not probe.startswith(("javascript:", "vbscript:", "data:")), (tex, tag, name, value)
            assert "evil" not in value, (tex, tag, name, value)
            assert name not in ("id",) and not (name.startswith("data-") and "evil" in name), (tex, name)
            if name == "style":
                assert "url(" not in value and "red" not in value, (tex, value)
    assert sum(1 for r in results if r.error is None) >= 8  # typeset, attributes dropped: not just rejected


def test_safe_links_are_kept(engine):
    html = one(engine, r"\href{https://example.org/a}{x} \href{/papers/}{y}").html
    assert '<a href="https://example.org/a">' in html and '<a href="/papers/">' in html


def test_summaries_get_typeset_math_and_text_from_the_tex(engine, tmp_path):
    bodies = [f"Note {n} on $x_{n}^2$ and more words." for n in range(40)]
    bodies[7] = r"A broken formula $\frac{a}{b} + \undefinedmacro{x}$ here."
    bodies[8] = r"MathJax complains about $\mmlToken{mi}[mathvariant='bogus']{x}$ but typesets it."
    catalog = catalog_of(bodies)
    warnings = render_catalog(catalog, config_for(engine), tmp_path, jobs=2)
    # What MathJax printed is a warning of the summary, not text on stderr.
    assert [w for w in warnings if "[m8]" in w and "Invalid variant: bogus" in w]
    broken = next(s for s in catalog.summaries if s.id == "m7")
    assert '<code class="math-error"' in broken.html and r"\undefinedmacro{x}" in broken.html
    assert any("[m7]" in w and "cannot typeset" in w for w in warnings)
    good = next(s for s in catalog.summaries if s.id == "m3")
    assert '<span class="math inline"><mjx-container' in good.html and "\\(" not in good.html
    assert good.math_css and not good.math_in_browser
    # The flags the math step sets without scanning are those of the final HTML.
    assert all((s.math_dense, s.math_in_browser) == math_flags(s.html) for s in catalog.summaries)
    assert good.text == "Note 3 on x_3^2 and more words."  # from the TeX (pylatexenc), not the typeset glyphs
    # The store has them now: the same summaries need no Node.
    again = catalog_of(bodies)
    calls = []
    original = typeset.Worker.__init__
    typeset.Worker.__init__ = lambda self, *a: calls.append(1) or original(self, *a)
    try:
        render_catalog(again, config_for(engine), tmp_path)
    finally:
        typeset.Worker.__init__ = original
    assert calls == [] and [s.html for s in again.summaries] == [s.html for s in catalog.summaries]


def test_typeset_glyphs_are_character_references_so_summaries_stay_compact(engine, tmp_path):
    """MathJax's CHTML holds its glyphs as text (𝑥 is U+1D465, outside the BMP); in a Python str one such
    character makes the whole summary four bytes a character. They are references in the HTML instead:
    an ASCII summary stays ASCII (one byte a character), and the page's text is the same."""
    catalog = catalog_of([r"Plain words and $\alpha x + \beta \to \infty$ in them."])
    render_catalog(catalog, config_for(engine), tmp_path)
    (s,) = catalog.summaries
    assert "<mjx-container" in s.html and s.html.isascii()
    assert "&#119909;" in s.html  # 𝑥, MATHEMATICAL ITALIC SMALL X, as MathJax's CHTML writes it
    text = html.unescape(re.sub(r"<[^>]+>", "", s.html))
    assert "\U0001d465" in text and "\u03b1" in text and "\u221e" in text  # the glyphs a reader sees


def test_math_client_keeps_tex_but_still_finds_broken_formulas(engine, tmp_path):
    catalog = catalog_of([r"Fine $a+b$ and broken $\frac{1}{$ here."])
    render_catalog(catalog, config_for(engine, math="client"), tmp_path)
    (s,) = catalog.summaries
    assert '<span class="math inline">\\(a+b\\)</span>' in s.html and "math-error" in s.html
    assert s.math_in_browser and s.math_css == () and not s.math_dense


def test_without_node_build_falls_back_to_the_browser(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    catalog = catalog_of(["Some $x^2$ math.", "More $y$."])
    warnings = render_catalog(catalog, config_for(engine), tmp_path)
    assert len([w for w in warnings if "math: build needs Node" in w]) == 1
    assert all(s.math_in_browser for s in catalog.summaries)
    assert all((s.math_dense, s.math_in_browser) == math_flags(s.html) for s in catalog.summaries)


def test_store_keeps_results_and_drops_unused_ones_only_when_they_pile_up(tmp_path):
    store = typeset.MathStore(tmp_path / "math.sqlite")
    entries = {k: typeset.Typeset(f"<mjx-container>{k}</mjx-container>", None, ("said",), ("mjx-c.x",), 1.5)
               for k in "abc"}
    store.put_many(entries)
    assert store.get_many(["a", "c", "z"]) == {"a": entries["a"], "c": entries["c"]}
    store.keep_only({"a"})  # 3 entries: no pile-up yet (two sites may share the store)
    assert set(store.get_many(["a", "b", "c"])) == {"a", "b", "c"}
    store.keep_only({"a"}, slack=1, spare=0)
    assert set(store.get_many(["a", "b", "c"])) == {"a"}
    store.close()
    (tmp_path / "bad.sqlite").write_bytes(b"not a database at all" * 100)
    broken = typeset.MathStore(tmp_path / "bad.sqlite")  # a damaged file is started again
    assert broken.get_many(["a"]) == {}
    broken.put_many({"a": entries["a"]})
    assert broken.get_many(["a"]) == {"a": entries["a"]}
    broken.close()


def test_our_changes_to_mathjax_code_apply_and_change_no_result(engine, monkeypatch):
    """typeset.cjs loads MathJax with two internal steps made cheaper, and a short run goes without V8's
    optimising compiler: every result must be MathJax's own, byte for byte (the same check on 6,343
    formulas: benchmarks/README.md, "Build-time math", round 3)."""
    items = MIXED + [(tex, n % 2 == 0, ()) for n, tex in enumerate(TEX_PAYLOADS)] + [
        (r"\left( \sum_{k=1}^{n} \binom{n}{k} x^k \right)^{2} \ne \prod_i \hat{y}_i", True, ()),
        (r"\begin{align} a &= b + c \\ \tag{1} d &\le \mathbb{E}_{x}[f(x)] \end{align}", True, ()),
        (r"\begin{pmatrix} 1 & 0 \\ 0 & \ddots \end{pmatrix} \overbrace{x+y}^{n} \text{if $x$}", True, ()),
        (r"\operatorname{arg\,max}_\theta \log p_\theta(x \mid z) \xrightarrow{a} \mathrm{KL}", False, ())]
    reported = []
    start = typeset.Worker.start
    monkeypatch.setattr(typeset.Worker, "start", lambda self: start(self) or reported.append(self.speedups))
    ours, ours_said = typeset.typeset_all(engine, items, 1)  # a short run: no optimising compiler
    assert reported == [["kind defaults", "no data-latex"]]  # each change found the code it was written for
    monkeypatch.setattr(typeset, "SHORT_RUN", 0)
    optimised, _ = typeset.typeset_all(engine, items, 1)
    monkeypatch.setenv("SITE_BUILDER_MATH_PLAIN", "1")
    plain, plain_said = typeset.typeset_all(engine, items, 1)
    assert reported[-1] == []
    assert ours == optimised == plain and ours_said == plain_said
    assert all("data-latex" not in (r.html or "") for r in ours)
    assert sum(1 for r in ours if r.error is None) > len(items) // 2


def test_node_started_early_is_the_math_steps_first_process_or_is_stopped(engine, tmp_path, monkeypatch):
    """The summary step starts Node as soon as a rendered formula is missing from the store
    (formulas.EarlyNode); the math step uses that process, and the result is what a late start gives.
    With every formula in the store no Node starts; one of another kind is stopped, not left running."""
    bodies = [f"Early {n}: $a_{n} + b$ and $$c_{n}$$ here." for n in range(40)]
    started, closed = [], []
    original_init, original_close = typeset.Worker.__init__, typeset.Worker.close
    monkeypatch.setattr(typeset.Worker, "__init__", lambda self, *a, **k: started.append(self) or original_init(self, *a, **k))
    monkeypatch.setattr(typeset.Worker, "close", lambda self: closed.append(self) or original_close(self))
    taken = []
    original_take, original_look = formulas.EarlyNode.take, formulas.EarlyNode.look
    monkeypatch.setattr(formulas.EarlyNode, "take", lambda self: taken.append(self.worker) or original_take(self))
    catalog = catalog_of(bodies)
    render_catalog(catalog, config_for(engine), tmp_path / "a", jobs=2)
    assert len(started) == 1 and taken == started and closed == started  # the early one did the work
    assert all(w.proc.poll() is not None for w in started)
    # Without the early start (a math step of its own), the same HTML.
    monkeypatch.setattr(formulas.EarlyNode, "look", lambda self, found: None)
    late = catalog_of(bodies)
    render_catalog(late, config_for(engine), tmp_path / "b", jobs=2)
    assert [s.html for s in late.summaries] == [s.html for s in catalog.summaries]
    assert len(started) == 2
    monkeypatch.setattr(formulas.EarlyNode, "look", original_look)
    # Everything in the store: nothing started.
    render_catalog(catalog_of(bodies), config_for(engine), tmp_path / "a", jobs=2)
    assert len(started) == 2
    # Started, then not the kind the math step wants (a long run): stopped, and the step starts its own.
    monkeypatch.setattr(typeset, "SHORT_RUN", 1)
    again = catalog_of([b.replace("Early", "Later").replace("+ b", "+ d") for b in bodies])
    render_catalog(again, config_for(engine), tmp_path / "a", jobs=2)
    assert len(started) == 4 and started[2].made_as[2] is True and started[3].made_as[2] is False
    assert all(w.proc.poll() is not None for w in started) and set(map(id, closed)) == set(map(id, started))
    assert all("mjx-container" in s.html for s in again.summaries)
