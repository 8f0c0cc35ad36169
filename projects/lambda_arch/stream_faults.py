"""Stream faults, seeded: what a Kinesis consumer and producer meet in production, injected on demand.

moto's Kinesis never throttles and its iterators never expire, so those two come from
a wrapper around the boto3 client that raises the same `ClientError`s AWS returns
(ProvisionedThroughputExceededException, ExpiredIteratorException) and fails single
entries of a PutRecords call the way AWS reports partial failures (the entry is not
stored; its ErrorCode says why). A killed consumer is raised at the checkpoint, after
the batch was processed and before its checkpoint is written. The reshard is a real
SplitShard call on the stream, made once the producer reaches `split_at_ms`.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from botocore.exceptions import ClientError

FORCED_CALL = 3
THROTTLED = "ProvisionedThroughputExceededException"
EXPIRED = "ExpiredIteratorException"


class ConsumerKilled(Exception):
    """The consumer's process died between processing a batch and checkpointing it."""


@dataclass
class StreamFaults:
    """Per-call probabilities of each fault; the same seed injects the same faults in the same places.

    The KCL-style worker names are `<application>-<n>`, and kills are counted per application,
    so both the speed Lambda and the archive die at least once in a run with `kill` > 0.
    """

    seed: int
    throttle: float = 0.0
    """A whole PutRecords or GetRecords call is throttled."""
    partial: float = 0.0
    """A PutRecords call has some entries (a tenth, at least one) fail."""
    expire: float = 0.0
    """A GetRecords call finds its iterator expired."""
    kill: float = 0.0
    """A checkpoint call finds its consumer dead."""
    split_at_ms: int | None = None
    """Split the busiest shard when the producer first puts a delivery ingested at or after this time."""
    counts: Counter[str] = field(default_factory=Counter)
    backoff_s: float = 0.0

    def __post_init__(self) -> None:
        self._rng = np.random.default_rng(self.seed)
        self._calls: Counter[str] = Counter()

    @classmethod
    def every_kind(cls, seed: int, split_at_ms: int | None) -> StreamFaults:
        """The mix the proof uses: each fault often enough to happen many times in a short run."""
        return cls(seed, throttle=0.05, partial=0.3, expire=0.05, kill=0.03, split_at_ms=split_at_ms)

    def roll(self, place: str, p: float) -> bool:
        """Whether this call at `place` fails. With p > 0 the third call at each place always does,
        so a short run still meets every kind of fault at every place."""
        if p <= 0:
            return False
        self._calls[place] += 1
        return self._calls[place] == FORCED_CALL or bool(self._rng.random() < p)

    def maybe_kill(self, consumer: str) -> None:
        """Called at a checkpoint, after the batch was processed: maybe the consumer dies here."""
        app = consumer.rsplit("-", 1)[0]          # a worker is <application>-<n>; count per application
        if self.roll(f"checkpoint:{app}", self.kill):
            self.counts["consumers_killed"] += 1
            raise ConsumerKilled(consumer)

    def sleep(self, attempt: int) -> None:
        """Exponential backoff with equal jitter: 10 ms doubling to at most 0.5 s."""
        cap = min(0.5, 0.01 * 2 ** attempt)
        pause = cap / 2 + float(self._rng.random()) * cap / 2
        self.backoff_s += pause
        time.sleep(pause)




def _error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"injected {code}"},
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)


class FaultyKinesis:
    """A boto3 Kinesis client with faults injected in front of PutRecords and GetRecords."""

    def __init__(self, client: Any, faults: StreamFaults) -> None:
        self._client, self.faults = client, faults

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def put_records(self, **kwargs: Any) -> dict[str, Any]:
        f = self.faults
        if f.roll("put:throttle", f.throttle):
            f.counts["put_throttled"] += 1
            raise _error(THROTTLED, "PutRecords")
        records = kwargs["Records"]
        if len(records) < 2 or not f.roll("put:partial", f.partial):
            return self._client.put_records(**kwargs)
        failed = set(f._rng.choice(len(records), size=max(1, len(records) // 10), replace=False).tolist())
        f.counts["put_entries_failed"] += len(failed)
        sent = self._client.put_records(**{**kwargs, "Records": [r for i, r in enumerate(records) if i not in failed]})
        results = iter(sent["Records"])
        merged = [{"ErrorCode": THROTTLED, "ErrorMessage": "injected: rate exceeded for shard"} if i in failed
                  else next(results) for i in range(len(records))]
        return {**sent, "FailedRecordCount": len(failed), "Records": merged}

    def get_records(self, **kwargs: Any) -> dict[str, Any]:
        f = self.faults
        if f.roll("get:throttle", f.throttle):
            f.counts["get_throttled"] += 1
            raise _error(THROTTLED, "GetRecords")
        if f.roll("get:expire", f.expire):
            f.counts["iterators_expired"] += 1
            raise _error(EXPIRED, "GetRecords")
        return self._client.get_records(**kwargs)
