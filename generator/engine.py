"""The engine: one site, built in explicit stages. `shiplog build`, `serve`, `check` and `status`
all drive it; nothing else wires the stages together.

    up_to_date()   the last build's manifest still holds: nothing to do (no heavy import)
    load()         site.yaml, content/, projects/*/card.yaml -> validated records
    prove()        run each card's module (cached)          -> filled claims
    assemble()     sort, tags, neighbours, stats             -> Site (pure)
    render()       Markdown is done; Jinja renders pages     -> Rendering (pure)
    write()        the stage folder, swapped in or moved into place (the only writer),
                   with the search index made from it

An Engine made with keep_warm=True (serve) keeps its caches in memory from one build to the next
and is told which files changed; a plain one reads them from the store in .shiplog-cache/.
This module imports the stages when they run: the up-to-date check needs none of them.
"""
from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import BuildFailed, SiteError
from generator.incremental import uptodate
from generator.incremental.store import CACHE_DIR

if TYPE_CHECKING:
    import jinja2

    from generator.incremental.cache import LoadMemo, PageCache, Warm
    from generator.load.read import Loaded
    from generator.model import Config, Site
    from generator.render.pages import Rendering

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Options:
    drafts: bool = False
    """Publish drafts as pages (serve shows them, marked)."""
    proofs: bool = True
    """Run stale proofs; False reuses the cached results, marked when stale."""
    incremental: bool = True
    """Reuse what the last build made from the same inputs; the output is the same either way."""
    search: bool = True
    """Write the full-text index (pagefind/); serve makes it in memory, after the page reloads."""


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

    def counts(self) -> dict[str, int]:
        site = self.site
        return {"files": self.files, "published": site.stats.published,
                "in_progress": site.stats.in_progress, "projects": len(site.projects),
                "rendered": self.rendered, "reused": self.reused}


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


