"""Turn a finished run into figures (the --json object) and pass/fail checks."""
from __future__ import annotations

import math
from typing import Any

from . import invariants as inv
from .breaker import CLOSED, OPEN
from .consumer import DUPLICATE
from .services.base import LATE, NOOP, TOMBSTONED
from .simulation import QUEUES, RunResult


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


PERCENTILES = (50, 75, 90, 95, 99, 100)
"""The latency_percentiles chart's bars; 100 is the slowest saga, labelled max."""
TIMELINE_ROWS = 60
"""breaker_timeline keeps at most this many rows (the start and the first state changes)."""


def latency_percentiles(latencies_ms: list[float]) -> list[dict[str, Any]]:
    """End-to-end saga latency (simulated ms) at each of PERCENTILES, as flat rows for a chart."""
    return [{"percentile": "max" if p == 100 else f"p{p}", "ms": round(percentile(latencies_ms, p), 1)}
            for p in PERCENTILES]


def breaker_timeline(r: RunResult) -> list[dict[str, Any]]:
    """The breaker's state from the start of the run and at each change it recorded, in simulated ms."""
    start = [{"t_ms": 0.0, "state": CLOSED}]
    changes = [{"t_ms": round(t * 1000, 1), "state": new} for t, _, new in r.payment.breaker.stats.transitions]
    return (start + changes)[:TIMELINE_ROWS]


def breaker_figures(r: RunResult) -> dict[str, Any]:
    """Breaker calibration as measured: trips, load shed, and how it behaved around the outage."""
    b = r.payment.breaker
    st = b.stats
    trips = [t for t, old, new in st.transitions if old == CLOSED and new == OPEN]
    fig: dict[str, Any] = {"state": b.state, "calls": st.calls, "failures": st.failures, "shed": st.rejected,
                           "trips": len(trips), "state_changes": len(st.transitions), "reopened_from_half_open": sum(
                               1 for _, old, new in st.transitions if old != CLOSED and new == OPEN)}
    ends = [t for t, _, _ in st.transitions[1:]] + [r.sim_seconds]
    fig["open_seconds"] = round(sum(end - t for (t, _, new), end in zip(st.transitions, ends) if new == OPEN), 1)
    outage = r.scenario.outage
    if outage is None:
        fig["trips_outside_outage"] = len(trips)
        return fig
    start, end = outage[0], outage[0] + outage[1]
    fig["trips_outside_outage"] = sum(not start <= t < end for t in trips)
    fig["calls_during_outage"] = sum(start <= t < end for t in st.call_times)
    fig["calls_after_outage"] = sum(t >= end for t in st.call_times)
    # Open during the outage: it tripped (or re-opened) in the window, or was already open at its start.
    opened = [t for t, _, new in st.transitions if new == OPEN and start <= t < end]
    before = [new for t, _, new in st.transitions if t < start]
    first_open = start if before and before[-1] == OPEN else min(opened, default=None)
    if first_open is not None:
        fig["open_after_ms"] = round((first_open - start) * 1000, 1)
        fig["calls_before_open"] = sum(start <= t <= first_open for t in st.call_times)
    closes = [t for t, _, new in st.transitions if new == CLOSED and t >= end]
    fig["closed_after_recovery_ms"] = round((closes[0] - end) * 1000, 1) if closes else None
    return fig


def dead_letters(r: RunResult) -> dict[str, Any]:
    """What ended in each dead-letter queue, and why (the consumer's last error for it)."""
    messages = []
    for queue in QUEUES:
        for d in r.transport.dead_letters(queue):
            messages.append({"queue": d.queue, "message_id": d.message_id, "receive_count": d.receive_count,
                             "poison": d.message_id in r.poison_ids,
                             "reason": r.stats.errors.get(d.message_id, "unknown")})
    return {"count": len(messages), "saga_messages": sum(not m["poison"] for m in messages),
            "poison_missing": len(r.poison_ids - {m["message_id"] for m in messages}), "messages": messages}


