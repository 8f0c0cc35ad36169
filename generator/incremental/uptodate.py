"""`shiplog build` with nothing changed: answered from the last build's manifest, by stat() alone,
before jinja2, markdown-it-py, Pygments or YAML are imported.

After each successful incremental build the CLI writes .shiplog-cache/render/uptodate-<out>.pickle:

    options   site folder, output folder, drafts, proofs, SOURCE_DATE_EPOCH, Python, CODE_VERSION
    inputs    the stat signature of every file the build could read (site.yaml, content/, the
              project folders with a card, the site's and the theme's templates and static files,
              the proof cache) and of every folder walked to find them (adding, removing or
              renaming a file changes its folder's mtime), or None for one that did not exist
    taken_ns  when `inputs` was taken: BEFORE the build read anything, so an edit racing the build
              shows as a change. An input changed within RACY_SECONDS of it is not trusted: a
              second change within the file system's clock tick could leave its signature as it was
    outputs   the signature of every file the build left in the output folder, and of its page
              index (any other build into that folder rewrites it)
    summary   what the CLI printed

A build whose options match, and whose every input and output still has its signature, would make
the same files again (the output is a function of those inputs), so it prints the summary and
stops. Anything else - no manifest, an unreadable one, any difference, an input this module cannot
watch (a symlinked folder) - falls through to the normal build, which then writes a new manifest.
The CLI deletes the manifest before every build, so a failed or interrupted one leaves none.
"""
from __future__ import annotations

import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

from generator.incremental import inventory
from generator.incremental.inventory import Inventory, signature
from generator.incremental.store import (CACHE_DIR, CODE_VERSION, PROOFS_DIR, keep_newest, out_digest,
                                         page_index_path, write_pickle)

FORMAT = 2
KEEP_MANIFESTS = 4


def manifest_path(root: Path, out: Path) -> Path:
    return root / CACHE_DIR / f"uptodate-{out_digest(out)}.pickle"


def options(root: Path, out: Path, drafts: bool, proofs: bool, search: bool = True) -> dict[str, Any]:
    """Everything besides the files that decides what a build makes."""
    return {"root": str(root.resolve()), "out": str(out.resolve()), "drafts": drafts,
            "proofs": proofs, "search": search, "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
            "python": sys.version, "code": CODE_VERSION}


def snapshot(root: Path) -> tuple[Inventory, int] | None:
    """The inventory of everything a build of `root` can read (with the proof results), and when
    it was taken; None when some input cannot be watched."""
    return inventory.take(root, (root.resolve() / PROOFS_DIR,))


def record(root: Path, out: Path, opts: dict[str, Any], taken: tuple[Inventory, int],
           written: set[str] | frozenset[str], summary: dict[str, int]) -> None:
    """Write the manifest of a build that just succeeded; nothing if an output is unaccounted for."""
    out = out.resolve()
    prefix = str(out) + os.sep
    outputs = {prefix + rel: signature(prefix + rel) for rel in sorted(written)}
    index = str(page_index_path(root.resolve(), out))
    outputs[index] = signature(index)
    if None in outputs.values():
        return
    inputs, taken_ns = taken
    data = {"format": FORMAT, "options": opts, "inputs": inputs, "taken_ns": taken_ns,
            "outputs": outputs, "summary": summary}
    path = manifest_path(root.resolve(), out)
    write_pickle(path, data)
    keep_newest(path.parent, "uptodate-*.pickle", KEEP_MANIFESTS)


def forget(root: Path, out: Path) -> None:
    """Before a build: whatever happens next, the old manifest no longer speaks for the folder."""
    try:
        manifest_path(root.resolve(), out).unlink()
    except (FileNotFoundError, NotADirectoryError):
        pass


def check(root: Path, out: Path, opts: dict[str, Any]) -> tuple[dict[str, int] | None, str]:
    """(the last build's summary, "up to date") when building again would change nothing,
    else (None, why not)."""
    path = manifest_path(root.resolve(), out)
    try:
        with path.open("rb") as f:
            data = pickle.load(f)
        if data["format"] != FORMAT:
            return None, "the manifest is from another version"
        recorded_options, inputs, outputs = data["options"], data["inputs"], data["outputs"]
        taken_ns = data["taken_ns"]
        summary = data["summary"]
    except FileNotFoundError:
        return None, "no manifest of a previous build"
    except Exception as exc:  # a manifest is only a speed-up: a bad one means a normal build
        return None, f"unreadable manifest {path}: {exc!r}"
    if recorded_options != opts:
        changed = sorted(k for k in opts.keys() | recorded_options.keys()
                         if opts.get(k) != recorded_options.get(k))
        return None, f"options changed: {', '.join(changed)}"
    why = inventory.first_difference(inputs, taken_ns)
    if why is not None:
        return None, why
    for name, recorded in outputs.items():
        if signature(name) != recorded:
            return None, f"output changed or missing: {name}"
    return summary, "up to date"
