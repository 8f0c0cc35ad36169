"""Seeded fault injection on top of any Transport: duplicate delivery, reordering, send errors.

Crashes are injected by the consumer (they happen inside a worker) and gateway errors and
outages by the gateway, so each fault lives where it happens in a real system.
"""
from __future__ import annotations

import heapq
import itertools
import random
from dataclasses import dataclass

from .clock import VirtualClock
from .transport import Delivery, TransientError, Transport

_GHOST = "ghost:"


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """Probabilities per message (duplicate, reorder) or per call (send errors)."""

    duplicate_rate: float = 0.0
    """A delivered message is delivered once more later (SQS at-least-once)."""
    reorder_rate: float = 0.0
    """A sent message is held back up to `reorder_delay` seconds; received batches are shuffled."""
    send_error_rate: float = 0.0
    network_delay: tuple[float, float] = (0.005, 0.030)
    reorder_delay: float = 1.0


@dataclass(slots=True)
class FaultCounters:
    duplicates_delivered: int = 0
    reordered: int = 0
    send_errors: int = 0


class FaultyTransport:
    """Wraps a Transport; duplicates are 'ghost' copies with the same message id and body."""

    def __init__(self, inner: Transport, clock: VirtualClock, plan: FaultPlan, rng: random.Random) -> None:
        self.inner = inner
        self.counters = FaultCounters()
        self._clock = clock
        self._plan = plan
        self._rng = rng
        self._ghosts: dict[str, list[tuple[float, int, Delivery]]] = {}
        self._seq = itertools.count()

    def create_queue(self, name: str, max_receive_count: int) -> None:
        self.inner.create_queue(name, max_receive_count)
        self._ghosts[name] = []

    def send(self, queue: str, body: str, attributes: dict[str, str], delay: float = 0.0) -> str:
        if self._rng.random() < self._plan.send_error_rate:
            self.counters.send_errors += 1
            raise TransientError(f"send to {queue} failed")
        delay += self._rng.uniform(*self._plan.network_delay)
        if self._rng.random() < self._plan.reorder_rate:
            self.counters.reordered += 1
            delay += self._rng.uniform(0.0, self._plan.reorder_delay)
        return self.inner.send(queue, body, attributes, delay)

    def receive(self, queue: str, max_messages: int, visibility_timeout: float) -> list[Delivery]:
        out = self.inner.receive(queue, max_messages, visibility_timeout)
        for d in out:
            if self._rng.random() < self._plan.duplicate_rate:
                copy = Delivery(d.queue, d.message_id, f"{_GHOST}{next(self._seq)}", d.body,
                                dict(d.attributes), d.receive_count)
                due = self._clock.now + self._rng.uniform(0.05, 2.0)
                heapq.heappush(self._ghosts[queue], (due, next(self._seq), copy))
        ghosts = self._ghosts[queue]
        while ghosts and ghosts[0][0] <= self._clock.now and len(out) < max_messages:
            out.append(heapq.heappop(ghosts)[2])
            self.counters.duplicates_delivered += 1
        if self._plan.reorder_rate > 0:
            self._rng.shuffle(out)
        return out

    def delete(self, queue: str, receipt: str) -> None:
        if not receipt.startswith(_GHOST):
            self.inner.delete(queue, receipt)

    def change_visibility(self, queue: str, receipt: str, timeout: float) -> None:
        if not receipt.startswith(_GHOST):
            self.inner.change_visibility(queue, receipt, timeout)

    def next_ready(self, queue: str) -> float | None:
        times = [t for t in (self.inner.next_ready(queue),) if t is not None]
        if self._ghosts[queue]:
            times.append(self._ghosts[queue][0][0])
        return min(times, default=None)

    def dead_letters(self, queue: str) -> list[Delivery]:
        return self.inner.dead_letters(queue)

    def depth(self, queue: str) -> int:
        return self.inner.depth(queue) + len(self._ghosts[queue])
