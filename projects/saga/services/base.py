"""What a handler gets to work with, and how it emits events (through its outbox)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..clock import VirtualClock
from ..events import Event
from ..store import Store
from ..tracing import Span, context_of

# Handler outcomes, counted by the consumer.
APPLIED = "applied"
NOOP = "noop"              # the business key says this step already happened
TOMBSTONED = "tombstoned"  # a compensation arrived before its forward step
LATE = "late"              # a forward step found a tombstone and did nothing


class Defer(Exception):
    """Leave the message unacknowledged and make it visible again in `seconds`."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


@dataclass(slots=True)
class HandlerContext:
    """One delivery being handled inside the service's local transaction."""

    store: Store
    clock: VirtualClock
    span: Span
    event: Event
    receive_count: int
    idempotent: bool = True
    """False only for the negative control: skip processed records and business keys."""


Handler = Callable[[HandlerContext], str]


@dataclass(slots=True)
class Service:
    name: str
    store: Store
    handlers: dict[str, Handler] = field(default_factory=dict)

    def paused_until(self) -> float | None:
        """Stop polling the queue until this time (None: poll freely)."""
        return None


def emit(store: Store, now: float, span: Span, saga_id: str, event_type: str, data: dict[str, object]) -> None:
    """Queue an event in the outbox, inside the caller's transaction.

    The event id is the (saga, event type) pair: a producer that sends the same event twice
    sends the same id, and every event type happens at most once per saga.
    """
    event = Event(event_type, f"{saga_id}:{event_type}", saga_id, dict(data))
    store.add_to_outbox(event_type, event.encode(), context_of(span).header(), now)
