"""serve's search index: made in a background thread after each build and answered from memory.

A reload never waits for it: the build publishes first, then asks for an index. A request that
comes while the first index is being made gets 503 and the search box says so; later ones get
the previous index until the new one is ready. Edits that change no indexed page (a template of
the tag pages, the CSS) find the index in the store.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path

from generator.errors import SiteError

log = logging.getLogger(__name__)


class LiveIndex:
    def __init__(self, root: Path, out: Path) -> None:
        self.root, self.out = root, out
        self.files: dict[str, bytes] | None = None
        """Path under /pagefind/ -> bytes; replaced whole, so a reader never sees half of one."""
        self.error: str | None = None
        self._pages: list[str] | None = None
        self._wanted = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
        self._thread.start()

    def refresh(self, written: Iterable[str]) -> None:
        """Index the pages of the build that just finished (the newest request wins)."""
        with self._wanted:
            self._pages = sorted(p for p in written if p.endswith(".html"))
            self._wanted.notify()

    def get(self, rel: str) -> bytes | None:
        files = self.files
        return None if files is None else files.get(rel)

    def ready(self) -> bool:
        return self.files is not None

    def stop(self) -> None:
        with self._wanted:
            self._stopping = True
            self._wanted.notify()

    def _run(self) -> None:
        from generator.searchindex import index_in_memory
        while True:
            with self._wanted:
                self._wanted.wait_for(lambda: self._pages is not None or self._stopping)
                if self._stopping:
                    return
                pages, self._pages = self._pages, None
            try:
                _, self.files = index_in_memory(self.root, self.out, pages or ())
                self.error = None
            except SiteError as exc:
                self.error = str(exc)
                log.warning("search index: %s", exc)
            except Exception:                               # a bug must not stop the preview
                log.exception("search index failed")
