"""What must be true after the queues drain, checked against every service's own store.

Each check reads the stores and the gateway's ledger independently, so a bug in one service
shows up as a disagreement with another rather than being trusted.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from .gateway import MERCHANT
from .services.inventory import RESERVED
from .services.order import COMPENSATED, COMPLETED
from .services.payment import CHARGED
from .services.shipping import SCHEDULED
from .simulation import RunResult
from .tracing import is_connected


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


def saga_outcomes(r: RunResult) -> dict[str, int]:
    states = Counter(status for status, _, _ in r.order.states().values())
    total = len(r.workload.orders)
    return {"orders": total, "completed": states[COMPLETED], "compensated": states[COMPENSATED],
            "stuck": total - states[COMPLETED] - states[COMPENSATED]}


def money(r: RunResult) -> dict[str, int | bool]:
    """Double charges and net amounts, from the gateway's ledger (where money really moves)."""
    gw = r.payment.gateway
    charges: Counter[str] = Counter()
    refunds: Counter[str] = Counter()
    net: defaultdict[str, int] = defaultdict(int)
    for e in gw.ledger:
        charges[e.saga_id] += e.kind == "charge"
        refunds[e.saga_id] += e.kind == "refund"
        net[e.saga_id] += e.amount
    states = r.order.states()
    amounts = {o.order_id: o.amount for o in r.workload.orders}
    expected = {oid: amounts[oid] if status == COMPLETED else 0 for oid, (status, _, _) in states.items()}
    mismatched = sum(net[oid] != want for oid, want in expected.items())
    conserved = (sum(gw.balances.values()) == gw.opening_total
                 and gw.balances[MERCHANT] == sum(expected.values()))
    return {"double_charges": sum(1 for s in charges.keys() | refunds.keys() if charges[s] > 1 or refunds[s] > 1),
            "net_mismatches": mismatched, "money_conserved": conserved,
            "charged_cents": sum(expected.values())}


def inventory_conserved(r: RunResult) -> bool:
    """Stock + active reservations = opening stock per SKU; active reservations = completed orders."""
    reservations = r.inventory.reservations()
    held: Counter[str] = Counter()
    for sku, qty, status in reservations.values():
        if status == RESERVED and sku is not None:
            held[sku] += qty
    available = r.inventory.available()
    per_sku = all(available[sku] + held[sku] == opening for sku, opening in r.workload.stock.items())
    completed = {oid for oid, (s, _, _) in r.order.states().items() if s == COMPLETED}
    active = {saga for saga, (_, _, status) in reservations.items() if status == RESERVED}
    return per_sku and active == completed


def services_agree(r: RunResult) -> bool:
    """Payment and shipping hold a live charge / shipment for exactly the completed orders."""
    completed = {oid for oid, (s, _, _) in r.order.states().items() if s == COMPLETED}
    charged = {saga for (saga, status) in r.payment.store.db.execute("SELECT saga_id, status FROM payments")
               if status == CHARGED}
    shipped = {saga for saga, status in r.shipping.shipments().items() if status == SCHEDULED}
    return charged == completed == shipped


def traces(r: RunResult) -> dict[str, int]:
    """How many sagas have one connected trace (one root, every parent present)."""
    by_trace = r.tracer.by_trace()
    connected = 0
    for o in r.workload.orders:
        trace_id = r.order.trace_of(o.order_id)
        connected += trace_id is not None and is_connected(by_trace.get(trace_id, []))
    return {"traces_connected": connected, "traces": len(by_trace), "spans": len(r.tracer.spans)}


def business_state(r: RunResult) -> str:
    """A digest of what the business sees at the end: order states, money per saga, stock, live shipments.

    Internal bookkeeping (tombstones, processed records) is left out: whether a compensation found
    its forward step done or left a tombstone depends on timing; the business result must not.
    """
    net: defaultdict[str, int] = defaultdict(int)
    for e in r.payment.gateway.ledger:
        net[e.saga_id] += e.amount
    state = {"orders": {oid: s for oid, (s, _, _) in r.order.states().items()},
             "net": {k: v for k, v in net.items() if v},
             "stock": r.inventory.available(),
             "shipments": sorted(k for k, v in r.shipping.shipments().items() if v == SCHEDULED)}
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]
