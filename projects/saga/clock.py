"""Simulated time: one clock that every component reads, advanced only by the scheduler and by work."""
from __future__ import annotations


class VirtualClock:
    """Seconds of simulated time. Nothing in the system reads the wall clock for behaviour."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def jump(self, t: float) -> None:
        """Move to the start of the next unit of work.

        Units of work on different workers overlap in simulated time, so this can be earlier
        than where the previous unit (on another worker) ended.
        """
        self.now = t

    def sleep(self, seconds: float) -> None:
        """Spend simulated time inside a unit of work (a gateway call, a backoff)."""
        self.now += seconds
