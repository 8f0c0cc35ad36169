"""SQL engines behind one call, `query(sql, params) -> rows`: DuckDB locally, Athena on AWS."""
from __future__ import annotations

import time
from typing import Any, Protocol, Sequence

import duckdb

from .catalog import TABLES, TableDef, duckdb_view
from .objectstore import ObjectStore

Row = tuple[Any, ...]


class QueryEngine(Protocol):
    def query(self, sql: str, params: Sequence[int | str] = ()) -> list[Row]: ...


class DuckDbEngine:
    """In-process DuckDB with one view per catalog table over the store's files (Athena's local stand-in)."""

    def __init__(self, store: ObjectStore, tables: Sequence[TableDef] = TABLES) -> None:
        self.con = duckdb.connect()
        self.con.execute("SET threads TO 2")
        for t in tables:
            self.con.execute(duckdb_view(t, store))

    def query(self, sql: str, params: Sequence[int | str] = ()) -> list[Row]:
        return self.con.execute(sql, list(params)).fetchall()

    def close(self) -> None:
        self.con.close()


_CASTS = {"bigint": int, "integer": int, "smallint": int, "tinyint": int, "double": float,
          "varchar": str, "string": str, "boolean": lambda v: v == "true"}


class AthenaEngine:
    """Runs the same SQL through boto3 Athena against the Glue database; results come back typed."""

    def __init__(self, client: Any, database: str, output_location: str, workgroup: str = "primary",
                 poll_s: float = 0.5, timeout_s: float = 300) -> None:
        self._athena, self.database, self.output = client, database, output_location
        self.workgroup, self.poll_s, self.timeout_s = workgroup, poll_s, timeout_s

    def query(self, sql: str, params: Sequence[int | str] = ()) -> list[Row]:
        args: dict[str, Any] = dict(QueryString=sql, WorkGroup=self.workgroup,
                                    QueryExecutionContext={"Database": self.database},
                                    ResultConfiguration={"OutputLocation": self.output})
        if params:  # Athena substitutes these as literals; strings must arrive quoted
            args["ExecutionParameters"] = [str(p) if isinstance(p, int) else "'" + p.replace("'", "''") + "'"
                                           for p in params]
        qid = self._athena.start_query_execution(**args)["QueryExecutionId"]
        self._wait(qid)
        return self._results(qid)

    def _wait(self, qid: str) -> None:
        deadline = time.monotonic() + self.timeout_s
        while True:
            status = self._athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]
            if status["State"] == "SUCCEEDED":
                return
            if status["State"] in ("FAILED", "CANCELLED"):
                raise RuntimeError(f"Athena query {qid} {status['State']}: {status.get('StateChangeReason', '')}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"Athena query {qid} still {status['State']} after {self.timeout_s}s")
            time.sleep(self.poll_s)

    def _results(self, qid: str) -> list[Row]:
        rows: list[Row] = []
        casts: list[Any] = []
        names: list[str] = []
        for page in self._athena.get_paginator("get_query_results").paginate(QueryExecutionId=qid):
            if not casts:
                info = page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
                casts = [_CASTS.get(c["Type"].lower(), str) for c in info]
                names = [c["Name"] for c in info]
            for r in page["ResultSet"]["Rows"]:
                values = [d.get("VarCharValue") for d in r["Data"]]
                if not rows and values == names:  # a SELECT's first row is the header
                    continue
                rows.append(tuple(None if v is None else cast(v) for v, cast in zip(values, casts)))
        return rows
