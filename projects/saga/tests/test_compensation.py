"""Compensations: idempotent, reverse order, and tombstones when they overtake the forward step."""
from __future__ import annotations

import random

from projects.saga.clock import VirtualClock
from projects.saga.events import Event
from projects.saga.services.base import APPLIED, LATE, NOOP, TOMBSTONED, HandlerContext, Service
from projects.saga.services.inventory import InventoryService
from projects.saga.services.shipping import ShippingService
from projects.saga.tracing import Tracer

ORDER = {"customer": "c-1", "sku": "sku-1", "qty": 2, "amount": 1000, "deliverable": True}


def handle(service: Service, event_type: str, data: dict[str, object] | None = None) -> str:
    clock = VirtualClock()
    span = Tracer(random.Random(0)).new_trace(service.name, event_type, 0.0)
    ctx = HandlerContext(service.store, clock, span, Event(event_type, "e", "o-1", data or {}), 1)
    with service.store.transaction():
        return service.handlers[event_type](ctx)


def outbox(service: Service) -> list[str]:
    return [row.event_type for row in service.store.unsent(1e9)]


def test_reserve_then_release_restores_stock_once() -> None:
    inv = InventoryService({"sku-1": 5})
    assert handle(inv, "OrderPlaced", ORDER) == APPLIED
    assert inv.available()["sku-1"] == 3
    assert handle(inv, "OrderPlaced", ORDER) == NOOP  # a producer that sent twice
    assert handle(inv, "PaymentFailed") == APPLIED
    assert handle(inv, "PaymentRefunded") == NOOP      # a second compensation path
    assert inv.available()["sku-1"] == 5
    assert outbox(inv) == ["InventoryReserved", "InventoryReleased"]


def test_release_before_reserve_leaves_a_tombstone_and_the_late_reserve_does_nothing() -> None:
    inv = InventoryService({"sku-1": 5})
    assert handle(inv, "PaymentRefunded") == TOMBSTONED
    assert handle(inv, "OrderPlaced", ORDER) == LATE
    assert inv.available()["sku-1"] == 5
    assert outbox(inv) == ["InventoryReleased"]


def test_out_of_stock_rejects_and_there_is_nothing_to_release() -> None:
    inv = InventoryService({"sku-1": 1})
    assert handle(inv, "OrderPlaced", ORDER) == APPLIED
    assert handle(inv, "PaymentRefunded") == NOOP
    assert inv.available()["sku-1"] == 1 and outbox(inv) == ["InventoryRejected"]


def test_cancelling_a_scheduled_shipment_and_cancelling_before_it_exists() -> None:
    shipped, early = ShippingService(), ShippingService()
    assert handle(shipped, "PaymentCharged", ORDER) == APPLIED
    assert handle(shipped, "OrderCancelled") == APPLIED
    assert outbox(shipped) == ["ShipmentScheduled", "ShipmentCancelled"]
    assert handle(early, "OrderCancelled") == TOMBSTONED
    assert handle(early, "PaymentCharged", ORDER) == LATE
    assert outbox(early) == ["ShipmentCancelled"] and early.shipments() == {"o-1": "TOMBSTONE"}
