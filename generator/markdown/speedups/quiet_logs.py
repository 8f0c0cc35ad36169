"""markdown-it-py's block rules log at DEBUG on entry, about 600 calls a post, each a Logger.debug
call and level check: 4% of rendering. shiplog never shows those logs (`--debug` turns on only its
own), so the rules get a logger that does nothing."""
from __future__ import annotations

import logging
import sys
from typing import Any


class _Quiet:
    @staticmethod
    def debug(*args: Any, **kwargs: Any) -> None:
        pass


def install() -> None:
    for name, module in list(sys.modules.items()):
        if name.startswith("markdown_it.") and isinstance(getattr(module, "LOGGER", None), logging.Logger):
            module.LOGGER = _Quiet  # type: ignore[attr-defined]
