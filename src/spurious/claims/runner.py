"""Running claims under one verdict discipline (issue 11 of the project's tracker).

The rules, applied here to every check and never re-invented per claim:

1. *refuted* stands only with a counterexample that is saved to the report folder, reloaded from
   the files, and confirmed by an independent route with a margin ≥ ``MIN_MARGIN``; otherwise
   the verdict is *inconclusive* (our numerics could not prove the failure).
2. Unconverged instances are excluded, never counted as violations; if their share exceeds
   ``ctx.max_unconverged`` the verdict is *inconclusive*.
3. Every claim carries a negative control on which the same check must say the opposite of the
   expected verdict; a control that does not come out opposite makes the claim *error*.
4. A check that raises is *error*, with the message and traceback in the evidence.
"""

from __future__ import annotations

import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from ..errors import InputError
from .counterexample import MIN_MARGIN, Counterexample, reverify, save
from .registry import (
    CONTROLS,
    CheckContext,
    Entry,
    Outcome,
    Status,
    Verdict,
    check_for,
    select,
)

#: Controls are required of every claim (issue 11, item 3); a claim without one is *error*.
REQUIRE_CONTROL = True


def run_claim(entry: Entry, ctx: CheckContext, artifacts: Path | None = None) -> Verdict:
    """Run one claim's check and apply the verdict discipline.

    artifacts : the report folder; counterexamples go to ``artifacts/counterexamples``
    (a temporary folder when None).
    """
    check = check_for(entry.id)
    if check is None:
        empty = Outcome(status=Status.NOT_IMPLEMENTED, figure="—", tolerance="—")
        return Verdict.build(entry, empty, seconds=0.0, seed=ctx.seed, status=Status.NOT_IMPLEMENTED,
                             notes=[], counterexamples=[])
    start = time.perf_counter()
    try:
        out = check(ctx)
    except Exception as exc:  # a failing check is a result, not a crash of the report
        out = Outcome(status=Status.ERROR, figure=f"{type(exc).__name__}: {exc}", tolerance="—",
                      reason="the check itself raised an exception; this says nothing about the claim",
                      evidence={"traceback": traceback.format_exc(limit=8)})
    status, notes, records = apply_discipline(entry, out, ctx, artifacts)
    return Verdict.build(entry, out, seconds=time.perf_counter() - start, seed=ctx.seed, status=status,
                         notes=notes, counterexamples=records)


def apply_discipline(entry: Entry, out: Outcome, ctx: CheckContext,
                     artifacts: Path | None) -> tuple[Status, list[str], list[dict[str, Any]]]:
    """The final status of a check's outcome, the notes explaining any change, and the
    counterexample records (saved and re-verified)."""
    status = Status(out.status)
    notes: list[str] = []
    if status is Status.ERROR:
        return status, notes, []
    records = record_counterexamples(entry, out.counterexamples, ctx, artifacts) if out.counterexamples else []
    if status is Status.REFUTED and not any(r["accepted"] for r in records):
        status = Status.INCONCLUSIVE
        why = ("no counterexample was returned" if not records else
               f"no counterexample survived re-verification with margin ≥ {MIN_MARGIN:g}")
        notes.append(f"the check said refuted, but {why}: a failure our numerics cannot prove is not a refutation")
    if out.tally is not None and out.tally.unconverged_share > ctx.max_unconverged:
        if status is not Status.INCONCLUSIVE:
            notes.append(f"{out.tally.unconverged}/{out.tally.tried} instances did not converge "
                         f"(> {ctx.max_unconverged:.0%} allowed): inconclusive")
        status = Status.INCONCLUSIVE
    status = _judge_control(entry, out, status, notes)
    return status, notes, records


def _judge_control(entry: Entry, out: Outcome, status: Status, notes: list[str]) -> Status:
    """A control must come out opposite to the expected verdict, or the check proves nothing."""
    opposite = Status.HOLDS if entry.expected is Status.REFUTED else Status.REFUTED
    if out.control is None:
        notes.append("no negative control was run" + ("" if entry.id in CONTROLS else " (none defined)"))
        return Status.ERROR if REQUIRE_CONTROL else status
    if Status(out.control.status) is not opposite:
        notes.append(f"negative control ({out.control.instance}) came out {out.control.status}, not "
                     f"{opposite}: this check could not have failed, so its verdict is void")
        return Status.ERROR
    return status


