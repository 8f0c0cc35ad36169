"""The queue interface every service talks to; implemented by memory_broker and sqs_transport."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class TransientError(Exception):
    """A call that may succeed if retried (throttling, a dropped connection, a 5xx)."""


@dataclass(slots=True)
class Delivery:
    """One receipt of a message, as a consumer sees it."""

    queue: str
    message_id: str
    """Broker-assigned id; the same on every redelivery of this message."""
    receipt: str
    """Handle for delete/change_visibility; new on every receipt."""
    body: str
    attributes: dict[str, str] = field(default_factory=dict)
    receive_count: int = 1
    """How many times the broker has handed this message out (SQS ApproximateReceiveCount)."""


class Transport(Protocol):
    """SQS-shaped queues: at-least-once, visibility timeout, receive count, dead-letter queue."""

    def create_queue(self, name: str, max_receive_count: int) -> None:
        """Create `name` and its dead-letter queue `name-dlq` with a redrive policy."""

    def send(self, queue: str, body: str, attributes: dict[str, str], delay: float = 0.0) -> str:
        """Enqueue a message and return its message id; may raise TransientError."""

    def receive(self, queue: str, max_messages: int, visibility_timeout: float) -> list[Delivery]:
        """Hand out up to max_messages visible messages, hiding them for visibility_timeout seconds."""

    def delete(self, queue: str, receipt: str) -> None:
        """Acknowledge: the message will not be delivered again (by the broker's own redelivery)."""

    def change_visibility(self, queue: str, receipt: str, timeout: float) -> None:
        """Make an in-flight message visible again after `timeout` seconds from now."""

    def next_ready(self, queue: str) -> float | None:
        """Earliest simulated time a receive on `queue` could return something, or None if empty."""

    def dead_letters(self, queue: str) -> list[Delivery]:
        """Peek at the messages in `queue`'s dead-letter queue (without consuming them)."""

    def depth(self, queue: str) -> int:
        """Messages in `queue`, visible or in flight (not counting its dead-letter queue)."""
