"""The model API every checker in this package explores.

A model is a transition system: initial states, named actions (a guard and an
effect each) and invariants. States must be canonical and hashable, so two
equal states are counted once: frozen dataclasses over tuples and frozensets,
or packed integers. ``view`` flattens a state into ``{variable: text}`` so a
counterexample can be printed as a diff, whatever the state's representation.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

S = TypeVar("S", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Action(Generic[S]):
    """One action instance, e.g. ``Serve(b1, n2)``; enabled where ``guard`` holds."""

    name: str
    """Label printed in traces; unique within a model."""
    guard: Callable[[S], bool]
    """True where the action may fire."""
    effect: Callable[[S], S]
    """The successor state; only called where ``guard`` holds."""


@dataclass(frozen=True, slots=True)
class Invariant(Generic[S]):
    """A state predicate that must hold in every reachable state."""

    name: str
    holds: Callable[[S], bool]


@dataclass(frozen=True, slots=True)
class Model(Generic[S]):
    """A finite transition system for breadth-first exploration."""

    name: str
    init: tuple[S, ...]
    """Initial states, in the order they are numbered."""
    actions: tuple[Action[S], ...]
    """Tried in this order from every state; the order fixes discovery numbering."""
    invariants: tuple[Invariant[S], ...]
    view: Callable[[S], Mapping[str, str]]
    """``{variable: value}`` as text, for traces and state diffs."""
