"""Render stage: markup (Markdown, flattened Markdown, wikitext) and math to safe HTML.

`summaries.render_catalog` drives it; the other modules are the renderers, the
building blocks they share, and the math step (`formulas.py`: formulas typeset by
MathJax in Node, `typeset.py`/`typeset.cjs`, with the stylesheet `mathcss.py` cuts
down and the TeX rules of `tex_safety.js`).
"""
