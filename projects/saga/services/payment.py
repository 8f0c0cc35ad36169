"""Payment service: charges and refunds through the flaky gateway, behind a circuit breaker.

Transient errors are retried a few times with full-jitter backoff inside the invocation. When
the retries run out, or the breaker is open, the message is deferred (left unacked, made visible
again later with a growing delay) instead of failing the saga: an outage should delay orders,
not cancel them. While the breaker is open no call reaches the gateway, and the service stops
polling its queue (like disabling a Lambda event source mapping), so waiting out an outage does
not use up the messages' receive counts and push them into the dead-letter queue.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from ..breaker import OPEN, CircuitBreaker
from ..gateway import LedgerEntry, PaymentGateway
from ..store import Store
from ..transport import TransientError
from .base import APPLIED, LATE, NOOP, TOMBSTONED, Defer, HandlerContext, Service, emit

CHARGED, FAILED, REFUNDED, TOMBSTONE = "CHARGED", "FAILED", "REFUNDED", "TOMBSTONE"

SCHEMA = "CREATE TABLE payments (saga_id TEXT PRIMARY KEY, customer TEXT, amount INTEGER, status TEXT);"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    backoff: float = 0.05
    """seconds; attempt n waits uniform(0, min(backoff_cap, backoff * 2**n)) ("full jitter")"""
    backoff_cap: float = 1.0
    defer: float = 1.0
    """seconds; delivery n is deferred by about defer * 2**(n-1), at most defer_cap"""
    defer_cap: float = 60.0
    latency: tuple[float, float] = (0.04, 0.12)
    """gateway round trip, seconds"""


class PaymentService(Service):
    def __init__(self, gateway: PaymentGateway, breaker: CircuitBreaker, rng: random.Random,
                 retry: RetryPolicy) -> None:
        super().__init__("payment", Store(SCHEMA))
        self.gateway = gateway
        self.breaker = breaker
        self._rng = rng
        self._retry = retry
        self.handlers = {"InventoryReserved": self._charge, "ShippingFailed": self._refund,
                         "ShipmentCancelled": self._refund}

    def paused_until(self) -> float | None:
        """While the breaker is open, stop polling: every receive would only add to a receive count."""
        return self.breaker.retry_at() if self.breaker.state == OPEN else None

    def _charge(self, ctx: HandlerContext) -> str:
        e = ctx.event
        status = self._status(ctx)
        if status is not None and ctx.idempotent:
            return LATE if status == TOMBSTONE else NOOP
        customer, amount = str(e.data["customer"]), int(e.data["amount"])
        key = f"{e.saga_id}:charge" if ctx.idempotent else None
        entry = self._call(ctx, lambda: self.gateway.charge(key, e.saga_id, customer, amount))
        charged = entry.kind == "charge"
        ctx.store.db.execute("INSERT OR REPLACE INTO payments VALUES (?, ?, ?, ?)",
                             (e.saga_id, customer, amount, CHARGED if charged else FAILED))
        emit(ctx.store, ctx.clock.now, ctx.span, e.saga_id, "PaymentCharged" if charged else "PaymentFailed", e.data)
        return APPLIED

    def _refund(self, ctx: HandlerContext) -> str:
        saga = ctx.event.saga_id
        status = self._status(ctx)
        if status is None:
            ctx.store.db.execute("INSERT INTO payments VALUES (?, NULL, 0, ?)", (saga, TOMBSTONE))
            emit(ctx.store, ctx.clock.now, ctx.span, saga, "PaymentRefunded", {"amount": 0})
            return TOMBSTONED
        if status != CHARGED:
            return NOOP  # FAILED: PaymentFailed already started the release; others: done
        customer, amount = ctx.store.db.execute(
            "SELECT customer, amount FROM payments WHERE saga_id = ?", (saga,)).fetchone()
        self._call(ctx, lambda: self.gateway.refund(f"{saga}:refund", saga, customer, amount))
        ctx.store.db.execute("UPDATE payments SET status = ? WHERE saga_id = ?", (REFUNDED, saga))
        emit(ctx.store, ctx.clock.now, ctx.span, saga, "PaymentRefunded", {"amount": amount})
        return APPLIED

    def _call(self, ctx: HandlerContext, op: Callable[[], LedgerEntry]) -> LedgerEntry:
        """One gateway operation: breaker check, bounded jittered retries, else defer the message."""
        r = self._retry
        for attempt in range(r.attempts):
            if not self.breaker.allow(ctx.clock.now):
                ctx.span.annotations["breaker"] = "open"
                raise Defer(self._defer_delay(ctx.receive_count), "circuit open")
            ctx.clock.sleep(self._rng.uniform(*r.latency))
            try:
                entry = op()
            except TransientError:
                self.breaker.record(False, ctx.clock.now)
                if attempt + 1 < r.attempts:
                    ctx.clock.sleep(self._rng.uniform(0.0, min(r.backoff_cap, r.backoff * 2 ** attempt)))
                continue
            self.breaker.record(True, ctx.clock.now)
            return entry
        raise Defer(self._defer_delay(ctx.receive_count), "gateway retries exhausted")

    def _defer_delay(self, receive_count: int) -> float:
        ceiling = min(self._retry.defer_cap, self._retry.defer * 2 ** (receive_count - 1))
        return self._rng.uniform(ceiling / 2, ceiling)

    @staticmethod
    def _status(ctx: HandlerContext) -> str | None:
        row = ctx.store.db.execute("SELECT status FROM payments WHERE saga_id = ?",
                                   (ctx.event.saga_id,)).fetchone()
        return row[0] if row else None
