"""A rich progress bar for long builds: shown only on a terminal, and only after ~2 s.

Short builds (and warm rebuilds) print nothing extra; a build that is still
rendering after DELAY seconds gets a bar per stage on stderr, which disappears
when the build ends, so the summary lines stay the last thing on screen.
"""
from __future__ import annotations

import contextlib
import sys
import time
from typing import Iterator

from ..pipeline import BuildProgress

DELAY = 2.0  # seconds before a bar is worth showing


class RichProgress(BuildProgress):
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.bar = None
        self.tasks: dict[str, tuple[int, int | None]] = {}  # stage -> (done, total) before the bar shows

    def stage(self, name: str, total: int | None):
        self.tasks[name] = (0, total)

        def advance(n: int) -> None:
            done, tot = self.tasks[name]
            self.tasks[name] = (done + n, tot)
            if self.bar is None and time.monotonic() - self.started > DELAY:
                self._show()
            if self.bar is not None:
                if name not in self.ids:  # a stage that started after the bar appeared
                    self.ids[name] = self.bar.add_task(name, total=tot)
                self.bar.update(self.ids[name], completed=self.tasks[name][0])

        return advance

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), transient=True, console=Console(file=sys.stderr))
        self.ids = {name: self.bar.add_task(name, total=total, completed=done)
                    for name, (done, total) in self.tasks.items()}
        self.bar.start()

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@contextlib.contextmanager
def progress_display(enabled: bool) -> Iterator[BuildProgress | None]:
    if not enabled:
        yield None
        return
    progress = RichProgress()
    try:
        yield progress
    finally:
        progress.stop()
