"""``--graph``: the pipeline as Graphviz DOT, drawn from the `Wiring` a run builds.

Every node comes from an object the run connects: the stream and the readers
subscribed to it, the speed layer's store and Lambda batch size, the object
store, the catalog's tables and the batch engine. Swap a component (the DynamoDB
store for SQLite, Kinesis for the in-process shard) and the picture changes with
it. No colours or fonts: the site themes the SVG.
"""
from __future__ import annotations

from .timebase import TTL_S
from .wiring import Wiring


def _node(id_: str, shape: str, *lines: str) -> str:
    label = "\\n".join(line.replace('"', "'") for line in lines)
    return f'  "{id_}" [shape={shape}, label="{label}"];'


def _edge(a: str, b: str, label: str = "", style: str = "") -> str:
    attrs = [f'label="{label}"'] if label else []
    attrs += [f"style={style}"] if style else []
    return f'  "{a}" -> "{b}"' + (f" [{', '.join(attrs)}]" if attrs else "") + ";"


def to_dot(w: Wiring) -> str:
    """The digraph of this wiring; the same text for the same components."""
    speed_reader, archive_reader = w.speed.consumer.name, w.archive.consumer.name
    raw, compacted = w.tables[0], w.tables[-1]
    out = ["digraph pulse {", "  rankdir=TB;", "  nodesep=0.25;", "  ranksep=0.35;",
           "  node [shape=box, style=rounded];", '  label="Pulse: the wiring a run builds";',
           _node("producer", "box", "producers", "dups, late"),
           _node("stream", "box", "stream", w.stream.label)]
    leases = getattr(w.stream, "leases", None)
    if leases is not None:
        out.append(_node("leases", "cylinder", "leases", leases.label))
    out += ["  subgraph cluster_speed {", '    label="speed layer";',
            "  " + _node("speed", "box", "Lambda", f"batch {w.speed.batch_size}"),
            "  " + _node("store", "cylinder", w.store.label, f"TTL {TTL_S // 3600} h"), "  }",
            "  subgraph cluster_batch {", '    label="batch layer";',
            "  " + _node("archive", "box", "archive", "by arrival hour"),
            "  " + _node("lake", "cylinder", w.objects.label, f"{raw.prefix} {raw.format}",
                         f"{compacted.prefix} {compacted.format}"),
            "  " + _node("compaction", "box", "compaction", "by event hour"),
            "  " + _node("view", "box", "batch view", w.batch.engine_label),
            "  " + _node("catalog", "note", "catalog", w.catalog), "  }",
            _node("serving", "box", "serving merge", "split on ingest hour"),
            _node("api", "box", "API", "JWT"),
            _edge("producer", "stream", "PutRecords"),
            _edge("stream", "speed", speed_reader),
            _edge("stream", "archive", archive_reader)]
    others = [r for r in w.stream.readers if r not in (speed_reader, archive_reader)]
    out += [_edge("stream", f"reader:{r}", r) for r in others]
    if leases is not None:
        out += [_edge("speed", "leases", "checkpoint", "dashed"), _edge("archive", "leases", "checkpoint", "dashed")]
    out += [_edge("speed", "store", "ADD"),
            _edge("archive", "lake", "JSONL"),
            _edge("lake", "compaction", style="dashed"),
            _edge("compaction", "lake", "Parquet"),
            _edge("lake", "view", "SQL"),
            _edge("catalog", "view", style="dotted"),
            _edge("store", "serving", "ingest >= cutoff"),
            _edge("view", "serving", "ingest < cutoff"),
            _edge("serving", "api"),
            "}"]
    return "\n".join(out) + "\n"
