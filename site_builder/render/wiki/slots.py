"""Turn placeholders back into HTML: math, verbatim text, code, galleries, notes."""
from __future__ import annotations

from html import escape, unescape

from ..html import math_display, math_inline
from . import images
from .highlight import highlight_block, highlight_inline
from .state import REFLIST, Slot, State, block


def expand(state: State, slot: Slot) -> str:
    if slot.kind == "math":
        if slot.mode == "display":
            return block(math_display(slot.body))
        return math_inline(slot.body)
    if slot.kind == "nowiki":  # entities still show as their characters, as on the wiki
        return escape(unescape(slot.body), quote=False)
    if slot.kind == "pre":
        return block(f"<pre>{escape(unescape(slot.body.strip(chr(10))), quote=False)}</pre>")
    if slot.kind == "code":
        if slot.inline:
            return highlight_inline(slot.body)
        return block(highlight_block(slot.body, slot.lang))
    if slot.kind == "gallery":
        return images.render_gallery(state, slot.body)
    if slot.kind == "ref":
        return state.notes.cite(slot.name, slot.body)
    if slot.kind == "reflist":
        return block(REFLIST)
    return ""
