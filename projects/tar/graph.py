"""``--graph``: the model's actions and the state variables each one reads and writes, as DOT.

Drawn from the compiled model (``tar_bits.compile_model``), not from a description:
a rule's guard mask is what an action reads, its clear and set masks what it
writes, and ``Layout.variables`` names the bits. Instances (``Serve(b1, n2)``)
are merged into one node per action (``Serve(b, n)``), over both modes; the
actions are grouped by the lanes ``msc`` draws them on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import msc, tar_bits
from .result import Step
from .tar_model import Mode

MODES: tuple[Mode, ...] = ("partial", "atomic")
VARIABLE_LABEL = {"ledger": "ledger[b]\\nowner's ledger", "acl": "acl[n]\\nnode replicas",
                  "inflight": "inflight\\nopen requests", "breach": "breach\\nhistory"}
GROUP_LABEL = {("ledger", "ledger"): "ledger only", ("ledger", "n"): "ledger to node",
               ("b", "n"): "buyer to node", ("n", "b"): "node to buyer"}


@dataclass
class ActionKind:
    """One action of the model with every instance merged: ``Serve(b, n)``."""

    label: str
    group: tuple[str, str]
    modes: list[str] = field(default_factory=list)
    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)


def action_kinds(nodes: int, buyers: int) -> dict[str, ActionKind]:
    """``{kind: ActionKind}`` in the models' own action order, partial first."""
    kinds: dict[str, ActionKind] = {}
    for mode in MODES:
        bm = tar_bits.compile_model(nodes, buyers, mode)
        lay = tar_bits.Layout(nodes, buyers)
        for rule in bm.rules:
            name = bm.actions[rule.action]
            src, dst, _ = msc._event(Step(name, {}))
            kind = kinds.setdefault(name.split("(")[0], ActionKind(
                re.sub(r"\d+", "", name), (src.rstrip("0123456789"), dst.rstrip("0123456789"))))
            if mode not in kind.modes:
                kind.modes.append(mode)
            kind.reads |= lay.variables(rule.mask)
            kind.writes |= lay.variables(rule.clear | rule.set)
    return kinds


def dot(nodes: int, buyers: int) -> str:
    """The digraph; the same text for the same model."""
    kinds = action_kinds(nodes, buyers)
    invariants = tar_bits.compile_model(nodes, buyers, "partial").invariants
    lines = ["digraph tar {", "  rankdir=TB;", "  node [shape=box, style=rounded];",
             '  label="TAR model: actions and the state they read and write\\n'
             'solid: writes, two heads: reads and writes, dashed: reads";']
    for group, label in GROUP_LABEL.items():
        members = [k for k in kinds.values() if k.group == group]
        if not members:
            continue
        lines += [f"  subgraph cluster_{'_'.join(group)} {{", f'    label="{label}";']
        for k in members:
            only = f"\\n{k.modes[0]} only" if len(k.modes) < len(MODES) else ""
            lines.append(f'    "{k.label}" [label="{k.label}{only}"];')
        lines.append("  }")
    for var in tar_bits.VARIABLES:
        lines.append(f'  {var} [shape=cylinder, label="{VARIABLE_LABEL[var]}"];')
    for inv in invariants:
        watched = " ".join(sorted(tar_bits.Layout(nodes, buyers).variables(inv.mask)))
        lines.append(f'  {inv.name} [shape=box, style=dashed, label="{inv.name}\\n{watched} stays empty"];')
        lines.append(f"  {watched} -> {inv.name} [style=dashed];")
    for k in kinds.values():
        for var in tar_bits.VARIABLES:
            if var in k.writes:
                both = " [dir=both]" if var in k.reads else ""
                lines.append(f'  "{k.label}" -> {var}{both};')
            elif var in k.reads:
                lines.append(f'  {var} -> "{k.label}" [style=dashed];')
    lines.append("}")
    return "\n".join(lines)
