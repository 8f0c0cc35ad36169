"""One check of the TAR model: explore, then hold the result to what is known without it.

The figures come from the vectorised engine. ``check`` compares them with the
claim (partial violates Safety, atomic keeps it), the hand-derived state count,
a replay of the counterexample on the readable model, and optionally a second
full run by the reference engine, which must match exactly. ``tlc_failures``
compares them with TLC's output for the same size and mode.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import bfs, tar_bits, tar_model, vbfs
from .replay import replay
from .result import Result
from .tar_model import Mode
from .tlc import TlcRun


@dataclass(frozen=True, slots=True)
class ModeRun:
    """The result for one revocation mode, and every check that failed."""

    mode: Mode
    result: Result
    failures: tuple[str, ...]
    """Empty when all checks passed."""
    expected_states: int
    """The hand count ``tar_model.expected_states`` the result was held to."""
    reference_seconds: float | None
    """Time of the reference-engine cross-check, None when it was not run."""


def check(nodes: int, buyers: int, mode: Mode, *, reference: bool, stop_at_first: bool = False) -> ModeRun:
    """Explore one mode with ``vbfs`` and verify the result."""
    readable = tar_model.model(nodes, buyers, mode)
    result = vbfs.explore(tar_bits.compile_model(nodes, buyers, mode), stop_at_first=stop_at_first)
    failures: list[str] = []
    # The claim under test: partial revocation breaks Safety, atomic revocation keeps it.
    if mode == "partial" and result.violation is None:
        failures.append("partial: no violation found, so the claimed race does not exist here")
    if mode == "atomic" and result.violation is not None:
        failures.append(f"atomic: Safety violated at state {result.violation.ordinal:,}")
    expected = tar_model.expected_states(nodes, buyers, mode)
    if result.complete and result.states != expected:
        failures.append(f"{mode}: {result.states:,} states, but the hand count is {expected:,}")
    if result.violation is not None and (why := replay(readable, result.violation)):
        failures.append(f"{mode}: counterexample does not replay: {why}")
    ref_seconds = None
    if reference:
        ref = bfs.explore(readable, stop_at_first=stop_at_first)
        ref_seconds = ref.seconds
        if ref != result:
            failures.append(f"{mode}: reference engine disagrees: {_summary(ref)} vs {_summary(result)}")
    return ModeRun(mode, result, tuple(failures), expected, ref_seconds)


def tlc_failures(run: ModeRun, exhaust: TlcRun, first: TlcRun) -> list[str]:
    """Where TLC disagrees with the Python result (``exhaust``: no Safety; ``first``: with Safety)."""
    r, v, mode = run.result, run.result.violation, run.mode
    ours = {
        "distinct states": r.states,
        "states generated": r.transitions + 1,  # TLC also counts the one initial state
        "depth": r.diameter + 1,
        "verdict": v is not None,
        "trace states": 0 if v is None else v.length + 1,
    }
    theirs = {
        "distinct states": exhaust.distinct,
        "states generated": exhaust.generated,
        "depth": exhaust.depth,
        "verdict": first.violated,
        "trace states": len(first.trace),
    }
    if v is not None:
        # TLC enumerates Next in the same order, so it stops at the same state.
        ours["states when stopped"] = v.ordinal
        theirs["states when stopped"] = first.distinct
    return [f"{mode}: TLC {k} {theirs[k]} != ours {ours[k]}" for k in ours if ours[k] != theirs[k]]


def _summary(r: Result) -> str:
    v = r.violation
    return (f"{r.states} states, {r.transitions} transitions, diameter {r.diameter}, "
            f"violation {'none' if v is None else f'at {v.ordinal} in {v.length} steps'}")
