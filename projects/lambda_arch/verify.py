"""Merge checks: compare the serving layer's answer with the oracle, window by window."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .batch import BatchView
from .events import EVENT_TYPES
from .oracle import Oracle, Reference
from .serving import Answer, answer
from .speed import SpeedStore
from .timebase import MINUTE_MS

WINDOW_MINUTES = (1, 5, 15, 60, 240, 1440)


@dataclass
class MergeLog:
    """Running tally of merge checks."""

    checks: int = 0
    mismatches: int = 0
    exact: int = 0
    """Checks where the merged answer equals the full recompute with nothing to explain."""
    examples: list[str] = field(default_factory=list)
    answers: Any = field(default_factory=hashlib.sha256)
    """A hash of every merged answer in check order: two runs that served the same numbers share it."""

    def check(self, oracle: Oracle, view: BatchView, store: SpeedStore, prefix: int, now_ms: int,
              start_ms: int, end_ms: int, event_type: str | None = None) -> tuple[Answer, Reference]:
        """One merge check; a mismatch is recorded (first few kept as text), never raised."""
        got = answer(view, store, start_ms, end_ms, now_ms, event_type)
        ref = oracle.reference(prefix, view.cutoff_ms, now_ms, start_ms, end_ms, event_type)
        self.checks += 1
        self.answers.update(f"{got.events},{got.amount_cents};".encode())
        if (got.events, got.amount_cents) != (ref.expected.events, ref.expected.amount_cents):
            self.mismatches += 1
            if len(self.examples) < 5:
                self.examples.append(
                    f"window [{start_ms}, {end_ms}) type={event_type} cutoff={view.cutoff_ms} now={now_ms}: "
                    f"merged {got.events}/{got.amount_cents}, expected {ref.expected}")
        elif (got.events, got.amount_cents) == (ref.truth.events, ref.truth.amount_cents):
            self.exact += 1
        return got, ref


def random_window(rng: np.random.Generator, first_ms: int, last_ms: int) -> tuple[int, int, str | None]:
    """A minute-aligned window of 1 minute to 1 day somewhere in [first, last), maybe filtered to one type."""
    length = int(rng.choice(WINDOW_MINUTES)) * MINUTE_MS
    start = first_ms + int(rng.integers(0, max(1, (last_ms - first_ms) // MINUTE_MS))) * MINUTE_MS
    etype = None if rng.random() < 0.5 else EVENT_TYPES[int(rng.integers(len(EVENT_TYPES)))]
    return start, start + length, etype
