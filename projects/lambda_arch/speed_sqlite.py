"""The embedded speed store: SQLite with DynamoDB's item semantics (atomic ADD, TTL filtered on read)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .speed import SpeedRow

_SCHEMA = """
CREATE TABLE IF NOT EXISTS speed_agg (
  minute_ms    INTEGER NOT NULL,
  event_type   TEXT    NOT NULL,
  bucket_ms    INTEGER NOT NULL,
  events       INTEGER NOT NULL,
  amount_cents INTEGER NOT NULL,
  ttl          INTEGER NOT NULL,
  PRIMARY KEY (minute_ms, event_type, bucket_ms)
) WITHOUT ROWID
"""
_MARKS = "CREATE TABLE IF NOT EXISTS applied (source TEXT PRIMARY KEY, mark TEXT NOT NULL)"
_UPSERT = """
INSERT INTO speed_agg VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT DO UPDATE SET events = events + excluded.events,
                          amount_cents = amount_cents + excluded.amount_cents,
                          ttl = max(ttl, excluded.ttl)
"""


class SqliteSpeedStore:
    """One SQLite file; each `apply` is one transaction, so a batch is visible all at once or not at all."""

    label = "SQLite"

    def __init__(self, path: Path | str, sweep_lag_s: int = 12 * 3600, readonly: bool = False) -> None:
        self.path = str(path)
        self.sweep_lag_s = sweep_lag_s
        """How long after expiry the simulated background deleter removes an item (DynamoDB: up to days)."""
        if readonly:  # the API's view: it never writes, and a missing file is an error, not a new table
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            return
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._db.execute(_MARKS)
        self._db.commit()

    def apply(self, deltas: list[SpeedRow], source: str | None = None, mark: str | None = None) -> int:
        # One transaction: the deltas and the source's mark are written together or not at all.
        with self._db:
            if source is not None:
                row = self._db.execute("SELECT mark FROM applied WHERE source = ?", (source,)).fetchone()
                if row is not None and row[0] >= mark:
                    return len(deltas)
                self._db.execute("INSERT OR REPLACE INTO applied VALUES (?, ?)", (source, mark))
            self._db.executemany(_UPSERT, [
                (d.minute_ms, d.event_type, d.bucket_ms, d.events, d.amount_cents, d.ttl_s) for d in deltas
            ])
        return 0

    def read(self, start_ms: int, end_ms: int, min_bucket_ms: int, now_s: int,
             event_type: str | None = None) -> list[SpeedRow]:
        sql = ("SELECT minute_ms, event_type, bucket_ms, events, amount_cents, ttl FROM speed_agg"
               " WHERE minute_ms >= ? AND minute_ms < ? AND bucket_ms >= ? AND ttl > ?")
        args: list[object] = [start_ms, end_ms, min_bucket_ms, now_s]
        if event_type is not None:
            sql += " AND event_type = ?"
            args.append(event_type)
        return [SpeedRow(*r) for r in self._db.execute(sql, args)]

    def sweep(self, now_s: int) -> int:
        with self._db:
            return self._db.execute("DELETE FROM speed_agg WHERE ttl <= ?", (now_s - self.sweep_lag_s,)).rowcount

    def count_expired(self, now_s: int) -> int:
        return int(self._db.execute("SELECT count(*) FROM speed_agg WHERE ttl <= ?", (now_s,)).fetchone()[0])

    def close(self) -> None:
        """Close, leaving a plain rollback-journal file that read-only openers can use."""
        if not self._db.in_transaction:
            self._db.execute("PRAGMA journal_mode=DELETE")
        self._db.close()
