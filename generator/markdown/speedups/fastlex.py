"""A faster driver for Pygments' regex lexers: the same tokens, with the rules of a state tried in
one regular expression instead of one call each.

RegexLexer.get_tokens_unprocessed tries the rules of the current state in order, one
`pattern.match(text, pos)` call per rule, until one matches; a Python state has about forty
rules, so most positions cost a dozen calls or more. Highlighting was a quarter of the time spent
on a post. Here the rules of a state are joined into one alternation, each in a group of its own:
the regular expression engine tries them in the same order at the same position and stops at the
first that matches, as the loop did, and the number of the group that matched names the rule.
A rule whose action needs its own match object (bygroups, using) is matched again on its own, at
that position only.

A rule is left out of a joined pattern, and tried alone in its place, when its pattern could mean
something else inside a bigger one: a backreference or group condition (group numbers shift),
named groups (names may repeat), inline flags (allowed only at the start), or verbose mode.
Lexers that override get_tokens_unprocessed (or are not RegexLexers) keep their own.
tests/test_fastlex.py compares the tokens with Pygments' own, for every lexer it speeds up.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from pygments.lexer import Lexer, RegexLexer
from pygments.token import Error, Whitespace, _TokenType

_UNSAFE = re.compile(r"\\[1-9]|\(\?P[=<]|\(\?\(|\(\?[aiLmsux]+\)|\(\?<[A-Za-z_]")
"""Backreferences, named groups, group conditions and global inline flags."""

_Rule = tuple[Any, Any, Any]          # (rexmatch, action, new_state) as Pygments keeps them


class _Joined:
    """Some consecutive rules of a state, tried as one pattern."""

    def __init__(self, rules: list[_Rule], flags: int) -> None:
        self.rules = rules
        parts, self.rule_of_group, group = [], {}, 1
        for rule in rules:
            pattern = rule[0].__self__
            parts.append(f"({pattern.pattern})")
            self.rule_of_group[group] = rule
            group += 1 + pattern.groups
        self.match = re.compile("|".join(parts), flags).match


def _state_matchers(rules: list[_Rule]) -> list[_Joined | _Rule]:
    """The state's rules in order: runs of joinable ones as _Joined, the others alone."""
    out: list[_Joined | _Rule] = []
    run: list[_Rule] = []
    flags = 0

    def close() -> None:
        if len(run) > 1:
            out.append(_Joined(list(run), flags))
        else:
            out.extend(run)
        run.clear()

    for rule in rules:
        pattern = getattr(rule[0], "__self__", None)
        joinable = isinstance(pattern, re.Pattern) and isinstance(pattern.pattern, str) \
            and not pattern.groupindex and not _UNSAFE.search(pattern.pattern) \
            and not pattern.flags & re.VERBOSE     # a trailing comment would swallow the ")"
        if not joinable:
            close()
            out.append(rule)
            continue
        if run and pattern.flags != flags:
            close()
        flags = pattern.flags
        run.append(rule)
    close()
    return out


_MATCHERS: dict[int, tuple[dict[str, list[_Rule]], dict[str, list[_Joined | _Rule]]]] = {}


def _matchers(tokendefs: dict[str, list[_Rule]]) -> dict[str, list[_Joined | _Rule]]:
    """Per state, worked out once per lexer's table of rules (a class's, or an instance's own:
    the C# lexer picks one by its `unicodelevel` option)."""
    found = _MATCHERS.get(id(tokendefs))
    if found is None or found[0] is not tokendefs:
        found = (tokendefs, {state: _state_matchers(rules) for state, rules in tokendefs.items()})
        _MATCHERS[id(tokendefs)] = found
    return found[1]


def _tokens(self: RegexLexer, text: str, stack: tuple[str, ...] = ("root",)) -> Iterator[tuple[int, Any, str]]:
    """RegexLexer.get_tokens_unprocessed (Pygments 2.x), with the rules tried by _Joined."""
    pos = 0
    states = _matchers(self._tokens)
    statestack = list(stack)
    matchers = states[statestack[-1]]
    while True:
        for matcher in matchers:
            if type(matcher) is _Joined:
                m = matcher.match(text, pos)
                if not m:
                    continue
                rexmatch, action, new_state = matcher.rule_of_group[m.lastindex]
                if action is not None:
                    if type(action) is _TokenType:
                        yield pos, action, m.group()
                    else:
                        m = rexmatch(text, pos)        # the rule's own groups, for bygroups()
                        yield from action(self, m)
            else:
                rexmatch, action, new_state = matcher
                m = rexmatch(text, pos)
                if not m:
                    continue
                if action is not None:
                    if type(action) is _TokenType:
                        yield pos, action, m.group()
                    else:
                        yield from action(self, m)
            pos = m.end()
            if new_state is not None:
                if isinstance(new_state, tuple):
                    for state in new_state:
                        if state == "#pop":
                            if len(statestack) > 1:
                                statestack.pop()
                        elif state == "#push":
                            statestack.append(statestack[-1])
                        else:
                            statestack.append(state)
                elif isinstance(new_state, int):
                    if abs(new_state) >= len(statestack):
                        del statestack[1:]
                    else:
                        del statestack[new_state:]
                elif new_state == "#push":
                    statestack.append(statestack[-1])
                else:
                    raise AssertionError(f"wrong state def: {new_state!r}")
                matchers = states[statestack[-1]]
            break
        else:
            # No rule matched: a newline resets the state, anything else is an error token.
            if pos >= len(text):
                break
            if text[pos] == "\n":
                statestack = ["root"]
                matchers = states["root"]
                yield pos, Whitespace, "\n"
            else:
                yield pos, Error, text[pos]
            pos += 1


def speed_up(lexer: Lexer) -> Lexer:
    """Give `lexer` the joined-rules driver if it runs RegexLexer's own loop; it is returned. Call
    it through speedups.lexer, which checks the library release first."""
    if isinstance(lexer, RegexLexer) and \
            type(lexer).get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed:
        lexer.get_tokens_unprocessed = _tokens.__get__(lexer)  # type: ignore[method-assign]
    return lexer
