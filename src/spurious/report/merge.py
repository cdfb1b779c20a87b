"""Merging a partial run (``--only``, another ``--seeds``) into an existing ``results.json`` by claim.

The claims of the new run replace their old records; every other claim is kept as it was, marked
with the run it came from (``record["run"]``: seeds, quick, generated), and the claims are put back
in catalogue order. Nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["merge_results"]

RUN_KEYS = ("seeds", "quick", "generated")


def merge_results(old: Mapping[str, Any], new: Mapping[str, Any], order: Sequence[str]) -> dict[str, Any]:
    """``new`` with the claims of ``old`` that ``new`` did not run added back (catalogue ``order``).

    old, new : ``results.json`` payloads ({..., "verdicts": [records]}). Returns a new payload whose
    top-level facts are the new run's, plus ``merged``: a one-line account of what came from where.
    """
    new_records = {v["id"]: dict(v) for v in new.get("verdicts") or []}
    old_run = {k: old.get(k) for k in RUN_KEYS if k in old}
    kept = {}
    for v in old.get("verdicts") or []:
        if isinstance(v, Mapping) and v.get("id") not in new_records:
            rec = dict(v)
            rec.setdefault("run", old_run)
            kept[rec["id"]] = rec
    merged = {**new_records, **kept}
    rank = {cid: i for i, cid in enumerate(order)}
    verdicts = sorted(merged.values(), key=lambda v: (rank.get(v["id"], len(rank)), v["id"]))
    seeds = sorted({*(new.get("seeds") or []), *(old.get("seeds") or [])})
    note = (f"{len(new_records)} claim(s) from this run, {len(kept)} kept from the run of "
            f"{old.get('generated', 'an earlier run')}") if kept else ""
    out = {**{k: v for k, v in new.items() if k != "verdicts"}, "verdicts": verdicts}
    if kept:
        out["merged"] = note
        out["seeds"] = seeds
    return out
