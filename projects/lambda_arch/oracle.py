"""The reference answer, computed straight from the delivery log without any layer's code.

`truth` is the full recompute: every event delivered so far, once. `expected` is
what the merge must return given the documented contracts: the batch side counts
each event ingested before the cutoff once; the speed side counts every delivery
ingested at or after the cutoff while its minute's item is live. The difference
is exactly `duplicates - lost`: re-deliveries the speed side counted again, and
events whose speed item had expired before any batch covered them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .events import EVENT_TYPES, Deliveries
from .timebase import MINUTE_MS, SECOND_MS, TTL_S


@dataclass(frozen=True)
class Tally:
    events: int
    amount_cents: int


@dataclass(frozen=True)
class Reference:
    truth: Tally
    expected: Tally
    duplicates: Tally
    """Speed-side re-deliveries inside the window (over-count)."""
    lost: Tally
    """Events in the window that neither side can show (speed item expired, batch not there yet)."""


class Oracle:
    """Delivery log re-indexed by event minute, so a window is a slice."""

    def __init__(self, d: Deliveries) -> None:
        minute = d.event_ms - d.event_ms % MINUTE_MS
        order = np.argsort(minute, kind="stable")
        _, first_idx = np.unique(d.event_id, return_index=True)  # d is in ingest order: first = earliest copy
        first = np.zeros(len(d), dtype=bool)
        first[first_idx] = True
        self.minute = minute[order]
        self.position = order  # index in ingest order: "delivered by now" is position < prefix
        self.event_type = d.event_type[order]
        self.amount = d.amount_cents[order]
        self.ingest = d.ingest_ms[order]
        self.first = first[order]

    def reference(self, prefix: int, cutoff_ms: int, now_ms: int, start_ms: int, end_ms: int,
                  event_type: str | None = None) -> Reference:
        """Truth and expected merge for the first `prefix` deliveries, a view cut at `cutoff_ms`, read at `now_ms`."""
        lo, hi = np.searchsorted(self.minute, [start_ms, end_ms])
        sel = self.position[lo:hi] < prefix
        if event_type is not None:
            sel &= self.event_type[lo:hi] == EVENT_TYPES.index(event_type)
        first, ingest, amount = self.first[lo:hi], self.ingest[lo:hi], self.amount[lo:hi]
        live = (self.minute[lo:hi] + MINUTE_MS) // SECOND_MS + TTL_S > now_ms // SECOND_MS
        after = ingest >= cutoff_ms

        def tally(mask: np.ndarray) -> Tally:
            return Tally(int(mask.sum()), int(amount[mask].sum()))

        batch = tally(sel & first & ~after)
        speed = tally(sel & after & live)
        return Reference(
            truth=tally(sel & first),
            expected=Tally(batch.events + speed.events, batch.amount_cents + speed.amount_cents),
            duplicates=tally(sel & after & live & ~first),
            lost=tally(sel & after & ~live & first),
        )