class Engine:
    def __init__(self, root: Path, out: Path | None = None, options: Options = Options(), *,
                 keep_warm: bool = False, default_out: str = "_site") -> None:
        self.root = root.resolve()
        self.out = (out or self.root / default_out).resolve()
        self.options = options
        self.warm: Warm | None = None
        if keep_warm:
            from generator.incremental.cache import Warm
            self.warm = Warm()
        self._memo: LoadMemo | None = None

    # -- the stages -------------------------------------------------------------------------

    def up_to_date(self) -> dict[str, int] | None:
        """The last build's summary when building again would change nothing, else None."""
        if not self.options.incremental:
            return None
        last, why = uptodate.check(self.root, self.out, self._manifest_options())
        log.debug("up-to-date check: %s", why)
        return last

    def config(self) -> Config:
        from generator.load.config import load_config
        return load_config(self.root)

    def load(self, config: Config, changed: set[str] | None = None, *,
             keep_going: bool = False) -> tuple[Loaded, list[SiteError]]:
        """Every record, reusing those whose bytes did not change. BuildFailed lists every mistake,
        unless `keep_going` (check, status), which returns them with what did load."""
        from generator.incremental.cache import LoadMemo
        from generator.load.read import load_what_loads

        memo = LoadMemo(config.root, self.warm, changed) if self.options.incremental else None
        self._memo = memo
        loaded, errors = load_what_loads(config, memo)
        if errors and not keep_going:
            raise BuildFailed(errors)
        return loaded, errors

    def prove(self, loaded: Loaded, run: bool | None = None) -> Loaded:
        """Fill every card's claims from its proof run (run when stale and `run`)."""
        from generator.load.read import Loaded
        from generator.proofs import prove_all

        run = self.options.proofs if run is None else run
        return Loaded(loaded.posts, loaded.pages, prove_all(self.root, loaded.projects, run=run))

    def assemble(self, config: Config, loaded: Loaded, drafts: bool | None = None) -> Site:
        from generator.assemble import assemble
        return assemble(config, loaded, with_drafts=self.options.drafts if drafts is None else drafts)

    def environment(self, config: Config) -> jinja2.Environment:
        from generator.render.templates import make_env, templates_state
        if self.warm is not None:
            return self.warm.environment(templates_state(config), lambda: make_env(config))
        return make_env(config)

    def render(self, site: Site, env: jinja2.Environment, pages: PageCache | None = None,
               sink: Any = None) -> Rendering:
        from generator.render.pages import render_site
        return render_site(site, env, pages, sink)

    def write(self, config: Config, rendering: Rendering, stage: Path,
              previous: set[str] | None) -> tuple[int, set[str]]:
        from generator.incremental.inventory import THEME_DIR
        from generator.write import write_site
        statics = [(THEME_DIR / "static", "static"), (config.templates_dir / "static", "static"),
                   (config.static_dir, "")]
        return write_site(rendering, self.out, statics, stage, previous,
                          self._index(config) if self.options.search else None)

    def _index(self, config: Config) -> Any:
        def index(folder: Path, files: set[str]) -> list[str]:
            from generator.searchindex import write_index
            return write_index(config.root, folder, files)
        return index

    # -- a whole build ----------------------------------------------------------------------

    def build(self, changed: set[str] | None = None) -> BuildResult:
        """Every stage in order. BuildFailed lists every mistake; on any failure the previous
        output is left untouched. `changed`: the paths the file watcher saw change since this
        engine's last build (None: unknown, so every file is looked at)."""
        collecting = gc.isenabled()
        # A build makes hundreds of thousands of objects and frees them by reference counting; the
        # collector's full passes over 10,000 posts' records found nothing, and cost 0.3 s of a
        # rebuild. It runs again once the build is done.
        gc.disable()
        if self.warm is None:       # whatever happens next, the old manifest no longer holds
            uptodate.forget(self.root, self.out)
        manifest = self.options.incremental and self.warm is None
        taken = uptodate.snapshot(self.root) if manifest else None
        try:
            result = self._build(changed)
        finally:
            if collecting:
                gc.enable()
        if taken is not None:
            try:
                uptodate.record(self.root, self.out, self._manifest_options(), taken,
                                result.written, result.counts())
            except OSError as exc:  # only the next build's speed depends on it
                log.warning("could not write the up-to-date manifest: %s", exc)
        return result

    def _build(self, changed: set[str] | None) -> BuildResult:
        import jinja2

        from generator.incremental.cache import PageCache
        from generator.write import Stage, check_output_dir

        start = time.monotonic()
        config = self.config()
        try:
            check_output_dir(self.out, config.root)
        except SiteError as exc:
            raise BuildFailed([exc]) from None
        lap = _Laps()
        loaded, _ = self.load(config, changed)
        lap("load")
        memo = self._memo
        if memo is not None:
            memo.save(background=True)                      # written while the site renders
        try:
            site = self.assemble(config, self.prove(loaded))
            env = self.environment(config)
            pages = None
            if self.options.incremental:
                # Compiling templates is most of a small rebuild; Jinja checks each source's checksum.
                jinja_dir = config.root / CACHE_DIR / "jinja"
                jinja_dir.mkdir(parents=True, exist_ok=True)
                env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(jinja_dir))
                pages = PageCache(config.root, self.out, site, env, memo.key_of if memo else None, self.warm)
            lap("prove and assemble")
            stage = self._stage()
            try:
                rendering = self.render(site, env, pages, stage.put)
                lap("render")
                files, written = self.write(config, rendering, stage.folder,
                                            pages.previous_files if pages else None)
                lap("write")
            except SiteError as exc:
                raise BuildFailed([exc]) from None
            finally:
                stage.discard()                             # gone already unless it failed
            if pages is not None:
                pages.files = written
                pages.save()                                # only once the output is in place
            log.debug("stages: %s", lap.report())
            seconds = time.monotonic() - start
            rendered, reused = (pages.misses, pages.hits) if pages else (len(rendering.paths), 0)
            log.info("built %d files in %.2fs (%d rendered, %d reused)", files, seconds, rendered, reused)
            return BuildResult(site, self.out, files, seconds, rendered, reused, frozenset(written))
        finally:
            if memo is not None:
                memo.wait()                                 # the load cache is on disk

    def _stage(self) -> Any:
        from generator.write import Stage
        try:
            return Stage(self.out)
        except OSError as exc:
            raise BuildFailed([SiteError(f"cannot create the output folder {self.out}: "
                                         f"{exc.strerror or exc}",
                                         hint="pick an --out folder you can write to")]) from None

    def _manifest_options(self) -> dict[str, Any]:
        return uptodate.options(self.root, self.out, self.options.drafts, self.options.proofs,
                                self.options.search)


def build(root: Path, out: Path | None = None, *, drafts: bool = False, proofs: bool = True,
          incremental: bool = True, search: bool = True) -> BuildResult:
    """Build the site at `root` into `out` (default root/_site); see Engine.build."""
    return Engine(root, out, Options(drafts, proofs, incremental, search)).build()
