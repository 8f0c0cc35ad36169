"""CloudFlow: an order saga choreographed over queues, proven under duplicates, crashes and outages."""
from .simulation import RunResult, Scenario, run

__all__ = ["RunResult", "Scenario", "run"]
