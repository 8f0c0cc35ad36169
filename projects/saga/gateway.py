"""The external payment gateway: a double-entry ledger with idempotency keys, and its faults.

Like Stripe's API, a request repeated with the same idempotency key returns the first result
and moves no money. Faults: a transient error rate per call, and outage windows (every call
fails) on the simulated clock. Errors are raised before any money moves.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from .clock import VirtualClock
from .transport import TransientError

MERCHANT = "merchant"


class GatewayUnavailable(TransientError):
    """The gateway is in an outage window."""


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    key: str | None
    saga_id: str
    kind: str
    """charge | refund | declined"""
    amount: int
    """cents moved from the customer to the merchant (negative for a refund)"""


class PaymentGateway:
    """Accounts in integer cents; every money move is a ledger entry."""

    def __init__(self, clock: VirtualClock, rng: random.Random, error_rate: float,
                 outages: list[tuple[float, float]], balances: dict[str, int],
                 bad_cards: set[str]) -> None:
        self._clock = clock
        self._rng = rng
        self._error_rate = error_rate
        self.outages = outages
        self.balances = dict(balances)
        self.opening_total = sum(self.balances.values())
        self._bad_cards = bad_cards
        self.ledger: list[LedgerEntry] = []
        self._by_key: dict[str, LedgerEntry] = {}

    def charge(self, key: str | None, saga_id: str, customer: str, amount: int) -> LedgerEntry:
        """Charge a customer; returns a `declined` entry for a bad card."""
        self._fail_maybe()
        if key is not None and key in self._by_key:
            return self._by_key[key]
        if customer in self._bad_cards:
            return self._book(LedgerEntry(key, saga_id, "declined", 0), customer)
        return self._book(LedgerEntry(key, saga_id, "charge", amount), customer)

    def refund(self, key: str | None, saga_id: str, customer: str, amount: int) -> LedgerEntry:
        self._fail_maybe()
        if key is not None and key in self._by_key:
            return self._by_key[key]
        return self._book(LedgerEntry(key, saga_id, "refund", -amount), customer)

    def in_outage(self, t: float) -> bool:
        return any(start <= t < end for start, end in self.outages)

    def _fail_maybe(self) -> None:
        if self.in_outage(self._clock.now):
            raise GatewayUnavailable("payment gateway unavailable")
        if self._rng.random() < self._error_rate:
            raise TransientError("payment gateway 503")

    def _book(self, entry: LedgerEntry, customer: str) -> LedgerEntry:
        self.balances[customer] -= entry.amount
        self.balances[MERCHANT] += entry.amount
        self.ledger.append(entry)
        if entry.key is not None:
            self._by_key[entry.key] = entry
        return entry
