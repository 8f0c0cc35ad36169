"""Pulse: a Lambda Architecture in miniature, with a serving merge checked against a full recompute.

Layers, one module each: events (seeded deliveries) -> stream (shard stand-in) or
kinesis (+ leases, stream_faults) -> speed (+ speed_sqlite / speed_dynamodb) and
archive -> compaction -> batch (SQL in queries.py on engines.py, tables in catalog.py)
-> serving -> api (+ auth). wiring builds the embedded components, aws the same on
boto3 (moto_kinesis serves moto for it); graph draws either. The proof run is
pipeline.run; the reference answer is oracle.py. `python -m projects.lambda_arch --help`.
"""
from .pipeline import RunConfig, run
from .serving import Answer, answer

__all__ = ["Answer", "RunConfig", "answer", "run"]
