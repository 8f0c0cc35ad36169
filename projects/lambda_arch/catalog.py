"""Table definitions, kept once and rendered three ways: a Glue TableInput, Athena DDL, a DuckDB view.

This is the Glue Data Catalog's job in miniature: a table is a name, a location,
typed columns, Hive partition keys and a storage format. The local engine and the
AWS adapter read the same definitions, so the SQL in queries.py sees the same
tables, types and partition columns in both.
"""
from __future__ import annotations

from dataclasses import dataclass

from .objectstore import ObjectStore

_DUCK_TYPES = {"bigint": "BIGINT", "string": "VARCHAR"}
_FORMATS = {
    "parquet": ("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"),
    "json": ("org.apache.hadoop.mapred.TextInputFormat",
             "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
             "org.openx.data.jsonserde.JsonSerDe"),
}
_SUFFIX = {"parquet": ".parquet", "json": ".jsonl"}


@dataclass(frozen=True)
class TableDef:
    """One catalog table."""

    name: str
    prefix: str
    """Key prefix in the object store, ending in '/'; partitions live under `dt=.../hour=.../`."""
    columns: tuple[tuple[str, str], ...]
    """(name, Hive type) pairs, partition keys excluded."""
    format: str
    """'parquet' or 'json' (newline-delimited)."""
    partition_keys: tuple[tuple[str, str], ...] = (("dt", "string"), ("hour", "string"))


EVENT_COLUMNS = (("event_id", "bigint"), ("user_id", "string"), ("event_type", "string"),
                 ("amount_cents", "bigint"), ("event_time_ms", "bigint"), ("ingest_ms", "bigint"))
#: What the stream archive writes: one JSON object per delivery, partitioned by *arrival* hour.
RAW_EVENTS = TableDef("raw_events", "raw/", EVENT_COLUMNS, "json")
#: Compacted history: Parquet partitioned by *event* hour, duplicates still present (the SQL removes them).
EVENTS = TableDef("events", "events/", EVENT_COLUMNS, "parquet")
TABLES = (RAW_EVENTS, EVENTS)


def glue_table_input(t: TableDef, location: str) -> dict[str, object]:
    """The TableInput for glue.create_table, with Athena partition projection so new hours need no crawler."""
    in_fmt, out_fmt, serde = _FORMATS[t.format]
    return {
        "Name": t.name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {
            "classification": t.format,
            "projection.enabled": "true",
            "projection.dt.type": "date",
            "projection.dt.format": "yyyy-MM-dd",
            "projection.dt.range": "2025-01-01,NOW",
            "projection.hour.type": "integer",
            "projection.hour.range": "0,23",
            "projection.hour.digits": "2",
            "storage.location.template": location.rstrip("/") + "/dt=${dt}/hour=${hour}/",
        },
        "PartitionKeys": [{"Name": n, "Type": ty} for n, ty in t.partition_keys],
        "StorageDescriptor": {
            "Columns": [{"Name": n, "Type": ty} for n, ty in t.columns],
            "Location": location,
            "InputFormat": in_fmt,
            "OutputFormat": out_fmt,
            "SerdeInfo": {"SerializationLibrary": serde},
        },
    }


def athena_ddl(t: TableDef, location: str) -> str:
    """CREATE EXTERNAL TABLE text equivalent to glue_table_input (for reading and for Athena DDL runs)."""
    cols = ",\n".join(f"  `{n}` {ty}" for n, ty in t.columns)
    parts = ", ".join(f"`{n}` {ty}" for n, ty in t.partition_keys)
    stored = "STORED AS PARQUET" if t.format == "parquet" else \
        "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'"
    return (f"CREATE EXTERNAL TABLE IF NOT EXISTS `{t.name}` (\n{cols}\n)\nPARTITIONED BY ({parts})\n"
            f"{stored}\nLOCATION '{location}'")


def duckdb_view(t: TableDef, store: ObjectStore) -> str:
    """CREATE VIEW over the table's files with Hive partition columns typed as in Glue."""
    hive_types = "{" + ", ".join(f"'{n}': {_DUCK_TYPES[ty]}" for n, ty in t.partition_keys) + "}"
    files = [k for k in store.list(t.prefix) if k.endswith(_SUFFIX[t.format])]
    if not files:  # DuckDB cannot bind a glob with no matches; an empty typed relation keeps queries valid
        cols = ", ".join(f"CAST(NULL AS {_DUCK_TYPES[ty]}) AS {n}" for n, ty in t.columns + t.partition_keys)
        return f"CREATE OR REPLACE VIEW {t.name} AS SELECT {cols} WHERE false"
    glob = store.url(f"{t.prefix}dt=*/hour=*/*{_SUFFIX[t.format]}")
    if t.format == "parquet":
        src = f"read_parquet('{glob}', hive_partitioning = true, hive_types = {hive_types})"
    else:
        columns = "{" + ", ".join(f"'{n}': '{_DUCK_TYPES[ty]}'" for n, ty in t.columns) + "}"
        src = (f"read_json('{glob}', format = 'newline_delimited', columns = {columns}, "
               f"hive_partitioning = true, hive_types = {hive_types})")
    return f"CREATE OR REPLACE VIEW {t.name} AS SELECT * FROM {src}"
