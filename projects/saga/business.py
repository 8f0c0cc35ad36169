"""The workload: orders, customers and stock, all drawn from the seed before the run starts.

Business outcomes (a declined card, an undeliverable address, a discontinued item, a customer
cancelling) are properties of the order, never of timing or faults, so the same seed must end
in the same business state whatever the broker does.
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from .gateway import MERCHANT

DISCONTINUED = "sku-discontinued"


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    customer: str
    sku: str
    qty: int
    amount: int
    """cents"""
    placed_at: float
    """simulated seconds"""
    cancel_at: float | None
    """when the customer asks to cancel (honoured even after completion: nothing has shipped yet)"""
    undeliverable: bool


@dataclass(frozen=True, slots=True)
class Workload:
    orders: list[Order]
    stock: dict[str, int]
    balances: dict[str, int]
    bad_cards: set[str]


@dataclass(frozen=True, slots=True)
class WorkloadSpec:
    orders: int = 2000
    rate: float = 20.0
    """orders per simulated second (Poisson arrivals)"""
    cancel_rate: float = 0.05
    bad_card_rate: float = 0.04
    undeliverable_rate: float = 0.03
    discontinued_rate: float = 0.02
    skus: int = 50
    customers: int = 500


def make_workload(spec: WorkloadSpec, seed: int) -> Workload:
    """Draw orders, customers and stock from `seed` alone."""
    rng = random.Random(f"workload:{seed}")
    customers = [f"c-{i:04d}" for i in range(spec.customers)]
    bad_cards = {c for c in customers if rng.random() < spec.bad_card_rate}
    t = 0.0
    orders = []
    for i in range(spec.orders):
        t += rng.expovariate(spec.rate)
        sku = DISCONTINUED if rng.random() < spec.discontinued_rate else f"sku-{rng.randrange(spec.skus):03d}"
        qty = rng.randint(1, 3)
        cancel_at = t + rng.uniform(0.0, 3.0) if rng.random() < spec.cancel_rate else None
        orders.append(Order(f"o-{i + 1:06d}", rng.choice(customers), sku, qty,
                            qty * rng.randrange(500, 20_000), t, cancel_at,
                            rng.random() < spec.undeliverable_rate))
    # Stock covers demand, so which order gets the last unit never depends on arrival order;
    # the discontinued item has none, so its orders are rejected deterministically.
    demand = Counter()
    for o in orders:
        demand[o.sku] += o.qty
    stock = {sku: n + 10 for sku, n in demand.items() if sku != DISCONTINUED} | {DISCONTINUED: 0}
    balances = {c: 10_000_000 for c in customers} | {MERCHANT: 0}
    return Workload(orders, stock, balances, bad_cards)
