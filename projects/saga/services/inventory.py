"""Inventory service: reserves stock for an order and releases it when the saga compensates."""
from __future__ import annotations

from .base import APPLIED, LATE, NOOP, TOMBSTONED, HandlerContext, Service, emit
from ..store import Store

RESERVED, REJECTED, RELEASED, TOMBSTONE = "RESERVED", "REJECTED", "RELEASED", "TOMBSTONE"

SCHEMA = """
CREATE TABLE stock (sku TEXT PRIMARY KEY, available INTEGER CHECK (available >= 0));
CREATE TABLE reservations (saga_id TEXT PRIMARY KEY, sku TEXT, qty INTEGER, status TEXT);
"""


class InventoryService(Service):
    def __init__(self, stock: dict[str, int]) -> None:
        super().__init__("inventory", Store(SCHEMA))
        self.store.db.executemany("INSERT INTO stock VALUES (?, ?)", sorted(stock.items()))
        self.handlers = {"OrderPlaced": self._reserve, "PaymentFailed": self._release,
                         "PaymentRefunded": self._release}

    def _reserve(self, ctx: HandlerContext) -> str:
        db, e = ctx.store.db, ctx.event
        status = self._status(ctx)
        if status is not None and ctx.idempotent:
            return LATE if status == TOMBSTONE else NOOP
        sku, qty = e.data["sku"], int(e.data["qty"])
        available = db.execute("SELECT available FROM stock WHERE sku = ?", (sku,)).fetchone()[0]
        if available >= qty:
            db.execute("UPDATE stock SET available = available - ? WHERE sku = ?", (qty, sku))
            db.execute("INSERT OR REPLACE INTO reservations VALUES (?, ?, ?, ?)", (e.saga_id, sku, qty, RESERVED))
            emit(ctx.store, ctx.clock.now, ctx.span, e.saga_id, "InventoryReserved", e.data)
        else:
            db.execute("INSERT OR REPLACE INTO reservations VALUES (?, ?, ?, ?)", (e.saga_id, sku, qty, REJECTED))
            emit(ctx.store, ctx.clock.now, ctx.span, e.saga_id, "InventoryRejected", {"sku": sku})
        return APPLIED

    def _release(self, ctx: HandlerContext) -> str:
        db, saga = ctx.store.db, ctx.event.saga_id
        status = self._status(ctx)
        if status is None:
            db.execute("INSERT INTO reservations VALUES (?, NULL, 0, ?)", (saga, TOMBSTONE))
            emit(ctx.store, ctx.clock.now, ctx.span, saga, "InventoryReleased", {"qty": 0})
            return TOMBSTONED
        if status != RESERVED:
            return NOOP
        sku, qty = db.execute("SELECT sku, qty FROM reservations WHERE saga_id = ?", (saga,)).fetchone()
        db.execute("UPDATE stock SET available = available + ? WHERE sku = ?", (qty, sku))
        db.execute("UPDATE reservations SET status = ? WHERE saga_id = ?", (RELEASED, saga))
        emit(ctx.store, ctx.clock.now, ctx.span, saga, "InventoryReleased", {"qty": qty})
        return APPLIED

    @staticmethod
    def _status(ctx: HandlerContext) -> str | None:
        row = ctx.store.db.execute("SELECT status FROM reservations WHERE saga_id = ?",
                                   (ctx.event.saga_id,)).fetchone()
        return row[0] if row else None

    def available(self) -> dict[str, int]:
        return dict(self.store.db.execute("SELECT sku, available FROM stock"))

    def reservations(self) -> dict[str, tuple[str | None, int, str]]:
        """saga id -> (sku, qty, status)."""
        return {r[0]: (r[1], r[2], r[3]) for r in self.store.db.execute("SELECT * FROM reservations")}
