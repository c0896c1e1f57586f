"""Point a summary's <img> elements at the mirrored copies; a figure keeps its source as its link.

Works on the renderers' own output (render/html.py's figure(), markdown's image rule),
whose <img> always starts `<img src="…"` with the URL escaped by html.escape, and
which never holds a raw "<" from the input: a plain pattern finds them all.
"""
from __future__ import annotations

import re
from html import escape

from ..render.html import EXTERNAL_REL
from .mirror import FIGURE_DIR

_FIGURE_IMG = re.compile(r'<figure([^<>]*)><img src="([^"<>]*)"([^<>]*)>')
_IMG = re.compile(r'<img src="([^"<>]*)"')


def local_path(name: str) -> str:
    return f"/{FIGURE_DIR}/{name}"


def localize(html: str, mirrored: dict[str, str]) -> str:
    """`html` with every mirrored image served from the site (root-relative paths)."""
    if not mirrored or "<img" not in html:
        return html
    local = {escape(url): local_path(name) for url, name in mirrored.items()}

    def unlinked_figure(m: re.Match) -> str:
        src = m.group(2)
        if src not in local:
            return m.group(0)
        return f'<figure{m.group(1)}><a href="{src}" rel="{EXTERNAL_REL}"><img src="{local[src]}"{m.group(3)}></a>'

    html = _FIGURE_IMG.sub(unlinked_figure, html)
    return _IMG.sub(lambda m: f'<img src="{local.get(m.group(1), m.group(1))}"', html)
