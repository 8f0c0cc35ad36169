"""AWS adapters under moto: DynamoDB speed store, S3 object store, Glue catalog, Athena engine.

moto implements DynamoDB, S3 and Glue fully enough to run the same behaviour the
embedded versions are tested for. It does not execute Athena SQL: there the test
checks what the adapter sends (SQL, database, parameters) and that it parses a
result set, seeded with the rows DuckDB computed for the same query.
"""
from __future__ import annotations

import io

import boto3
import numpy as np
import pyarrow.parquet as pq
import pytest
import requests
from moto import mock_aws

from projects.lambda_arch.archive import to_jsonl
from projects.lambda_arch.batch import compute_view
from projects.lambda_arch.catalog import EVENTS, TABLES, glue_table_input
from projects.lambda_arch.compaction import compact
from projects.lambda_arch.engines import AthenaEngine, DuckDbEngine
from projects.lambda_arch.events import DEFAULT_START_MS as T0, Workload, generate
from projects.lambda_arch.objectstore import S3ObjectStore
from projects.lambda_arch.serving import answer
from projects.lambda_arch.speed import SpeedRow, aggregate
from projects.lambda_arch.speed_dynamodb import DynamoSpeedStore, create_table
from projects.lambda_arch.speed_sqlite import SqliteSpeedStore
from projects.lambda_arch.timebase import HOUR_MS, MINUTE_MS, item_ttl_s

REGION = "eu-west-1"


@pytest.fixture
def aws(monkeypatch):
    for k, v in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                 "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(k, v)
    with mock_aws():
        yield


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request, tmp_path, aws):
    if request.param == "sqlite":
        return SqliteSpeedStore(tmp_path / "s.sqlite")
    client = boto3.client("dynamodb", region_name=REGION)
    create_table(client, "pulse-speed")
    return DynamoSpeedStore(client, "pulse-speed")


def test_speed_store_contract(store) -> None:
    m1, m2 = T0 + 59 * MINUTE_MS, T0 + 61 * MINUTE_MS      # either side of an hour: two DynamoDB partitions
    store.apply([SpeedRow(m1, "purchase", T0, 2, 1000, item_ttl_s(m1)),
                 SpeedRow(m2, "purchase", T0 + HOUR_MS, 1, 250, item_ttl_s(m2)),
                 SpeedRow(m2, "search", T0 + HOUR_MS, 4, 0, item_ttl_s(m2))])
    store.apply([SpeedRow(m1, "purchase", T0, 1, -300, item_ttl_s(m1))])     # ADD onto the existing item
    now = m1 // 1000
    rows = sorted(store.read(T0, T0 + 2 * HOUR_MS, T0, now), key=lambda r: (r.minute_ms, r.event_type))
    assert [(r.minute_ms, r.event_type, r.events, r.amount_cents) for r in rows] == [
        (m1, "purchase", 3, 700), (m2, "purchase", 1, 250), (m2, "search", 4, 0)]
    assert [r.event_type for r in store.read(T0, T0 + 2 * HOUR_MS, T0 + HOUR_MS, now, "search")] == ["search"]
    assert store.read(m1 + MINUTE_MS, m2, T0, now) == []                     # window end is exclusive
    assert store.read(T0, T0 + 2 * HOUR_MS, T0, item_ttl_s(m1)) != []         # m2 still live...
    assert {r.minute_ms for r in store.read(T0, T0 + 2 * HOUR_MS, T0, item_ttl_s(m1))} == {m2}  # ...m1 is not
    assert store.count_expired(item_ttl_s(m1)) == 1


def test_compaction_runs_on_s3(aws, make_deliveries) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="lake", CreateBucketConfiguration={"LocationConstraint": REGION})
    lake = S3ObjectStore(s3, "lake", "pulse/")
    d = make_deliveries([(1, "purchase", 100, T0 + 1000, T0 + 1500), (1, "purchase", 100, T0 + 1000, T0 + 9000),
                         (2, "search", 0, T0 + HOUR_MS + 5, T0 + HOUR_MS + 80)])
    lake.put("raw/dt=2025-03-03/hour=00/part-000001.jsonl", to_jsonl(d.slice(0, 2)))
    lake.put("raw/dt=2025-03-03/hour=01/part-000002.jsonl", to_jsonl(d.slice(2, 3)))
    result = compact(lake)
    assert (result.raw_files, result.rows, result.partitions_written) == (2, 3, 2)
    assert lake.exists("events/dt=2025-03-03/hour=00/part-0.parquet")
    assert not lake.exists("events/dt=2025-03-03/hour=02/part-0.parquet")
    part = pq.read_table(io.BytesIO(lake.get("events/dt=2025-03-03/hour=00/part-0.parquet")))
    assert part.column("event_id").to_pylist() == [1, 1]        # compaction keeps copies; the SQL dedups
    assert lake.url("events/") == "s3://lake/pulse/events/"


