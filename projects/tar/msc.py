"""Draw a TAR counterexample as a message sequence chart: ASCII, or PlantUML (``--msc``).

Lanes are the ledger, then the nodes, then the buyers that appear in the trace.
A sync is a message ledger -> node, a request buyer -> node, an answer
node -> buyer; a ledger-only step is a note on the ledger lane. Both charts
come from the same ``_event`` mapping and ``lanes``, so they cannot disagree.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .result import Step, Violation

_ACTION = re.compile(r"(\w+)\((b\d+)(?:, (n\d+))?\)")
LANE = 20  # columns between two lanes


def _event(step: Step) -> tuple[str, str, str]:
    """(from lane, to lane, label) for one step; from == to for a note."""
    m = _ACTION.fullmatch(step.action)
    if m is None:
        raise ValueError(f"not a TAR action: {step.action}")
    kind, buyer, node = m.groups()
    if kind in ("Grant", "Revoke"):
        return "ledger", "ledger", f"{kind.lower()} {buyer}"
    if kind == "RevokeAtomic":
        return "ledger", "ledger", f"revoke {buyer} (all)"
    if kind in ("SyncGrant", "SyncRevoke"):
        return "ledger", node, f"{kind[4:].lower()} {buyer}"
    if kind == "Request":
        return buyer, node, "request"
    breach = " BREACH" if "breach" in step.changes else ""
    return node, buyer, ("served" + breach) if kind == "Serve" else "rejected"


def _sort_key(lane: str) -> tuple[int, int]:
    return ({"l": 0, "n": 1, "b": 2}[lane[0]], int(lane[1:]) if lane[1:].isdigit() else 0)


def lanes(events: Sequence[tuple[str, str, str]]) -> list[str]:
    """The ledger, then the nodes, then the buyers that the events touch."""
    return sorted({lane for a, b, _ in events for lane in (a, b)} | {"ledger"}, key=_sort_key)


def render(trace: Sequence[Step]) -> str:
    """The chart, one row per action after ``Init``."""
    events = [_event(step) for step in trace[1:]]
    lanes_ = lanes(events)
    col = {lane: i * LANE for i, lane in enumerate(lanes_)}
    width = col[lanes_[-1]] + LANE
    header = "".join(lane.ljust(LANE) for lane in lanes_)
    rows = ["     " + header.rstrip()]
    for n, (src, dst, label) in enumerate(events, 1):
        line = [" "] * width
        for c in col.values():
            line[c] = "|"
        a, b = col[src], col[dst]
        if a == b:
            text = f"* {label}"
            line[a : a + len(text)] = text
        else:
            lo, hi = min(a, b), max(a, b)
            line[lo + 1 : hi] = "-" * (hi - lo - 1)
            line[hi - 1 if b > a else lo + 1] = ">" if b > a else "<"
            text = f" {label} "
            start = lo + max(2, (hi - lo - len(text)) // 2)
            line[start : start + len(text)] = text
        rows.append(f"{n:>3}  " + "".join(line).rstrip())
    return "\n".join(rows)


def plantuml(violation: Violation, title: str) -> str:
    """The same chart as a PlantUML sequence diagram, ending in a note on the broken invariant."""
    events = [_event(step) for step in violation.trace[1:]]
    kind = {"l": ("database", ""), "n": ("participant", "node "), "b": ("actor", "buyer ")}
    out = ["@startuml", f"title {title}", "hide footbox"]
    out += [f'{kind[lane[0]][0]} "{kind[lane[0]][1]}{lane}" as {lane}' for lane in lanes(events)]
    for n, (src, dst, label) in enumerate(events, 1):
        if src == dst:
            out.append(f"note over {src}: {n}. {label}")
        else:
            arrow = "-->" if src[0] == "n" else "->"  # an answer is a reply
            out.append(f"{src} {arrow} {dst}: {n}. {label}")
    last = violation.trace[-1].changes
    state = ", ".join(f"{k} = {after}" for k, (_, after) in last.items() if k == "breach")
    out.append(f"note across: {violation.invariant} violated after step {len(events)}"
               + (f": {state}" if state else ""))
    out.append("@enduml")
    return "\n".join(out)
