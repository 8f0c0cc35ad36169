"""The Jinja environment, and template mistakes turned into template:line errors."""
from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

import jinja2

from generator.incremental.inventory import THEME_DIR, files_under, trusted_signature
from generator.model import Config
from generator.errors import SiteError

def template_dirs(config: Config) -> list[Path]:
    dirs = [config.templates_dir] if config.templates_dir.is_dir() else []
    if THEME_DIR.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(THEME_DIR)
    return dirs


def make_env(config: Config) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(config)]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        # One environment per build: templates cannot change under it, so no stat() per render.
        auto_reload=False,
    )
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


def templates_state(config: Config) -> tuple[Any, ...]:
    """What an environment's loaded templates depend on: the config and every template file's
    path, size and times (a file added to the site's templates/ overrides the theme's)."""
    files: list[Any] = []
    for folder in template_dirs(config):
        for path in files_under(folder):
            # a file written just now is never the same: a second write could leave it looking so
            files.append((str(path), trusted_signature(path) or object()))
    return repr(config), tuple(files)


def _rel(filename: str | None, config: Config) -> str:
    if not filename:
        return "<template>"
    path = Path(filename).resolve()
    for base in (config.root, THEME_DIR.parent):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def template_error(exc: Exception, config: Config, rendering: str) -> SiteError:
    """Name the template file and line, and the page being rendered."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return SiteError(f"template syntax error: {exc.message}", _rel(exc.filename, config), exc.lineno)
    if isinstance(exc, jinja2.TemplateNotFound):
        return SiteError(f"template '{exc.name}' not found (rendering {rendering})",
                         hint="looked in " + ", ".join(_rel(str(d), config) for d in template_dirs(config)))
    frames = [f for f in traceback.extract_tb(sys.exc_info()[2] or exc.__traceback__)
              if f.filename.endswith((".html", ".xml", ".txt", ".json"))]
    if frames:
        frame = frames[-1]
        return SiteError(f"rendering {rendering}: {exc}", _rel(frame.filename, config), frame.lineno)
    return SiteError(f"rendering {rendering}: {exc}")


def render_template(env: jinja2.Environment, name: str, rendering: str, context: dict[str, Any]) -> str:
    """Render one template; mistakes come back as a SiteError naming template:line and the page."""
    try:
        return env.get_template(name).render(context)
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
        raise template_error(exc, context["config"], rendering) from None
