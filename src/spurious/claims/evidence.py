"""Evidence: what a check measured, in one shape for every claim.

A check is *measure* (instances → :class:`Evidence`) then *decide* (:meth:`Evidence.status`):
refuted iff a violation was recorded; instances our numerics could not settle (a finder that
stalled, a run that did not converge after polishing and a retry) are excluded and counted, never
read as violations; the runner (:mod:`spurious.claims.runner`) turns a large excluded share into
*inconclusive* and a violation without a re-verified counterexample into *inconclusive*.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .counterexample import Counterexample
from .registry import ClosestCall, Status, Tally, closest


@dataclass
class Evidence:
    """What a check measured. ``decide`` = :meth:`status`: refuted iff a violation was recorded.

    Unsettled instances (unconverged runs, *inconclusive* labels) are excluded and counted; the
    runner turns a large excluded share into *inconclusive*.
    """

    tried: int = 0
    converged: int = 0
    unconverged: int = 0
    retried: int = 0
    statuses: Counter = field(default_factory=Counter)
    calls: list[ClosestCall] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    counterexamples: list[Counterexample] = field(default_factory=list)
    excluded: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def settled(self, status: str = "converged") -> None:
        self.tried += 1
        self.converged += 1
        self.statuses[status] += 1

    def unsettled(self, status: str, row: dict[str, Any]) -> None:
        self.tried += 1
        self.unconverged += 1
        self.statuses[status] += 1
        self.excluded.append(row)

    def violation(self, row: dict[str, Any], cx: Counterexample | None) -> None:
        self.failures.append(row)
        if cx is not None and len(self.counterexamples) < 3:
            self.counterexamples.append(cx)

    def status(self) -> Status:
        return Status.REFUTED if self.failures else Status.HOLDS

    def tally(self) -> Tally:
        return Tally(tried=self.tried, converged=self.converged, unconverged=self.unconverged,
                     retried=self.retried, statuses=dict(self.statuses))

    def closest(self) -> ClosestCall | None:
        return closest(self.calls)

    def margins(self, quantity: str, kind: str) -> dict[str, Any]:
        """The report's ``series["margins"]`` from the recorded calls on ``quantity``."""
        return margins_series(quantity, kind, self.calls)


def margins_series(quantity: str, kind: str, calls: list[ClosestCall]) -> dict[str, Any]:
    """``Outcome.series["margins"]``: measured vs threshold for every call on ``quantity``.

    kind : "below" (the quantity must stay ≤ its threshold) or "above" (≥ its threshold).
    """
    chosen = [c for c in calls if c.quantity == quantity]
    return {"quantity": quantity, "threshold_kind": kind, "instance": [c.instance for c in chosen],
            "measured": [c.measured for c in chosen], "threshold": [c.threshold for c in chosen]}
