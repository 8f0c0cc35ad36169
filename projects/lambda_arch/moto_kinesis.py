"""A moto server in a subprocess, with Kinesis resharding as AWS documents it.

moto 5's SplitShard differs from Kinesis in three ways that matter to a consumer:
it moves the parent's records into the children (AWS leaves them in the closed
parent and starts the children empty), it keeps routing new records to the closed
parent (its shard lookup does not skip closed shards), and GetRecords never ends a
closed shard (AWS returns no NextShardIterator once a closed shard is read to its
end). `python -m projects.lambda_arch.moto_kinesis` patches those three and serves
moto's ThreadedMotoServer on a free port, so the split fault is tested against the
behaviour the consumer must handle on AWS. Everything else (the HTTP API, DynamoDB,
S3, Glue) is moto as shipped. `start()` runs it as a child process: the server gets
its own interpreter (and core) instead of sharing the client's, and it exits when
its parent closes its stdin or dies.
"""
from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

from moto.kinesis import models
from moto.kinesis.utils import decompose_shard_iterator
from moto.server import ThreadedMotoServer

ROOT = Path(__file__).resolve().parents[2]
_original_split = models.Stream.split_shard
_original_get_records = models.KinesisBackend.get_records


def _split_keeping_records(self: models.Stream, shard_to_split: str, new_starting_hash_key: str) -> None:
    shard = self.shards.get(shard_to_split)
    new_start = int(new_starting_hash_key)
    if shard is None or not shard.is_open or not shard.starting_hash < new_start < shard.ending_hash:
        return _original_split(self, shard_to_split, new_starting_hash_key)   # moto's own errors
    last_id = max(s._shard_id for s in self.shards.values())
    for i, (lo, hi) in enumerate(((shard.starting_hash, new_start - 1), (new_start, shard.ending_hash))):
        child = models.Shard(last_id + 1 + i, lo, hi, parent=shard.shard_id)
        self.shards[child.shard_id] = child
    shard.is_open = False


def _open_shard_for_key(self: models.Stream, partition_key: str, explicit_hash_key: str) -> models.Shard | None:
    int_key = int(explicit_hash_key) if explicit_hash_key else \
        int(models.md5_hash(partition_key.encode("utf-8")).hexdigest(), 16)
    for shard in self.shards.values():
        if shard.is_open and shard.starting_hash <= int_key <= shard.ending_hash:
            return shard
    return None


def _get_records_ending_closed_shards(self: Any, stream_arn: str | None, shard_iterator: str,
                                      limit: int | None) -> tuple[str | None, list[Any], int]:
    next_iterator, records, behind = _original_get_records(self, stream_arn, shard_iterator, limit)
    stream_name, shard_id, last = decompose_shard_iterator(next_iterator)
    shard = self.describe_stream(stream_arn=stream_arn, stream_name=stream_name).get_shard(shard_id)
    if not shard.is_open and int(last) >= shard.get_max_sequence_number():
        return None, records, behind     # type: ignore[return-value]
    return next_iterator, records, behind


def patch() -> None:
    """Give moto's Kinesis AWS's resharding behaviour (idempotent)."""
    models.Stream.split_shard = _split_keeping_records
    models.Stream.get_shard_for_key = _open_shard_for_key
    models.KinesisBackend.get_records = _get_records_ending_closed_shards


class Server:
    """The child process serving patched moto; `url` is its endpoint."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen([sys.executable, "-m", __name__], cwd=ROOT, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        self.url = self._proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.stop()
            raise RuntimeError(f"moto server did not start (exit status {self._proc.returncode})")

    def stop(self) -> None:
        """Close its stdin (it exits) and wait; kill it if it does not."""
        if self._proc.stdin:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


def start() -> tuple[Server, str]:
    """Start a patched moto server on a free 127.0.0.1 port; returns it and its endpoint URL."""
    server = Server()
    return server, server.url


def main() -> None:
    patch()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    print(f"http://{host}:{port}", flush=True)
    sys.stdin.read()        # until the parent closes stdin or exits
    server.stop()


if __name__ == "__main__":
    main()
