"""``results.parquet``: one row per (claim, seed), flat columns, nested data as JSON text.

Schema (:data:`SCHEMA`; documented in docs/results.md):

=================  =======  ====================================================================
column             type     meaning
=================  =======  ====================================================================
claim              string   claim id (CLAIMS.md)
document           string   source document number (``000`` … ``004``)
where              string   place in the document (theorem, section)
expected           string   expected verdict (``holds`` / ``refuted``)
seed               int64    the seed of this row's run
status             string   the verdict on this seed
unexpected         bool     status is neither the expected one nor ``not implemented``
figure             string   the key figure on this seed (one line)
margin             float64  the closest call's margin on this seed (ratio; > 1 on the verdict's side;
                            null when the check reports none)
seconds            float64  run time of the check on this seed
shown              bool     this seed's run is the one the report shows in full
claim_status       string   the claim's combined verdict (first unexpected seed, else the first)
tolerance          string   tolerance used (shown run)
n_instances        int64    instances the shown run stands on (null when not itemised)
control_status     string   the negative control's verdict (shown run; null when none)
n_counterexamples  int64    accepted, re-verified counterexamples (shown run)
evidence_json      string   evidence of the shown run (JSON; empty for the other seeds)
instances_json     string   instance rows of the shown run (JSON; empty for the other seeds)
series_json        string   data series of the shown run (JSON; empty for the other seeds)
=================  =======  ====================================================================
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..text import instance_count
from ..vocabulary import VerdictStatus

__all__ = ["claims_table", "write_parquet", "SCHEMA"]

SCHEMA = pa.schema([
    ("claim", pa.string()), ("document", pa.string()), ("where", pa.string()), ("expected", pa.string()),
    ("seed", pa.int64()), ("status", pa.string()), ("unexpected", pa.bool_()), ("figure", pa.string()),
    ("margin", pa.float64()), ("seconds", pa.float64()), ("shown", pa.bool_()), ("claim_status", pa.string()),
    ("tolerance", pa.string()), ("n_instances", pa.int64()), ("control_status", pa.string()),
    ("n_counterexamples", pa.int64()), ("evidence_json", pa.string()), ("instances_json", pa.string()),
    ("series_json", pa.string()),
])


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _float_or_none(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _rows(r: Mapping[str, Any]) -> list[dict[str, Any]]:
    shown_seed = r.get("seed", 0)
    closest = r.get("closest_call") or {}
    runs = r.get("per_seed") or [{"seed": shown_seed, "status": r["status"], "figure": r["figure"],
                                  "seconds": r["seconds"], "margin": closest.get("margin")}]
    control = r.get("control") or {}
    out = []
    for p in runs:
        shown = p.get("seed") == shown_seed
        status = str(p.get("status"))
        out.append({
            "claim": r["id"], "document": str(r["document"]), "where": str(r["where"]),
            "expected": str(r["expected"]), "seed": int(p.get("seed", 0)), "status": status,
            "unexpected": status not in (str(r["expected"]), VerdictStatus.NOT_IMPLEMENTED),
            "figure": str(p.get("figure", "")),
            "margin": _float_or_none(p.get("margin")), "seconds": float(p.get("seconds") or 0.0), "shown": shown,
            "claim_status": str(r["status"]), "tolerance": str(r["tolerance"]),
            "n_instances": instance_count(r), "control_status": control.get("status"),
            "n_counterexamples": sum(bool(c.get("accepted")) for c in r.get("counterexamples") or []),
            "evidence_json": _json(r["evidence"]) if shown else "",
            "instances_json": _json(r["instances"]) if shown else "",
            "series_json": _json(r["series"]) if shown else "",
        })
    return out


def claims_table(records: Sequence[Mapping[str, Any]]) -> pa.Table:
    """The records as an Arrow table with :data:`SCHEMA` (one row per claim and seed)."""
    return pa.Table.from_pylist([row for r in records for row in _rows(r)], schema=SCHEMA)


def write_parquet(records: Sequence[Mapping[str, Any]], path: Path) -> Path:
    pq.write_table(claims_table(records), path)
    return path
