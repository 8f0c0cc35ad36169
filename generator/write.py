"""The last stage, and the only code that writes the site: into a stage folder, then swapped in.

If anything fails before the swap, the previous output folder is left exactly as it was. Render
workers hand their pages to `Stage.put` as they finish them (the render itself writes nothing).
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from generator.errors import SiteError
from generator.incremental.store import atomic_write
from generator.searchindex import INDEX_DIR
from generator.render.pages import Rendering


DERIVED = f"{INDEX_DIR}/"
"""Files `finish` makes from the written site: an in-place update leaves them to it."""


def safe_destination(base: Path, rel: str) -> Path:
    """The file for an output path; refuses anything that would land outside `base`."""
    dest = (base / rel).resolve()
    if not rel or rel.startswith("/") or ".." in Path(rel).parts or not dest.is_relative_to(base.resolve()):
        raise SiteError(f"refusing to write {rel!r}: it is outside the output folder",
                        hint="output paths come from slugs; check the file names in content/ and projects/")
    return dest


def _fresh_destination(base: str, rel: str) -> str:
    """safe_destination for a folder this module just made, which holds no symlinks: the same
    refusals, decided from the path's text instead of asking the file system about each file."""
    parts = rel.split("/")
    if not rel or rel.startswith("/") or ".." in parts:
        raise SiteError(f"refusing to write {rel!r}: it is outside the output folder",
                        hint="output paths come from slugs; check the file names in content/ and projects/")
    return os.path.join(base, rel)


def check_output_dir(out: Path, root: Path) -> None:
    """The output folder is replaced whole, so it must never be the site itself or someone's files."""
    out, root = out.resolve(), root.resolve()
    if out == root or root.is_relative_to(out) or out in {Path.home().resolve(), Path("/")}:
        raise SiteError(f"output folder {out} would contain the site itself", hint="use --out _site")
    if out.is_dir() and any(out.iterdir()) and not (out / "index.html").exists() \
            and not (out / "404.html").exists():
        raise SiteError(f"output folder {out} is not empty and does not look like a built site",
                        hint="shiplog replaces the whole folder; pick an empty or new one")


def static_files(static_dirs: Iterable[tuple[Path, str]]) -> dict[str, Path]:
    """Output path -> source file of every static file; a later folder overrides an earlier one."""
    files: dict[str, Path] = {}
    for source, prefix in static_dirs:
        if not source.is_dir():
            continue
        for path in sorted(source.rglob("*")):
            if path.is_file():
                rel = path.relative_to(source).as_posix()
                files[f"{prefix}/{rel}" if prefix else rel] = path
    return files


def make_stage(out: Path) -> Path:
    """A fresh folder beside `out` (same file system, so its files can be renamed into place)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    for old in out.parent.glob(f".{out.name}.tmp-*"):     # left by a process that was killed
        pid = old.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    stage = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    return stage


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_text(dest: str, text: str, made: set[str]) -> None:
    parent = os.path.dirname(dest)
    if parent not in made:
        os.makedirs(parent, exist_ok=True)
        made.add(parent)
    with open(dest, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


class Stage:
    """A fresh folder beside the output folder that rendered pages are put in, by any process."""

    def __init__(self, out: Path) -> None:
        self.folder = make_stage(out)
        self._made: set[str] = set()

    def put(self, rel: str, text: str) -> None:
        _write_text(_fresh_destination(str(self.folder), rel), text, self._made)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _same_bytes(path: str, data: bytes) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def write_site(rendering: Rendering, out: Path, static_dirs: Iterable[tuple[Path, str]],
               stage: Path | None = None, previous: set[str] | None = None,
               finish: Callable[[Path, set[str]], Iterable[str]] | None = None) -> tuple[int, set[str]]:
    """Put every output and static file in `out`; returns (outputs, every file path written).

    With no `previous`, the whole site is made in the stage (a fresh temp dir) and swapped in as
    `out`. With `previous`, the files the last build left in `out` (it is intact), `out` is
    updated in place: only files that changed are written (each atomically: renamed into place),
    pages the last build wrote unchanged (`rendering.kept`) are left alone, and files no longer
    built go. Pages in `rendering.sunk` were put in the stage by the render workers. If anything fails
    before this point the previous output is untouched.

    `finish(folder, files)` makes what is derived from the written site (the search index) in
    `folder`, the stage before it is swapped in or `out` once it is updated; it returns the paths
    it wrote."""
    out = out.resolve()
    stage = make_stage(out) if stage is None else stage
    statics = {**static_files(static_dirs), **rendering.assets}
    produced = set(rendering.paths)
    files = set(statics) | produced
    try:
        if previous is not None and out.is_dir():
            derived = {p for p in previous if p.startswith(DERIVED)} if finish is not None else set()
            _update_in_place(rendering, out, stage, statics, produced, previous - files - derived)
            shutil.rmtree(stage, ignore_errors=True)
            if finish is not None:
                files |= set(finish(out, files))
        else:
            _fill_stage(rendering, out, stage, statics, produced)
            if finish is not None:
                files |= set(finish(stage, files))
            swap_in(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return len(produced), files


def _fill_stage(rendering: Rendering, out: Path, stage: Path, statics: dict[str, Path],
                produced: set[str]) -> None:
    base = str(stage)
    made: set[str] = set()
    for rel, source in statics.items():
        if rel not in produced:      # a generated file wins over a static one of the same name
            dest = _fresh_destination(base, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy2(source, dest)
    for rel in rendering.kept:        # the last build's file in `out` is this page, byte for byte
        dest = _fresh_destination(base, rel)
        parent = os.path.dirname(dest)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        shutil.copyfile(out / rel, dest)
    for output in rendering.outputs:
        _write_text(_fresh_destination(base, output.path), output.text, made)


def _update_in_place(rendering: Rendering, out: Path, stage: Path, statics: dict[str, Path],
                     produced: set[str], stale: set[str]) -> None:
    base, staged = str(out), str(stage)
    for rel, source in statics.items():
        if rel not in produced:
            data = source.read_bytes()
            dest = _fresh_destination(base, rel)
            if not _same_bytes(dest, data):
                atomic_write(dest, data)
                shutil.copystat(source, dest)
    for rel in rendering.sunk:        # kept pages, most of a rebuild, are in place already
        dest = _fresh_destination(base, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        os.replace(_fresh_destination(staged, rel), dest)
    for output in rendering.outputs:
        dest = _fresh_destination(base, output.path)
        data = output.text.encode("utf-8")
        if not _same_bytes(dest, data):
            atomic_write(dest, data)
    for rel in sorted(stale, reverse=True):
        dest = Path(_fresh_destination(base, rel))
        dest.unlink(missing_ok=True)
        parent = dest.parent
        while parent != out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def swap_in(new: Path, out: Path) -> None:
    """Replace `out` with `new`: two renames, so readers see the old or the new site, never half."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(new, out)
    shutil.rmtree(old, ignore_errors=True)
