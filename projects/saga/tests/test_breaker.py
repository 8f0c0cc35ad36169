"""Circuit breaker state machine: closed -> open -> half-open -> closed / open."""
from __future__ import annotations

from projects.saga.breaker import CLOSED, HALF_OPEN, OPEN, BreakerConfig, CircuitBreaker

CONFIG = BreakerConfig(window=10, min_calls=4, threshold=0.5, open_seconds=5.0, trial_calls=2)


def feed(b: CircuitBreaker, outcomes: str, now: float = 0.0) -> None:
    for ch in outcomes:
        assert b.allow(now)
        b.record(ch == "1", now)


def test_needs_min_calls_before_judging() -> None:
    b = CircuitBreaker(CONFIG)
    feed(b, "000")
    assert b.state == CLOSED
    feed(b, "0")
    assert b.state == OPEN


def test_failure_rate_is_over_the_sliding_window_only() -> None:
    b = CircuitBreaker(CONFIG)
    feed(b, "1111" + "000" + "1" * 10)  # 3 of 7 fail, then slide out of the 10-call window
    assert b.state == CLOSED and b.failure_rate() == 0.0
    feed(b, "0000")
    assert b.state == CLOSED
    feed(b, "0")  # 5 of the last 10 fail (cumulatively it would be 8 of 22)
    assert b.state == OPEN


def test_open_sheds_calls_then_half_opens_and_closes_after_trial_successes() -> None:
    b = CircuitBreaker(CONFIG)
    feed(b, "0000", now=1.0)
    assert not b.allow(3.0) and not b.allow(5.9)
    assert b.stats.rejected == 2
    assert b.allow(6.0) and b.state == HALF_OPEN
    b.record(True, 6.0)
    assert b.state == HALF_OPEN
    b.record(True, 6.1)
    assert b.state == CLOSED and b.failure_rate() == 0.0
    assert [(old, new) for _, old, new in b.stats.transitions] == [
        (CLOSED, OPEN), (OPEN, HALF_OPEN), (HALF_OPEN, CLOSED)]


def test_a_failed_trial_reopens_for_a_full_wait() -> None:
    b = CircuitBreaker(CONFIG)
    feed(b, "0000", now=0.0)
    assert b.allow(5.0)
    b.record(False, 5.0)
    assert b.state == OPEN and not b.allow(9.9) and b.allow(10.0)
