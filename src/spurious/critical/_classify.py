"""Certified classification of a point of a landscape.

``classify(landscape, point)`` returns a :class:`Classification` whose label is one of

- "not critical": ‖∇Φ‖ above its tolerance;
- "strict saddle": λ_min(∇²Φ) < 0 beyond its error bound; certificate: the eigenvector v,
  its curvature vᵀ∇²Φv and the decrease of Φ along θ + t v;
- "non-strict saddle": ∇²Φ ⪰ 0 but a direction Δ with Φ(θ + tΔ) − Φ(θ) ≈ c t^k, c < 0,
  k ≥ 3 was found (e.g. k = N at the origin of a depth-N linear net, Optimization 1 notes Prop 6.12);
  certificate: Δ, the fitted order k and coefficient c, and the sampled decreases;
- "global minimum": ∇²Φ ⪰ 0 and Φ(θ) equals the known optimum (``landscape.optimum``);
- "spurious local minimum": ∇²Φ ⪰ 0, Φ(θ) above the optimum, no descent curve, and ∇²Φ
  positive definite on the complement of the tangent space of the symmetry orbit
  (for linear nets W_{j+1}C⁻¹, C W_j: the null space has exactly the orbit's dimension);
- "local minimum": with ``optimum=None`` (no optimum known, e.g. a trained network): ∇²Φ
  positive definite beyond its error bound (or on the complement of the symmetry orbit) and
  no descent curve — a strict local minimum, *global status unknown*;
- "inconclusive": anything else, with the reason (λ_min within its error bound of 0,
  extra null directions beyond the symmetries, optimum unknown, …).

A label is never guessed: every branch states the evidence it rests on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError, require_landscape
from ..objective import MinValue, capability
from ..reprs import classification_html
from ..tolerances import DEFAULT, DENSE_HESSIAN_LIMIT, EPS, Tolerances
from ..vocabulary import MINIMA, SADDLES, Label
from .rigorous import certify_classification
from .spectrum import Spectrum, hessian_spectrum

__all__ = ["Classification", "DescentCurve", "LABELS", "classify", "find_descent_curve",
           "symmetry_orbit_dimension", "gradient_tolerance"]

LABELS: tuple[Label, ...] = tuple(Label)
FROM_LANDSCAPE: Any = object()  # classify's default optimum: the landscape's own (``landscape.optimum``)


@dataclass
class DescentCurve:
    """θ + tΔ along which Φ drops like c t^k (c < 0) as t → 0: the point is no local minimum.

    direction : Δ (P,), unit norm.  order : k.  coefficient : c (≈ d(t)/t^k at small t).
    t, decrease : the sampled steps and Φ(θ + tΔ) − Φ(θ).  source : how Δ was found.
    """

    direction: np.ndarray
    order: int
    coefficient: float
    t: list[float]
    decrease: list[float]
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {"order": self.order, "coefficient": self.coefficient, "t": self.t,
                "decrease": self.decrease, "source": self.source,
                "direction_norm": float(np.linalg.norm(self.direction))}


@dataclass
class Classification:
    """A label with its evidence (see the module docstring)."""

    label: Label
    reason: str
    loss: float
    grad_norm: float
    grad_tol: float
    optimum: float | None
    optimum_source: str | None
    gap: float | None
    gap_tol: float | None
    spectrum: Spectrum | None = None
    certificate: dict[str, Any] = field(default_factory=dict)
    symmetry_dim: int | None = None
    descent: DescentCurve | None = None

    def __post_init__(self) -> None:
        self.label = Label(self.label)

    @property
    def is_minimum(self) -> bool:
        return self.label in MINIMA

    @property
    def is_saddle(self) -> bool:
        return self.label in SADDLES

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "label": self.label, "reason": self.reason, "loss": self.loss,
            "grad_norm": self.grad_norm, "grad_tol": self.grad_tol,
            "optimum": self.optimum, "optimum_source": self.optimum_source,
            "loss_minus_optimum": self.gap, "gap_tol": self.gap_tol,
            "symmetry_dim": self.symmetry_dim,
        }
        if self.spectrum is not None:
            out["spectrum"] = self.spectrum.as_dict()
        if self.certificate:
            out["certificate"] = {k: v for k, v in self.certificate.items()
                                  if not isinstance(v, np.ndarray)}
        return out

    def summary(self) -> str:
        lines = [f"label: {self.label}", f"reason: {self.reason}",
                 f"loss: {self.loss:.10g}",
                 f"|grad|: {self.grad_norm:.3e} (tolerance {self.grad_tol:.1e})"]
        if self.optimum is not None:
            lines.append(f"loss - optimum: {self.gap:.3e} (tolerance {self.gap_tol:.1e}; "
                         f"optimum {self.optimum:.10g}, {self.optimum_source})")
        if self.spectrum is not None:
            s = self.spectrum
            lines.append(f"lambda_min: {s.lam_min:.6e} ± {s.err_min:.1e}   "
                         f"lambda_max: {s.lam_max:.6e} ± {s.err_max:.1e}  ({s.method})")
            lines.append(f"index {s.index_text}   nullity {s.nullity_text}"
                         f"   zero tolerance τ: {s.zero_tol:.1e} (= {DEFAULT.eigenvalue:g}·‖H‖)")
            lines.append(f"spectrum: {s.describe()}")
        if self.symmetry_dim is not None:
            lines.append(f"symmetry orbit dimension: {self.symmetry_dim}")
        if self.descent is not None:
            d = self.descent
            lines.append(f"descent curve: order t^{d.order}, coefficient {d.coefficient:.3e} ({d.source})")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A compact table in Jupyter (:func:`spurious.reprs.classification_html`)."""
        return classification_html(self)


