"""An in-process broker with standard-SQS semantics, on simulated time.

At-least-once delivery, a visibility timeout after each receive, redelivery of anything not
deleted, a receive count per message, and a redrive to `<queue>-dlq` once a message has been
received `max_receive_count` times without being deleted (SQS moves it on the next receive).
Faults (duplicates, reordering, send errors) are injected by faults.FaultyTransport on top.
"""
from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field

from .clock import VirtualClock
from .transport import Delivery


@dataclass(slots=True)
class _Message:
    message_id: str
    body: str
    attributes: dict[str, str]
    visible_at: float
    receive_count: int = 0
    receipt: str = ""
    version: int = 0
    """Bumped whenever visible_at changes, so stale heap entries can be skipped."""


@dataclass(slots=True)
class _Queue:
    max_receive_count: int
    messages: dict[str, _Message] = field(default_factory=dict)
    heap: list[tuple[float, int, str, int]] = field(default_factory=list)
    dead: list[_Message] = field(default_factory=list)


class MemoryBroker:
    """Transport implementation backed by dicts and heaps; deterministic given its inputs."""

    def __init__(self, clock: VirtualClock) -> None:
        self._clock = clock
        self._queues: dict[str, _Queue] = {}
        self._ids = itertools.count(1)
        self._seq = itertools.count()

    def create_queue(self, name: str, max_receive_count: int) -> None:
        self._queues[name] = _Queue(max_receive_count)

    def send(self, queue: str, body: str, attributes: dict[str, str], delay: float = 0.0) -> str:
        message_id = f"m-{next(self._ids):08d}"
        message = _Message(message_id, body, dict(attributes), self._clock.now + delay)
        q = self._queues[queue]
        q.messages[message_id] = message
        self._schedule(q, message)
        return message_id

    def receive(self, queue: str, max_messages: int, visibility_timeout: float) -> list[Delivery]:
        q = self._queues[queue]
        now = self._clock.now
        out: list[Delivery] = []
        while q.heap and q.heap[0][0] <= now and len(out) < max_messages:
            _, _, message_id, version = heapq.heappop(q.heap)
            message = q.messages.get(message_id)
            if message is None or message.version != version:
                continue  # deleted, or its visibility changed since this entry was pushed
            if message.receive_count >= q.max_receive_count:
                del q.messages[message_id]
                q.dead.append(message)
                continue
            message.receive_count += 1
            message.receipt = f"{message_id}#{message.receive_count}"
            message.visible_at = now + visibility_timeout
            self._schedule(q, message)
            out.append(Delivery(queue, message_id, message.receipt, message.body,
                                dict(message.attributes), message.receive_count))
        return out

    def delete(self, queue: str, receipt: str) -> None:
        # Like SQS, only the latest receipt handle deletes; an older one is silently ignored.
        q = self._queues[queue]
        message = q.messages.get(receipt.partition("#")[0])
        if message is not None and message.receipt == receipt:
            del q.messages[message.message_id]

    def change_visibility(self, queue: str, receipt: str, timeout: float) -> None:
        q = self._queues[queue]
        message = q.messages.get(receipt.partition("#")[0])
        if message is not None and message.receipt == receipt:
            message.visible_at = self._clock.now + timeout
            self._schedule(q, message)

    def next_ready(self, queue: str) -> float | None:
        q = self._queues[queue]
        while q.heap:
            _, _, message_id, version = q.heap[0]
            message = q.messages.get(message_id)
            if message is not None and message.version == version:
                return message.visible_at
            heapq.heappop(q.heap)
        return None

    def dead_letters(self, queue: str) -> list[Delivery]:
        return [Delivery(f"{queue}-dlq", m.message_id, "", m.body, dict(m.attributes), m.receive_count)
                for m in self._queues[queue].dead]

    def depth(self, queue: str) -> int:
        return len(self._queues[queue].messages)

    def _schedule(self, q: _Queue, message: _Message) -> None:
        message.version += 1
        heapq.heappush(q.heap, (message.visible_at, next(self._seq), message.message_id, message.version))
