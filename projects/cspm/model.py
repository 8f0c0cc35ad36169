"""The scan's vocabulary: statuses, severities, controls and their per-resource results."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .snapshot import Snapshot


class Status(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    NOT_EVALUATED = "NOT_EVALUATED"
    MANUAL = "MANUAL"
    """A recommendation CIS marks Manual: listed for a person to review, never judged."""


class Severity(str, Enum):
    """Triage rating of a failing control. CIS itself only assigns profile levels (1/2)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


@dataclass(frozen=True, slots=True)
class Result:
    """One resource's outcome for one control."""

    resource: str
    """ARN where the resource has one, else a readable account/region-scoped id."""
    status: Status
    evidence: str
    """What was read and why it passed/failed (or why it could not be evaluated)."""
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Control:
    """One benchmark recommendation and the function that evaluates it."""

    id: str
    """CIS id ("2.1.5") or, for non-CIS extras, the AWS FSBP id ("S3.14")."""
    title: str
    section: str
    severity: Severity
    remediation: str
    needs: tuple[str, ...]
    """IAM actions whose results the check reads; a denied one makes it NOT_EVALUATED."""
    check: Callable[["Snapshot"], Iterable[Result]] = field(repr=False, compare=False)
    level: int | None = None
    """CIS profile level; None for extras."""
    framework: str = "CIS AWS Foundations Benchmark v1.5.0"
    assessment: str = "Automated"
    """CIS's assessment status; "Manual" controls are evaluated only where their audit is mechanical."""

    @property
    def is_cis(self) -> bool:
        return self.level is not None


@dataclass(frozen=True, slots=True)
class ControlResult:
    control: Control
    results: tuple[Result, ...]

    @property
    def status(self) -> str:
        """FAIL beats NOT_EVALUATED beats PASS beats MANUAL; a control that found nothing to look at is NO_RESOURCES."""
        statuses = {r.status for r in self.results}
        for s in (Status.FAIL, Status.NOT_EVALUATED, Status.PASS, Status.MANUAL):
            if s in statuses:
                return s.value
        return "NO_RESOURCES"

    def with_status(self, status: Status) -> list[Result]:
        return [r for r in self.results if r.status is status]
