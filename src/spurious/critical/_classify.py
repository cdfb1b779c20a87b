"""Certified classification of a point of a landscape.

``classify(landscape, point)`` returns a :class:`Classification` whose label is one of

- "not critical": ‖∇Φ‖ above its tolerance;
- "strict saddle": λ_min(∇²Φ) < 0 beyond its error bound; certificate: the eigenvector v,
  its curvature vᵀ∇²Φv and the decrease of Φ along θ + t v;
- "non-strict saddle": ∇²Φ ⪰ 0 but a direction Δ with Φ(θ + tΔ) − Φ(θ) ≈ c t^k, c < 0,
  k ≥ 3 was found (e.g. k = N at the origin of a depth-N linear net, `004_…` Prop 6.12);
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
from typing import Any, Literal

import numpy as np

from ..errors import require_landscape
from ..tolerances import DEFAULT, DENSE_HESSIAN_LIMIT, EPS, Tolerances
from .rigorous import certify_classification
from .spectrum import Spectrum, hessian_spectrum

__all__ = ["Classification", "DescentCurve", "LABELS", "classify", "find_descent_curve",
           "symmetry_orbit_dimension", "gradient_tolerance"]

Label = Literal["global minimum", "spurious local minimum", "local minimum", "strict saddle",
                "non-strict saddle", "not critical", "inconclusive"]
LABELS: tuple[str, ...] = ("global minimum", "spurious local minimum", "local minimum", "strict saddle",
                           "non-strict saddle", "not critical", "inconclusive")
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

    @property
    def is_minimum(self) -> bool:
        return self.label in ("global minimum", "spurious local minimum", "local minimum")

    @property
    def is_saddle(self) -> bool:
        return self.label in ("strict saddle", "non-strict saddle")

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
        """A compact table in Jupyter (:func:`spurious.report.notebook.classification_html`)."""
        from ..report.notebook import classification_html

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
    on_kink = getattr(getattr(landscape, "objective", None), "on_kink", None)
    if callable(on_kink) and on_kink(theta):
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
    from ..errors import InputError
    from ..landscape import MinValue

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
    chain = _rank_one_chain(landscape, theta)
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


def _null_basis(A: np.ndarray, side: str) -> np.ndarray:
    """Orthonormal basis (columns) of ker A (side="right") or ker Aᵀ (side="left"), numerically;
    the single weakest singular vector when the kernel is trivial."""
    U, s, Vt = np.linalg.svd(A)
    tol = 1e-9 * max(float(s[0]) if s.size else 0.0, 1e-300)
    if side == "right":
        basis, n = Vt.T, A.shape[1]
    else:
        basis, n = U, A.shape[0]
    rank = int(np.sum(s > tol)) if s.size and s[0] > 0 else 0
    return basis[:, rank:] if rank < n else basis[:, -1:]


def _rank_one_chain(landscape, theta: np.ndarray) -> np.ndarray | None:
    """Δ₁ = x₁bᵀ, Δ_j = x_j y_{j−1}ᵀ, Δ_N = ± a y_{N−1}ᵀ with x_j ∈ ker W_{j+1}, y_j ∈ ker W_jᵀ.

    Then every term of (W_N + tΔ_N)⋯(W₁ + tΔ₁) − W_N⋯W₁ below order N vanishes and the order-N
    term is (Π_j y_jᵀx_j) a bᵀ; with (a, b) the top singular pair of −∇ℓ and the sign chosen,
    Φ drops like −t^N σ₁(∇ℓ) Π|y_jᵀx_j| (the origin of a depth-N net, `004_…` Prop 6.12,
    and rank-deficient critical points whose unused hidden units line up).
    """
    obj = getattr(landscape, "objective", None)
    model, ell = getattr(obj, "model", None), getattr(obj, "ell", None)
    if model is None or ell is None or not hasattr(model, "factors"):
        return None
    F = [np.asarray(W) for W in model.factors(theta)]
    G = ell.gradient(obj.end_to_end(theta))
    if not np.any(G):
        return None
    U, _, Vt = np.linalg.svd(-G)
    a, b = U[:, 0], Vt[0]
    N = len(F)
    xs, ys, sign = [], [], 1.0
    for j in range(N - 1):  # hidden layer j+1 sits between F[j] (into it) and F[j+1] (out of it)
        Nx, Ny = _null_basis(F[j + 1], "right"), _null_basis(F[j], "left")
        Um, sm, Vm = np.linalg.svd(Ny.T @ Nx)
        xs.append(Nx @ Vm[0])
        ys.append(Ny @ Um[:, 0])
        sign *= float(np.sign(sm[0] * 1.0)) if sm[0] > 0 else 1.0
    if N >= 2:
        coupling = np.prod([y @ x for x, y in zip(xs, ys, strict=True)])
        sign = 1.0 if coupling >= 0 else -1.0
    blocks = []
    for j in range(N):
        left = sign * a if j == N - 1 else xs[j]
        right = b if j == 0 else ys[j - 1]
        blocks.append(np.outer(left, right))
    d = landscape.layout.flatten(blocks)
    return d / np.linalg.norm(d)


def symmetry_orbit_dimension(landscape, theta: np.ndarray) -> int | None:
    """dim of the orbit {(C₁W₁, C₂W₂C₁⁻¹, …, W_N C_{N−1}⁻¹)} through θ, for chain models.

    Its tangent space is spanned by (ΔW_j, ΔW_{j+1}) = (E W_j, −W_{j+1} E), E ∈ gl(d_j), for
    every hidden layer j; the dimension is the numerical rank of those Σ_j d_j² vectors
    (= Σ_j d_j² at points where each W_j has full row rank and W_{j+1} full column rank).
    Other objectives may provide ``symmetry_dimension(theta)`` themselves (e.g. MLPs).
    """
    obj = getattr(landscape, "objective", None)
    model = getattr(obj, "model", None)
    if model is None or not hasattr(model, "factors") or not hasattr(model, "widths"):
        own = getattr(obj, "symmetry_dimension", None)  # an objective that knows its symmetries
        return int(own(theta)) if callable(own) else None
    F = [np.asarray(W) for W in model.factors(theta)]
    N = len(F)
    tangents = []
    for j in range(N - 1):
        d = F[j].shape[0]
        for a in range(d):
            for c in range(d):
                blocks = [np.zeros_like(W) for W in F]
                blocks[j][a, :] = F[j][c, :]          # E W_j with E = e_a e_cᵀ
                blocks[j + 1][:, c] = -F[j + 1][:, a]  # −W_{j+1} E
                tangents.append(landscape.layout.flatten(blocks))
    if not tangents:
        return 0
    T = np.asarray(tangents)
    s = np.linalg.svd(T, compute_uv=False)
    return int(np.sum(s > max(T.shape) * EPS * 1e3 * max(s[0], 1e-300))) if s[0] > 0 else 0
