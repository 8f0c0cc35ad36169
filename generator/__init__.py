"""shiplog: Markdown posts and YAML project cards -> a static portfolio and build log.

The names below are imported on first use, so that `shiplog build` with nothing changed (cli.py,
uptodate.py) runs without loading jinja2, markdown-it-py, Pygments or YAML."""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {"build": ".engine", "BuildResult": ".engine", "Config": ".load.config",
            "load_config": ".load.config", "BuildFailed": ".errors", "SiteError": ".errors"}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value  # `build` the function, not the submodule importing it just set
    return value
