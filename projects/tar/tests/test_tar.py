"""The TAR model: three encodings agree, the theorem holds on every small size, and breaks when it should."""
from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projects.tar import bfs, msc, tar_bits, tar_model, vbfs
from projects.tar.bitmodel import BitModel
from projects.tar.replay import replay
from projects.tar.tar_model import TarState

SIZES = [(1, 1), (2, 1), (3, 1), (1, 2), (2, 2), (1, 3)]
MODES = ["partial", "atomic"]


@pytest.mark.parametrize("nodes,buyers", SIZES)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("stop", [False, True])
def test_readable_and_packed_models_give_identical_results(nodes: int, buyers: int, mode: str, stop: bool) -> None:
    readable = bfs.explore(tar_model.model(nodes, buyers, mode), stop_at_first=stop)  # type: ignore[arg-type]
    packed = tar_bits.compile_model(nodes, buyers, mode)  # type: ignore[arg-type]
    assert bfs.explore(packed.as_model(), stop_at_first=stop) == readable
    assert vbfs.explore(packed, stop_at_first=stop, chunk=64) == readable


@pytest.mark.parametrize("nodes,buyers", SIZES + [(4, 1), (3, 2)])
def test_partial_revocation_violates_safety_and_atomic_keeps_it(nodes: int, buyers: int) -> None:
    partial = vbfs.explore(tar_bits.compile_model(nodes, buyers, "partial"))
    atomic = vbfs.explore(tar_bits.compile_model(nodes, buyers, "atomic"))
    assert partial.states == tar_model.expected_states(nodes, buyers, "partial")
    assert atomic.states == tar_model.expected_states(nodes, buyers, "atomic")
    assert atomic.violation is None and atomic.complete
    v = partial.violation
    assert v is not None and v.invariant == "Safety" and 1 < v.ordinal <= partial.states
    # The race, and nothing shorter: grant, sync to a node, revoke, request, served from the stale ACL.
    kinds = [step.action.split("(")[0] for step in v.trace[1:]]
    assert sorted(kinds) == sorted(["Grant", "SyncGrant", "Revoke", "Request", "Serve"])
    assert kinds.index("Revoke") < kinds.index("Serve") and kinds[-1] == "Serve"
    assert replay(tar_model.model(nodes, buyers, "partial"), v) is None


def test_hand_count_matches_a_size_only_the_fast_engine_reaches() -> None:
    assert vbfs.explore(tar_bits.compile_model(6, 1, "partial")).states == 2**6 + 4**6 + 8**6


def test_atomic_revocation_that_misses_one_replica_is_caught() -> None:
    """Mutation: an 'atomic' revoke that forgets node n2 must reintroduce the race."""
    bm = tar_bits.compile_model(2, 1, "atomic")
    lay = tar_bits.Layout(2, 1)
    i = bm.actions.index("RevokeAtomic(b1)")
    rules = tuple(dataclasses.replace(r, clear=r.clear & ~lay.acl(0, 1)) if r.action == i else r
                  for r in bm.rules)
    broken: BitModel = dataclasses.replace(bm, rules=rules)
    v = vbfs.explore(broken).violation
    assert v is not None and v.trace[-1].action == "Serve(b1, n2)"


def test_a_serve_before_revocation_is_not_a_breach() -> None:
    m = tar_model.model(1, 1, "partial")
    act = {a.name: a for a in m.actions}
    s = m.init[0]
    for name in ["Grant(b1)", "SyncGrant(b1, n1)", "Request(b1, n1)", "Serve(b1, n1)", "Revoke(b1)",
                 "Request(b1, n1)", "SyncRevoke(b1, n1)", "Reject(b1, n1)"]:
        assert act[name].guard(s), name
        s = act[name].effect(s)
    assert not s.breach and not s.inflight and s.ledger == ("revoked",) and s.acl == (frozenset(),)


states = st.builds(
    lambda ledger, acl, infl, breach: TarState(tuple(ledger), tuple(map(frozenset, acl)),
                                               frozenset(infl), frozenset(breach)),
    st.lists(st.sampled_from(["none", "granted", "revoked"]), min_size=3, max_size=3),
    st.lists(st.sets(st.integers(0, 2)), min_size=4, max_size=4),
    st.sets(st.tuples(st.integers(0, 2), st.integers(0, 3))),
    st.sets(st.tuples(st.integers(0, 2), st.integers(0, 3))),
)


@given(states)
def test_encode_decode_round_trip(s: TarState) -> None:
    assert tar_bits.decode(tar_bits.encode(s), nodes=4, buyers=3) == s


def test_state_wider_than_64_bits_is_refused() -> None:
    with pytest.raises(ValueError, match="64"):
        tar_bits.compile_model(7, 3, "partial")


def test_message_sequence_chart_draws_the_race() -> None:
    v = vbfs.explore(tar_bits.compile_model(2, 1, "partial")).violation
    assert v is not None
    assert msc.render(v.trace).splitlines() == [
        "     ledger              n1                  b1",
        "  1  * grant b1          |                   |",
        "  2  |---- grant b1 ---->|                   |",
        "  3  * revoke b1         |                   |",
        "  4  |                   |<--- request ------|",
        "  5  |                   |- served BREACH -->|",
    ]


def test_atomic_safety_follows_from_an_inductive_invariant() -> None:
    """Beyond reachable states: over every type-correct 2-node, 2-buyer state, the invariant
    'Safety, and no replica lists a revoked buyer' is preserved by every atomic-mode action."""
    nodes, buyers = 2, 2
    model = tar_model.model(nodes, buyers, "atomic")
    pairs = [(b, n) for b in range(buyers) for n in range(nodes)]
    subsets = [frozenset(c) for k in range(len(pairs) + 1) for c in itertools.combinations(pairs, k)]
    members = [frozenset(c) for k in range(buyers + 1) for c in itertools.combinations(range(buyers), k)]

    def inv(s: TarState) -> bool:
        return not s.breach and all(b not in m for m in s.acl for b, status in enumerate(s.ledger) if status == "revoked")

    checked = 0
    for ledger in itertools.product(["none", "granted", "revoked"], repeat=buyers):
        for acl in itertools.product(members, repeat=nodes):
            for inflight in subsets:
                s = TarState(ledger, acl, inflight, frozenset())
                if not inv(s):
                    continue
                for a in model.actions:
                    if a.guard(s):
                        assert inv(a.effect(s)), (s, a.name)
                        checked += 1
    assert checked > 5_000  # enabled (state, action) pairs examined
