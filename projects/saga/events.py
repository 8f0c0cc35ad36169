"""The events services exchange, their wire format, and who subscribes to what.

Forward path:  OrderPlaced -> InventoryReserved -> PaymentCharged -> ShipmentScheduled.
Compensation runs backwards through the steps that completed:
  ShippingFailed / ShipmentCancelled -> PaymentRefunded -> InventoryReleased,
  PaymentFailed -> InventoryReleased, and InventoryRejected ends a saga with nothing to undo.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# event type -> the service whose queue receives it (one queue per service).
SUBSCRIPTIONS: dict[str, str] = {
    "OrderPlaced": "inventory",
    "InventoryReserved": "payment",
    "InventoryRejected": "order",
    "PaymentCharged": "shipping",
    "PaymentFailed": "inventory",
    "ShipmentScheduled": "order",
    "ShippingFailed": "payment",
    "OrderCancelled": "shipping",
    "ShipmentCancelled": "payment",
    "PaymentRefunded": "inventory",
    "InventoryReleased": "order",
}


class MalformedEvent(ValueError):
    """A message no handler can read: it stays unacked and ends in the dead-letter queue."""


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    event_id: str
    """Stable across producer retries (unlike the broker's message id)."""
    saga_id: str
    data: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> str:
        return json.dumps({"type": self.type, "event_id": self.event_id, "saga_id": self.saga_id,
                           "data": self.data}, sort_keys=True)


def decode(body: str) -> Event:
    """Parse and validate a message body."""
    try:
        raw = json.loads(body)
        event = Event(raw["type"], raw["event_id"], raw["saga_id"], dict(raw["data"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise MalformedEvent(f"unreadable body: {exc!r}") from exc
    if event.type not in SUBSCRIPTIONS:
        raise MalformedEvent(f"unknown event type {event.type!r}")
    return event
