"""What requests see of the site, and the gate that keeps them off a half-built one.

A rebuild enters `building()`: it waits for reads in flight to finish and makes new
requests wait until the build, including the pipeline's folder swap, is over. Each
finished build (good or bad) bumps `generation`, which is what live reload listens to.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuildFailure:
    """Why the last build failed."""

    message: str  # one line, with file:line:column when the error gives one
    detail: str = ""  # traceback, for errors nobody anticipated


class SiteState:
    def __init__(self, output: Path, boot: str = "0") -> None:
        self.output = output
        self.boot = boot  # distinguishes this server run from a previous one on the same port
        self.generation = 0
        self.failure: BuildFailure | None = None
        self._cond = threading.Condition()
        self._readers = 0
        self._building = False
        self._closed = False

    @property
    def is_building(self) -> bool:
        return self._building

    @property
    def version(self) -> str:
        return f"{self.boot}.{self.generation}"

    @contextmanager
    def reading(self):
        with self._cond:
            self._cond.wait_for(lambda: not self._building)
            self._readers += 1
        try:
            yield self.failure, self.version
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def building(self):
        with self._cond:
            self._cond.wait_for(lambda: not self._building)
            self._building = True
            self._cond.wait_for(lambda: self._readers == 0)
        try:
            yield
        finally:
            with self._cond:
                self._building = False
                self._cond.notify_all()

    def finished(self, failure: BuildFailure | None) -> None:
        with self._cond:
            self.failure = failure
            self.generation += 1
            self._cond.notify_all()

    def wait_for_version(self, seen: str, timeout: float) -> str | None:
        """The version once it differs from `seen` (or `seen` after `timeout`); None once closed."""
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen or self._closed, timeout)
            return None if self._closed else self.version

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
