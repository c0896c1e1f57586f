"""`partial(template, macro, *args)`: a macro rendered once per build for the same arguments.

Hugo's `partialCached`, for Jinja. A paper's entry in a listing is the same
HTML on every topic, year, author and venue page that lists it: at 10,000
summaries it was rendered some 70,000 times for 8,500 distinct results, which
was most of the time spent on pages. Templates ask for it with
`{{ partial("_macros.html", "item", entry) }}` and get the first rendering.

The arguments must be catalog objects or plain values, and the macro a function
of them (and of the site's globals), as theme macros are. The page cache
(pagecache.py) records such a call as one step, verified by calling it again,
so a page that lists an entry depends on the entry's HTML and nothing else;
while the macro renders, the page's own recording is paused (`quiet`).
"""
from __future__ import annotations

import contextlib
from typing import Any, Callable, ContextManager

from jinja2 import Environment


class Partials:
    def __init__(self, env: Environment) -> None:
        self.env = env
        # (template, macro, argument ids) -> (arguments, HTML). The arguments are kept so that
        # their ids cannot be reused by other objects while the entry lives.
        self.memo: dict[tuple, tuple[tuple, Any]] = {}
        self.quiet: Callable[[], ContextManager] = contextlib.nullcontext  # set by the page recorder

    def __call__(self, template: str, macro: str, *args: Any) -> Any:
        key = (template, macro, *map(id, args))
        hit = self.memo.get(key)
        if hit is None:
            with self.quiet():
                html = getattr(self.env.get_template(template).module, macro)(*args)
            hit = self.memo[key] = (args, html)
        return hit[1]

    def forget(self) -> None:
        """Drop every rendering: the catalog changed (an incremental rebuild)."""
        self.memo.clear()


def install(env: Environment) -> Partials:
    partials = env.globals["partial"] = Partials(env)
    return partials


def forget(env: Environment) -> None:
    partials = env.globals.get("partial")
    if isinstance(partials, Partials):
        partials.forget()
