"""Shipping service: books a shipment once paid; cancels it (or leaves a tombstone) on cancellation."""
from __future__ import annotations

from .base import APPLIED, LATE, NOOP, TOMBSTONED, HandlerContext, Service, emit
from ..store import Store

SCHEDULED, FAILED, CANCELLED, TOMBSTONE = "SCHEDULED", "FAILED", "CANCELLED", "TOMBSTONE"

SCHEMA = "CREATE TABLE shipments (saga_id TEXT PRIMARY KEY, status TEXT);"


class ShippingService(Service):
    def __init__(self) -> None:
        super().__init__("shipping", Store(SCHEMA))
        self.handlers = {"PaymentCharged": self._schedule, "OrderCancelled": self._cancel}

    def _schedule(self, ctx: HandlerContext) -> str:
        e = ctx.event
        status = self._status(ctx)
        if status is not None and ctx.idempotent:
            return LATE if status == TOMBSTONE else NOOP
        ok = bool(e.data["deliverable"])
        ctx.store.db.execute("INSERT OR REPLACE INTO shipments VALUES (?, ?)", (e.saga_id, SCHEDULED if ok else FAILED))
        emit(ctx.store, ctx.clock.now, ctx.span, e.saga_id, "ShipmentScheduled" if ok else "ShippingFailed", {})
        return APPLIED

    def _cancel(self, ctx: HandlerContext) -> str:
        saga = ctx.event.saga_id
        status = self._status(ctx)
        if status is None:
            ctx.store.db.execute("INSERT INTO shipments VALUES (?, ?)", (saga, TOMBSTONE))
            emit(ctx.store, ctx.clock.now, ctx.span, saga, "ShipmentCancelled", {})
            return TOMBSTONED
        if status != SCHEDULED:
            return NOOP  # FAILED: the ShippingFailed compensation is already running
        ctx.store.db.execute("UPDATE shipments SET status = ? WHERE saga_id = ?", (CANCELLED, saga))
        emit(ctx.store, ctx.clock.now, ctx.span, saga, "ShipmentCancelled", {})
        return APPLIED

    @staticmethod
    def _status(ctx: HandlerContext) -> str | None:
        row = ctx.store.db.execute("SELECT status FROM shipments WHERE saga_id = ?",
                                   (ctx.event.saga_id,)).fetchone()
        return row[0] if row else None

    def shipments(self) -> dict[str, str]:
        return dict(self.store.db.execute("SELECT saga_id, status FROM shipments"))
