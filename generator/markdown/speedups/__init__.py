"""Three patches of library internals that make Markdown and highlighting cheaper without changing
a token, fenced in one place:

    block_dispatch  markdown-it-py's block loop offers each line only to the rules that can start
                    with its first character (a copy of ParserBlock.tokenize, one change)
    fastlex         Pygments' RegexLexer tries a state's rules in one regular expression
    quiet_logs      markdown-it-py's block rules get a logger that does nothing

Each runs only with a library release it was tested with: TESTED lists exact (major, minor)
releases; with any other, the stock code runs and one debug line says so. SHIPLOG_SPEEDUPS=0 turns
all three off. tests/test_block_dispatch.py and tests/test_fastlex.py compare each with the stock
code (every CommonMark spec example; every state of every lexer at every position).
"""
from __future__ import annotations

import functools
import importlib.metadata
import logging
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from pygments.lexer import Lexer

log = logging.getLogger(__name__)

TESTED: dict[str, frozenset[tuple[int, int]]] = {
    "markdown-it-py": frozenset({(4, 3)}),
    "mdit-py-plugins": frozenset({(0, 7)}),     # block_dispatch knows its footnote rule
    "pygments": frozenset({(2, 21)}),
}
SWITCH = "SHIPLOG_SPEEDUPS"


def release(distribution: str) -> tuple[int, int] | None:
    try:
        major, minor = importlib.metadata.version(distribution).split(".")[:2]
        return int(major), int(minor)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return None


@functools.cache
def enabled(*distributions: str) -> bool:
    """True when the speed-ups are on and every library they patch is a tested release."""
    if os.environ.get(SWITCH, "1") == "0":
        log.debug("speed-ups off: %s=0", SWITCH)
        return False
    for name in distributions:
        found = release(name)
        if found not in TESTED[name]:
            log.debug("speed-ups for %s off: release %s is not one of %s", name, found, sorted(TESTED[name]))
            return False
    return True


def install(md: MarkdownIt) -> MarkdownIt:
    """The block loop and quiet logs on `md`, when markdown-it-py is a tested release."""
    if enabled("markdown-it-py", "mdit-py-plugins"):
        from generator.markdown.speedups import block_dispatch, quiet_logs
        block_dispatch.use_block_dispatch(md)
        quiet_logs.install()
    return md


def lexer(lexer: Lexer) -> Lexer:
    """`lexer` with the joined-rules driver, when Pygments is a tested release."""
    if enabled("pygments"):
        from generator.markdown.speedups.fastlex import speed_up
        return speed_up(lexer)
    return lexer
