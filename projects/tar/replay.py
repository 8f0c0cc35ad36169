"""Re-run a counterexample on a model, independently of the engine that found it."""
from __future__ import annotations

from typing import Hashable, TypeVar

from .api import Model
from .result import Violation, build_trace

S = TypeVar("S", bound=Hashable)


def replay(model: Model[S], violation: Violation) -> str | None:
    """None when the trace is a real run of ``model`` ending in a violation, else what is wrong.

    Every step must name an enabled action, its effect must produce exactly the
    changes the trace records, and the last state must break the named invariant.
    """
    actions = {a.name: a for a in model.actions}
    first = violation.trace[0]
    starts = [s for s in model.init if build_trace([("Init", model.view(s))])[0] == first]
    if not starts:
        return "the trace does not start in an initial state"
    s = starts[0]
    path = [("Init", model.view(s))]
    for n, step in enumerate(violation.trace[1:], 1):
        action = actions.get(step.action)
        if action is None:
            return f"step {n}: no action named {step.action}"
        if not action.guard(s):
            return f"step {n}: {step.action} is not enabled"
        s = action.effect(s)
        path.append((step.action, model.view(s)))
    if build_trace(path) != violation.trace:
        return "replaying the actions does not reproduce the recorded state changes"
    inv = next((i for i in model.invariants if i.name == violation.invariant), None)
    if inv is None or inv.holds(s):
        return f"the last state does not violate {violation.invariant}"
    return None