def record_counterexamples(entry: Entry, found: Sequence[Counterexample], ctx: CheckContext,
                           artifacts: Path | None) -> list[dict[str, Any]]:
    """Save each counterexample, re-verify it from the saved files, and return the records."""
    if artifacts is None:
        artifacts = Path(tempfile.mkdtemp(prefix="spurious-cx-"))
    folder = Path(artifacts) / "counterexamples"
    records = []
    for k, cx in enumerate(found):
        stem = f"{entry.id}-s{ctx.seed}-{k}"
        path = save(cx, folder, stem)
        again = reverify(path)
        records.append({
            "claim": entry.id, "file": f"counterexamples/{stem}.npz", "json": f"counterexamples/{stem}.json",
            "path": str(path), "quantity": cx.quantity, "measured": cx.measured, "threshold": cx.threshold,
            "margin": cx.margin, "problem": cx.problem, "note": cx.note,
            "reverified": {"measured": again.measured, "threshold": again.threshold, "margin": again.margin,
                           "route": again.route, "details": again.details},
            "accepted": again.confirmed and cx.margin >= MIN_MARGIN,
            "command": f"spurious verify {folder.name}/{stem}.json",
        })
    return records


def run_claims(only: Iterable[str] | None = None, ctx: CheckContext | None = None,
               on_done: Callable[[Verdict], None] | None = None,
               artifacts: Path | None = None) -> list[Verdict]:
    """Run the selected claims in catalogue order; ``on_done`` is called after each.

    BLAS is pinned to one thread: the instances are small, and on a shared machine
    multi-threaded BLAS on tiny matrices was measured ~80× slower (L-BFGS in L-NONCONVEX).
    """
    ctx = ctx or CheckContext()
    verdicts = []
    with threadpool_limits(limits=1):
        for entry in select(only):
            verdict = run_claim(entry, ctx, artifacts)
            verdicts.append(verdict)
            if on_done is not None:
                on_done(verdict)
    return verdicts


def _run_one_seed(ids: list[str] | None, seed: int, quick: bool, artifacts: Path | None) -> list[Verdict]:
    return run_claims(ids, CheckContext(seed=seed, quick=quick), artifacts=artifacts)


def run_seeds(only: Iterable[str] | None, seeds: Sequence[int], *, quick: bool = False, n_jobs: int = 1,
              artifacts: Path | None = None,
              on_seed: Callable[[int, list[Verdict]], None] | None = None) -> dict[int, list[Verdict]]:
    """Run the selected claims on every seed (joblib across seeds); return {seed: verdicts}."""
    ids = list(only) if only else None
    if n_jobs == 1 or len(seeds) == 1:
        results = {}
        for seed in seeds:
            results[seed] = _run_one_seed(ids, seed, quick, artifacts)
            if on_seed is not None:
                on_seed(seed, results[seed])
        return results
    jobs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_run_one_seed)(ids, seed, quick, artifacts) for seed in seeds)
    results = {}
    for seed, verdicts in zip(seeds, jobs, strict=True):
        results[seed] = verdicts
        if on_seed is not None:
            on_seed(seed, verdicts)
    return results


def combine_seeds(results: dict[int, list[Verdict]]) -> list[Verdict]:
    """One verdict per claim for a multi-seed run: the first unexpected one (else the first seed's),
    with ``seed_tally`` (status → count) and ``per_seed`` (seed, status, figure, seconds) attached."""
    seeds = sorted(results)
    combined = []
    for position, first in enumerate(results[seeds[0]]):
        runs = [results[s][position] for s in seeds]
        shown = next((v for v in runs if v.unexpected), first)
        per_seed = [{"seed": v.seed, "status": str(v.status), "figure": v.figure, "seconds": round(v.seconds, 4),
                     "margin": v.closest_call.margin if v.closest_call else None} for v in runs]
        combined.append(replace(shown, seed_tally=dict(Counter(str(v.status) for v in runs)), per_seed=per_seed))
    return combined


def parse_seeds(text: str) -> list[int]:
    """``"0:50"`` → 0…49, ``"3,9,42"`` → [3, 9, 42], ``"7"`` → [7] (non-negative integers)."""
    seeds: list[int] = []
    try:
        for part in text.split(","):
            part = part.strip()
            if ":" in part:
                lo, hi = (int(p) for p in part.split(":", 1))
                seeds.extend(range(lo, hi))
            elif part:
                seeds.append(int(part))
    except ValueError:
        raise InputError("--seeds", f"expected 'A:B' or a comma list of integers, got {text!r}") from None
    if not seeds or min(seeds) < 0:
        raise InputError("--seeds", f"expected a non-empty range of non-negative integers, got {text!r}")
    if len(set(seeds)) != len(seeds):
        raise InputError("--seeds", f"seeds repeat in {text!r}")
    return seeds
