"""The one store of derived artifacts under .shiplog-cache/, its key scheme and its one atomic write.

    render/load-<code>.pickle    parsed records, by content key (records.py)
    render/pages-<out>.pickle    per output folder: each page's key and the site attributes it read
    render/uptodate-<out>.pickle per output folder: the inventory of the last build (uptodate.py)
    render/jinja/                compiled templates (Jinja's own bytecode cache)
    proofs/<slug>.json           the last verified proof run of each card (proofs.py)
    blobs/<kind>/<key>           content-addressed artifacts: pictures a build made (Blobs)
    serve/                       where `shiplog serve` builds

Key scheme: a key is `digest(kind, version, *inputs)`: what is made, the version of whatever makes
it (CODE_VERSION for records and pages, the renderer's version for pictures) and every input, in
bytes. A key names its artifact exactly, so a hit is what a clean build would make, and nothing
is ever invalidated by time. Every file here is written by `atomic_write`: a reader sees the old
file or the new one, never half; anything unreadable is dropped, since the store is only a speed-up.
Imports nothing heavy (the up-to-date check runs before jinja2 or YAML load)."""
from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import logging
import os
import pickle
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CACHE_DIR = ".shiplog-cache/render"
PROOFS_DIR = ".shiplog-cache/proofs"
BLOBS_DIR = ".shiplog-cache/blobs"
SERVE_DIR = ".shiplog-cache/serve"
"""Where serve builds by default: never _site/, so drafts shown while writing are never deployed."""
_LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "pygments", "pyyaml")


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:32]


def _code_version() -> str:
    package = Path(__file__).resolve().parent.parent
    parts: list[str | bytes] = []
    for path in sorted(package.rglob("*.py")):
        parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    for name in _LIBRARIES:
        try:
            parts.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(name)
    return digest(*parts)


CODE_VERSION = _code_version()
"""generator/*.py and the versions of the libraries that shape the output: changing shiplog
itself invalidates every cache."""


def out_digest(out: Path) -> str:
    """Names the files kept per output folder (page index, up-to-date manifest)."""
    return digest(str(out.resolve()))[:16]


def page_index_path(root: Path, out: Path) -> Path:
    """PageCache's file for one output folder: rewritten by every build into it that changed it."""
    return root / CACHE_DIR / f"pages-{out_digest(out)}.pickle"


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write `path` so that readers see the old file or the new one, never half."""
    path = str(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_pickle(path: Path, data: Any) -> None:
    atomic_write(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def read_pickle(path: Path) -> dict[str, Any]:
    """A stored dict, or {} when it is missing or unreadable (a bad cache only costs time)."""
    try:
        with path.open("rb") as f:
            data = pickle.load(f)
        return data if isinstance(data, dict) else {}
    except FileNotFoundError:
        return {}
    except Exception as exc:
        log.warning("ignoring unreadable cache %s: %s", path, exc)
        return {}


class Blobs:
    """Content-addressed artifacts of one kind (diagrams, charts, images, social cards)."""

    def __init__(self, root: Path, kind: str, version: str) -> None:
        self.folder = root / BLOBS_DIR / kind
        self.kind = kind
        self.version = version

    def key(self, *inputs: str | bytes) -> str:
        return digest(self.kind, self.version, *inputs)

    def path(self, key: str) -> Path:
        return self.folder / key

    def get(self, key: str) -> bytes | None:
        try:
            with open(self.folder / key, "rb") as f:
                return f.read()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        atomic_write(self.folder / key, data)

    def make(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The stored artifact, or make() it and store it."""
        found = self.get(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found


def keep_newest(folder: Path, pattern: str, keep: int) -> None:
    """Delete all but the `keep` most recently written files matching `pattern`: one cache file per
    output folder, and builds into temporary folders (tests, previews) would otherwise pile up."""
    def written(path: Path) -> int:
        try:
            return path.stat().st_mtime_ns
        except OSError:
            return 0

    for old in sorted(folder.glob(pattern), key=written, reverse=True)[keep:]:
        old.unlink(missing_ok=True)
