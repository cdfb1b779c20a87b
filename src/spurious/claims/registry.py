"""The claims registry: every row of CLAIMS.md, and the checks that decide them.

A check is a function ``check(ctx: CheckContext) -> Outcome``. It is attached to a
catalogue entry with the :func:`claim` decorator. ``run_claims`` runs the selected
claims and returns :class:`Verdict` objects; claims without a check are reported as
*not yet implemented*, never as passing. Claims hold no plotting: a check may return
data series (``Outcome.series``) that the report draws.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from threadpoolctl import threadpool_limits

from ..errors import InputError
from ..tolerances import DEFAULT, Tolerances

Status = Literal["holds", "refuted", "inconclusive", "not implemented", "error"]
STATUSES: tuple[str, ...] = ("holds", "refuted", "inconclusive", "not implemented", "error")


@dataclass(frozen=True)
class Entry:
    """One row of CLAIMS.md: id, source document and place, the statement, the expected verdict."""

    id: str
    document: str
    where: str
    statement: str
    expected: Status = "holds"


CATALOGUE: tuple[Entry, ...] = (
    Entry("L-NONCONVEX", "004", "Prop 6.1", "if the optimum beats every width-1 network, Φ is non-convex (any activation, linear included)"),
    Entry("L-NONCONVEX-0", "004", "Prop 6.2", "σ C¹ with σ(0)=0 and the optimum not at 0 ⇒ Φ non-convex"),
    Entry("L-SMOOTH", "004", "Lemmas 6.4–6.5", "β-smooth ⇒ |∇²f[v,v]| ≤ β‖v‖² and the quadratic upper/lower bound"),
    Entry("L-GD-RATE", "004", "Thm 6.7", "GD with η ≤ 1/β reaches an ε-stationary point within 2(f(w₀)−f*)/(η ε²) steps; each step decreases f by ≥ (η/2)‖∇f‖²"),
    Entry("L-ESCAPE", "004", "§6.2.2", "GD on the quadratic model of a strict saddle ε-escapes within the ceiling-formula number of steps"),
    Entry("L-PGD", "004", "Thm 6.9", "perturbed GD returns an ε-second-order stationary point with probability ≥ 1−δ"),
    Entry("L-GRAD-HESS", "004", "§6.2.5", "∇_{W_j}Φ = W_{j+1:N}ᵀ ∇ℓ(W_{1:N}) W_{1:j−1}ᵀ, and the Hessian bilinear form with its second-order cross terms"),
    Entry("L-NO-BAD-MIN", "004", "Thm 6.10", "ℓ convex differentiable, no bottleneck ⇒ every local minimum is global"),
    Entry("L-DEPTH2-STRICT", "004", "Thm 6.11", "depth 2, square d×d, ℓ convex C²: every non-global stationary point is a strict saddle"),
    Entry("L-DEEP-NONSTRICT", "004", "Prop 6.12", "depth N ≥ 3, no bottleneck, ℓ not minimised at 0 ⇒ 0 is a non-strict saddle"),
    Entry("K-BACKPROP", "001", "backpropagation slides", "the backpropagation recursion gives ∂E/∂w; SGD with it trains a network"),
    Entry("K-BALDI-HORNIK", "001", "Baldi & Hornik 1989", "2-layer linear net: critical points are indexed by eigenvector sets Γ, loss tr(YYᵀ) − Σ_{i∈Γ}λ_i; top-p is the global minimum; every other Γ is a saddle"),
    Entry("K-KAWAGUCHI", "001", "Kawaguchi 2016, Thm 2.3", "deep linear nets: non-convex and non-concave; local minima global; other critical points saddles; rank condition ⇒ negative eigenvalue; bad saddles exist at depth ≥ 3"),
    Entry("K-RELU-PATH", "001", "Kawaguchi 2016, §3", "ReLU output = path sum; with Bernoulli(ρ) activations its expectation is ρ times a linear network's output"),
    Entry("A-RESNET-CRIT", "002", "Problem 1", "linear ResNet with all ‖W_k‖₂ < 1: ∇ = 0 ⇔ (I+W_H)⋯(I+W₁) = R, so every critical point there is global"),
    Entry("A-RESNET-CONSTRUCT", "002", "Problem 2", "det R > 0 ⇒ a residual factorisation with max‖W_k‖₂ = O(1/H) exists"),
    Entry("A-RELU-RANK", "002", "Problem 3", "σ(WX) full rank for almost every W with sigmoid, but not with ReLU"),
    Entry("A-EXP-NEURON", "002", "Problem 4", "the exponential neuron: local minima of L̃ have θ global (m = 1); a bad minimum is pushed to infinity, not removed"),
    Entry("D-REDUCTION", "003", "Thm 1", "a deep linear net has spurious local minima iff its two-layer reduction at the bottleneck does"),
    Entry("D-FULLRANK", "003", "Thm 2 / Lemma 1", "at a spurious local minimum both super-layers have full rank; a rank-deficient local minimum is global"),
    Entry("D-QUADRATIC", "003", "Cor 1", "squared loss, any widths, any data ⇒ no spurious local minima"),
    Entry("D-MULTITOWER", "003", "Cor 2", "multi-tower nets reduce to the two-layer net with bottleneck Σ p_i"),
    Entry("S-POP-LOSS", "000", "derivation of f(A)", "f(A) = ½E‖A₃A₂A₁x − y‖² = ½‖EΣ^½‖²_F + C, C = d/2, E = A₃A₂A₁ − R"),
    Entry("S-CONSTRUCT", "000", "global minima", "R PSD ⇒ A_i = U Z^⅓ Uᵀ; any R ⇒ the SVD split; any depth by further splitting"),
    Entry("S-GRADIENT", "000", "Taylor step", "∂f/∂A₂ = 2A₃ᵀ E Σ A₁ᵀ, and this generalises to A₁ and A₃", expected="refuted"),
    Entry("S-CRIT-CLAIM", "000", "final argument", "for the gradient to be 0, E must be 0 as A₃, A₂, A₁ ≠ 0: every critical point is global", expected="refuted"),
)

DOCUMENTS: dict[str, str] = {
    "000": "000_294e144ad9ae453b.txt — project report (3-layer linear net, population loss)",
    "001": "001_24d1040692a281f2.txt — slides on Kawaguchi 2016",
    "002": "002_1886eae922af069a.txt — theory homework (MIPT)",
    "003": "003_e2e03671535a77db.txt — Depth creates no more spurious local minima",
    "004": "004_7f289b81e43d985a.txt — lecture notes, Optimization 1",
}

ENTRIES: dict[str, Entry] = {e.id: e for e in CATALOGUE}


@dataclass
class CheckContext:
    """What a check receives: a seed, the tolerances, and whether to run the quick variant."""

    seed: int = 0
    tolerances: Tolerances = DEFAULT
    quick: bool = False

    def rng(self, offset: int = 0) -> np.random.Generator:
        return np.random.default_rng(self.seed + offset)


@dataclass
class Outcome:
    """What a check returns.

    status : holds / refuted / inconclusive.
    figure : the key figure, one short line (e.g. "max rel. err 3e-13 over 48 instances").
    tolerance : the tolerance used, with its scale, one short line.
    evidence : JSON-able details (counterexamples, per-item results).
    instances : one dict per instance checked (JSON-able).
    series : named numeric series for the report's plots (lists of floats).
    """

    status: Status
    figure: str
    tolerance: str
    evidence: dict[str, Any] = field(default_factory=dict)
    instances: list[dict[str, Any]] = field(default_factory=list)
    series: dict[str, Any] = field(default_factory=dict)


@dataclass
class Verdict:
    """A claim's verdict: the catalogue entry plus the outcome of its check and its run time."""

    id: str
    document: str
    where: str
    statement: str
    expected: str
    status: str
    figure: str
    tolerance: str
    seconds: float
    evidence: dict[str, Any] = field(default_factory=dict)
    instances: list[dict[str, Any]] = field(default_factory=list)
    series: dict[str, Any] = field(default_factory=dict)

    @property
    def unexpected(self) -> bool:
        """True if the status is neither the expected one nor 'not implemented'."""
        return self.status not in (self.expected, "not implemented")

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


