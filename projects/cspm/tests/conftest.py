"""Shared fixtures: the two demo accounts, collected once per test session."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from projects.cspm import demo
from projects.cspm.demorun import collect
from projects.cspm.engine import Report, scan
from projects.cspm.snapshot import Snapshot


@dataclass(frozen=True)
class Scanned:
    seeded: demo.Seeded
    snapshot: Snapshot
    report: Report


def _scan(variant: str) -> Scanned:
    with demo.moto_account(variant) as (session, seeded):
        snapshot = collect(session, seeded)
    return Scanned(seeded, snapshot, scan(snapshot))


@pytest.fixture(scope="session")
def bad() -> Scanned:
    return _scan("bad")


@pytest.fixture(scope="session")
def remediated() -> Scanned:
    return _scan("remediated")
