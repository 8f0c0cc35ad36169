"""Seeded product-analytics events, delivered at least once and sometimes late.

The generator returns *deliveries*, not events: one row per time a record reaches
the stream. A duplicate is a second delivery of the same event (same event id,
same fields, later ingest time); a late event is one whose first delivery comes
minutes to hours after it happened (an offline phone syncing, a stalled producer).
Columns are numpy arrays so a 10M-delivery run fits in memory and streams fast.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from .timebase import HOUR_MS, MINUTE_MS, SECOND_MS

EVENT_TYPES: tuple[str, ...] = ("page_view", "search", "add_to_cart", "purchase", "refund")
TYPE_WEIGHTS = (0.62, 0.18, 0.12, 0.06, 0.02)
#: 2025-03-03T00:00:00Z, a Monday: a fixed start keeps every run byte-identical for a seed.
DEFAULT_START_MS = int(datetime(2025, 3, 3, tzinfo=timezone.utc).timestamp() * 1000)
USERS = 50_000
#: Deliveries still in flight this long after the last event are part of the run; later ones are not.
DRAIN_MS = 6 * HOUR_MS


@dataclass(frozen=True)
class Deliveries:
    """Every record the stream carries, one row per delivery, sorted by ingest time."""

    event_id: np.ndarray
    """int64, unique per event, shared by its duplicates."""
    user_id: np.ndarray
    """int32; also the stream partition key (`u<id>`), so one user's events stay ordered on a shard."""
    event_type: np.ndarray
    """int8 index into EVENT_TYPES."""
    amount_cents: np.ndarray
    """int64 money in cents (purchases positive, refunds negative, else 0): sums stay exact."""
    event_ms: np.ndarray
    """int64 when it happened on the client (epoch ms)."""
    ingest_ms: np.ndarray
    """int64 when the stream accepted this delivery (Kinesis' ApproximateArrivalTimestamp)."""
    duplicate: np.ndarray
    """bool: a re-delivery of an event already sent."""

    def __len__(self) -> int:
        return len(self.event_id)

    def slice(self, start: int, stop: int) -> Deliveries:
        """Rows [start, stop) as views, no copy."""
        return Deliveries(*(getattr(self, f)[start:stop] for f in _FIELDS))

    def take(self, index: np.ndarray) -> Deliveries:
        """Rows at `index` (a copy)."""
        return Deliveries(*(getattr(self, f)[index] for f in _FIELDS))

    def type_names(self) -> list[str]:
        """event_type as strings."""
        return np.asarray(EVENT_TYPES, dtype=object)[self.event_type].tolist()


def concat(parts: list[Deliveries]) -> Deliveries:
    """Rows of all parts, in order."""
    if len(parts) == 1:
        return parts[0]
    return Deliveries(*(np.concatenate([getattr(p, f) for p in parts]) for f in _FIELDS))


_FIELDS = ("event_id", "user_id", "event_type", "amount_cents", "event_ms", "ingest_ms", "duplicate")


@dataclass(frozen=True)
class Workload:
    """What to generate."""

    events: int
    duplicate_rate: float
    late_rate: float
    seed: int
    hours: int = 48
    start_ms: int = DEFAULT_START_MS

    @property
    def end_ms(self) -> int:
        """Last moment a delivery can arrive in this run."""
        return self.start_ms + self.hours * HOUR_MS + DRAIN_MS


def _event_times(rng: np.random.Generator, n: int, start_ms: int, span_ms: int) -> np.ndarray:
    """Event times with a day/night cycle (peak mid-afternoon UTC, trough ~4 at night)."""
    out = np.empty(0, dtype=np.int64)
    while len(out) < n:
        t = rng.integers(0, span_ms, size=2 * (n - len(out)) + 16, dtype=np.int64)
        hour = (t % (24 * HOUR_MS)) / HOUR_MS
        keep = rng.random(len(t)) < (1.0 + 0.6 * np.sin(2 * np.pi * (hour - 9) / 24)) / 1.6
        out = np.concatenate([out, t[keep]])
    return start_ms + out[:n]


