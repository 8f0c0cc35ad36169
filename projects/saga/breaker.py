"""A circuit breaker: closed / open / half-open over a count-based sliding window.

Shaped after Resilience4j's CircuitBreaker: the failure rate is computed over the last
`window` calls and only once `min_calls` have been recorded; when it reaches `threshold` the
breaker opens, rejects calls for `open_seconds`, then lets `trial_calls` through (half-open):
all succeed -> closed with a fresh window, any fails -> open again.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


@dataclass(frozen=True, slots=True)
class BreakerConfig:
    window: int = 20
    min_calls: int = 10
    threshold: float = 0.5
    open_seconds: float = 5.0
    trial_calls: int = 3


@dataclass(slots=True)
class BreakerStats:
    calls: int = 0
    failures: int = 0
    rejected: int = 0
    """Calls shed without touching the gateway because the breaker was open."""
    transitions: list[tuple[float, str, str]] = field(default_factory=list)
    call_times: list[float] = field(default_factory=list)


class CircuitBreaker:
    """Call `allow(now)` before each call and `record(ok, now)` after it."""

    def __init__(self, config: BreakerConfig) -> None:
        self.config = config
        self.state = CLOSED
        self.stats = BreakerStats()
        self._window: deque[bool] = deque(maxlen=config.window)
        self._opened_at = 0.0
        self._trial_successes = 0

    def allow(self, now: float) -> bool:
        """May a call go out now? Counts a rejection when it may not."""
        if self.state == OPEN and now >= self._opened_at + self.config.open_seconds:
            self._move(HALF_OPEN, now)
            self._trial_successes = 0
        if self.state == OPEN:
            self.stats.rejected += 1
            return False
        return True

    def record(self, ok: bool, now: float) -> None:
        """Feed one call's outcome (a business refusal such as a declined card counts as ok)."""
        self.stats.calls += 1
        self.stats.call_times.append(now)
        self.stats.failures += not ok
        if self.state == HALF_OPEN:
            if not ok:
                self._open(now)
            else:
                self._trial_successes += 1
                if self._trial_successes >= self.config.trial_calls:
                    self._window.clear()
                    self._move(CLOSED, now)
            return
        self._window.append(ok)
        if self.state == CLOSED and len(self._window) >= self.config.min_calls \
                and self.failure_rate() >= self.config.threshold:
            self._open(now)

    def retry_at(self) -> float:
        """When an open breaker lets the next (trial) call through."""
        return self._opened_at + self.config.open_seconds

    def failure_rate(self) -> float:
        return self._window.count(False) / len(self._window) if self._window else 0.0

    def _open(self, now: float) -> None:
        self._opened_at = now
        self._move(OPEN, now)

    def _move(self, state: str, now: float) -> None:
        self.stats.transitions.append((now, self.state, state))
        self.state = state
