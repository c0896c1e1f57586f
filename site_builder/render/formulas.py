"""The math step of rendering: every formula of the summaries typeset at build time, or left for the browser.

`math: build` (the default): each formula placeholder the renderers wrote (a `.math`
element holding TeX) is replaced by MathJax's CommonHTML for it (render/typeset.py),
so pages show math with no script. `math: client`: formulas stay TeX for MathJax in
the browser, but are still typeset here when Node is available, only to find the
ones MathJax cannot typeset. Either way such a formula is shown as its TeX source,
with a warning naming the summary.

Without `node` or the npm package, `build` falls back to `client` (one warning).
"""
from __future__ import annotations

import html
import shutil
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import CACHE_DIR
from ..config import SiteConfig
from . import mathcss, typeset
from .sitepaths import base_path, under_base_path
from .typeset import Engine, MathJaxError, MathStore, Typeset
from ..catalog.model import MATH_DENSE

if TYPE_CHECKING:
    from ..catalog import Summary
    from ..parallel import Progress

STORE_NAME = "math.sqlite"
CHECKOUT = Path(__file__).resolve().parents[2]  # the repository, when site_builder runs from one
MISSING = "node or the npm package mathjax is missing (npm install mathjax@4)"
WIDE_EM = 16  # an inline formula wider than this does not fit a 320 px phone's line: it may scroll (style.css)
WIDER_EM = 40  # nor the text column of a wide screen


def macros_for(config: SiteConfig) -> dict[str, object]:
    """The TeX macros every formula may use: ours (\\cite, \\bm), then the site's `mathjax.macros`."""
    return {**typeset.DEFAULT_MACROS, **{name.lstrip("\\"): value for name, value in config.mathjax.macros.items()}}


def engine_for(config: SiteConfig, site_root: Path | None) -> Engine | None:
    """MathJax in Node as this site would use it, or None when node or the package is missing.

    The npm package is looked for under `mathjax.npm_root`, then the current folder, then the
    checkout site_builder runs from (`pip install -e .` beside `npm install`): a site made by
    `site-builder new` elsewhere still typesets at build time.
    """
    root = site_root or Path.cwd()
    npm_root = typeset.find_mathjax([root / config.mathjax.npm_root, Path.cwd(), CHECKOUT])
    if npm_root is None or not shutil.which("node"):
        return None
    return Engine.create(npm_root, macros_for(config))


def store_for(site_root: Path | None) -> MathStore:
    return MathStore((site_root or Path.cwd()) / CACHE_DIR / STORE_NAME)


def snapshot_for(engine: Engine, site_root: Path | None) -> Path:
    """Where this engine's startup snapshot (MathJax loaded, render/typeset.py) is kept: beside the math store."""
    return (site_root or Path.cwd()) / CACHE_DIR / engine.snapshot_name()


class EarlyNode:
    """A Node process for the math step, started while the summaries are still being rendered.

    Starting Node and loading MathJax takes 0.2-0.5 s that the math step would otherwise wait for
    after the last summary is rendered. The summary step shows this each rendered summary's
    placeholders (`look`); the first formula the math store lacks starts the process the math
    step's first would be (typeset.Worker: one that typesets fewer than SHORT_RUN formulas, from the
    startup snapshot if there is one). If the math step then starts another kind, or typesets
    nothing, the early one is stopped: results never depend on it. Only the first LOOK_AT summaries
    are looked at (a site whose formulas are all in the store is not searched through)."""

    LOOK_AT = 512

    def __init__(self, config: SiteConfig, site_root: Path | None) -> None:
        self.config, self.site_root = config, site_root
        self.worker: typeset.Worker | None = None
        self.looked = 0
        self.seen: set[tuple[str, bool, tuple[str, ...]]] = set()
        self.engine: Engine | None = None
        self.store: MathStore | None = None
        self.done = False

    def look(self, found: typeset.Placeholders) -> None:
        if self.done:
            return
        self.looked += 1
        if self.looked > self.LOOK_AT:
            self._stop_looking()
            return
        fresh = [item for item in found.items if item not in self.seen]
        if not fresh:
            return
        self.seen.update(fresh)
        if self.engine is None:
            self.engine = engine_for(self.config, self.site_root)
            if self.engine is None:
                self._stop_looking()
                return
            self.store = store_for(self.site_root)
        assert self.store is not None
        keys = {self.engine.key(*item) for item in fresh}
        if len(self.store.get_many(sorted(keys))) < len(keys):
            snapshot = snapshot_for(self.engine, self.site_root)
            try:
                self.worker = typeset.Worker(self.engine, snapshot if snapshot.is_file() else None, short=True)
            except MathJaxError:
                pass  # the math step says why
            self._stop_looking()

    def _stop_looking(self) -> None:
        self.done = True
        if self.store is not None:
            self.store.close()
            self.store = None

    def take(self) -> typeset.Worker | None:
        """The process, now the caller's to close."""
        worker, self.worker = self.worker, None
        return worker

    def close(self) -> None:
        """Stop the process if nobody took it."""
        self._stop_looking()
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.proc.kill()
            worker.close()


