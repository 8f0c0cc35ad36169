"""Serving layer: batch view up to the cutoff, speed view after it, summed per minute.

The split is on *ingest* time, which both sides record: the batch view holds
every event ingested before the cutoff, and the serving layer reads only speed
items whose ingest hour is at or after it. Every delivery is therefore counted by
exactly one side, whatever its event time, so the boundary has no gap and no
double count. (Splitting on event time instead would drop late events until the
next batch run and double-count none; splitting on nothing would double-count.)
"""
from __future__ import annotations

from dataclasses import dataclass

from .batch import BatchView
from .speed import SpeedStore
from .timebase import HOUR_MS


@dataclass(frozen=True, slots=True)
class Point:
    """One (minute, type) cell of an answer and which layers contributed to it."""

    minute_ms: int
    event_type: str
    events: int
    amount_cents: int
    source: str
    """'batch', 'speed' or 'batch+speed'."""


@dataclass(frozen=True)
class Answer:
    start_ms: int
    end_ms: int
    cutoff_ms: int
    now_ms: int
    points: list[Point]

    @property
    def events(self) -> int:
        return sum(p.events for p in self.points)

    @property
    def amount_cents(self) -> int:
        return sum(p.amount_cents for p in self.points)

    def by_type(self) -> dict[str, dict[str, int]]:
        """Totals per event type."""
        out: dict[str, dict[str, int]] = {}
        for p in self.points:
            t = out.setdefault(p.event_type, {"events": 0, "amount_cents": 0})
            t["events"] += p.events
            t["amount_cents"] += p.amount_cents
        return out


def answer(view: BatchView, speed: SpeedStore, start_ms: int, end_ms: int, now_ms: int,
           event_type: str | None = None) -> Answer:
    """Merged per-minute counts and sums for start <= event minute < end, as seen at `now_ms`."""
    if view.cutoff_ms % HOUR_MS:
        raise ValueError("cutoff must be a whole ingest hour")
    cells: dict[tuple[int, str], tuple[int, int, str]] = {
        (minute, etype): (n, amount, "batch") for minute, etype, n, amount in view.rows_in(start_ms, end_ms, event_type)}
    for r in speed.read(start_ms, end_ms, view.cutoff_ms, now_ms // 1000, event_type):
        key = (r.minute_ms, r.event_type)
        n, amount, source = cells.get(key, (0, 0, "speed"))
        cells[key] = (n + r.events, amount + r.amount_cents, "batch+speed" if source == "batch" else source)
    points = [Point(m, t, n, a, s) for (m, t), (n, a, s) in sorted(cells.items())]
    return Answer(start_ms, end_ms, view.cutoff_ms, now_ms, points)
