"""Watch the site's sources with watchdog and run one rebuild per burst of changes.

An editor's save is often several events (write a temp file, rename it over the original,
touch the folder). The Debouncer waits until the sources have been quiet for a moment, then
calls the rebuild once; changes that arrive while a rebuild runs cause exactly one more.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.incremental.inventory import SOURCE_DIRS, is_source

log = logging.getLogger(__name__)

# Opening or reading a file is not a change: the build itself reads every source.
IGNORED_EVENTS = {"opened", "closed_no_write"}
QUIET_SECONDS = 0.025
"""An editor's save (truncate and write, or write a temp file and rename it) is a burst of events
a few milliseconds long; the rebuild waits this long after the last one."""


class Debouncer:
    """Calls `action(changed)` in its own thread once the pokes have stopped for `quiet` seconds.
    `changed` is the set of paths the pokes named since the last call, or None when some poke
    could not say (then everything must be looked at)."""

    def __init__(self, action: Callable[[set[str] | None], None], quiet: float = QUIET_SECONDS) -> None:
        self.action = action
        self.quiet = quiet
        self._last = 0.0
        self._changed: set[str] | None = set()
        self._lock = threading.Lock()
        self._pending = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="shiplog-rebuild", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def poke(self, paths: Iterable[str] | None = None) -> None:
        with self._lock:
            if paths is None:
                self._changed = None
            elif self._changed is not None:
                self._changed.update(paths)
        self._last = time.monotonic()
        self._pending.set()

    def stop(self) -> None:
        """No rebuild starts after this; one in progress is not waited for (serve waits for its lock)."""
        self._stop.set()
        self._pending.set()

    def _run(self) -> None:
        while True:
            self._pending.wait()
            if self._stop.is_set():
                return
            while (wait := self._last + self.quiet - time.monotonic()) > 0:
                time.sleep(wait)
            # Clear before building: a save during the build sets it again -> one more rebuild.
            with self._lock:
                self._pending.clear()
                changed, self._changed = self._changed, set()
            if self._stop.is_set():
                return
            self.action(changed)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.root = watcher.root
        self.watcher = watcher
        self.debouncer = watcher.debouncer

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in IGNORED_EVENTS or (event.is_directory and event.event_type == "modified"):
            return
        if event.is_directory and event.event_type in ("created", "moved"):
            self.watcher.watch_new_folder(Path(str(getattr(event, "dest_path", "") or event.src_path)))
        paths = [os.path.normpath(str(p)) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        if any(is_source(Path(p), self.root) for p in paths):
            log.debug("change: %s %s", event.event_type, event.src_path)
            self.debouncer.poke(paths)


class Watcher:
    """watchdog on content/, templates/, projects/, static/ and site.yaml (not on .venv or _site)."""

    def __init__(self, root: Path, on_change: Callable[[set[str] | None], None], quiet: float = QUIET_SECONDS) -> None:
        self.root = root.resolve()
        self.debouncer = Debouncer(on_change, quiet)
        self.observer = Observer()
        self.handler = _Handler(self)
        self.watched: set[str] = set()
        # The root itself non-recursively (site.yaml, a content/ folder created later), and each
        # source folder recursively: a recursive watch on the root would also cover .venv and .git.
        self.observer.schedule(self.handler, str(self.root), recursive=False)
        for name in SOURCE_DIRS:
            self._watch(self.root / name)

    def _watch(self, folder: Path) -> bool:
        if folder.parent != self.root or folder.name not in SOURCE_DIRS or folder.name in self.watched \
                or not folder.is_dir():
            return False
        self.watched.add(folder.name)
        self.observer.schedule(self.handler, str(folder), recursive=True)
        return True

    def watch_new_folder(self, folder: Path) -> None:
        """Start watching a source folder that appeared at the top of the site (templates/, ...)."""
        if self._watch(folder):
            self.debouncer.poke()  # files may have landed in it before the watch began

    def start(self) -> None:
        self.debouncer.start()
        self.observer.start()

    def stop(self) -> None:
        self.debouncer.stop()
        self.observer.stop()
        self.observer.join(timeout=2)