def gradient_tolerance(loss: float, tolerances: Tolerances = DEFAULT) -> float:
    """‖∇Φ‖ ≤ tolerances.gradient · max(1, |Φ|) counts as critical (scale: the loss)."""
    return tolerances.scaled("gradient", max(1.0, abs(loss)))


def _noise(f: float, landscape) -> float:
    """Rounding level of Φ differences: 1e3 ε max(1, |Φ|)."""
    return 1e3 * EPS * max(1.0, abs(f))


def classify(landscape, point: object, tolerances: Tolerances = DEFAULT, *,
             dense_limit: int = DENSE_HESSIAN_LIMIT, search_descent: bool = True,
             better_value: float | None = None, better_source: str = "a better point exhibited",
             optimum: Any = FROM_LANDSCAPE, rigorous: bool = False,
             progress: Callable[[str], None] | None = None) -> Classification:
    """Classify ``point`` (flat vector or list of blocks) on ``landscape``; see the module docstring.

    ``rigorous``: also run the interval-arithmetic certificate of :mod:`spurious.critical.rigorous`
    (a true strict local minimum within radius r, its loss interval, a λ_min lower bound) where the
    objective offers an ``interval_enclosure``; stored in ``certificate["rigorous"]`` (with
    ``certified`` False and the reason otherwise). The label is the float classification's.

    ``better_value``: where the landscape has no known optimum (e.g. an MLP), the loss of a
    point that the caller exhibits. A local minimum above it is *spurious*; it can never make
    a point *global*. A point on a non-differentiable set (a ReLU kink, via the objective's
    ``on_kink``) is reported as inconclusive: second-order conditions do not apply there.

    ``optimum``: the landscape's own by default (``landscape.optimum``); a number (the known
    optimal loss); a point (its loss is taken as the optimum); or ``None``: no optimum is known,
    and a certified strict local minimum is labelled "local minimum" (global status unknown)
    instead of inconclusive.

    ``progress``: receives one line per block-Lanczos step on the iterative path (large P).

    Raises :class:`~spurious.errors.InputError` for a point with NaN/Inf or the wrong shape.
    """
    if rigorous:
        result = classify(landscape, point, tolerances, dense_limit=dense_limit, search_descent=search_descent,
                          better_value=better_value, better_source=better_source, optimum=optimum)
        result.certificate["rigorous"] = certify_classification(landscape, landscape.point(point), result.optimum)
        return result
    require_landscape(landscape)
    theta = landscape.point(point)
    opt = landscape.optimum if optimum is FROM_LANDSCAPE else given_optimum(landscape, optimum)
    on_kink = capability(landscape.objective, "on_kink")
    if on_kink is not None and on_kink(theta):
        f, g = landscape.value_and_gradient(theta)
        return Classification("inconclusive", "the point sits on a non-differentiable set (a pre-activation "
                              "at a ReLU kink): gradient and Hessian are one-sided there",
                              loss=f, grad_norm=float(np.linalg.norm(g)), grad_tol=gradient_tolerance(f, tolerances),
                              optimum=None, optimum_source=None, gap=None, gap_tol=None)
    f, g = landscape.value_and_gradient(theta)
    gnorm = float(np.linalg.norm(g))
    fstar = None if opt is None else float(opt.value)
    gtol = gradient_tolerance(f, tolerances)
    gap = None if fstar is None else f - fstar
    gap_tol = None
    if fstar is not None:
        rel = tolerances.loss if opt.exact else tolerances.loss_numerical
        gap_tol = rel * (1.0 + abs(fstar))
    base = dict(loss=f, grad_norm=gnorm, grad_tol=gtol, optimum=fstar,
                optimum_source=None if opt is None else opt.source, gap=gap, gap_tol=gap_tol)
    if not np.isfinite(f) or not np.isfinite(gnorm):
        return Classification("inconclusive", "loss or gradient is not finite at this point", **base)
    if gnorm > gtol:
        return Classification("not critical", f"‖∇Φ‖ = {gnorm:.3e} > {gtol:.1e}", **base)
    spec = hessian_spectrum(landscape, theta, tolerances, dense_limit=dense_limit, progress=progress)
    base["spectrum"] = spec
    if spec.certainly_negative:
        return _strict_saddle(landscape, theta, f, spec, base)
    if not spec.certainly_psd:
        if spec.certified:
            return Classification("inconclusive", f"the inertia count finds {spec.index} eigenvalue(s) below "
                                  f"−τ = −{spec.zero_tol:.1e}, but λ_min = {spec.lam_min:.3e} ± {spec.err_min:.1e} "
                                  "gives no direction of certain negative curvature", **base)
        return Classification("inconclusive", f"λ_min = {spec.lam_min:.3e} is within its error bound "
                              f"{spec.err_min:.1e} of the zero tolerance {spec.zero_tol:.1e}", **base)
    if gap is not None and gap <= gap_tol:
        return Classification("global minimum", f"{_psd(spec)} and loss equals the known optimum "
                              f"({opt.source}) within {gap_tol:.1e}", **base)
    descent = find_descent_curve(landscape, theta, f, spec) if search_descent else None
    if descent is not None:
        base["descent"] = descent
        return Classification("non-strict saddle", f"{_psd(spec)}, but Φ drops like "
                              f"{descent.coefficient:.3g}·t^{descent.order} along a curve "
                              f"({descent.source})", certificate=descent.as_dict(), **base)
    sym = symmetry_orbit_dimension(landscape, theta)
    base["symmetry_dim"] = sym
    if gap is None and better_value is not None and f - better_value > tolerances.loss * (1.0 + abs(f)):
        if sym is not None and spec.index_exact and spec.nullity == sym:
            return Classification("spurious local minimum", f"loss exceeds {better_source} by "
                                  f"{f - better_value:.3e}; Hessian positive definite on the complement of "
                                  f"the {sym}-dimensional symmetry orbit (nullity = orbit dimension)", **base)
    if gap is None and optimum is None and (spec.lam_min - spec.err_min > spec.zero_tol or (
            sym is not None and spec.index_exact and spec.nullity == sym)):
        why = ("positive definite beyond its error bound" if spec.lam_min - spec.err_min > spec.zero_tol else
               f"positive definite on the complement of the {sym}-dimensional symmetry orbit")
        return Classification("local minimum", f"Hessian {why}, no descent curve: a strict local minimum; "
                              "global status unknown (no optimum given)", **base)
    if gap is None:
        return Classification("inconclusive", f"{_psd(spec)} and no descent curve found, but the "
                              "global optimum is unknown for this landscape", **base)
    if spec.lam_min - spec.err_min > spec.zero_tol:
        return Classification("spurious local minimum", f"loss exceeds the optimum by {gap:.3e}; Hessian "
                              "positive definite beyond its error bound", **base)
    if sym is not None and spec.index_exact and spec.nullity == sym:
        return Classification("spurious local minimum", f"loss exceeds the optimum by {gap:.3e}; Hessian "
                              f"positive definite on the complement of the {sym}-dimensional symmetry "
                              "orbit (nullity = orbit dimension)", **base)
    why = ("nullity unknown (Lanczos)" if not spec.index_exact else
           f"nullity {spec.nullity} exceeds the symmetry orbit dimension {sym}" if sym is not None
           else "no symmetry model for this landscape")
    return Classification("inconclusive", f"{_psd(spec)}, loss above optimum by {gap:.3e}, no descent "
                          f"curve found, {why}: a higher-order term could still decrease Φ", **base)


