"""A service's own database: business tables, processed-message records and a transactional outbox.

Each service gets a private in-memory SQLite database (its "DynamoDB table"). The consumer
writes the processed-message record, the business change and the outgoing events in ONE local
transaction, so a crash can never leave a change without its record or its events.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_COMMON_SCHEMA = """
CREATE TABLE processed (consumer TEXT, message_id TEXT, PRIMARY KEY (consumer, message_id));
CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_type TEXT, body TEXT,
                     trace_header TEXT, created_at REAL, sent INTEGER DEFAULT 0);
CREATE INDEX outbox_unsent ON outbox (sent, created_at);
"""


@dataclass(frozen=True, slots=True)
class OutboxRow:
    seq: int
    event_type: str
    body: str
    trace_header: str


class Store:
    """One service's SQLite database; `schema` adds the service's business tables."""

    def __init__(self, schema: str) -> None:
        self.db = sqlite3.connect(":memory:", isolation_level=None)
        self.db.executescript(_COMMON_SCHEMA + schema)
        self._pending = 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN ... COMMIT, or ROLLBACK if the block raises."""
        self.db.execute("BEGIN")
        pending_before = self._pending
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            self._pending = pending_before
            raise
        self.db.execute("COMMIT")

    def mark_processed(self, consumer: str, message_id: str) -> bool:
        """Record (consumer, message id); False if it was already there (a redelivery)."""
        cur = self.db.execute("INSERT OR IGNORE INTO processed VALUES (?, ?)", (consumer, message_id))
        return cur.rowcount == 1

    def add_to_outbox(self, event_type: str, body: str, trace_header: str, now: float) -> None:
        self.db.execute("INSERT INTO outbox (event_type, body, trace_header, created_at) VALUES (?, ?, ?, ?)",
                        (event_type, body, trace_header, now))
        self._pending += 1

    def first_unsent_at(self) -> float | None:
        """When the oldest unsent event was written (a relay cannot send it earlier), or None."""
        if self._pending == 0:
            return None
        t: float = self.db.execute("SELECT MIN(created_at) FROM outbox WHERE sent = 0").fetchone()[0]
        return t

    def unsent(self, now: float) -> list[OutboxRow]:
        """Unsent events written at or before `now`, oldest first."""
        rows = self.db.execute("SELECT seq, event_type, body, trace_header FROM outbox "
                               "WHERE sent = 0 AND created_at <= ? ORDER BY seq", (now,))
        return [OutboxRow(*r) for r in rows]

    def mark_sent(self, seq: int) -> None:
        self.db.execute("UPDATE outbox SET sent = 1 WHERE seq = ?", (seq,))
        self._pending -= 1
