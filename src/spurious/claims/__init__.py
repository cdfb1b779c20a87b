"""Claims of the source documents as numerical checks (one registry, modules by topic).

Importing this package, or any module in it (Python runs this ``__init__`` first), registers
every check and verifier: the topic modules are imported below. Modules: ``foundation`` (derivatives, non-convexity, the
report's population loss), ``critical`` (critical points and their kinds), ``optim`` (GD/SGD/PGD
guarantees), ``architectures`` (ResNets, towers, MLPs, constructions), ``published`` (published results
beyond the sources: SS18). The discipline every
verdict passes through is in ``runner``; saved, re-verifiable counterexamples in
``counterexample``.
"""

from . import architectures, critical, foundation, optim, published  # noqa: F401  (importing them registers their checks)
from .counterexample import MIN_MARGIN, Counterexample, Remeasure, reverify, verifier
from .registry import (
    CATALOGUE,
    CONTROLS,
    DOCUMENTS,
    CheckContext,
    ClosestCall,
    Control,
    Corrected,
    Entry,
    Outcome,
    Status,
    Tally,
    Verdict,
    claim,
    closest,
    implemented,
    select,
)
from .runner import combine_seeds, parse_seeds, run_claim, run_claims, run_seeds


def load_all_checks() -> None:
    """Kept for callers: every check is registered once :mod:`spurious.claims` is imported."""

__all__ = [
    "CATALOGUE", "CONTROLS", "DOCUMENTS", "MIN_MARGIN", "CheckContext", "ClosestCall", "Control",
    "Corrected", "Counterexample", "Entry", "Outcome", "Remeasure", "Status", "Tally", "Verdict",
    "claim", "closest", "combine_seeds", "implemented", "load_all_checks", "parse_seeds", "reverify",
    "run_claim", "run_claims", "run_seeds", "select", "verifier",
]