def given_optimum(landscape, optimum: object):
    """``classify``'s ``optimum=`` as a :class:`~spurious.landscape.MinValue` (None stays None)."""
    if optimum is None:
        return None
    if isinstance(optimum, int | float | np.floating | np.integer):
        if not np.isfinite(optimum):
            raise InputError("optimum", f"expected a finite loss value, got {optimum}")
        return MinValue(float(optimum), "given by the caller")
    try:
        point = landscape.point(optimum, "optimum")
    except InputError as exc:
        raise InputError("optimum", f"expected a number, a point of the landscape or None ({exc})") from exc
    return MinValue(landscape.value(point), "loss at the given optimal point")


def _psd(spec: Spectrum) -> str:
    """"Hessian PSD" with the kind of evidence: a proof, a probability, or a Lanczos bound."""
    if spec.certified:
        return f"Hessian PSD (certified: LDLᵀ inertia, no eigenvalue below −τ = −{spec.zero_tol:.1e})"
    if spec.failure_probability is not None:
        return (f"Hessian PSD (probabilistic: block Lanczos λ_min ≥ −τ up to its residual; "
                f"P(λ_min < {spec.lam_min_lower:.2e}) ≤ {spec.failure_probability:.0e})")
    return "Hessian PSD (Lanczos λ_min with residual bound; smaller eigenvalues not excluded)"


