"""shiplog: Markdown posts and YAML project cards -> a static portfolio and build log.

The names below are imported on first use, so that `shiplog build` with nothing changed (cli.py,
uptodate.py) runs without loading jinja2, markdown-it-py, Pygments or YAML."""
from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
from typing import Any


def _stop_while_starting(signum: int, frame: object) -> None:
    """Ctrl-C or SIGTERM before the command has started (it is still importing): nothing has been
    written yet, so leave at once, quietly. cli.main() puts the command's own handlers in place."""
    sys.stderr.write("interrupted\n")
    os._exit(128 + signum)


if threading.current_thread() is threading.main_thread() and __name__ == "generator" \
        and sys.argv and (sys.argv[0] == "-m" or sys.argv[0].endswith("shiplog")):
    for _sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(_sig, _stop_while_starting)

_EXPORTS = {"build": ".engine", "BuildResult": ".engine", "Config": ".load.config",
            "load_config": ".load.config", "BuildFailed": ".errors", "SiteError": ".errors"}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value  # `build` the function, not the submodule importing it just set
    return value
