"""Reference explicit-state checker: breadth-first search over any ``api.Model``.

One state at a time, a dict from state to discovery number, and parent
pointers, so it is short enough to trust. Invariants are checked when a state
is first discovered; with BFS that makes the first violation found one at the
least depth, and its parent chain a shortest counterexample. ``vbfs`` must
reproduce every number this module prints.
"""
from __future__ import annotations

import time
from typing import Hashable, TypeVar

from .api import Model
from .result import Result, Violation, build_trace

S = TypeVar("S", bound=Hashable)


def explore(model: Model[S], *, stop_at_first: bool = False) -> Result:
    """Explore every reachable state of ``model`` (or stop at the first violation)."""
    started = time.perf_counter()
    number: dict[S, int] = {}
    states: list[S] = []
    parent: list[int] = []  # discovery number of the predecessor, -1 for initial states
    via: list[int] = []  # index of the action that discovered the state, -1 for initial
    depth: list[int] = []
    bad: tuple[int, str] | None = None
    transitions = 0

    def discover(s: S, src: int, action: int) -> bool:
        """Number a new state; True when the search should stop here."""
        nonlocal bad
        number[s] = len(states)
        states.append(s)
        parent.append(src)
        via.append(action)
        depth.append(depth[src] + 1 if src >= 0 else 0)
        if bad is None:
            for inv in model.invariants:
                if not inv.holds(s):
                    bad = (len(states) - 1, inv.name)
                    return stop_at_first
        return False

    stopped = False
    for s in model.init:
        if s not in number and discover(s, -1, -1):
            stopped = True
            break
    head = 0
    while not stopped and head < len(states):
        s = states[head]
        for i, action in enumerate(model.actions):
            if action.guard(s):
                t = action.effect(s)
                transitions += 1
                if t not in number and discover(t, head, i):
                    stopped = True
                    break
        head += 1

    violation = None
    if bad is not None:
        path: list[tuple[str, S]] = []
        k = bad[0]
        while k >= 0:
            path.append((model.actions[via[k]].name if via[k] >= 0 else "Init", states[k]))
            k = parent[k]
        trace = build_trace([(name, model.view(s)) for name, s in reversed(path)])
        violation = Violation(bad[1], bad[0] + 1, trace)
    return Result(
        states=len(states),
        transitions=transitions,
        diameter=max(depth, default=0),
        complete=not stopped,
        violation=violation,
        seconds=time.perf_counter() - started,
        level_states=tuple(depth.count(d) for d in range(max(depth, default=-1) + 1)),
    )