def typeset_summaries(summaries: list[Summary], config: SiteConfig, site_root: Path | None, *,
                      complete: bool, jobs: int = 1,
                      progress: Progress | None = None,
                      known_formulas: dict[str, typeset.Placeholders] | None = None,
                      early: EarlyNode | None = None) -> list[str]:
    """Typeset (or, for `math: client`, check) the formulas of `summaries`; site-level warnings.

    Sets each summary's `html` (formulas replaced), `math_css`, `math_dense` and `math_in_browser`,
    and adds per-summary warnings to `s.warnings`. `complete`: these are all the site's summaries, so cached
    formulas no summary uses any more may be dropped from the store (MathStore.keep_only).
    The store is used even by `build --clean`: its keys hold everything that decides a result.
    `known_formulas`: summary id -> typeset.placeholders(its html), where the caller found them
    already (the workers that rendered the HTML); the rest are found here. `early`: a Node process
    the caller may have started meanwhile (the caller closes it if it is not taken here).
    """
    build = config.math == "build"
    known_formulas = known_formulas or {}
    found = {s.id: known_formulas[s.id] if s.id in known_formulas else typeset.placeholders(s.html) for s in summaries}
    done: set[str] = set()  # summaries whose HTML was replaced (and flags set) below
    try:
        return _typeset(summaries, config, site_root, complete, jobs, progress, found, build, done, early)
    finally:
        for s in summaries:
            if s.id not in done:  # its HTML as it was
                s.math_css = ()
                p = found[s.id]
                if p.starts:  # (math not typeset at all: the placeholders stay)
                    s.math_dense, s.math_in_browser = math_flags(s.html)
                else:
                    s.math_dense, s.math_in_browser = p.mjx >= MATH_DENSE, p.browser > 0


def math_flags(fragment: str) -> tuple[bool, bool]:
    """Summary.math_dense and .math_in_browser of this HTML, by searching it."""
    return (fragment.count(typeset.MJX_CONTAINER) >= MATH_DENSE,
            typeset.LEFT_FOR_BROWSER[0] in fragment or typeset.LEFT_FOR_BROWSER[1] in fragment)


