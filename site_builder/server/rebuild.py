"""One rebuild: run the pipeline under the build gate and report it on one line.

Any exception is caught (a typo in site.yaml must not stop the server): it becomes
the BuildFailure shown on every page until the next good build.
"""
from __future__ import annotations

import sys
import time
import traceback
from typing import Callable, TextIO

from jinja2 import TemplateError

from ..config import ConfigError
from ..output.assets import AssetError
from ..output.theme import template_error_message
from ..pipeline import BuildReport
from .state import BuildFailure, SiteState

# Their messages already say which file and where; a traceback would only be noise.
EXPECTED = (ConfigError, FileNotFoundError, AssetError)


def describe(exc: BaseException) -> BuildFailure:
    if isinstance(exc, EXPECTED):
        return BuildFailure(str(exc))
    if isinstance(exc, TemplateError):  # a typo in a template the user is editing: its file and line
        return BuildFailure(template_error_message(exc))
    return BuildFailure(f"{type(exc).__name__}: {exc}", "".join(traceback.format_exception(exc)))


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Rebuilder:
    def __init__(self, state: SiteState, build_once: Callable[[], BuildReport],
                 out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.state = state
        self.build_once = build_once
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self._warnings_shown: set[str] = set()

    def run(self, changed: int | None = None) -> BuildFailure | None:
        """Build once; `changed` is the number of changed files (None for the first build)."""
        started = time.perf_counter()
        failure: BuildFailure | None = None
        report: BuildReport | None = None
        with self.state.building():
            try:
                report = self.build_once()
            except Exception as exc:  # noqa: BLE001 - every failure is shown, none kills the server
                failure = describe(exc)
            self.state.finished(failure)
        seconds = time.perf_counter() - started
        what = "built" if changed is None else "rebuilt"
        extra = [] if changed is None else [f"{plural(changed, 'file')} changed"]
        if failure:
            print(f"error: {failure.message}", file=self.err, flush=True)
            print(f"build failed in {seconds:.2f} s{' (' + ', '.join(extra) + ')' if extra else ''}", file=self.out, flush=True)
            return failure
        assert report is not None
        self.show_new_warnings(report)
        if report.warnings:
            extra.append(plural(report.warnings, "warning"))
        if changed is not None and report.how:
            extra.append(report.how)
        print(f"{what} in {seconds:.2f} s{' (' + ', '.join(extra) + ')' if extra else ''}", file=self.out, flush=True)
        return None

    def show_new_warnings(self, report: BuildReport) -> None:
        """Print warnings not printed before, so an edit's new warning stands out from old ones."""
        current = [str(d) for d in report.diagnostics] + [str(w) for w in report.render_warnings]
        for line in current:
            if line not in self._warnings_shown:
                print(line, file=self.err, flush=True)
        self._warnings_shown = set(current)