def test_glue_catalog_registration(aws) -> None:
    glue = boto3.client("glue", region_name=REGION)
    glue.create_database(DatabaseInput={"Name": "pulse"})
    for t in TABLES:
        glue.create_table(DatabaseName="pulse", TableInput=glue_table_input(t, f"s3://lake/pulse/{t.prefix}"))
    got = glue.get_table(DatabaseName="pulse", Name="events")["Table"]
    assert [c["Name"] for c in got["StorageDescriptor"]["Columns"]] == [n for n, _ in EVENTS.columns]
    assert got["StorageDescriptor"]["Location"] == "s3://lake/pulse/events/"
    assert got["Parameters"]["projection.enabled"] == "true"
    assert sorted(t["Name"] for t in glue.get_tables(DatabaseName="pulse")["TableList"]) == ["events", "raw_events"]


def test_athena_engine_sends_the_shared_sql_and_parses_results(aws, mini, make_deliveries) -> None:
    e = T0 + 2 * MINUTE_MS
    mini.ingest(make_deliveries([(1, "purchase", 1234, e, e + 10), (1, "purchase", 1234, e, e + 20),
                                 (2, "page_view", 0, e + MINUTE_MS, e + MINUTE_MS + 5)]))
    local = mini.batch(T0 + HOUR_MS)
    # Seed moto with what Athena would return: a header row, then the rows as strings.
    header = ["minute_ms", "event_type", "events", "amount_cents"]
    types = ["bigint", "varchar", "bigint", "bigint"]
    rows = [header] + [[str(v) for v in r] for r in local.rows_in(T0, T0 + HOUR_MS)]
    requests.post("http://motoapi.amazonaws.com/moto-api/static/athena/query-results", json={
        "region": REGION, "results": [{
            "rows": [{"Data": [{"VarCharValue": v} for v in r]} for r in rows],
            "column_info": [{"Name": n, "Label": n, "Type": t, "Nullable": "UNKNOWN", "CaseSensitive": False,
                             "CatalogName": "hive", "SchemaName": "pulse", "TableName": "", "Precision": 0,
                             "Scale": 0} for n, t in zip(header, types)]}]}).raise_for_status()
    athena = boto3.client("athena", region_name=REGION)
    remote = compute_view(AthenaEngine(athena, "pulse", "s3://lake/athena-results/", poll_s=0), T0 + HOUR_MS)
    assert remote.rows_in(T0, T0 + HOUR_MS) == local.rows_in(T0, T0 + HOUR_MS) == [
        (e - e % MINUTE_MS, "purchase", 1, 1234), (e + MINUTE_MS - e % MINUTE_MS, "page_view", 1, 0)]
    sent = athena.list_query_executions()["QueryExecutionIds"]
    execution = athena.get_query_execution(QueryExecutionId=sent[0])["QueryExecution"]
    assert "ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY ingest_ms)" in execution["Query"]
    assert execution["QueryExecutionContext"]["Database"] == "pulse"
    assert execution["ExecutionParameters"] == [str(T0 + HOUR_MS)]
    # The same SQL text ran locally on DuckDB a moment ago: one dialect for both engines.
    assert DuckDbEngine(mini.objects, [EVENTS]).query(execution["Query"], [T0 + HOUR_MS]) == [
        tuple(r) for r in local.rows_in(T0, T0 + HOUR_MS)]


def test_serving_merge_is_the_same_on_dynamodb(aws, mini) -> None:
    """The whole speed path (Lambda fold -> store -> merge) gives identical answers on both stores."""
    d = generate(Workload(250, 0.2, 0.2, seed=5, hours=30))
    cutoff = T0 + 20 * HOUR_MS
    before = int(np.searchsorted(d.ingest_ms, cutoff))
    mini.ingest(d.slice(0, before))
    view = mini.batch(cutoff)
    mini.ingest(d.slice(before, len(d)))
    client = boto3.client("dynamodb", region_name=REGION)
    create_table(client, "pulse-speed")
    dynamo = DynamoSpeedStore(client, "pulse-speed")
    for a in range(0, len(d), 100):
        dynamo.apply(aggregate(d.slice(a, a + 100)))
    now = int(d.ingest_ms[-1])
    for start_h, hours in ((18, 4), (0, 6), (29, 3)):
        window = (T0 + start_h * HOUR_MS, T0 + (start_h + hours) * HOUR_MS)
        assert answer(view, dynamo, *window, now) == answer(view, mini.store, *window, now)