def _typeset(summaries: list[Summary], config: SiteConfig, site_root: Path | None, complete: bool, jobs: int,
             progress: Progress | None, found: dict[str, typeset.Placeholders], build: bool, done: set[str],
             early: EarlyNode | None = None) -> list[str]:
    if not any(p.starts for p in found.values()):
        return []
    engine = engine_for(config, site_root)
    if engine is None:
        if build:
            return [f"math: build needs Node: {MISSING}; formulas are typeset in the browser instead (math: client)"]
        return [f"math not checked: {MISSING}"]
    store = store_for(site_root)
    try:
        keys: dict[tuple[str, bool, tuple[str, ...]], str] = {}
        for p in found.values():
            for item in p.items:
                if item not in keys:  # formulas repeat across summaries: one digest each
                    keys[item] = engine.key(*item)
        known = store.get_many(sorted(set(keys.values())))
        todo = sorted({item for item, key in keys.items() if key not in known})
        warnings: list[str] = []
        if todo:
            try:
                results, said = typeset.typeset_all(engine, todo, jobs, progress, snapshot_for(engine, site_root),
                                                    started=early.take() if early is not None else None)
            except MathJaxError as exc:
                return [f"math: MathJax failed ({exc}); " + (
                    "formulas are typeset in the browser instead" if build else "formulas not checked")]
            fresh = {keys[item]: result for item, result in zip(todo, results)}
            store.put_many(fresh)
            known.update(fresh)
            warnings += [f"MathJax: {message}" for message in said]
        base = base_path(config.root_url)
        known = {key: _ascii_html(result) for key, result in known.items()}  # once per distinct formula
        resolved = {item: known[key] for item, key in keys.items()}
        said_something = any(r.error is not None or r.messages for r in resolved.values())
        swaps: dict[tuple[int, str, bool], tuple[str | None, int, int]] = {}  # what replaces each distinct formula, once
        for s in summaries:
            p = found[s.id]
            results = [resolved[item] for item in p.items]
            s.html, s.math_css, s.math_dense, s.math_in_browser = _replace_at(s.html, p, results, build, base, swaps)
            if said_something:
                s.warnings += _formula_warnings(p.items, results)
            done.add(s.id)
        if complete:
            tokens = frozenset().union(*(s.math_css for s in summaries))
            store.keep_only(set(keys.values()) | {stylesheet_key(engine), _shaken_key(engine, config, tokens)})
        return warnings
    finally:
        store.close()


def _ascii_html(result: Typeset) -> Typeset:
    """The result with every non-ASCII character of its HTML as a character reference.

    CHTML carries its glyphs as text, many outside the BMP (𝑥 is U+1D465): one such character
    makes Python store the whole summary holding the formula at four bytes a character (at
    10,000 summaries, 0.85 GB more in the build and in every page worker). As references the
    summary stays one byte a character when its own text is ASCII, two at most otherwise; the
    browser's DOM (what is shown, found, copied, read aloud) is the same."""
    if result.html is None or result.html.isascii():
        return result
    return replace(result, html=result.html.encode("ascii", "xmlcharrefreplace").decode("ascii"))


def _replace_at(fragment: str, found: typeset.Placeholders, results: list[Typeset], build: bool, base: str,
                swaps: dict[tuple[int, str, bool], tuple[str | None, int, int]]) -> tuple[str, tuple[str, ...], bool, bool]:
    """The fragment with its formulas (in order) typeset, or shown as TeX where MathJax failed; its
    stylesheet tokens, math_dense and math_in_browser. `found`: where its placeholders are
    (typeset.placeholders), so the pieces between them are copied, not searched again. `swaps`:
    (id of a result, TeX, display) -> (what replaces the placeholder, or None for itself; its counts of
    MJX_CONTAINER and LEFT_FOR_BROWSER), kept by the caller for the next fragments."""
    if not found.starts:
        return fragment, (), found.mjx >= MATH_DENSE, found.browser > 0
    pieces: list[str] = []
    mjx, browser, end = found.mjx, found.browser, 0
    for start, stop, (tex, display, _), result in zip(found.starts, found.ends, found.items, results):
        pieces.append(fragment[end:start])
        end = stop
        swap = swaps.get((id(result), tex, display))
        if swap is None:
            swap = swaps[(id(result), tex, display)] = _swap(tex, display, result, build, base)
        out, more_mjx, more_browser = swap
        if out is None:  # the placeholder stays (math: client)
            out = fragment[start:stop]
            more_mjx = out.count(typeset.MJX_CONTAINER)
            more_browser = out.count(typeset.LEFT_FOR_BROWSER[0]) + out.count(typeset.LEFT_FOR_BROWSER[1])
        pieces.append(out)
        mjx += more_mjx
        browser += more_browser
    pieces.append(fragment[end:])
    tokens: set[str] = set()
    if build:  # the stylesheet's tokens of each typeset formula (a formula repeated in the summary: once)
        for result in {id(r): r for r in results if r.error is None}.values():
            tokens.update(result.tokens)
    return "".join(pieces), tuple(sorted(tokens)), mjx >= MATH_DENSE, browser > 0


