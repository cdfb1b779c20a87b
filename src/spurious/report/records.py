"""Verdicts as plain records: the one input format of every report writer.

A record is the dict of :meth:`spurious.claims.Verdict.to_dict` (id, document, where,
statement, expected, status, figure, tolerance, seconds, evidence, instances, series)
plus ``unexpected`` (bool). Writers accept Verdict objects or such dicts (e.g. read back
from ``results.json``), so a report can be rebuilt without rerunning the checks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from ..vocabulary import VERDICT_ORDER, VerdictStatus

__all__ = ["as_records", "status_counts", "STATUS_ORDER"]

STATUS_ORDER = VERDICT_ORDER
REQUIRED = ("id", "status")


def _record(verdict: Any) -> dict[str, Any]:
    if hasattr(verdict, "to_dict"):
        rec = dict(verdict.to_dict())
    elif isinstance(verdict, Mapping):
        rec = dict(verdict)
    else:
        raise TypeError(f"expected a Verdict or a dict, got {type(verdict).__name__}")
    missing = [k for k in REQUIRED if k not in rec]
    if missing:
        raise KeyError(f"verdict record lacks {missing}")
    rec.setdefault("document", "")
    rec.setdefault("where", "")
    rec.setdefault("statement", "")
    rec.setdefault("expected", VerdictStatus.HOLDS.value)
    rec.setdefault("figure", "—")
    rec.setdefault("tolerance", "—")
    rec.setdefault("seconds", 0.0)
    rec.setdefault("reason", "")
    rec.setdefault("seed", 0)
    for key in ("evidence", "series", "seed_tally"):
        rec[key] = rec.get(key) or {}
    for key in ("instances", "counterexamples", "notes", "per_seed"):
        rec[key] = rec.get(key) or []
    for key in ("tally", "closest_call", "control", "corrected"):
        rec.setdefault(key, None)
    rec["unexpected"] = rec["status"] not in (rec["expected"], VerdictStatus.NOT_IMPLEMENTED)
    return rec


def as_records(verdicts: Iterable[Any]) -> list[dict[str, Any]]:
    """Verdicts (objects or dicts) as a list of normalised records (see module doc)."""
    return [_record(v) for v in verdicts]


def status_counts(records: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Number of claims per status, in :data:`STATUS_ORDER` (zero counts omitted)."""
    counts = Counter(r["status"] for r in records)
    return {str(s): counts[s] for s in STATUS_ORDER if counts[s]} | {
        s: n for s, n in counts.items() if s not in STATUS_ORDER}
