"""Models compiled to guarded commands over one packed integer, for ``vbfs``.

A state is a bit vector. Each ``Rule`` fires where ``state & mask == value``
and yields ``(state & ~clear) | set``, so a rule is four integers and a whole
frontier of states can be tested and advanced with a few numpy operations.
One action may need several rules (e.g. Serve with and without a breach);
its rules must have disjoint guards, so an action still yields at most one
successor per state, exactly as in the readable model.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .api import Action, Invariant, Model


@dataclass(frozen=True, slots=True)
class Rule:
    """``if s & mask == value: yield (s & ~clear) | set`` on behalf of ``actions[action]``."""

    action: int
    mask: int
    value: int
    clear: int
    set: int

    def fires(self, s: int) -> bool:
        """True where the guard holds."""
        return s & self.mask == self.value

    def apply(self, s: int) -> int:
        """The successor of ``s``."""
        return (s & ~self.clear) | self.set


@dataclass(frozen=True, slots=True)
class BitInvariant:
    """Holds in ``s`` iff ``s & mask == value``."""

    name: str
    mask: int
    value: int


@dataclass(frozen=True, slots=True)
class BitModel:
    """A transition system over packed states of at most 64 bits."""

    name: str
    bits: int
    init: tuple[int, ...]
    actions: tuple[str, ...]
    """Action names; the order fixes discovery numbering, as in ``api.Model``."""
    rules: tuple[Rule, ...]
    """Sorted by action; rules of one action have disjoint guards."""
    invariants: tuple[BitInvariant, ...]
    view: Callable[[int], Mapping[str, str]]

    def __post_init__(self) -> None:
        if not 0 < self.bits <= 64:
            raise ValueError(f"{self.name}: {self.bits} state bits; vbfs packs states into uint64")
        if [r.action for r in self.rules] != sorted(r.action for r in self.rules):
            raise ValueError(f"{self.name}: rules must be sorted by action")

    def as_model(self) -> Model[int]:
        """The same system through the generic API, so ``bfs`` can check it too."""
        by_action: dict[int, list[Rule]] = {}
        for r in self.rules:
            by_action.setdefault(r.action, []).append(r)

        def invariant(inv: BitInvariant) -> Invariant[int]:
            return Invariant(inv.name, lambda s: s & inv.mask == inv.value)

        def action(i: int, rules: list[Rule]) -> Action[int]:
            def effect(s: int) -> int:
                return next(r.apply(s) for r in rules if r.fires(s))
            return Action(self.actions[i], lambda s: any(r.fires(s) for r in rules), effect)

        return Model(
            self.name,
            self.init,
            tuple(action(i, rules) for i, rules in sorted(by_action.items())),
            tuple(map(invariant, self.invariants)),
            self.view,
        )
