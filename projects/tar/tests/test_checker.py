"""The generic checkers: known answers on a toy model, and vbfs == bfs on random bit models."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from projects.tar import bfs, vbfs
from projects.tar.api import Action, Invariant, Model
from projects.tar.bitmodel import BitInvariant, BitModel, Rule
from projects.tar.replay import replay
from projects.tar.result import Step, Violation, build_trace

W, H = 4, 3


def grid(limit: int | None = None, init: tuple[tuple[int, int], ...] = ((0, 0),)) -> Model[tuple[int, int]]:
    """A walk right/up on a W x H grid; optionally 'x + y < limit' as an invariant."""
    actions = (
        Action("right", lambda s: s[0] < W - 1, lambda s: (s[0] + 1, s[1])),
        Action("up", lambda s: s[1] < H - 1, lambda s: (s[0], s[1] + 1)),
    )
    invariants = () if limit is None else (Invariant("Near", lambda s: s[0] + s[1] < limit),)
    return Model("grid", init, actions, invariants, lambda s: {"x": str(s[0]), "y": str(s[1])})


def test_bfs_counts_states_transitions_and_diameter() -> None:
    r = bfs.explore(grid())
    assert (r.states, r.diameter, r.complete, r.violation) == (W * H, W + H - 2, True, None)
    assert r.transitions == (W - 1) * H + W * (H - 1)


def test_equal_initial_states_are_counted_once() -> None:
    assert bfs.explore(grid(init=((0, 0), (0, 0), (1, 0)))).states == W * H


def test_violation_is_numbered_in_discovery_order_with_a_shortest_trace() -> None:
    r = bfs.explore(grid(limit=3))
    # Discovery order: (0,0) (1,0) (0,1) (2,0) (1,1) (0,2) (3,0): (3,0) is the first with x+y = 3.
    assert r.violation is not None and r.complete and r.states == W * H
    assert (r.violation.invariant, r.violation.ordinal, r.violation.length) == ("Near", 7, 3)
    assert [s.action for s in r.violation.trace] == ["Init", "right", "right", "right"]
    assert r.violation.trace[1].changes == {"x": ("0", "1")}


def test_stop_at_first_stops_at_the_violating_state() -> None:
    r = bfs.explore(grid(limit=3), stop_at_first=True)
    assert (r.states, r.complete, r.diameter) == (7, False, 3)
    assert r.violation is not None and r.violation.ordinal == 7


def test_violating_initial_state_is_a_trace_of_length_zero() -> None:
    r = bfs.explore(grid(limit=0), stop_at_first=True)
    assert r.violation is not None and (r.states, r.violation.ordinal, r.violation.length) == (1, 1, 0)


def test_replay_accepts_the_real_trace_and_rejects_tampered_ones() -> None:
    model = grid(limit=3)
    v = bfs.explore(model).violation
    assert v is not None and replay(model, v) is None
    renamed = Violation(v.invariant, v.ordinal, v.trace[:2] + (Step("jump", v.trace[2].changes),) + v.trace[3:])
    assert "no action named jump" in (replay(model, renamed) or "")
    wrong_diff = Violation(v.invariant, v.ordinal, v.trace[:-1] + (Step("right", {"x": ("2", "4")}),))
    assert "does not reproduce" in (replay(model, wrong_diff) or "")
    too_short = Violation(v.invariant, v.ordinal, v.trace[:-1])
    assert "does not violate" in (replay(model, too_short) or "")


def test_build_trace_keeps_only_changed_variables() -> None:
    steps = build_trace([("Init", {"a": "1", "b": "2"}), ("f", {"a": "1", "b": "3"})])
    assert steps == (Step("Init", {"a": (None, "1"), "b": (None, "2")}), Step("f", {"b": ("2", "3")}))


BITS = 7


@st.composite
def bit_models(draw: st.DrawFn) -> BitModel:
    """Random guarded commands over 7 bits; some actions split into two disjoint rules."""
    word = st.integers(0, 2**BITS - 1)
    rules: list[Rule] = []
    n_actions = draw(st.integers(1, 6))
    for a in range(n_actions):
        mask = draw(word)
        value = draw(word) & mask
        if draw(st.booleans()):
            bit = 1 << draw(st.integers(0, BITS - 1))
            rules.append(Rule(a, mask | bit, value & ~bit, draw(word), draw(word)))
            rules.append(Rule(a, mask | bit, value | bit, draw(word), draw(word)))
        else:
            rules.append(Rule(a, mask, value, draw(word), draw(word)))
    inv_mask = draw(word)
    return BitModel(
        name="random", bits=BITS,
        init=tuple(draw(st.lists(word, min_size=1, max_size=3))),
        actions=tuple(f"a{i}" for i in range(n_actions)),
        rules=tuple(rules),
        invariants=(BitInvariant("I", inv_mask, draw(word) & inv_mask),),
        view=lambda s: {f"bit{i}": str(s >> i & 1) for i in range(BITS)},
    )


@given(st.lists(st.integers(0, 2**20 - 1), max_size=300), st.sampled_from([20, 64]))
def test_first_occurrences_is_np_unique_with_first_index(xs: list[int], bits: int) -> None:
    cand = np.array(xs, dtype=np.uint64)  # bits=64 takes the np.unique fallback
    got, want = vbfs.first_occurrences(cand, bits), np.unique(cand, return_index=True)
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()


@settings(max_examples=150, deadline=None)
@given(bit_models(), st.booleans(), st.sampled_from([1, 3, 1 << 15]))
def test_vbfs_matches_bfs_exactly_on_random_bit_models(bm: BitModel, stop: bool, chunk: int) -> None:
    # Equal Results means equal counts, diameter, violation number and the same trace, step by step.
    assert vbfs.explore(bm, stop_at_first=stop, chunk=chunk) == bfs.explore(bm.as_model(), stop_at_first=stop)
