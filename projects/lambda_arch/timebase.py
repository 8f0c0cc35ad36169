"""Time units shared by every layer: epoch milliseconds, minute buckets, Hive partitions, TTL."""
from __future__ import annotations

from datetime import datetime, timezone

SECOND_MS = 1_000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS

#: Speed-layer items live this long after the end of their minute (DynamoDB TTL attribute, seconds).
TTL_S = 24 * 3600


def minute_of(ms: int) -> int:
    """Start of the minute containing `ms`."""
    return ms - ms % MINUTE_MS


def item_ttl_s(minute_ms: int) -> int:
    """TTL of a per-minute aggregate: 24 h after the newest event the minute can hold (works on arrays too).

    Every event in the minute has event_time + 24h <= this value, so no event
    disappears from the speed view earlier than `event_time + 24h`.
    """
    return (minute_ms + MINUTE_MS) // SECOND_MS + TTL_S


def is_live(ttl_s: int, now_s: int) -> bool:
    """DynamoDB's read-side rule: an item whose TTL is <= now is expired, even if still stored."""
    return ttl_s > now_s


def hive_partition(ms: int) -> str:
    """`dt=YYYY-MM-DD/hour=HH` for the UTC hour containing `ms`."""
    t = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return f"dt={t:%Y-%m-%d}/hour={t:%H}"


def iso(ms: int) -> str:
    """UTC ISO-8601 with a Z, to the second."""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> int:
    """Epoch ms from either an integer string or an ISO-8601 time (naive means UTC)."""
    if text.lstrip("-").isdigit():
        return int(text)
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return int(t.timestamp() * 1000)
