"""Render check results: one JSON object for the proof run, or text for people."""
from __future__ import annotations

from collections.abc import Sequence

from . import msc
from .run import ModeRun
from .tlc import TlcRun


def states_per_second(runs: Sequence[ModeRun]) -> int:
    """Distinct states per second over all modes, engine time only."""
    seconds = sum(r.result.seconds for r in runs)
    return round(sum(r.result.states for r in runs) / seconds) if seconds else 0


def mode_json(run: ModeRun) -> dict[str, object]:
    """The per-mode object of ``--json``."""
    r, v = run.result, run.result.violation
    return {
        "states": r.states,
        "expected_states": run.expected_states,
        "transitions": r.transitions,
        "diameter": r.diameter,
        "complete": r.complete,
        "violation": v is not None,
        "violation_state": None if v is None else v.ordinal,
        "invariant": None if v is None else v.invariant,
        "trace_length": None if v is None else v.length,
        "trace": [] if v is None else [step.to_json() for step in v.trace],
        "seconds": round(r.seconds, 3),
        "reference_seconds": None if run.reference_seconds is None else round(run.reference_seconds, 3),
    }


def to_json(nodes: int, buyers: int, runs: Sequence[ModeRun], failures: Sequence[str],
            tlc: dict[str, tuple[TlcRun, TlcRun]], reference: bool) -> dict[str, object]:
    """The whole ``--json`` object."""
    out: dict[str, object] = {
        "config": {"nodes": nodes, "buyers": buyers, "engine": "vbfs",
                   "reference_crosscheck": reference, "tlc_crosscheck": bool(tlc)},
    }
    out |= {run.mode: mode_json(run) for run in runs}
    out["states_per_second"] = states_per_second(runs)
    out["states_per_level"] = [{"mode": run.mode, "level": level, "states": n}
                               for run in runs for level, n in enumerate(run.result.level_states)]
    out["checks"] = {"passed": not failures, "failures": list(failures)}
    if tlc:
        out["tlc"] = {mode: {"distinct": ex.distinct, "generated": ex.generated, "depth": ex.depth,
                             "violation": first.violated, "trace_states": len(first.trace),
                             "seconds": round(ex.seconds + first.seconds, 2)}
                      for mode, (ex, first) in tlc.items()}
    return out


def to_text(nodes: int, buyers: int, runs: Sequence[ModeRun], failures: Sequence[str],
            tlc: dict[str, tuple[TlcRun, TlcRun]], show_trace: bool) -> str:
    """A table per mode, the checks, and optionally the counterexample."""
    lines = [f"TAR model check: {nodes} nodes, {buyers} buyers", ""]
    lines.append(f"{'mode':<8} {'states':>12} {'transitions':>13} {'diameter':>9}  verdict")
    for run in runs:
        r, v = run.result, run.result.violation
        found_at = f"of {r.states:,}" if r.complete else "(search stopped there)"
        verdict = ("Safety holds in every reachable state" if v is None else
                   f"Safety VIOLATED at state {v.ordinal:,} {found_at}, shortest trace {v.length} steps")
        lines.append(f"{run.mode:<8} {r.states:>12,} {r.transitions:>13,} {r.diameter:>9}  {verdict}")
    lines.append(f"\n{states_per_second(runs):,} states/s (vectorised engine)")
    for mode, (ex, first) in tlc.items():
        lines.append(f"TLC {mode}: {ex.distinct:,} distinct states, "
                     f"{'violation' if first.violated else 'no violation'}, {ex.seconds + first.seconds:.1f} s")
    lines.append("checks: " + ("all passed" if not failures else "FAILED"))
    lines += [f"  - {f}" for f in failures]
    for run in runs:
        v = run.result.violation
        if show_trace and v is not None:
            lines += ["", f"Shortest counterexample ({run.mode}), {v.length} steps:"]
            for n, step in enumerate(v.trace):
                changes = ", ".join(f"{k}: {b} -> {a}" if b is not None else f"{k} = {a}"
                                    for k, (b, a) in step.changes.items())
                lines.append(f"  {n:>2}. {step.action:<20} {changes}")
            lines += ["", msc.render(v.trace)]
    return "\n".join(lines)
