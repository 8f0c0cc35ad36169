"""build(): the whole pipeline, one stage per line."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

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


def build(root: Path, out: Path | None = None, *, drafts: bool = False,
          proofs: bool = True) -> BuildResult:
    """Build the site at `root` into `out` (default root/_site). BuildFailed lists every mistake;
    on any failure the previous output is left untouched."""
    start = time.monotonic()
    config = load_config(root)
    out = (out or config.root / "_site").resolve()
    try:
        check_output_dir(out, config.root)
    except SiteError as exc:
        raise BuildFailed([exc]) from None
    loaded = load_site(config)                                   # read + validate everything first
    loaded = type(loaded)(loaded.posts, loaded.pages,
                          prove_all(config.root, loaded.projects, run=proofs))
    site = assemble(config, loaded, with_drafts=drafts)         # pure
    try:
        outputs = render_site(site, make_env(config))           # pure
        files = write_site(outputs, out, [(THEME_DIR / "static", "static"),
                                          (config.templates_dir / "static", "static"),
                                          (config.static_dir, "")])
    except SiteError as exc:
        raise BuildFailed([exc]) from None
    seconds = time.monotonic() - start
    log.info("built %d files in %.2fs", files, seconds)
    return BuildResult(site, out, files, seconds)
