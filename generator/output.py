"""Stage 4, the only writer: build the whole site in a temp folder, then swap it in.

If anything fails before the swap, the previous output folder is left exactly as it was.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from .errors import SiteError
from .render import Output


def safe_destination(base: Path, rel: str) -> Path:
    """The file for an output path; refuses anything that would land outside `base`."""
    dest = (base / rel).resolve()
    if not rel or rel.startswith("/") or ".." in Path(rel).parts or not dest.is_relative_to(base.resolve()):
        raise SiteError(f"refusing to write {rel!r}: it is outside the output folder",
                        hint="output paths come from slugs; check the file names in content/ and projects/")
    return dest


def check_output_dir(out: Path, root: Path) -> None:
    """The output folder is replaced whole, so it must never be the site itself or someone's files."""
    out, root = out.resolve(), root.resolve()
    if out == root or root.is_relative_to(out) or out in {Path.home().resolve(), Path("/")}:
        raise SiteError(f"output folder {out} would contain the site itself", hint="use --out _site")
    if out.is_dir() and any(out.iterdir()) and not (out / "index.html").exists() \
            and not (out / "404.html").exists():
        raise SiteError(f"output folder {out} is not empty and does not look like a built site",
                        hint="shiplog replaces the whole folder; pick an empty or new one")


def copy_tree(source: Path, dest: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, dest, dirs_exist_ok=True)


def write_site(outputs: Iterable[Output], out: Path, static_dirs: Iterable[tuple[Path, str]]) -> int:
    """Write every output and static folder into a fresh temp dir, then swap it in as `out`."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    count = 0
    try:
        for source, prefix in static_dirs:
            copy_tree(source, tmp / prefix)
        made: set[Path] = set()
        for output in outputs:
            dest = safe_destination(tmp, output.path)
            if dest.parent not in made:
                dest.parent.mkdir(parents=True, exist_ok=True)
                made.add(dest.parent)
            dest.write_text(output.text, encoding="utf-8", newline="\n")
            count += 1
        swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return count


def swap_in(new: Path, out: Path) -> None:
    """Replace `out` with `new`: two renames, so readers see the old or the new site, never half."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(new, out)
    shutil.rmtree(old, ignore_errors=True)
