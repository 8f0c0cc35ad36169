"""The TAR protocol as a readable model: one action per line of spec/TAR.tla.

State: the owner's ledger (one lifecycle per buyer), one ACL replica per
marketplace node, the requests in flight, and ``breach``, a history variable
holding every (buyer, node) pair served after the ledger revoked that buyer.
Safety says ``breach`` stays empty. Buyers and nodes are numbered from 0 here
and printed from 1 (``b1``, ``n1``), as in the TLC configs.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from .api import Action, Invariant, Model

NONE, GRANTED, REVOKED = "none", "granted", "revoked"
Mode = Literal["partial", "atomic"]
Pair = tuple[int, int]  # (buyer, node)


@dataclass(frozen=True, slots=True)
class TarState:
    """One global state; every field is immutable, so states hash and compare by value."""

    ledger: tuple[str, ...]
    """``ledger[b]``: ``none`` -> ``granted`` -> ``revoked``; the owner's source of truth."""
    acl: tuple[frozenset[int], ...]
    """``acl[n]``: the buyers node ``n`` serves, from its own replica."""
    inflight: frozenset[Pair]
    """Requests sent and not yet answered, at most one per (buyer, node)."""
    breach: frozenset[Pair]
    """(buyer, node) pairs served after the ledger had revoked the buyer."""


def initial(nodes: int, buyers: int) -> TarState:
    """Nobody granted, empty replicas, no requests."""
    return TarState((NONE,) * buyers, (frozenset(),) * nodes, frozenset(), frozenset())


def _ledger(s: TarState, b: int, status: str) -> TarState:
    return replace(s, ledger=s.ledger[:b] + (status,) + s.ledger[b + 1 :])


def _acl(s: TarState, n: int, members: frozenset[int]) -> TarState:
    return replace(s, acl=s.acl[:n] + (members,) + s.acl[n + 1 :])


def buyer_actions(b: int, nodes: int, mode: Mode) -> list[Action[TarState]]:
    """The action instances of buyer ``b``, in the order the checkers try them."""
    B = f"b{b + 1}"
    acts = [
        Action(f"Grant({B})", lambda s: s.ledger[b] == NONE, lambda s: _ledger(s, b, GRANTED)),
    ]
    if mode == "partial":
        acts.append(
            Action(f"Revoke({B})", lambda s: s.ledger[b] == GRANTED, lambda s: _ledger(s, b, REVOKED))
        )
    else:
        acts.append(Action(f"RevokeAtomic({B})", lambda s: s.ledger[b] == GRANTED, lambda s: replace(
            _ledger(s, b, REVOKED), acl=tuple(members - {b} for members in s.acl))))
    for n in range(nodes):
        acts += node_actions(b, n, mode)
    return acts


def node_actions(b: int, n: int, mode: Mode) -> list[Action[TarState]]:
    """SyncGrant, Request, Serve, Reject (and SyncRevoke when partial) for one (buyer, node)."""
    at = f"(b{b + 1}, n{n + 1})"
    pair = (b, n)

    def serve(s: TarState) -> TarState:
        served = replace(s, inflight=s.inflight - {pair})
        return replace(served, breach=s.breach | {pair}) if s.ledger[b] == REVOKED else served

    acts = [
        Action(f"SyncGrant{at}", lambda s: s.ledger[b] == GRANTED and b not in s.acl[n],
               lambda s: _acl(s, n, s.acl[n] | {b})),
        Action(f"Request{at}", lambda s: pair not in s.inflight,
               lambda s: replace(s, inflight=s.inflight | {pair})),
        Action(f"Serve{at}", lambda s: pair in s.inflight and b in s.acl[n], serve),
        Action(f"Reject{at}", lambda s: pair in s.inflight and b not in s.acl[n],
               lambda s: replace(s, inflight=s.inflight - {pair})),
    ]
    if mode == "partial":
        acts.append(Action(f"SyncRevoke{at}", lambda s: s.ledger[b] == REVOKED and b in s.acl[n],
                           lambda s: _acl(s, n, s.acl[n] - {b})))
    return acts


def view(s: TarState) -> Mapping[str, str]:
    """Every variable as text, with the same keys in every state."""
    def pairs(ps: frozenset[Pair]) -> str:
        return "{" + ", ".join(f"b{b + 1}@n{n + 1}" for b, n in sorted(ps)) + "}"

    out = {f"ledger[b{b + 1}]": status for b, status in enumerate(s.ledger)}
    out |= {f"acl[n{n + 1}]": "{" + ", ".join(f"b{b + 1}" for b in sorted(m)) + "}"
            for n, m in enumerate(s.acl)}
    out["inflight"] = pairs(s.inflight)
    out["breach"] = pairs(s.breach)
    return out


def expected_states(nodes: int, buyers: int, mode: Mode) -> int:
    """Reachable states, counted by hand; the checkers must agree with it.

    Buyers never interact, so the space is the product of one space per buyer.
    Per buyer and node, with the ledger at ``none``: the ACL bit is clear and only
    the request bit varies (2 per node). At ``granted``: ACL and request bits are
    free (4). At ``revoked`` under partial revocation: ACL, request and breach are
    all free (8), since a replica may still serve, then learn of the revocation;
    under atomic revocation ACL and breach stay clear (2).
    """
    revoked = 8**nodes if mode == "partial" else 2**nodes
    per_buyer = 2**nodes + 4**nodes + revoked
    return int(per_buyer**buyers)  # int ** int is typed Any (a negative power is a float)


def model(nodes: int, buyers: int, mode: Mode) -> Model[TarState]:
    """The TAR transition system for ``nodes`` replicas and ``buyers`` buyers."""
    if nodes < 1 or buyers < 1:
        raise ValueError("need at least one node and one buyer")
    actions = [a for b in range(buyers) for a in buyer_actions(b, nodes, mode)]
    safety: Invariant[TarState] = Invariant("Safety", lambda s: not s.breach)
    return Model(f"TAR-{mode}", (initial(nodes, buyers),), tuple(actions), (safety,), view)
