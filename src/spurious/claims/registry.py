"""The claims registry: every row of CLAIMS.md, and the checks that decide them.

A check is a function ``check(ctx: CheckContext) -> Outcome``. It is attached to a
catalogue entry with the :func:`claim` decorator. ``run_claims`` runs the selected
claims and returns :class:`Verdict` objects; claims without a check are reported as
*not yet implemented*, never as passing. Claims hold no plotting: a check may return
data series (``Outcome.series``) that the report draws.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

import numpy as np

from ..errors import InputError
from ..reprs import verdict_html
from ..tolerances import DEFAULT, Tolerances
from ..vocabulary import VerdictStatus

#: A claim's verdict (the one definition is :class:`spurious.vocabulary.VerdictStatus`).
Status = VerdictStatus

STATUSES: tuple[str, ...] = tuple(s.value for s in Status)


@dataclass(frozen=True)
class Entry:
    """One row of CLAIMS.md: id, source document and place, the statement, the expected verdict."""

    id: str
    document: str
    where: str
    statement: str
    expected: Status = Status.HOLDS

    def __post_init__(self) -> None:
        object.__setattr__(self, "expected", Status(self.expected))


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
    Entry("S-GRADIENT", "000", "Taylor step", "∂f/∂A₂ = 2A₃ᵀ E Σ A₁ᵀ, and this generalises to A₁ and A₃", expected=Status.REFUTED),
    Entry("S-CRIT-CLAIM", "000", "final argument", "for the gradient to be 0, E must be 0 as A₃, A₂, A₁ ≠ 0: every critical point is global", expected=Status.REFUTED),
    Entry("P-SAFRAN-SHAMIR", "SS18", "§3–4, Table 1", "two-layer ReLU student, n = k = 8 neurons, orthonormal teacher, x ~ N(0, I): GD from W = randn/√d ends at a spurious local minimum in some runs (12.6 % in Table 1), a strict minimum with loss > 0 and isotropy ΔS_{k−1} (Arjevani & Field)"),
)

DOCUMENTS: dict[str, str] = {
    "000": "000_294e144ad9ae453b.txt — project report (3-layer linear net, population loss)",
    "001": "001_24d1040692a281f2.txt — slides on Kawaguchi 2016",
    "002": "002_1886eae922af069a.txt — theory homework (MIPT)",
    "003": "003_e2e03671535a77db.txt — Depth creates no more spurious local minima",
    "004": "004_7f289b81e43d985a.txt — lecture notes, Optimization 1",
    "SS18": "published: Safran & Shamir, ICML 2018 (arXiv 1712.08968), Spurious Local Minima are Common in Two-Layer ReLU Neural Networks",
}

ENTRIES: dict[str, Entry] = {e.id: e for e in CATALOGUE}


#: Each claim's negative control, one line: the instance on which the claim's hypothesis is
#: violated (or its conclusion known to fail) and on which the same check must say the opposite
#: of the expected verdict. The check computes it and returns it as ``Outcome.control``.
#: Filled by ``@claim(id, control=...)``.
CONTROLS: dict[str, str] = {}

#: Largest share of unconverged instances a verdict may exclude before it is *inconclusive*.
MAX_UNCONVERGED = 0.25


@dataclass
class CheckContext:
    """What a check receives.

    seed : seed for every random instance (``rng(offset)`` derives independent streams).
    tolerances : the relative tolerances (``spurious.tolerances``).
    quick : run the smaller variant (smoke tests).
    max_unconverged : share of unconverged instances above which the verdict is *inconclusive*.
    """

    seed: int = 0
    tolerances: Tolerances = DEFAULT
    quick: bool = False
    max_unconverged: float = MAX_UNCONVERGED

    def rng(self, offset: int = 0) -> np.random.Generator:
        return np.random.default_rng(self.seed + offset)


@dataclass
class Tally:
    """How many instances a verdict stands on.

    tried : instances attempted. converged : those whose numerics finished (a critical point
    polished, a run that met its stopping rule). unconverged : excluded from the verdict because
    the numerics did not finish even after polishing and retrying (never counted as violations).
    retried : instances that needed a retry (more iterations, another start, another method).
    statuses : finder/optimiser statuses seen, with counts (e.g. ``{"converged": 48, "stalled": 2}``).
    """

    tried: int
    converged: int
    unconverged: int = 0
    retried: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def unconverged_share(self) -> float:
        return self.unconverged / self.tried if self.tried else 0.0

    def describe(self) -> str:
        text = f"{self.converged}/{self.tried} converged"
        if self.unconverged:
            text += f", {self.unconverged} unconverged excluded"
        if self.retried:
            text += f", {self.retried} retried"
        return text


@dataclass
class ClosestCall:
    """The instance that came nearest to flipping the verdict.

    measured, threshold : the quantity and the limit it is compared with (same units).
    margin : how far from the limit, as a ratio ≥ 0: ``threshold / measured`` for a quantity that
    must stay below its threshold, ``measured / threshold`` for one that must stay above it
    (margin > 1: on the verdict's side, with that factor of room; < 1: across the line).
    """

    instance: str
    quantity: str
    measured: float
    threshold: float
    margin: float

    @classmethod
    def below(cls, instance: str, quantity: str, measured: float, threshold: float) -> ClosestCall:
        """A quantity that must stay ≤ threshold (an error, a gap): margin = threshold / measured."""
        return cls(instance, quantity, float(measured), float(threshold),
                   _ratio(float(threshold), float(measured)))

    @classmethod
    def above(cls, instance: str, quantity: str, measured: float, threshold: float) -> ClosestCall:
        """A quantity that must stay ≥ threshold (a curvature, a violation): margin = measured / threshold."""
        return cls(instance, quantity, float(measured), float(threshold),
                   _ratio(float(measured), float(threshold)))

    def describe(self) -> str:
        return (f"{self.quantity} = {self.measured:.3g} vs {self.threshold:.3g} "
                f"(margin {self.margin:.3g}×) on {self.instance}")


def closest(calls: Iterable[ClosestCall | None]) -> ClosestCall | None:
    """The call with the smallest margin (None if there is none)."""
    real = [c for c in calls if c is not None]
    return min(real, key=lambda c: c.margin) if real else None


def _ratio(num: float, den: float) -> float:
    if not (np.isfinite(num) and np.isfinite(den)):
        return float("nan")
    if den <= 0:
        return float("inf") if num > 0 else 0.0
    return max(num, 0.0) / den


@dataclass
class Control:
    """A negative control: the same check on an instance where the claim must come out opposite.

    instance : what was run (one line). violated : which hypothesis is violated, or which
    conclusion is known to fail there. status : the check's verdict on it (must be the opposite of
    the claim's expected verdict). figure : its key figure.
    """

    instance: str
    violated: str
    status: Status
    figure: str


@dataclass
class Corrected:
    """The corrected statement of a claim the source gets wrong, with its own verdict."""

    statement: str
    status: Status
    figure: str


@dataclass
class Outcome:
    """What a check returns.

    status : holds / refuted / inconclusive (before the registry's discipline is applied).
    figure : the key figure, one short line (e.g. "max rel. err 3e-13 over 48 instances").
    tolerance : the tolerance used, with its scale, one short line.
    reason : one plain sentence saying why this status (shown beside the verdict).
    evidence : JSON-able details. instances : one dict per instance checked (JSON-able).
    series : named numeric series for the report's plots.
    tally : instances tried / converged / excluded. closest_call : the nearest call.
    control : the negative control's result. counterexamples : for *refuted*, the saved,
    re-verifiable instances (:class:`~spurious.claims.counterexample.Counterexample`).
    corrected : the corrected statement where the source is wrong.
    """

    status: Status
    figure: str
    tolerance: str
    reason: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    instances: list[dict[str, Any]] = field(default_factory=list)
    series: dict[str, Any] = field(default_factory=dict)
    tally: Tally | None = None
    closest_call: ClosestCall | None = None
    control: Control | None = None
    counterexamples: list[Any] = field(default_factory=list)
    corrected: Corrected | None = None


@dataclass
class Verdict:
    """A claim's verdict: its catalogue entry, the outcome of its check after the discipline of
    :mod:`spurious.claims.runner`, the run time and seed, and the discipline's notes.

    ``counterexamples`` are records (JSON-able dicts: files, measured, margin, re-verification);
    ``seed_tally`` and ``per_seed`` are filled for multi-seed runs.
    """

    id: str
    document: str
    where: str
    statement: str
    expected: Status
    status: Status
    figure: str
    tolerance: str
    seconds: float
    seed: int = 0
    reason: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    instances: list[dict[str, Any]] = field(default_factory=list)
    series: dict[str, Any] = field(default_factory=dict)
    tally: Tally | None = None
    closest_call: ClosestCall | None = None
    control: Control | None = None
    counterexamples: list[dict[str, Any]] = field(default_factory=list)
    corrected: Corrected | None = None
    notes: list[str] = field(default_factory=list)
    seed_tally: dict[str, int] = field(default_factory=dict)
    per_seed: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def build(cls, entry: Entry, outcome: Outcome, *, seconds: float, seed: int, status: Status,
              notes: list[str], counterexamples: list[dict[str, Any]]) -> Verdict:
        """The verdict of ``entry`` from its check's ``outcome`` and the discipline's decisions.

        Every field of :class:`Entry` and of :class:`Outcome` that a Verdict also has is taken
        over by name (the entry's first); the discipline's decisions (``status``, the saved
        ``counterexamples``, ``notes``) and the run's ``seconds`` and ``seed`` replace the rest.
        """
        mine = {f.name for f in fields(cls)}
        decided = {"status": status, "counterexamples": counterexamples, "notes": notes,
                   "seconds": seconds, "seed": seed}
        taken = {f.name: getattr(source, f.name) for source in (outcome, entry) for f in fields(source)
                 if f.name in mine and f.name not in decided}
        return cls(**taken, **decided)

    @property
    def unexpected(self) -> bool:
        """True if the status is neither the expected one nor 'not implemented'."""
        return self.status not in (self.expected, Status.NOT_IMPLEMENTED)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))

    def _repr_html_(self) -> str:
        """A compact table in Jupyter (:func:`spurious.reprs.verdict_html`)."""
        return verdict_html(self)

    def plot(self, folder: Any = None, which: int = 0) -> Any:
        """The claim's figure as in the report (``which=1``: the counterexample's loss slice, read from
        the report ``folder``); a :class:`~spurious.report.figures.ClaimFigure` that shows itself in Jupyter."""
        from ..report.notebook import plot_verdict

        return plot_verdict(self, folder, which)


_CHECKS: dict[str, Callable[[CheckContext], Outcome]] = {}


def claim(claim_id: str, control: str | None = None
          ) -> Callable[[Callable[[CheckContext], Outcome]], Callable[[CheckContext], Outcome]]:
    """Decorator: attach ``check`` to the catalogue entry ``claim_id``.

    control : the claim's negative control in one line (recorded in :data:`CONTROLS`, listed by
    ``spurious check --list`` and in docs/CLAIMS.md).
    """
    if claim_id not in ENTRIES:
        raise KeyError(f"{claim_id} is not in the CLAIMS.md catalogue")
    if control is not None:
        CONTROLS[claim_id] = control

    def register(check: Callable[[CheckContext], Outcome]) -> Callable[[CheckContext], Outcome]:
        if claim_id in _CHECKS:
            raise KeyError(f"{claim_id} already has a check ({_CHECKS[claim_id].__module__})")
        _CHECKS[claim_id] = check
        return check

    return register


def check_for(claim_id: str) -> Callable[[CheckContext], Outcome] | None:
    """The registered check of ``claim_id`` (None if it has none)."""
    return _CHECKS.get(claim_id)


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


def _jsonable(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    return value