_CHECKS: dict[str, Callable[[CheckContext], Outcome]] = {}


def claim(claim_id: str) -> Callable[[Callable[[CheckContext], Outcome]], Callable[[CheckContext], Outcome]]:
    """Decorator: attach ``check`` to the catalogue entry ``claim_id``."""
    if claim_id not in ENTRIES:
        raise KeyError(f"{claim_id} is not in the CLAIMS.md catalogue")

    def register(check: Callable[[CheckContext], Outcome]) -> Callable[[CheckContext], Outcome]:
        if claim_id in _CHECKS:
            raise KeyError(f"{claim_id} already has a check ({_CHECKS[claim_id].__module__})")
        _CHECKS[claim_id] = check
        return check

    return register


def implemented() -> list[str]:
    """Ids of the claims that have a check, in catalogue order."""
    return [e.id for e in CATALOGUE if e.id in _CHECKS]


def select(only: Iterable[str] | None = None) -> list[Entry]:
    """Catalogue entries to run: all, or those named in ``only`` (ids, case-insensitive)."""
    if not only:
        return list(CATALOGUE)
    wanted = [o.strip().upper() for o in only]
    unknown = [w for w in wanted if w not in ENTRIES]
    if unknown:
        raise InputError("--only", f"unknown claim id(s) {unknown}; see `spurious check --list`")
    return [ENTRIES[w] for w in wanted]


def run_claim(entry: Entry, ctx: CheckContext) -> Verdict:
    """Run one claim's check; a check that raises is reported with status 'error'."""
    base = dict(id=entry.id, document=entry.document, where=entry.where,
                statement=entry.statement, expected=entry.expected)
    check = _CHECKS.get(entry.id)
    if check is None:
        return Verdict(**base, status="not implemented", figure="—", tolerance="—", seconds=0.0)
    start = time.perf_counter()
    try:
        out = check(ctx)
    except Exception as exc:  # a failing check is a result, not a crash of the report
        return Verdict(**base, status="error", figure=f"{type(exc).__name__}: {exc}", tolerance="—",
                       seconds=time.perf_counter() - start,
                       evidence={"traceback": traceback.format_exc(limit=6)})
    return Verdict(**base, status=out.status, figure=out.figure, tolerance=out.tolerance,
                   seconds=time.perf_counter() - start, evidence=out.evidence,
                   instances=out.instances, series=out.series)


def run_claims(only: Iterable[str] | None = None, ctx: CheckContext | None = None,
               on_done: Callable[[Verdict], None] | None = None) -> list[Verdict]:
    """Run the selected claims in order; ``on_done`` is called after each.

    BLAS is pinned to one thread: the instances are small, and on a shared machine
    multi-threaded BLAS on tiny matrices was measured ~80× slower (L-BFGS in L-NONCONVEX).
    """
    ctx = ctx or CheckContext()
    verdicts = []
    with threadpool_limits(limits=1):
        for entry in select(only):
            verdict = run_claim(entry, ctx)
            verdicts.append(verdict)
            if on_done is not None:
                on_done(verdict)
    return verdicts


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    return value