def figures(r: RunResult, reference_digest: str | None) -> dict[str, Any]:
    """The JSON object the card's proof run prints."""
    s = r.scenario
    outcomes = inv.saga_outcomes(r)
    latencies = [(done - placed) * 1000 for _, placed, done in r.order.states().values() if done is not None]
    digest = inv.business_state(r)
    out: dict[str, Any] = {
        **outcomes,
        **inv.money(r),
        "inventory_conserved": inv.inventory_conserved(r),
        "services_agree": inv.services_agree(r),
        "duplicates_delivered": r.transport.counters.duplicates_delivered,
        "redeliveries": r.stats.redeliveries,
        "duplicates_skipped": r.stats.outcomes[DUPLICATE],
        "business_key_noops": r.stats.outcomes[NOOP],
        "tombstones": r.stats.outcomes[TOMBSTONED],
        "late_forward_noops": r.stats.outcomes[LATE],
        "crashes_before_ack": r.stats.crashes,
        "producer_resends": r.stats.relay_crashes,
        "send_errors": r.stats.send_errors,
        "reordered": r.transport.counters.reordered,
        "queues_empty": all(r.transport.depth(q) == 0 for q in QUEUES),
        "deferred": r.stats.deferred,
        "dlq": dead_letters(r),
        **inv.traces(r),
        "untraced_deliveries": r.stats.untraced,
        "state_digest": digest,
        "same_state_without_duplicates": None if reference_digest is None else digest == reference_digest,
        "breaker": breaker_figures(r),
        "orders_per_min": round(len(r.workload.orders) / r.wall_seconds * 60) if r.wall_seconds else 0,
        "orders_per_cpu_min": round(len(r.workload.orders) / r.cpu_seconds * 60) if r.cpu_seconds else 0,
        "wall_seconds": round(r.wall_seconds, 2),
        "sim_seconds": round(r.sim_seconds, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "latency_percentiles": latency_percentiles(latencies),
        "breaker_timeline": breaker_timeline(r),
        "settings": {"transport": s.transport, "seed": s.seed, "duplicate_rate": s.faults.duplicate_rate,
                     "failure_rate": s.gateway_error_rate, "crash_rate": s.workers.crash_rate,
                     "reorder_rate": s.faults.reorder_rate, "outage": list(s.outage) if s.outage else None,
                     "poison": s.poison, "idempotent": s.workers.idempotent},
    }
    checks = evaluate(r, out)
    out["checks"] = {c.name: c.ok for c in checks}
    out["ok"] = all(c.ok for c in checks)
    return out


def evaluate(r: RunResult, fig: dict[str, Any]) -> list[inv.Check]:
    """The invariants a run must satisfy; any failure makes the CLI exit 1."""
    dlq, brk = fig["dlq"], fig["breaker"]
    checks = [
        inv.Check("no_stuck_sagas", fig["stuck"] == 0 and r.drained and fig["queues_empty"],
                  f"{fig['stuck']} stuck, drained={r.drained}, queues empty={fig['queues_empty']}"),
        inv.Check("no_double_charges", fig["double_charges"] == 0, f"{fig['double_charges']} sagas"),
        inv.Check("net_charge_matches_outcome", fig["net_mismatches"] == 0, f"{fig['net_mismatches']} sagas"),
        inv.Check("money_conserved", fig["money_conserved"], "ledger total and merchant balance"),
        inv.Check("inventory_conserved", fig["inventory_conserved"], "stock + held = opening, held = completed"),
        inv.Check("services_agree", fig["services_agree"], "charges and shipments = completed orders"),
        inv.Check("traces_connected", fig["traces_connected"] == fig["orders"],
                  f"{fig['traces_connected']}/{fig['orders']}"),
        # A saga message in a DLQ is harmless only if its saga still finished, which no_stuck_sagas checks.
        inv.Check("poison_dead_lettered", dlq["poison_missing"] == 0,
                  f"{dlq['poison_missing']} of {r.scenario.poison} poison messages not in a DLQ"),
    ]
    if fig["same_state_without_duplicates"] is not None:
        checks.append(inv.Check("same_state_without_duplicates", fig["same_state_without_duplicates"],
                                "business state digest vs a run with no duplicates and no crashes"))
    window = r.scenario.breaker.window
    # Judge the breaker only where there was traffic to judge it by: min_calls calls in the outage
    # to open it, a full window of calls after it to close it again.
    if r.scenario.outage is not None and brk["calls_during_outage"] >= r.scenario.breaker.min_calls:
        checks.append(inv.Check("breaker_opens_in_outage", brk.get("calls_before_open", window + 1) <= window,
                                f"opened after {brk.get('calls_before_open')} calls (window {window})"))
    if r.scenario.outage is not None and "open_after_ms" in brk and brk["calls_after_outage"] >= window:
        checks.append(inv.Check("breaker_recloses", brk["closed_after_recovery_ms"] is not None,
                                f"state {brk['state']}"))
    return checks
