"""The batch layer's SQL, written once in the subset DuckDB and Athena (Trino) both accept.

Rules that keep it portable: times are BIGINT epoch ms (no timestamp functions,
whose names differ), the minute bucket is integer arithmetic, deduplication is
ROW_NUMBER() over the event id, and parameters are positional `?`, which DuckDB
binds and Athena fills from ExecutionParameters.
"""
from __future__ import annotations

#: The batch view: per (event minute, type) counts and sums over every event ingested before the cutoff,
#: each event counted once however many times it was delivered.
MINUTE_VIEW = """
SELECT minute_ms, event_type, COUNT(*) AS events, SUM(amount_cents) AS amount_cents
FROM (
  SELECT event_type, amount_cents,
         event_time_ms - event_time_ms % 60000 AS minute_ms,
         ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY ingest_ms) AS copy_no
  FROM {table}
  WHERE ingest_ms < ?
) deduped
WHERE copy_no = 1
GROUP BY minute_ms, event_type
ORDER BY minute_ms, event_type
"""

#: How many of a given set of event ids the table holds (used to prove late events were not lost).
IDS_PRESENT = """
SELECT COUNT(DISTINCT e.event_id) FROM {table} e JOIN {ids} i ON e.event_id = i.event_id
"""


def minute_view(table: str) -> str:
    """MINUTE_VIEW over `table` (a catalog name, never user input)."""
    return MINUTE_VIEW.format(table=table)
