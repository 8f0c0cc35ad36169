"""What an exploration returns: counts, and the shortest counterexample if any."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Step:
    """One line of a trace: the action taken and what it changed."""

    action: str
    """``Init`` for the first step."""
    changes: Mapping[str, tuple[str | None, str]]
    """``{variable: (before, after)}``; for ``Init`` every variable, before = None."""

    def to_json(self) -> dict[str, object]:
        """Plain JSON: ``{"action": .., "changes": {var: [before, after]}}``."""
        return {"action": self.action, "changes": {k: list(v) for k, v in self.changes.items()}}


@dataclass(frozen=True, slots=True)
class Violation:
    """The first state, in discovery order, where an invariant fails."""

    invariant: str
    ordinal: int
    """1-based position of the violating state in discovery (BFS) order."""
    trace: tuple[Step, ...]
    """Shortest path from an initial state: ``Init`` then one step per action."""

    @property
    def length(self) -> int:
        """Number of actions in the trace (TLC prints ``length + 1`` states)."""
        return len(self.trace) - 1


@dataclass(frozen=True, slots=True)
class Result:
    """Counts from one breadth-first exploration."""

    states: int
    """Distinct states found (up to the violation when the search stopped there)."""
    transitions: int
    """Successor states generated, duplicates included (TLC's 'states generated' minus initial states)."""
    diameter: int
    """Deepest BFS level reached; initial states are level 0."""
    complete: bool
    """True when the whole reachable space was explored."""
    violation: Violation | None
    seconds: float = field(compare=False)
    level_states: tuple[int, ...] = ()
    """Distinct states first discovered at each BFS level (index = level); sums to ``states``."""

    @property
    def states_per_second(self) -> float:
        """Distinct states per wall-clock second."""
        return self.states / self.seconds if self.seconds > 0 else float("inf")


def build_trace(path: Sequence[tuple[str, Mapping[str, str]]]) -> tuple[Step, ...]:
    """Turn ``[(action, view), ...]`` (``Init`` first) into steps holding only the changes."""
    steps: list[Step] = []
    before: Mapping[str, str] | None = None
    for action, view in path:
        if before is None:
            changes: dict[str, tuple[str | None, str]] = {k: (None, v) for k, v in view.items()}
        else:
            changes = {k: (before.get(k), v) for k, v in view.items() if before.get(k) != v}
        steps.append(Step(action, changes))
        before = view
    return tuple(steps)
