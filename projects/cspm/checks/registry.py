"""The control registry: each check registers itself with its benchmark metadata."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..model import Control, Result, Severity, Status
from ..snapshot import Snapshot, Unavailable, unwrap

REGISTRY: list[Control] = []

IAM = "1 Identity and Access Management"
STORAGE = "2 Storage"
LOGGING = "3 Logging"
MONITORING = "4 Monitoring"
NETWORKING = "5 Networking"
EXTRAS = "Extras (AWS FSBP, not CIS)"
FSBP = "AWS Foundational Security Best Practices (not CIS)"

Check = Callable[[Snapshot], Iterable[Result]]


def control(id: str, title: str, section: str, severity: Severity, remediation: str,
            needs: tuple[str, ...], level: int | None = None, framework: str | None = None,
            assessment: str = "Automated") -> Callable[[Check], Check]:
    """Register the decorated check function as a benchmark control."""
    def register(fn: Check) -> Check:
        extra = {"framework": framework} if framework else {}
        REGISTRY.append(Control(id=id, title=title, section=section, severity=severity, remediation=remediation,
                                needs=needs, check=fn, level=level, assessment=assessment, **extra))
        return fn
    return register


def passed(resource: str, evidence: str, region: str | None = None) -> Result:
    return Result(resource, Status.PASS, evidence, region)


def failed(resource: str, evidence: str, region: str | None = None) -> Result:
    return Result(resource, Status.FAIL, evidence, region)


def not_evaluated(resource: str, why: Unavailable | str, region: str | None = None) -> Result:
    return Result(resource, Status.NOT_EVALUATED, str(why), region)


def verdict(ok: bool, resource: str, evidence: str, region: str | None = None) -> Result:
    return passed(resource, evidence, region) if ok else failed(resource, evidence, region)


def each_region(snap: Snapshot, service: str, key: str, what: str) -> Iterator[tuple[str, list[Any] | Unavailable]]:
    """(region, the regional list `key` of `service`) per scanned region, or why it could not be read."""
    for region in snap.regions:
        try:
            yield region, unwrap(snap.regional(service, region).get(key), what)
        except Unavailable as e:
            yield region, e
