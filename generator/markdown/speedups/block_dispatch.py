"""A faster block loop for markdown-it-py: each line is offered only to the rules that can start
with its first character.

markdown-it-py tries every block rule, in order, at the start of every block: a prose line is
offered to the fence, blockquote, rule, list, reference, HTML and heading rules, which each look at
the first character and decline. Those calls were about a tenth of parsing a post. The loop below is
ParserBlock.tokenize with one change: a line that is not indented as code goes through the rules
that accept its first character (table, setext heading, paragraph and any rule not listed here
accept all). Every rule still runs in its own order and with the same state, so the tokens are the
same; tests/test_block_dispatch.py checks that against the stock loop.
"""
from __future__ import annotations

import types
from typing import Any

from markdown_it import MarkdownIt
from markdown_it import rules_block
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block import StateBlock

FIRST_CHARS: dict[Any, str] = {
    rules_block.code: "",             # only an indented line, which goes through every rule
    rules_block.fence: "`~",
    rules_block.blockquote: ">",
    rules_block.hr: "*-_",
    rules_block.list_block: "*-+0123456789",
    rules_block.reference: "[",
    rules_block.html_block: "<",
    rules_block.heading: "#",
}
"""The characters a line can start with for each rule to match it (after its indent). A rule that
is not here (table, lheading, paragraph, a plugin's) is offered every line."""

try:
    from mdit_py_plugins.footnote.index import footnote_def
    FIRST_CHARS[footnote_def] = "["
except ImportError:  # pragma: no cover - the plugin is a dependency
    pass


class _Chains:
    """The rule list for each first character, worked out once per list of rules."""

    def __init__(self, rules: list[Any]) -> None:
        self.rules = rules
        self.by_char: dict[str, list[Any]] = {}

    def for_char(self, char: str) -> list[Any]:
        chain = self.by_char.get(char)
        if chain is None:
            chain = [rule for rule in self.rules if char in FIRST_CHARS.get(rule, char)]
            self.by_char[char] = chain
        return chain


def tokenize(self: ParserBlock, state: StateBlock, startLine: int, endLine: int) -> None:
    """ParserBlock.tokenize (markdown-it-py 4), but for the choice of rules at each line."""
    rules = self.ruler.getRules("")
    chains = getattr(self, "_chains", None)
    if chains is None or chains.rules is not rules:     # the rules changed: md.use(), enable()
        chains = self._chains = _Chains(rules)          # type: ignore[attr-defined]
    src, bMarks, tShift, sCount = state.src, state.bMarks, state.tShift, state.sCount
    line = startLine
    maxNesting = state.md.options.maxNesting
    hasEmptyLines = False

    while line < endLine:
        state.line = line = state.skipEmptyLines(line)
        if line >= endLine:
            break
        if sCount[line] < state.blkIndent:
            break   # the end of a nested block (blockquote, list)
        if state.level >= maxNesting:
            state.line = endLine
            break

        if sCount[line] - state.blkIndent >= 4:
            chain = rules
        else:
            pos = bMarks[line] + tShift[line]
            chain = chains.for_char(src[pos]) if pos < len(src) else rules
        ok = False
        for rule in chain:
            ok = rule(state, line, endLine, False)
            if ok:
                if state.line <= line:
                    raise RuntimeError("block rule didn't increment state.line")
                break
        if not ok:
            raise RuntimeError("none of the block rules matched")

        state.tight = not hasEmptyLines     # an empty line before this block, not after it
        line = state.line
        if (line - 1) < endLine and state.isEmpty(line - 1):
            hasEmptyLines = True            # a paragraph may take one empty line after it
        if line < endLine and state.isEmpty(line):
            hasEmptyLines = True
            line += 1
            state.line = line


def use_block_dispatch(md: MarkdownIt) -> MarkdownIt:
    """Install the dispatching loop on `md`'s block parser (this parser only). Call it through
    speedups.install, which checks the library release first."""
    md.block.tokenize = types.MethodType(tokenize, md.block)  # type: ignore[method-assign]
    return md
