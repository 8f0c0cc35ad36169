"""A service's pool of workers (its Lambda concurrency): idempotent consumption and the outbox relay.

Per delivery, in order: read the trace header, open a span, then ONE local transaction that
records (consumer, message id) and applies the handler; a message id already recorded is a
redelivery and is acknowledged without running the handler again. Only after the commit is the
message deleted, and a crash injected between the two leaves it to come back after its
visibility timeout. Outgoing events leave through the outbox: sent first, then marked sent, so
a crash in between sends them again (the consumers' business keys absorb that).
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from .clock import VirtualClock
from .events import SUBSCRIPTIONS, MalformedEvent, decode
from .services.base import Defer, HandlerContext, Service
from .tracing import HEADER, Tracer, parse_header
from .transport import Delivery, TransientError, Transport

DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    workers: int = 4
    batch: int = 10
    visibility_timeout: float = 30.0
    crash_rate: float = 0.0
    """chance a worker dies after committing but before deleting the message (or marking an outbox row)"""
    handler_cost: tuple[float, float] = (0.002, 0.008)
    restart: float = 0.3
    """seconds a crashed worker is down (a cold start)"""
    send_cost: float = 0.001
    relay_retry: float = 0.05
    idempotent: bool = True


@dataclass(slots=True)
class ConsumerStats:
    deliveries: int = 0
    redeliveries: int = 0
    """deliveries with a receive count above 1 (crashes, deferrals)"""
    outcomes: Counter[str] = field(default_factory=Counter)
    crashes: int = 0
    relay_crashes: int = 0
    deferred: int = 0
    malformed: int = 0
    send_errors: int = 0
    sent: int = 0
    untraced: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    """message id -> last handling error (explains what sits in a dead-letter queue)"""


class WorkerPool:
    """`config.workers` workers sharing one queue and one outbox; the scheduler drives `step`."""

    def __init__(self, service: Service, transport: Transport, clock: VirtualClock, tracer: Tracer,
                 rng: random.Random, config: WorkerConfig, stats: ConsumerStats) -> None:
        self.service = service
        self._transport = transport
        self._clock = clock
        self._tracer = tracer
        self._rng = rng
        self._config = config
        self._stats = stats
        self._busy_until = [0.0] * config.workers
        self._batches: list[list[Delivery]] = [[] for _ in range(config.workers)]
        """Received but not yet handled, per worker. One message per step keeps the clock honest:
        another worker's step never starts far behind what a long batch has already done."""
        self._relay_not_before = 0.0

    def next_time(self) -> float | None:
        """When this pool can next do something, or None if there is nothing to do."""
        times = [t for t, batch in zip(self._busy_until, self._batches) if batch]
        idle = [t for t, batch in zip(self._busy_until, self._batches) if not batch]
        ready = self._transport.next_ready(self.service.name)
        paused = self.service.paused_until()
        if ready is not None and paused is not None:
            ready = max(ready, paused)
        work = [t for t in (self._relay_time(), ready) if t is not None]
        if idle and work:
            times.append(max(min(idle), min(work)))
        return min(times, default=None)

    def _relay_time(self) -> float | None:
        unsent_at = self.service.store.first_unsent_at()
        return None if unsent_at is None else max(unsent_at, self._relay_not_before)

    def step(self) -> None:
        """Run one unit of work (a message, a receive, a relay) on a worker due now."""
        now = self._clock.now
        busy = [w for w, batch in enumerate(self._batches) if batch and self._busy_until[w] <= now]
        if busy:
            worker = busy[0]
        else:
            worker = min((w for w, batch in enumerate(self._batches) if not batch), key=self._busy_until.__getitem__)
            relay_at = self._relay_time()
            if relay_at is not None and relay_at <= now:
                self._relay()
            elif (self.service.paused_until() or 0.0) <= now:
                c = self._config
                self._batches[worker] = self._transport.receive(self.service.name, c.batch, c.visibility_timeout)
        batch = self._batches[worker]
        if batch and not self._consume(batch.pop(0)):
            batch.clear()  # the worker crashed: the rest of its batch times out and comes back
        self._busy_until[worker] = self._clock.now

    def _consume(self, d: Delivery) -> bool:
        """Handle one delivery; False if the worker crashed."""
        s, c = self._stats, self._config
        s.deliveries += 1
        s.redeliveries += d.receive_count > 1
        cost = self._rng.uniform(*c.handler_cost)
        try:
            event = decode(d.body)
            handler = self.service.handlers[event.type]
        except (MalformedEvent, KeyError) as exc:
            s.malformed += 1
            s.errors[d.message_id] = f"{type(exc).__name__}: {exc}"
            self._clock.sleep(cost)
            return True
        trace = parse_header(d.attributes.get(HEADER))
        if trace is None:
            s.untraced += 1
            span = self._tracer.new_trace(self.service.name, event.type, self._clock.now)
        else:
            span = self._tracer.child(trace, self.service.name, event.type, self._clock.now)
        if d.receive_count > 1:
            span.annotations["receive"] = str(d.receive_count)
        self._clock.sleep(cost)
        ctx = HandlerContext(self.service.store, self._clock, span, event, d.receive_count, c.idempotent)
        try:
            with self.service.store.transaction():
                first = not c.idempotent or self.service.store.mark_processed(self.service.name, d.message_id)
                outcome = handler(ctx) if first else DUPLICATE
        except Defer as exc:
            s.deferred += 1
            s.errors[d.message_id] = f"deferred: {exc}"
            span.annotations["deferred"] = str(exc)
            self._transport.change_visibility(d.queue, d.receipt, exc.seconds)
            span.end = self._clock.now
            return True
        s.outcomes[outcome] += 1
        span.annotations["outcome"] = outcome
        span.end = self._clock.now
        if self._rng.random() < c.crash_rate:
            s.crashes += 1
            span.annotations["crash"] = "after commit, before ack"
            self._clock.sleep(c.restart)
            return False
        self._transport.delete(d.queue, d.receipt)
        return True

    def _relay(self) -> None:
        """Publish unsent outbox rows to their subscribers' queues."""
        s, c = self._stats, self._config
        for row in self.service.store.unsent(self._clock.now):
            try:
                self._transport.send(SUBSCRIPTIONS[row.event_type], row.body,
                                     {HEADER: row.trace_header, "event_type": row.event_type})
            except TransientError:
                s.send_errors += 1
                self._relay_not_before = self._clock.now + c.relay_retry
                return
            s.sent += 1
            self._clock.sleep(c.send_cost)
            if self._rng.random() < c.crash_rate:
                s.relay_crashes += 1  # sent but not marked: it is sent again after the restart
                self._clock.sleep(c.restart)
                return
            self.service.store.mark_sent(row.seq)
