"""``results.parquet``: one row per claim (flat columns; nested data as JSON text)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["claims_table", "write_parquet"]

SCHEMA = pa.schema([
    ("id", pa.string()), ("document", pa.string()), ("where", pa.string()),
    ("statement", pa.string()), ("expected", pa.string()), ("status", pa.string()),
    ("unexpected", pa.bool_()), ("figure", pa.string()), ("tolerance", pa.string()),
    ("seconds", pa.float64()), ("n_instances", pa.int64()), ("evidence_json", pa.string()),
    ("instances_json", pa.string()), ("series_json", pa.string()),
])


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def claims_table(records: Sequence[Mapping[str, Any]]) -> pa.Table:
    """The records as an Arrow table with :data:`SCHEMA`."""
    rows = [{
        "id": r["id"], "document": str(r["document"]), "where": str(r["where"]),
        "statement": str(r["statement"]), "expected": str(r["expected"]),
        "status": str(r["status"]),
        "unexpected": bool(r["unexpected"]), "figure": str(r["figure"]),
        "tolerance": str(r["tolerance"]), "seconds": float(r["seconds"]),
        "n_instances": len(r["instances"]), "evidence_json": _json(r["evidence"]),
        "instances_json": _json(r["instances"]), "series_json": _json(r["series"]),
    } for r in records]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def write_parquet(records: Sequence[Mapping[str, Any]], path: Path) -> Path:
    pq.write_table(claims_table(records), path)
    return path