def _log_uniform(rng: np.random.Generator, lo_ms: float, hi_ms: float, n: int) -> np.ndarray:
    return np.exp(rng.uniform(np.log(lo_ms), np.log(hi_ms), size=n)).astype(np.int64)


def _first_delay(rng: np.random.Generator, n: int, late_rate: float) -> np.ndarray:
    """Client-to-stream delay: ~0.5 s normally; late ones 2 min..3 h, a fifth of them 3 h..30 h."""
    delay = (50 + rng.exponential(450, size=n)).astype(np.int64)
    late = rng.random(n) < late_rate
    far = rng.random(n) < 0.2
    near_idx, far_idx = np.flatnonzero(late & ~far), np.flatnonzero(late & far)
    delay[near_idx] = _log_uniform(rng, 2 * MINUTE_MS, 3 * HOUR_MS, len(near_idx))
    delay[far_idx] = _log_uniform(rng, 3 * HOUR_MS, 30 * HOUR_MS, len(far_idx))
    return delay


def _redelivery_delay(rng: np.random.Generator, n: int) -> np.ndarray:
    """After the first delivery: 70% a batch retry within seconds, 30% a producer resend 1 min..4 h later."""
    delay = (200 + rng.exponential(2 * SECOND_MS, size=n)).astype(np.int64)
    resend = rng.random(n) < 0.3
    delay[resend] = _log_uniform(rng, MINUTE_MS, 4 * HOUR_MS, int(resend.sum()))
    return delay


def generate(w: Workload) -> Deliveries:
    """All deliveries of the workload that arrive before `w.end_ms`, sorted by (ingest time, event id)."""
    rng = np.random.default_rng(w.seed)
    n = w.events
    # A bijection on 63-bit ints: ids look random but can never collide.
    event_id = (np.arange(1, n + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)) & np.uint64(2**63 - 1)
    event_id = event_id.astype(np.int64)
    user_id = (rng.zipf(1.3, size=n) % USERS).astype(np.int32)
    event_type = rng.choice(len(EVENT_TYPES), size=n, p=TYPE_WEIGHTS).astype(np.int8)
    amount = np.zeros(n, dtype=np.int64)
    purchase = np.flatnonzero(event_type == EVENT_TYPES.index("purchase"))
    refund = np.flatnonzero(event_type == EVENT_TYPES.index("refund"))
    amount[purchase] = np.round(rng.lognormal(np.log(3500), 0.8, size=len(purchase)))
    amount[refund] = -np.round(rng.lognormal(np.log(2500), 0.6, size=len(refund)))
    event_ms = _event_times(rng, n, w.start_ms, w.hours * HOUR_MS)
    ingest_ms = event_ms + _first_delay(rng, n, w.late_rate)

    # Re-deliveries: 10% of duplicated events are delivered three times.
    dup = np.flatnonzero(rng.random(n) < w.duplicate_rate)
    third = dup[rng.random(len(dup)) < 0.1]
    again = np.concatenate([dup, third])
    again_ingest = ingest_ms[again] + _redelivery_delay(rng, len(again))
    if len(third):  # the third copy comes after the second
        again_ingest[len(dup):] += again_ingest[: len(dup)][np.isin(dup, third)] - ingest_ms[third]

    rows = np.concatenate([np.arange(n), again])
    ingest = np.concatenate([ingest_ms, again_ingest])
    duplicate = np.concatenate([np.zeros(n, bool), np.ones(len(again), bool)])
    keep = ingest < w.end_ms
    rows, ingest, duplicate = rows[keep], ingest[keep], duplicate[keep]
    order = np.lexsort((event_id[rows], ingest))
    rows, ingest, duplicate = rows[order], ingest[order], duplicate[order]
    return Deliveries(event_id[rows], user_id[rows], event_type[rows], amount[rows], event_ms[rows], ingest, duplicate)
