"""The account state a scan reads: plain JSON, one wrapper per API answer.

Every value the collector fetched is stored as ``{"ok": value}`` or
``{"error": {"action", "code", "message"}}``. Checks unwrap with :func:`unwrap`,
which raises :class:`Unavailable`; the engine turns that into NOT_EVALUATED with
the reason, so a denied call is reported and never read as "no problem".
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

SCHEMA = "cspm-snapshot/1"


class Unavailable(Exception):
    """A value the check needs could not be read (access denied, unsupported, ...)."""


def ok(value: Any) -> dict[str, Any]:
    return {"ok": value}


def error(action: str, code: str, message: str) -> dict[str, Any]:
    return {"error": {"action": action, "code": code, "message": message}}


def unwrap(item: dict[str, Any] | None, what: str = "") -> Any:
    """The fetched value, or Unavailable naming the IAM action and error code."""
    if item is None:
        raise Unavailable(f"{what or 'value'} was not collected")
    if "error" in item:
        e = item["error"]
        raise Unavailable(f"{e['action']} failed: {e['code']}: {e['message']}")
    return item["ok"]


def failed(item: dict[str, Any] | None) -> bool:
    return item is None or "error" in item


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Read-only view over the snapshot dict with the scan clock and identity."""

    data: dict[str, Any]

    @property
    def account(self) -> str:
        return str(self.data["account_id"])

    @property
    def regions(self) -> list[str]:
        return list(self.data["regions"])

    @property
    def now(self) -> datetime:
        """Checks judge ages against collection time, so an old snapshot rescans identically."""
        return parse_time(self.data["collected_at"])

    def section(self, name: str) -> dict[str, Any]:
        return self.data.get(name, {})

    def regional(self, service: str, region: str) -> dict[str, Any]:
        return self.data.get(service, {}).get("regions", {}).get(region, {})


def parse_time(value: str | int | float | datetime) -> datetime:
    """ISO-8601 text, epoch seconds or a datetime -> aware UTC datetime."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, (int, float)):
        dt = datetime.fromtimestamp(value, tz=timezone.utc)
    else:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def to_jsonable(value: Any) -> Any:
    """boto3 answers carry datetimes and bytes; the snapshot stores ISO text."""
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def load(path: Path) -> Snapshot:
    data = json.loads(path.read_text())
    if data.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a {SCHEMA} snapshot (schema={data.get('schema')!r})")
    return Snapshot(data)


def save(snapshot: Snapshot, path: Path) -> None:
    path.write_text(json.dumps(snapshot.data, indent=1, sort_keys=True) + "\n")
