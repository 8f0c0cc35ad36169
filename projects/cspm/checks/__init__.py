"""All controls, in benchmark order. Importing the modules fills the registry."""
from __future__ import annotations

from . import data_stores, ec2, iam, logging, manual, monitoring, recording, root, s3  # noqa: F401  (registration)
from .registry import REGISTRY


def _order(cid: str) -> tuple[int, ...]:
    """CIS ids sort numerically (1.4 < 1.10); extras (S3.14) after all CIS ids."""
    head, _, rest = cid.partition(".")
    if head.isdigit():
        return (0, *map(int, cid.split(".")))
    return (1, sum(map(ord, head)), int(rest))


CONTROLS = tuple(sorted(REGISTRY, key=lambda c: _order(c.id)))
