"""What a build can read, and how to tell that a file has not changed: the one place that knows.

Layout: a site is site.yaml plus the folders in SOURCE_DIRS, and shiplog's own theme. Inside them,
one skip rule (`skipped`) leaves out caches and editor scratch files; the loader, the proof hashes,
the published source lists, the up-to-date manifest and the file watcher all walk with it, so a file
is either an input everywhere or nowhere.

Change detection: a file is untouched while its stat signature (mtime, ctime, size, inode, device)
is; but a signature taken within RACY_SECONDS of the file's last change is never trusted, since a
second write within the file system's clock tick could leave it as it was (git's racy-clean rule).
Imports nothing heavy: `shiplog build` with nothing changed runs this before jinja2 or YAML load.
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

CONFIG_FILE = "site.yaml"
GIT_REFLOG = ".git/logs/HEAD"
SOURCE_DIRS = ("content", "templates", "projects", "static")
THEME_DIR = Path(__file__).resolve().parents[2] / "templates"
"""shiplog's own theme; a site's templates/ overrides any of its files."""
SKIPPED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".hypothesis", ".git",
                          "node_modules"})
"""Folders no build reads, wherever they are."""
RACY_SECONDS = 2

Signature = tuple[int, int, int, int, int]


def is_scratch(name: str) -> bool:
    """Editor backups, swap and temp files, compiled Python: never an input."""
    return (name.startswith((".#", ".~")) or name.endswith(("~", ".swp", ".swx", ".pyc", ".tmp"))
            or name == "4913")


def skipped(rel_parts: tuple[str, ...] | list[str]) -> bool:
    """True when a path (its parts below a source folder) is not an input."""
    return bool(SKIPPED_DIRS.intersection(rel_parts[:-1])) or (bool(rel_parts) and (
        rel_parts[-1] in SKIPPED_DIRS or is_scratch(rel_parts[-1])))


def files_under(folder: Path) -> Iterator[Path]:
    """Every input file under `folder`, sorted by path, by the one skip rule."""
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(names):
            if not is_scratch(name):
                yield Path(current, name)


def is_source(path: Path, root: Path) -> bool:
    """True for a file whose change can change the built site (the watcher's filter)."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    if not parts:
        return False
    if len(parts) == 1:
        return parts[0] == CONFIG_FILE or parts[0] in SOURCE_DIRS
    return parts[0] in SOURCE_DIRS and not skipped(parts[1:])


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


def trusted_signature(path: str | Path) -> Signature | None:
    """The signature, or None when it is missing or too fresh to trust."""
    found = signature(path)
    return None if found is None or changed_since(found, time.time_ns()) else found


class Unwatchable(Exception):
    """An input that stat() alone cannot see change (a symlinked folder)."""


Inventory = dict[str, Signature | None]
"""Path -> signature (None: missing) of every input file and of every folder walked to find them
(adding, removing or renaming a file changes its folder's signature)."""


def _walk(folder: str, found: Inventory) -> None:
    found[folder] = signature(folder)
    if found[folder] is None:
        return
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name in SKIPPED_DIRS or is_scratch(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                _walk(entry.path, found)
            elif entry.is_symlink() and os.path.isdir(entry.path):
                raise Unwatchable(entry.path)
            else:
                found[entry.path] = signature(entry.path)


def take(root: Path, extra_dirs: tuple[Path, ...] = ()) -> tuple[Inventory, int] | None:
    """The inventory of everything a build of `root` can read and when it was taken (taken first:
    an edit racing the walk shows as a change next time); None when some input cannot be watched.
    Only project folders that hold a card are walked: the others cannot reach the site."""
    root = root.resolve()
    taken_ns = time.time_ns()
    found: Inventory = {}
    try:
        found[str(root / CONFIG_FILE)] = signature(root / CONFIG_FILE)
        # git's reflog grows with every commit: a commit alone changes when posts were updated.
        found[str(root / GIT_REFLOG)] = signature(root / GIT_REFLOG)
        trees = [root / name for name in SOURCE_DIRS if name != "projects"] + [THEME_DIR, *extra_dirs]
        for tree in dict.fromkeys(str(t.resolve()) for t in trees):
            _walk(tree, found)
        projects = str(root / "projects")
        found[projects] = signature(projects)
        if found[projects] is not None:
            with os.scandir(projects) as entries:
                for entry in entries:
                    if entry.is_symlink() and os.path.isdir(entry.path):
                        raise Unwatchable(entry.path)
                    if not entry.is_dir(follow_symlinks=False) or entry.name in SKIPPED_DIRS:
                        continue
                    if os.path.lexists(os.path.join(entry.path, "card.yaml")):
                        _walk(entry.path, found)
                    else:
                        found[entry.path] = signature(entry.path)   # a card added changes this
    except (Unwatchable, OSError):
        return None
    return found, taken_ns


def first_difference(recorded: Inventory, taken_ns: int) -> str | None:
    """Why the files no longer match a recorded inventory, or None when every one does."""
    for name, sig in recorded.items():
        if signature(name) != sig:
            return f"changed: {name}"
        if sig is not None and changed_since(sig, taken_ns):
            return f"changed too close to the last build to trust its timestamps: {name}"
    return None
