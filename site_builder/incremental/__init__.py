"""Incremental rebuilds for a long-running process (the preview server).

A `Session` keeps what its last build knew (catalog, rendered pages and what
each page read) so that, after an edit to the text of a few summaries, the next
build re-renders those summaries and only the pages whose recorded reads they
change, and rewrites only the files whose bytes change. Any other change (a new
or deleted file, metadata, config, templates) falls back to a full build, which
uses the build cache as `site-builder build` does.
"""
__all__ = ["Session"]


def __getattr__(name: str):
    # Imported on first use: `site-builder build` comes through this package, and when it finds
    # nothing changed it never needs the session (nor the renderers and Jinja that it imports).
    if name == "Session":
        from .session import Session

        return Session
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
