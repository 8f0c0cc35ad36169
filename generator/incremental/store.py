"""What the caches share and what `shiplog build`'s up-to-date check needs before anything heavy is
imported (no jinja2, markdown-it-py, Pygments or YAML here): where the caches live, the digest,
the generator's code version and the racy-clean window."""
from __future__ import annotations

import hashlib
import importlib.metadata
import os
import pickle
import threading
from pathlib import Path
from typing import Any

CACHE_DIR = ".shiplog-cache/render"
SERVE_DIR = ".shiplog-cache/serve"
"""Where serve builds by default: never _site/, so drafts shown while writing are never deployed."""
RACY_SECONDS = 2
"""A file changed this close to when its signature was taken may change again within the file
system's clock tick, leaving mtime, ctime and size as they were (git's "racily clean" rule)."""
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


Signature = tuple[int, int, int, int, int]


def signature(path: str | Path) -> Signature | None:
    """What says a file is untouched: (mtime_ns, ctime_ns, size, inode, device); None if missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev)


def changed_since(sig: Signature, ns: int) -> bool:
    """True when the file changed at or after `ns` - RACY_SECONDS: its signature cannot be trusted."""
    return max(sig[0], sig[1]) >= ns - RACY_SECONDS * 1_000_000_000


def write_pickle(path: Path, data: Any) -> None:
    """Write `path` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with tmp.open("wb") as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def keep_newest(folder: Path, pattern: str, keep: int) -> None:
    """Delete all but the `keep` most recently written files matching `pattern`: one cache file per
    output folder, and builds into temporary folders (tests, previews) would otherwise pile up."""
    def written(path: Path) -> int:
        found = signature(path)
        return found[0] if found else 0

    for old in sorted(folder.glob(pattern), key=written, reverse=True)[keep:]:
        old.unlink(missing_ok=True)
