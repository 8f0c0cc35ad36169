"""The TAR model compiled to packed-integer rules (``bitmodel``) for ``vbfs``.

Each buyer owns ``2 + 3 * nodes`` consecutive bits::

    bit 0      ledger granted        bits 2 ..        acl: node n serves b
    bit 1      ledger revoked        next nodes bits  inflight: request b -> n
                                     next nodes bits  breach: b served at n after revoke

``none`` is both ledger bits clear. ``encode``/``decode`` map to and from
``tar_model.TarState``, so tests can compare the two models state by state.
"""
from __future__ import annotations

from dataclasses import dataclass

from .bitmodel import BitInvariant, BitModel, Rule
from .tar_model import GRANTED, NONE, REVOKED, Mode, TarState, view


VARIABLES = ("ledger", "acl", "inflight", "breach")
"""The model's state variables, in the order of their bits within a buyer."""


@dataclass(frozen=True, slots=True)
class Layout:
    """Bit positions for a given number of nodes and buyers."""

    nodes: int
    buyers: int

    @property
    def width(self) -> int:
        """Bits per buyer."""
        return 2 + 3 * self.nodes

    def granted(self, b: int) -> int:
        return 1 << (b * self.width)

    def revoked(self, b: int) -> int:
        return 1 << (b * self.width + 1)

    def acl(self, b: int, n: int) -> int:
        return 1 << (b * self.width + 2 + n)

    def inflight(self, b: int, n: int) -> int:
        return 1 << (b * self.width + 2 + self.nodes + n)

    def breach(self, b: int, n: int) -> int:
        return 1 << (b * self.width + 2 + 2 * self.nodes + n)

    def variables(self, bits: int) -> set[str]:
        """The state variables (``ledger``, ``acl``, ``inflight``, ``breach``) that ``bits`` cover."""
        offsets = {i % self.width for i in range(self.width * self.buyers) if bits >> i & 1}
        return {"ledger" if o < 2 else VARIABLES[1 + (o - 2) // self.nodes] for o in offsets}


def encode(s: TarState) -> int:
    """Pack a readable state."""
    lay = Layout(len(s.acl), len(s.ledger))
    x = 0
    for b, status in enumerate(s.ledger):
        x |= {NONE: 0, GRANTED: lay.granted(b), REVOKED: lay.revoked(b)}[status]
    x |= sum(lay.acl(b, n) for n, members in enumerate(s.acl) for b in members)
    x |= sum(lay.inflight(b, n) for b, n in s.inflight)
    x |= sum(lay.breach(b, n) for b, n in s.breach)
    return x


def decode(x: int, nodes: int, buyers: int) -> TarState:
    """Unpack a state; the inverse of ``encode``."""
    lay = Layout(nodes, buyers)
    ledger = tuple(REVOKED if x & lay.revoked(b) else GRANTED if x & lay.granted(b) else NONE
                   for b in range(buyers))
    pairs = [(b, n) for b in range(buyers) for n in range(nodes)]
    return TarState(
        ledger,
        tuple(frozenset(b for b in range(buyers) if x & lay.acl(b, n)) for n in range(nodes)),
        frozenset(p for p in pairs if x & lay.inflight(*p)),
        frozenset(p for p in pairs if x & lay.breach(*p)),
    )


def compile_model(nodes: int, buyers: int, mode: Mode) -> BitModel:
    """Rules in the same action order as ``tar_model.model(nodes, buyers, mode)``."""
    if nodes < 1 or buyers < 1:
        raise ValueError("need at least one node and one buyer")
    lay = Layout(nodes, buyers)
    names: list[str] = []
    rules: list[Rule] = []

    def action(name: str, *guarded: tuple[int, int, int, int]) -> None:
        for mask, value, clear, set_ in guarded:
            rules.append(Rule(len(names), mask, value, clear, set_))
        names.append(name)

    for b in range(buyers):
        B = f"b{b + 1}"
        g, r = lay.granted(b), lay.revoked(b)
        action(f"Grant({B})", (g | r, 0, 0, g))
        if mode == "partial":
            action(f"Revoke({B})", (g | r, g, g, r))
        else:
            all_acl = sum(lay.acl(b, n) for n in range(nodes))
            action(f"RevokeAtomic({B})", (g | r, g, g | all_acl, r))
        for n in range(nodes):
            at = f"(b{b + 1}, n{n + 1})"
            a, i, x = lay.acl(b, n), lay.inflight(b, n), lay.breach(b, n)
            action(f"SyncGrant{at}", (g | r | a, g, 0, a))
            action(f"Request{at}", (i, 0, 0, i))
            # Serving after the ledger revoked is what Safety forbids: record it.
            action(f"Serve{at}", (r | i | a, i | a, i, 0), (r | i | a, r | i | a, i, x))
            action(f"Reject{at}", (i | a, i, i, 0))
            if mode == "partial":
                action(f"SyncRevoke{at}", (r | a, r | a, a, 0))

    breaches = sum(lay.breach(b, n) for b in range(buyers) for n in range(nodes))
    return BitModel(
        name=f"TAR-{mode}",
        bits=lay.width * buyers,
        init=(0,),
        actions=tuple(names),
        rules=tuple(rules),
        invariants=(BitInvariant("Safety", breaches, 0),),
        view=lambda x: view(decode(x, nodes, buyers)),
    )
