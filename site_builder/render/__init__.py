"""Render stage: markup (Markdown, flattened Markdown, wikitext) and math to safe HTML.

`summaries.render_catalog` drives it; the other modules are the renderers and
the building blocks they share.
"""
