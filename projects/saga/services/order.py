"""Order service: the API side (place, cancel) and the saga's final state. It directs nobody."""
from __future__ import annotations

from ..business import Order
from ..clock import VirtualClock
from ..store import Store
from ..tracing import TraceContext, Tracer
from .base import APPLIED, NOOP, HandlerContext, Service, emit

PENDING, CANCELLING, COMPLETED, COMPENSATED = "PENDING", "CANCELLING", "COMPLETED", "COMPENSATED"

SCHEMA = """
CREATE TABLE orders (order_id TEXT PRIMARY KEY, trace_id TEXT, root_span TEXT, status TEXT,
                     placed_at REAL, finished_at REAL, amount INTEGER);
"""


class OrderService(Service):
    def __init__(self, clock: VirtualClock, tracer: Tracer) -> None:
        super().__init__("order", Store(SCHEMA))
        self._clock = clock
        self._tracer = tracer
        self.handlers = {"ShipmentScheduled": self._on_shipped, "InventoryRejected": self._on_compensated,
                         "InventoryReleased": self._on_compensated}

    def place(self, order: Order) -> None:
        """POST /orders: store the order and emit OrderPlaced in one transaction; starts the trace."""
        span = self._tracer.new_trace("api", "PlaceOrder", self._clock.now)
        span.annotations["order"] = order.order_id
        with self.store.transaction() as db:
            db.execute("INSERT INTO orders VALUES (?, ?, ?, ?, ?, NULL, ?)",
                       (order.order_id, span.trace_id, span.span_id, PENDING, self._clock.now, order.amount))
            emit(self.store, self._clock.now, span, order.order_id, "OrderPlaced",
                 {"customer": order.customer, "sku": order.sku, "qty": order.qty, "amount": order.amount,
                  "deliverable": not order.undeliverable})
        span.end = self._clock.now

    def cancel(self, order_id: str) -> None:
        """POST /orders/{id}/cancel: honoured until the saga has compensated."""
        trace_id, root, status = self.store.db.execute(
            "SELECT trace_id, root_span, status FROM orders WHERE order_id = ?", (order_id,)).fetchone()
        span = self._tracer.child(TraceContext(trace_id, root), "api", "CancelOrder", self._clock.now)
        with self.store.transaction() as db:
            if status in (PENDING, COMPLETED):
                db.execute("UPDATE orders SET status = ? WHERE order_id = ?", (CANCELLING, order_id))
                emit(self.store, self._clock.now, span, order_id, "OrderCancelled", {})
            else:
                span.annotations["ignored"] = status
        span.end = self._clock.now

    def _on_shipped(self, ctx: HandlerContext) -> str:
        return self._finish(ctx, {PENDING}, COMPLETED)

    def _on_compensated(self, ctx: HandlerContext) -> str:
        return self._finish(ctx, {PENDING, CANCELLING}, COMPENSATED)

    def _finish(self, ctx: HandlerContext, allowed: set[str], new: str) -> str:
        cur = ctx.store.db.execute(
            f"UPDATE orders SET status = ?, finished_at = ? WHERE order_id = ? "
            f"AND status IN ({','.join('?' * len(allowed))})",
            (new, ctx.clock.now, ctx.event.saga_id, *sorted(allowed)))
        return APPLIED if cur.rowcount else NOOP

    def states(self) -> dict[str, tuple[str, float, float | None]]:
        """order id -> (status, placed_at, finished_at)."""
        rows = self.store.db.execute("SELECT order_id, status, placed_at, finished_at FROM orders")
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def trace_of(self, order_id: str) -> str | None:
        row = self.store.db.execute("SELECT trace_id FROM orders WHERE order_id = ?", (order_id,)).fetchone()
        return row[0] if row else None
