"""build(): the whole pipeline, one stage per line."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .cache import CACHE_DIR, LoadMemo, PageCache
from .config import load_config
from .errors import BuildFailed, SiteError
from .load import load_site
from .model import Site
from .output import check_output_dir, write_site
from .proofs import prove_all
from .render import render_site
from .site import assemble
from .templates import THEME_DIR, make_env

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


def build(root: Path, out: Path | None = None, *, drafts: bool = False,
          proofs: bool = True, incremental: bool = True) -> BuildResult:
    """Build the site at `root` into `out` (default root/_site). BuildFailed lists every mistake;
    on any failure the previous output is left untouched. `incremental` reuses what the last
    build made from the same inputs (cache.py); the output is the same byte for byte."""
    start = time.monotonic()
    config = load_config(root)
    out = (out or config.root / "_site").resolve()
    try:
        check_output_dir(out, config.root)
    except SiteError as exc:
        raise BuildFailed([exc]) from None
    memo = LoadMemo(config.root) if incremental else None
    loaded = load_site(config, memo)                             # read + validate everything first
    if memo is not None:
        memo.save()
    loaded = type(loaded)(loaded.posts, loaded.pages,
                          prove_all(config.root, loaded.projects, run=proofs))
    site = assemble(config, loaded, with_drafts=drafts)         # pure
    env = make_env(config)
    pages = None
    if incremental:
        # Compiling templates is most of a small rebuild; Jinja checks each source's checksum.
        jinja_dir = config.root / CACHE_DIR / "jinja"
        jinja_dir.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(jinja_dir))
        pages = PageCache(config.root, out, site, env)
    try:
        outputs = render_site(site, env, pages)                 # pure but for cache reads
        files = write_site(outputs, out, [(THEME_DIR / "static", "static"),
                                          (config.templates_dir / "static", "static"),
                                          (config.static_dir, "")])
    except SiteError as exc:
        raise BuildFailed([exc]) from None
    if pages is not None:
        pages.save()                                             # only once the output is in place
    seconds = time.monotonic() - start
    rendered, reused = (pages.misses, pages.hits) if pages else (len(outputs), 0)
    log.info("built %d files in %.2fs (%d rendered, %d reused)", files, seconds, rendered, reused)
    return BuildResult(site, out, files, seconds, rendered, reused)