def _strict_saddle(landscape, theta: np.ndarray, f: float, spec: Spectrum, base: dict) -> Classification:
    v = spec.vec_min
    curvature = float(v @ landscape.hvp(theta, v))
    scale = max(1.0, float(np.linalg.norm(theta)))
    t = scale * np.sqrt(max(abs(curvature), 1e-300)) / max(spec.hess_norm, 1e-300)
    drops = []
    for step in (t * 2.0 ** -i for i in range(8)):
        drops.append(min(landscape.value(theta + step * v), landscape.value(theta - step * v)) - f)
    cert = {"direction": v, "curvature": curvature, "lambda_min": spec.lam_min,
            "lambda_min_error": spec.err_min, "steps": [t * 2.0 ** -i for i in range(8)],
            "decrease": drops}
    return Classification("strict saddle", f"λ_min = {spec.lam_min:.3e} ± {spec.err_min:.1e} < "
                          f"−{spec.zero_tol:.1e}: negative curvature direction", certificate=cert, **base)


def fit_order(landscape, theta: np.ndarray, f: float, direction: np.ndarray, *,
              t0: float = 1.0, halvings: int = 16) -> DescentCurve | None:
    """Fit Φ(θ + tΔ) − Φ(θ) ≈ c t^k on t = t0·2^{−i}; return a curve if c < 0 consistently.

    Uses the steps where |decrease| is above rounding (1e3 ε max(1, |Φ|)) by a factor 100;
    needs ≥ 4 such steps, all decreasing, with log-log slopes of the last three within 0.2
    of an integer k ≥ 2.
    """
    noise = _noise(f, landscape)
    ts, ds = [], []
    for i in range(halvings):
        t = t0 * 2.0 ** -i
        d = landscape.value(theta + t * direction) - f
        if abs(d) < 100 * noise:
            break
        ts.append(t)
        ds.append(d)
    if len(ds) < 4 or any(d >= 0 for d in ds[-4:]):
        return None
    logt, logd = np.log(ts[-4:]), np.log(-np.asarray(ds[-4:]))
    slopes = np.diff(logd) / np.diff(logt)
    k = int(round(float(slopes[-1])))
    if k < 2 or np.max(np.abs(slopes - k)) > 0.2:
        return None
    return DescentCurve(direction, k, float(ds[-1] / ts[-1] ** k), ts, ds, "")


def find_descent_curve(landscape, theta: np.ndarray, f: float, spec: Spectrum | None = None, *,
                       max_null: int = 12, seed: int = 0) -> DescentCurve | None:
    """Search a higher-order descent direction at a critical point with PSD Hessian.

    Candidates: (1) for chain models, the rank-one chain Δ₁ = e₁bᵀ, Δ_j = e_j e_{j−1}ᵀ,
    Δ_N = a e_{N−1}ᵀ with (a, b) the top singular pair of −∇ℓ(W_{1:N}) and e_j unit vectors
    nearly killed by W_{j+1} and W_jᵀ (at the origin of a depth-N net: Φ drops like t^N);
    (2) Hessian null-space eigenvectors and random combinations of them, with both signs.
    """
    candidates: list[tuple[np.ndarray, str]] = []
    own = capability(landscape.objective, "descent_direction")
    chain = own(theta) if own is not None else None
    if chain is not None:
        candidates += [(chain, "rank-one chain through unused hidden units")]
    if spec is not None and spec.null_basis is not None and spec.null_basis.shape[1] > 0:
        N = spec.null_basis
        for i in range(min(max_null, N.shape[1])):
            candidates.append((N[:, i], f"Hessian null vector {i}"))
        rng = np.random.default_rng(seed)
        for i in range(4):
            c = N @ rng.standard_normal(N.shape[1])
            candidates.append((c / np.linalg.norm(c), f"random null-space combination {i}"))
    scale = max(1.0, float(np.linalg.norm(theta)))
    for direction, source in candidates:
        for sign in (1.0, -1.0):
            curve = fit_order(landscape, theta, f, sign * direction, t0=scale)
            if curve is not None and curve.order >= 3:
                curve.source = source + ("" if sign > 0 else " (negated)")
                return curve
    return None


def symmetry_orbit_dimension(landscape, theta: np.ndarray) -> int | None:
    """Dimension of the continuous-symmetry orbit through θ, when the objective knows it
    (capability ``symmetry_dimension``: deep linear nets, MLPs); None otherwise."""
    own = capability(landscape.objective, "symmetry_dimension")
    return int(own(theta)) if own is not None else None
