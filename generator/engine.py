"""build(): the whole pipeline, one stage per line."""
from __future__ import annotations

import gc
import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.incremental.cache import CACHE_DIR, LoadMemo, PageCache, Warm
from generator.load.config import load_config
from generator.errors import BuildFailed, SiteError
from generator.load.read import load_site
from generator.model import Site
from generator.write import check_output_dir, make_stage, write_site
from generator.proofs import prove_all
from generator.render.pages import render_site
from generator.assemble import assemble
from generator.render.templates import THEME_DIR, make_env, templates_state

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BuildResult:
    site: Site
    out: Path
    files: int
    seconds: float
    rendered: int = 0
    """Template outputs rendered by this build; the rest came unchanged from the cache."""
    reused: int = 0
    written: frozenset[str] = frozenset()
    """Every file this build put in `out` (pages and static files), relative to it."""


class _Laps:
    """Wall and CPU seconds of each stage, for --debug (the CPU of worker processes is in `render`
    and `load` as wall time only)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.laps: list[tuple[str, float, float]] = []

    def __call__(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.laps.append((name, wall - self.wall, cpu - self.cpu))
        self.wall, self.cpu = wall, cpu

    def report(self) -> str:
        return ", ".join(f"{name} {wall:.2f}s (cpu {cpu:.2f}s)" for name, wall, cpu in self.laps)


def build(root: Path, out: Path | None = None, *, drafts: bool = False,
          proofs: bool = True, incremental: bool = True, warm: Warm | None = None,
          changed: set[str] | None = None) -> BuildResult:
    """Build the site at `root` into `out` (default root/_site). BuildFailed lists every mistake;
    on any failure the previous output is left untouched. `incremental` reuses what the last
    build made from the same inputs (cache.py); the output is the same byte for byte. `warm`
    (serve) keeps those caches in memory between the builds of one process; with it, `changed`
    (the paths the file watcher saw change since the last build, None if unknown) lets the posts
    that are not among them be taken as they were, without looking at the files."""
    collecting = gc.isenabled()
    # A build makes hundreds of thousands of objects and frees them by reference counting; the
    # collector's full passes over 10,000 posts' records found nothing, and cost 0.3 s of a
    # rebuild. It runs again once the build is done.
    gc.disable()
    try:
        return _build(root, out, drafts, proofs, incremental, warm, changed)
    finally:
        if collecting:
            gc.enable()


def _build(root: Path, out: Path | None, drafts: bool, proofs: bool, incremental: bool,
           warm: Warm | None, changed: set[str] | None) -> BuildResult:
    start = time.monotonic()
    config = load_config(root)
    out = (out or config.root / "_site").resolve()
    try:
        check_output_dir(out, config.root)
    except SiteError as exc:
        raise BuildFailed([exc]) from None
    lap = _Laps()
    memo = LoadMemo(config.root, warm, changed) if incremental else None
    lap("start")
    loaded = load_site(config, memo)                             # read + validate everything first
    lap("load")
    if memo is not None:
        memo.save(background=True)                               # written while the site renders
        lap("save load cache")
    try:
        loaded = type(loaded)(loaded.posts, loaded.pages,
                              prove_all(config.root, loaded.projects, run=proofs))
        site = assemble(config, loaded, with_drafts=drafts)         # pure
        env = warm.environment(templates_state(config), lambda: make_env(config)) if warm is not None \
            else make_env(config)
        pages = None
        if incremental:
            # Compiling templates is most of a small rebuild; Jinja checks each source's checksum.
            jinja_dir = config.root / CACHE_DIR / "jinja"
            jinja_dir.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(jinja_dir))
            pages = PageCache(config.root, out, site, env, memo.key_of if memo else None, warm)
        lap("assemble")
        stage = make_stage(out)                                      # workers write new pages here
        try:
            outputs = render_site(site, env, pages, stage)          # pure but for cache reads
            lap("render")
            files, written = write_site(outputs, out, [(THEME_DIR / "static", "static"),
                                                       (config.templates_dir / "static", "static"),
                                                       (config.static_dir, "")],
                                        stage, pages.previous_files if pages else None)
            lap("write")
        except SiteError as exc:
            raise BuildFailed([exc]) from None
        finally:
            shutil.rmtree(stage, ignore_errors=True)                # gone already unless it failed
        if pages is not None:
            pages.files = written
            pages.save()                                             # only once the output is in place
            lap("save page cache")
        log.debug("stages: %s", lap.report())
        seconds = time.monotonic() - start
        rendered, reused = (pages.misses, pages.hits) if pages else (len(outputs), 0)
        log.info("built %d files in %.2fs (%d rendered, %d reused)", files, seconds, rendered, reused)
        return BuildResult(site, out, files, seconds, rendered, reused, frozenset(written))
    finally:
        if memo is not None:
            memo.wait()                                          # the load cache is on disk

