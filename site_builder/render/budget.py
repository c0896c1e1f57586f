"""A work budget per summary: past it, the summary is shown as its escaped source.

Every reader and renderer is meant to take time linear in its input, but the
renderers lean on libraries (mwparserfromhell above all) whose worst cases are
not, and a crafted summary must not hold a build for minutes. So each stage that
scans text *charges* what it scans to the budget of the summary being rendered,
and a stage whose cost can grow faster than its input (a mwparserfromhell parse)
charges an upper estimate of its worst case *before* it runs. When the total
passes the limit, BudgetExceeded ends the rendering and the summary is shown as
escaped text, with a warning.

The budget counts work, not time, so the same input gives the same page on a
fast and on a slow machine: a step is about one character scanned by one pass,
and a summary of ordinary text spends a few dozen steps per character (the
largest real summaries spend well under a million), against a default limit of
`render_budget` = 200 million. The work estimate cannot see inside every library, so a
wall-clock limit (`render_timeout`, generous: 60 s) is also checked at each
charge, as a safety net that no ordinary input comes near; only a summary
stopped by it gives output that depends on the machine, and such a result is
never kept in the build cache.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from html import escape
from typing import Iterator

DEFAULT_MILLION_STEPS = 200
DEFAULT_SECONDS = 60
MILLION = 1_000_000


class BudgetExceeded(Exception):
    """Rendering one summary needs more work (or time) than its budget allows."""

    def __init__(self, message: str, *, timed_out: bool = False):
        super().__init__(message)
        self.timed_out = timed_out


@dataclass
class Budget:
    limit: int  # steps
    deadline: float | None  # time.perf_counter() value, or None
    seconds: float = 0.0
    spent: int = 0

    def charge(self, steps: int, what: str) -> None:
        self.spent += steps
        if self.spent > self.limit:
            raise BudgetExceeded(
                f"rendering needs more than its work budget ({self.limit / MILLION:,g} million steps, "
                f"render_budget) at {what}")
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise BudgetExceeded(
                f"rendering took longer than its time limit ({self.seconds:g} s, render_timeout) at {what}",
                timed_out=True)


_ACTIVE: ContextVar[Budget | None] = ContextVar("render_budget", default=None)


def charge(steps: int, what: str) -> None:
    """Count `steps` of work against the summary being rendered (nothing happens outside a budget)."""
    budget = _ACTIVE.get()
    if budget is not None:
        budget.charge(steps, what)


def spent() -> int:
    """Steps charged so far to the active budget (0 outside one)."""
    budget = _ACTIVE.get()
    return budget.spent if budget is not None else 0


@contextmanager
def work_budget(steps: int = DEFAULT_MILLION_STEPS * MILLION, seconds: float | None = DEFAULT_SECONDS) -> Iterator[Budget]:
    """Run the body under a budget; BudgetExceeded comes out of it when the budget is spent."""
    deadline = time.perf_counter() + seconds if seconds else None
    budget = Budget(limit=steps, deadline=deadline, seconds=seconds or 0.0)
    token = _ACTIVE.set(budget)
    try:
        yield budget
    finally:
        _ACTIVE.reset(token)


def unrendered_html(source: str) -> str:
    """The summary's source as escaped, wrapped text: what a reader sees when rendering gave up."""
    return f'<pre class="unrendered">{escape(source, quote=False)}</pre>'
