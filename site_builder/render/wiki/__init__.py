"""Pieces of the MediaWiki wikitext renderer; the entry point is render.wikitext."""
