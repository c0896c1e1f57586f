"""Watch the site's inputs with watchfiles and turn bursts of saves into one rebuild.

Folders (content, templates, static) are watched recursively. The config file is
watched through its folder, non-recursively and filtered by name: editors often save
by writing a new file and renaming it over the old one, which ends a watch placed
on the file itself.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

import watchfiles

# Saves closer together than this are one burst (editors write, rename, touch...).
QUIET_SECONDS = 0.08
# watchfiles answers this often with no change: its first answer says the watches are in place.
READY_POLL_MS = 250
READY_WAIT_SECONDS = 5.0


def is_temporary(path: str, kinds: set[watchfiles.Change]) -> bool:
    """Created and gone again within one burst: an editor's or sed's temporary file, not an edit."""
    return watchfiles.Change.added in kinds and not Path(path).exists()


class ChangeQueue:
    """Changed paths from any number of watchers; `next_batch` waits for a quiet moment."""

    def __init__(self, quiet: float = QUIET_SECONDS) -> None:
        self.quiet = quiet
        self._paths: dict[str, set[watchfiles.Change]] = {}
        self._last = 0.0
        self._closed = False
        self._cond = threading.Condition()

    def add(self, changes: Iterable[tuple[watchfiles.Change, str]]) -> None:
        with self._cond:
            for change, path in changes:
                self._paths.setdefault(path, set()).add(change)
            self._last = time.monotonic()
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def next_batch(self) -> set[str] | None:
        """Paths changed in the next burst, once no change came for `quiet` seconds; None when closed.

        The set is empty when only temporary files came and went: nothing to rebuild.
        """
        with self._cond:
            while True:
                if self._closed:
                    return None
                if self._paths:
                    left = self._last + self.quiet - time.monotonic()
                    if left <= 0:
                        batch, self._paths = self._paths, {}
                        return {p for p, kinds in batch.items() if not is_temporary(p, kinds)}
                    self._cond.wait(left)
                else:
                    self._cond.wait()


class _Filter(watchfiles.DefaultFilter):
    """watchfiles' default filter (editor swap files, .git...) that also leaves out the output
    folder and its scratch folders: `ignore` holds folders (a path is left out when it is one of
    them or inside one, not when its name merely starts the same: `site` is not `site-notes`) and
    callables (left out when one says True)."""

    def __init__(self, ignore: list[Path | Callable[[str], bool]]) -> None:
        super().__init__()
        self.folders = tuple(str(p) for p in ignore if not callable(p))
        self.under = tuple(f.rstrip(os.sep) + os.sep for f in self.folders)
        self.tests = [p for p in ignore if callable(p)]

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if path in self.folders or path.startswith(self.under) or any(test(path) for test in self.tests):
            return False
        return super().__call__(change, path)


class Watcher(threading.Thread):
    """One watchfiles.watch() loop feeding a ChangeQueue until stopped."""

    def __init__(self, paths: list[Path], queue: ChangeQueue, *, recursive: bool = True,
                 only_names: set[str] | None = None, ignore: list[Path | Callable[[str], bool]] = ()) -> None:
        super().__init__(name="site-builder-watch", daemon=True)
        self.paths, self.queue, self.recursive = paths, queue, recursive
        self.stop_event = threading.Event()
        self.ready = threading.Event()  # set once the file system's watches exist (or the watch failed)
        default = _Filter(ignore)
        if only_names is None:
            self.filter = default
        else:
            self.filter = lambda change, path: Path(path).name in only_names and default(change, path)

    def run(self) -> None:
        try:
            for changes in watchfiles.watch(*self.paths, watch_filter=self.filter, stop_event=self.stop_event,
                                            recursive=self.recursive, step=30, debounce=1600, raise_interrupt=False,
                                            yield_on_timeout=True, rust_timeout=READY_POLL_MS):
                self.ready.set()
                if changes:
                    self.queue.add(changes)
        finally:
            self.ready.set()

    def start_watching(self) -> None:
        """Start, and return once the watches are in place: "Serving" is printed after this, and a
        save made the moment after must be seen (the thread alone registers them some time later)."""
        self.start()
        self.ready.wait(READY_WAIT_SECONDS)

    def stop(self) -> None:
        self.stop_event.set()
        if self is not threading.current_thread():
            self.join(timeout=5)


class Watching:
    """The watchers for a site: its folders (content, templates/, static/), recursively, and
    their parent folders non-recursively for the config file and for those folders appearing.

    `refresh()` (called before each rebuild) restarts the folder watcher when one of the
    folders appeared or vanished, e.g. a `templates/` created to override the theme.
    """

    def __init__(self, content: Path, site_root: Path, config: Path | None, queue: ChangeQueue,
                 ignore: list[Path | Callable[[str], bool]]) -> None:
        self.candidates = [content.resolve(), site_root.resolve() / "templates", site_root.resolve() / "static"]
        self.queue, self.ignore = queue, ignore
        names: dict[Path, set[str]] = {}
        for path in [*self.candidates, *([config.resolve()] if config else [])]:
            names.setdefault(path.parent, set()).add(path.name)
        self.parents = [Watcher([parent], queue, recursive=False, only_names=n) for parent, n in names.items()
                        if parent.is_dir()]
        self.folders: list[Path] = []
        self.folder_watcher: Watcher | None = None

    def start(self) -> None:
        for watcher in self.parents:
            watcher.start()
        self.refresh()
        for watcher in self.parents:
            watcher.ready.wait(READY_WAIT_SECONDS)

    def refresh(self) -> None:
        folders = [p for p in self.candidates if p.is_dir()]
        if folders == self.folders:
            return
        if self.folder_watcher:
            self.folder_watcher.stop()
        self.folders = folders
        self.folder_watcher = Watcher(folders, self.queue, ignore=self.ignore) if folders else None
        if self.folder_watcher:
            self.folder_watcher.start_watching()

    def stop(self) -> None:
        for watcher in [*self.parents, *([self.folder_watcher] if self.folder_watcher else [])]:
            watcher.stop()
