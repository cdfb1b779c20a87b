"""Claims of the source documents as numerical checks (one registry, modules by topic).

Importing this package registers every check. Modules:
``foundation`` (derivatives, non-convexity, the report's population loss),
``critical`` (critical points and their kinds), ``optim`` (GD/SGD/PGD guarantees),
``architectures`` (ResNets, towers, MLPs, constructions).
"""

from . import architectures, critical, foundation, optim  # noqa: F401  (registers the checks)
from .registry import (
    CATALOGUE,
    DOCUMENTS,
    CheckContext,
    Entry,
    Outcome,
    Verdict,
    claim,
    implemented,
    run_claim,
    run_claims,
    select,
)

__all__ = [
    "CATALOGUE",
    "DOCUMENTS",
    "CheckContext",
    "Entry",
    "Outcome",
    "Verdict",
    "claim",
    "implemented",
    "run_claim",
    "run_claims",
    "select",
]