def _swap(tex: str, display: bool, result: Typeset, build: bool, base: str) -> tuple[str | None, int, int]:
    """What replaces a placeholder of this result (None: the placeholder itself), with its counts (_replace_at)."""
    if result.error is not None:
        code = f'<code class="math-error" title="{html.escape(result.error)}">{html.escape(tex)}</code>'
        out = f'<pre class="math-error-block">{code}</pre>' if display else code
    elif not build:
        return None, 0, 0
    else:
        typeset_html = under_base_path(result.html, base)  # a root-relative \href, for a site in a sub-folder
        if not display:
            wide = " wide wider" if result.width > WIDER_EM else " wide" if result.width > WIDE_EM else ""
            out = f'<span class="math inline{wide}">{typeset_html}</span>'
        else:
            out = f'<div class="math display">{typeset_html}</div>'
    browser = out.count(typeset.LEFT_FOR_BROWSER[0]) + out.count(typeset.LEFT_FOR_BROWSER[1])
    return out, out.count(typeset.MJX_CONTAINER), browser


def _formula_warnings(items: list[tuple[str, bool, tuple[str, ...]]], results: list[Typeset]) -> list[str]:
    out: list[str] = []
    for (tex, _, _), result in zip(items, results):
        if result.error is None and not result.messages:
            continue
        near = " ".join(tex.split())[:80]
        if result.error is not None:
            out.append(f"formula MathJax cannot typeset ({result.error}), shown as TeX: {near}")
        out += [f"MathJax said \"{message}\" for the formula: {near}" for message in result.messages]
    return out


def stylesheet_key(engine: Engine) -> str:
    return engine.key("\0stylesheet", True)


def _shaken_key(engine: Engine, config: SiteConfig, tokens: frozenset[str]) -> str:
    return engine.key("\0site stylesheet", True, (config.mathjax.font_url, *sorted(tokens)))


def site_stylesheet(summaries: list[Summary], config: SiteConfig,
                    site_root: Path | None) -> tuple[str, list[Path]] | None:
    """The math stylesheet of these summaries' typeset formulas and the font files it names.

    None when no formula is typeset. Fonts are files of the npm font package, to
    copy beside the stylesheet; with `mathjax.font_url` they are loaded from there
    instead and none are listed.
    """
    tokens = frozenset().union(*(s.math_css for s in summaries))
    engine = engine_for(config, site_root) if tokens else None
    if engine is None:
        return None
    store = store_for(site_root)
    try:
        key = _shaken_key(engine, config, tokens)
        hit = store.get_many([key]).get(key)
        if hit is not None and hit.html is not None:
            css, names = hit.html, list(hit.tokens)
        else:
            css, names = mathcss.shake(full_stylesheet(engine, store), tokens, config.mathjax.font_url or typeset.FONT_URL)
            store.put_many({key: Typeset(css, None, (), tuple(names))})
    finally:
        store.close()
    if config.mathjax.font_url:
        return css, []
    fonts = engine.npm_root / "node_modules" / typeset.FONT_PACKAGE / "chtml" / "woff2"
    return css, [fonts / name for name in names]


def full_stylesheet(engine: Engine, store: MathStore) -> str:
    """MathJax's complete CHTML stylesheet for this engine (made once, then kept in the store)."""
    key = stylesheet_key(engine)
    hit = store.get_many([key]).get(key)
    if hit is not None and hit.html is not None:
        return hit.html
    css = engine.full_stylesheet()
    store.put_many({key: Typeset(css, None)})
    return css
