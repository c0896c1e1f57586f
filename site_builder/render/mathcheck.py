"""Check every formula with MathJax itself (in Node) at build time.

A formula MathJax cannot typeset would show as a red error in the browser; here
it is found during the build, listed as a warning, and shown to readers as its
TeX source in a code element instead. The check needs `node` and the npm
package `mathjax`; without them it is skipped (and the build says so once).
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

_MATH = re.compile(
    r'<span class="math inline">\\\((?P<inline>.*?)\\\)</span>|<div class="math display">(?P<display>.*?)</div>',
    re.S,
)
SCRIPT = Path(__file__).with_name("mathcheck.mjs")


def find_mathjax(roots: list[Path]) -> Path | None:
    """The folder whose node_modules holds mathjax, if any."""
    for root in roots:
        if (root / "node_modules" / "mathjax" / "package.json").is_file():
            return root
    return None


def formulas(fragment: str) -> list[tuple[str, bool]]:
    out = []
    for m in _MATH.finditer(fragment):
        if m.group("inline") is not None:
            out.append((html.unescape(m.group("inline")), False))
        else:
            tex = html.unescape(m.group("display"))
            out.append((re.sub(r"^\\\[(.*)\\\]$", r"\1", tex, flags=re.S), True))
    return out


def check(items: list[tuple[str, bool]], npm_root: Path, cache_file: Path | None = None) -> dict[tuple[str, bool], str]:
    """Errors by formula; an empty dict when all typeset.

    MathJax takes a few milliseconds a formula, so verdicts are cached per
    MathJax version in `cache_file` and only new formulas go to Node.
    """
    version = json.loads((npm_root / "node_modules" / "mathjax" / "package.json").read_text(encoding="utf-8"))["version"]
    cache = _load_cache(cache_file, version)
    unique = sorted(set(items))
    todo = [it for it in unique if _key(it) not in cache]
    if todo:
        proc = subprocess.run(
            [shutil.which("node") or "node", str(SCRIPT), str(npm_root)],
            input=json.dumps(todo), capture_output=True, text=True, timeout=600,
        )
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "node failed")
        for item, err in zip(todo, json.loads(proc.stdout)):
            cache[_key(item)] = err
        _save_cache(cache_file, version, cache)
    return {item: cache[_key(item)] for item in unique if cache.get(_key(item))}


def _key(item: tuple[str, bool]) -> str:
    return ("D" if item[1] else "I") + item[0]


def _load_cache(path: Path | None, version: str) -> dict[str, str | None]:
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("results", {}) if data.get("mathjax") == version else {}


def _save_cache(path: Path | None, version: str, cache: dict[str, str | None]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"mathjax": version, "results": cache}, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def replace_failed(fragment: str, errors: dict[tuple[str, bool], str]) -> str:
    """Swap each failing formula for its TeX source, readable and not re-typeset."""
    def swap(m: re.Match) -> str:
        (tex, display), = formulas(m.group(0))
        err = errors.get((tex, display))
        if not err:
            return m.group(0)
        code = f'<code class="math-error" title="{html.escape(err)}">{html.escape(tex)}</code>'
        return f'<pre class="math-error-block">{code}</pre>' if display else code

    return _MATH.sub(swap, fragment)
