"""The words the library reports in, defined once: run statuses, point labels, verdict states.

Each is a :class:`enum.StrEnum`, so a member *is* its string: ``RunStatus.CONVERGED ==
"converged"``, ``f"{label}"`` prints the plain word, ``json.dumps`` and pyarrow write the
value. Code compares against the members; files (``results.json``, parquet, ``summary.json``)
hold the values, which are the strings the library has always written.

- :class:`RunStatus` — how a finder or optimiser run ended (:class:`spurious.result.Result`).
- :class:`Label` — what :func:`spurious.critical.classify` certifies a point to be.
- :class:`Ending` — how a sweep labels a run's end point (:mod:`spurious.sweep`).
- :class:`VerdictStatus` — a claim's verdict (:class:`spurious.claims.Verdict`).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["RunStatus", "Label", "Ending", "VerdictStatus", "MINIMA", "SADDLES", "UNSETTLED", "VERDICT_ORDER"]


class RunStatus(StrEnum):
    """How an iterative run ended.

    converged : its stopping rule fired (‖∇Φ‖ ≤ tolerance, ε reached, PGD's return rule, a stop rule).
    max-iterations : the iteration budget ran out first.
    diverged : a non-finite value appeared; the last finite point is kept.
    stalled : a finder's line search found no decrease (or a numerical failure inside).
    gradient-flat : a finder stalled at a point where ∇Φ lies in ker ∇²Φ (Frye et al. 2021):
        a stall, not a critical point.
    escaping : a finder's iterates ran off towards infinity: over the run's last window ‖θ‖ grew
        steadily while ‖∇Φ‖ shrank (a critical point *at infinity*, e.g. saturated units, or an
        infimum not attained); the message gives the growth of ‖θ‖. Not a critical point.
    """

    CONVERGED = "converged"
    MAX_ITERATIONS = "max-iterations"
    DIVERGED = "diverged"
    STALLED = "stalled"
    GRADIENT_FLAT = "gradient-flat"
    ESCAPING = "escaping"


class Label(StrEnum):
    """The certified kind of a point (see :mod:`spurious.critical` ``classify`` for the evidence)."""

    GLOBAL_MINIMUM = "global minimum"
    SPURIOUS_LOCAL_MINIMUM = "spurious local minimum"
    LOCAL_MINIMUM = "local minimum"  # no optimum known: a strict local minimum, global status unknown
    STRICT_SADDLE = "strict saddle"
    NON_STRICT_SADDLE = "non-strict saddle"
    NOT_CRITICAL = "not critical"
    INCONCLUSIVE = "inconclusive"


#: Labels of local minima (global, spurious or of unknown global status).
MINIMA: tuple[Label, ...] = (Label.GLOBAL_MINIMUM, Label.SPURIOUS_LOCAL_MINIMUM, Label.LOCAL_MINIMUM)
#: Labels of saddles.
SADDLES: tuple[Label, ...] = (Label.STRICT_SADDLE, Label.NON_STRICT_SADDLE)
#: Labels that settle nothing about a claim (the point was not certified).
UNSETTLED: tuple[Label, ...] = (Label.INCONCLUSIVE, Label.NOT_CRITICAL)


class Ending(StrEnum):
    """A sweep's quick label of a run's end point (the certified end uses :class:`Label` instead)."""

    GLOBAL_MINIMUM = "global minimum"
    CRITICAL_NOT_GLOBAL = "critical, not global"
    CRITICAL_OPTIMUM_UNKNOWN = "critical (optimum unknown)"
    UNCONVERGED = "unconverged"
    DIVERGED = "diverged"


class VerdictStatus(StrEnum):
    """A claim's verdict. ``holds``/``refuted`` are claims about mathematics; ``inconclusive``
    says our numerics could not decide; ``error`` says the check itself failed."""

    HOLDS = "holds"
    REFUTED = "refuted"
    INCONCLUSIVE = "inconclusive"
    NOT_IMPLEMENTED = "not implemented"
    ERROR = "error"


#: The order in which reports list verdict counts.
VERDICT_ORDER: tuple[VerdictStatus, ...] = (VerdictStatus.HOLDS, VerdictStatus.REFUTED, VerdictStatus.INCONCLUSIVE,
                                            VerdictStatus.ERROR, VerdictStatus.NOT_IMPLEMENTED)
