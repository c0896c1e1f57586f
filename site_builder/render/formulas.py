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


def typeset_summaries(summaries: list[Summary], config: SiteConfig, site_root: Path | None, *,
                      complete: bool, jobs: int = 1,
                      progress: Progress | None = None) -> list[str]:
    """Typeset (or, for `math: client`, check) the formulas of `summaries`; site-level warnings.

    Sets each summary's `html` (formulas replaced) and `math_css`, and adds per-summary
    warnings to `s.warnings`. `complete`: these are all the site's summaries, so cached
    formulas no summary uses any more may be dropped from the store (MathStore.keep_only).
    The store is used even by `build --clean`: its keys hold everything that decides a result.
    """
    build = config.math == "build"
    found = {s.id: typeset.formulas(s.html) for s in summaries}
    for s in summaries:
        s.math_css = ()
    if not any(found.values()):
        return []
    engine = engine_for(config, site_root)
    if engine is None:
        if build:
            return [f"math: build needs Node: {MISSING}; formulas are typeset in the browser instead (math: client)"]
        return [f"math not checked: {MISSING}"]
    store = store_for(site_root)
    try:
        per_summary = {s.id: typeset.with_preludes(found[s.id]) for s in summaries}
        keys = {item: engine.key(*item) for items in per_summary.values() for item in items}
        known = store.get_many(sorted(set(keys.values())))
        todo = sorted({item for item, key in keys.items() if key not in known})
        warnings: list[str] = []
        if todo:
            try:
                results, said = typeset.typeset_all(engine, todo, jobs, progress, snapshot_for(engine, site_root))
            except MathJaxError as exc:
                return [f"math: MathJax failed ({exc}); " + (
                    "formulas are typeset in the browser instead" if build else "formulas not checked")]
            fresh = {keys[item]: result for item, result in zip(todo, results)}
            store.put_many(fresh)
            known.update(fresh)
            warnings += [f"MathJax: {message}" for message in said]
        base = base_path(config.root_url)
        known = {key: _ascii_html(result) for key, result in known.items()}  # once per distinct formula
        for s in summaries:
            results = [known[keys[item]] for item in per_summary[s.id]]
            s.html, s.math_css = _replace(s.html, results, build, base)
            s.warnings += _formula_warnings(per_summary[s.id], results)
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


def _replace(fragment: str, results: list[Typeset], build: bool, base: str = "/") -> tuple[str, tuple[str, ...]]:
    """The fragment with its formulas (in order) typeset, or shown as TeX where MathJax failed."""
    tokens: set[str] = set()
    it = iter(results)

    def swap(m) -> str:
        result = next(it)
        if result.error is not None:
            tex, display = typeset._tex(m)
            code = f'<code class="math-error" title="{html.escape(result.error)}">{html.escape(tex)}</code>'
            return f'<pre class="math-error-block">{code}</pre>' if display else code
        if not build:
            return m.group(0)
        tokens.update(result.tokens)
        out = under_base_path(result.html, base)  # a root-relative \href, for a site in a sub-folder
        if m.group("inline") is not None:
            wide = " wide wider" if result.width > WIDER_EM else " wide" if result.width > WIDE_EM else ""
            return f'<span class="math inline{wide}">{out}</span>'
        return f'<div class="math display">{out}</div>'

    out = typeset._MATH.sub(swap, fragment)
    return out, tuple(sorted(tokens))


def _formula_warnings(items: list[tuple[str, bool, tuple[str, ...]]], results: list[Typeset]) -> list[str]:
    out: list[str] = []
    for (tex, _, _), result in zip(items, results):
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
