"""Draw a TAR counterexample as an ASCII message sequence chart.

Lanes are the ledger, then the nodes, then the buyers that appear in the trace.
A sync is a message ledger -> node, a request buyer -> node, an answer
node -> buyer; a ledger-only step is a note on the ledger lane.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .result import Step

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


def render(trace: Sequence[Step]) -> str:
    """The chart, one row per action after ``Init``."""
    events = [_event(step) for step in trace[1:]]
    lanes = sorted({lane for a, b, _ in events for lane in (a, b)} | {"ledger"}, key=_sort_key)
    col = {lane: i * LANE for i, lane in enumerate(lanes)}
    width = col[lanes[-1]] + LANE
    header = "".join(lane.ljust(LANE) for lane in lanes)
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
