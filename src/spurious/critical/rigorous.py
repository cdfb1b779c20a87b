"""Rigorous certificates of local minima by interval (ball) arithmetic (python-flint ``arb``).

The argument (a Newton–Kantorovich-type ball test, in the spirit of SS18 §3, who used exact
symbolic arithmetic). Let x₀ be a floating-point point and B = B(x₀, r) a ball. Suppose

1. ‖∇F(x₀)‖ ≤ γ (an enclosure of the gradient at x₀, rounding included);
2. ∇²F(x) ⪰ μ I for every x ∈ B, μ > 0 (an enclosure of the Hessian over the box ⊇ B, then a
   rigorous lower bound on its smallest eigenvalue: Gershgorin on QᵀHQ − μQᵀQ with Q the float
   eigenvectors of the midpoint; the interval H already accounts for the third derivative on B:
   sup_B ‖∇²F(x) − ∇²F(x₀)‖ ≤ δ is printed);
3. γ < μ r / 2.

Then on the sphere ∂B, F(x) ≥ F(x₀) − γr + μr²/2 > F(x₀), so F attains its minimum over B at an
interior point x*, which is a strict local minimum (∇F(x*) = 0, ∇²F(x*) ≻ 0), unique in B, with
F(x*) ∈ [F(x₀)ₗₒ − γ²/(2μ), F(x₀)ₕᵢ] (strong convexity on B). A loss interval excluding the global
value proves x* spurious.

Models provide an *enclosure*: ``enclosure(x0, radius) -> (F, ∇F, ∇²F)`` as arb / arb lists /
arb_mat over the box ∏[x0ᵢ ± radius]. Objectives offer it as the ``interval_enclosure`` capability
(:mod:`spurious.objective`); :class:`~spurious.models.ReluPopulation` has one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import flint
import numpy as np

from ..errors import InputError
from ..objective import capability

__all__ = ["Certificate", "certify_classification", "certify_minimum", "enclosure_of", "lambda_min_lower_bound",
           "relu_population_enclosure"]

Enclosure = Callable[[np.ndarray, float], tuple]


@dataclass(frozen=True)
class Certificate:
    """The outcome of :func:`certify_minimum` (all bounds rigorous when ``certified``)."""

    certified: bool
    reason: str
    radius: float                      # r: a local minimum lies within r of the point (2-norm)
    gradient_upper: float              # γ ≥ ‖∇F(x₀)‖
    lambda_min_point_lower: float      # ≤ λ_min ∇²F(x₀)
    lambda_min_ball_lower: float       # μ ≤ λ_min ∇²F(x) for all x in the ball
    hessian_variation_upper: float     # δ ≥ sup_B ‖∇²F(x) − ∇²F(x₀)‖_F (the third derivative's effect)
    loss_lower: float                  # F(x*) ≥ this
    loss_upper: float                  # F(x*) ≤ this
    global_value: float | None = None

    @property
    def spurious(self) -> bool:
        """Certified, and the loss interval lies strictly above the global value."""
        return self.certified and self.global_value is not None and self.loss_lower > self.global_value

    def as_dict(self) -> dict:
        return asdict(self) | {"spurious": self.spurious}

    def summary(self) -> str:
        if not self.certified:
            return f"not certified: {self.reason}"
        return (f"certified local minimum within r = {self.radius:.2e}: F ∈ [{self.loss_lower:.12g}, "
                f"{self.loss_upper:.12g}], λ_min ≥ {self.lambda_min_ball_lower:.4g} on the ball "
                f"(≥ {self.lambda_min_point_lower:.4g} at the point), ‖∇F‖ ≤ {self.gradient_upper:.2e}, "
                f"Hessian variation ≤ {self.hessian_variation_upper:.2e}")


def _upper(x) -> float:
    return float(x.upper())


def _lower(x) -> float:
    return float(x.lower())


def lambda_min_lower_bound(H, Q: np.ndarray | None = None) -> float:
    """A rigorous lower bound on λ_min of every symmetric matrix in the arb_mat ``H`` (P×P).

    With Q the float eigenvectors of the midpoint (orthogonal up to rounding) and
    M = QᵀHQ, G = QᵀQ in ball arithmetic: for s with M − sG strictly diagonally dominant with
    positive diagonal (Gershgorin, for every member), Qᵀ(H − sI)Q ≻ 0, hence H ≻ sI.
    Returns −inf when no such s is found (e.g. H is not positive definite or too wide).
    """
    P = H.nrows()
    if not _all_finite(H):
        return -np.inf
    mid = np.array([[float(H[i, j].mid()) for j in range(P)] for i in range(P)])
    lam, vecs = np.linalg.eigh(0.5 * (mid + mid.T))
    Q = vecs if Q is None else Q
    Qa = flint.arb_mat([[float(v) for v in row] for row in Q])
    M = Qa.transpose() * H * Qa
    G = Qa.transpose() * Qa
    spread = max(float(np.max(np.abs(lam))), 1e-300)
    for rel in (1e-14, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2):
        s = float(lam[0]) - rel * spread
        if _gershgorin_positive(M, G, s, P):
            return s
    return -np.inf


def _all_finite(H) -> bool:
    return all(H[i, j].is_finite() for i in range(H.nrows()) for j in range(H.ncols()))


def _gershgorin_positive(M, G, s: float, P: int) -> bool:
    for i in range(P):
        diag = M[i, i] - s * G[i, i]
        off = sum(_upper(abs(M[i, j] - s * G[i, j])) for j in range(P) if j != i)
        if not _lower(diag) > off * (1 + 1e-15) + 1e-300:
            return False
    return True


def _norm_upper(values) -> float:
    return float(np.sqrt(sum(_upper(abs(v)) ** 2 for v in values))) * (1 + 4e-16)


def _variation_upper(H_ball, H_point) -> float:
    P = H_ball.nrows()
    total = 0.0
    for i in range(P):
        for j in range(P):
            total += _upper(abs(H_ball[i, j] - H_point[i, j])) ** 2
    return float(np.sqrt(total)) * (1 + 4e-16)


def certify_minimum(enclosure: Enclosure, x0: np.ndarray, *, global_value: float | None = None,
                    radius: float | None = None, prec: int = 106) -> Certificate:
    """Prove (or fail to prove) a strict local minimum within a radius r of ``x0`` (module docstring).

    ``enclosure(x0, radius)`` gives (F, ∇F, ∇²F) enclosures over the box; ``radius`` defaults to
    r = 8γ/λ_min(x₀) (twice what the test needs), floored at 1e-13·(1 + ‖x₀‖).
    """
    x0 = np.asarray(x0, dtype=np.float64).ravel()
    if not np.all(np.isfinite(x0)):
        raise InputError("point", "contains NaN/Inf; expected a finite point")
    old = flint.ctx.prec
    flint.ctx.prec = int(prec)
    try:
        F0, g0, H0 = enclosure(x0, 0.0)
        if not (F0.is_finite() and all(g.is_finite() for g in g0)):
            return _failed("the enclosure at the point is not finite (non-differentiable point)")
        gamma = _norm_upper(g0)
        if not _all_finite(H0):
            return _failed("the Hessian enclosure at the point is not finite (parallel neurons: F is not C³ "
                           "there, no third-derivative bound)", gamma=gamma)
        mu0 = lambda_min_lower_bound(H0)
        if not mu0 > 0:
            return _failed("the Hessian at the point is not provably positive definite", gamma=gamma)
        r = radius if radius is not None else max(8.0 * gamma / mu0, 1e-13 * (1.0 + float(np.linalg.norm(x0))))
        _, _, Hb = enclosure(x0, r)  # the box ∏[x0ᵢ ± r] contains the ball B(x0, r)
        if not _all_finite(Hb):
            return _failed("the Hessian enclosure on the ball is not finite (a singular point is near)",
                           gamma=gamma, mu0=mu0, r=r)
        mu = lambda_min_lower_bound(Hb)
        delta = _variation_upper(Hb, H0)
        if not mu > 0:
            return _failed("the Hessian is not provably positive definite on the ball", gamma=gamma, mu0=mu0,
                           r=r, delta=delta)
        if not gamma < 0.5 * mu * r:
            return _failed(f"γ = {gamma:.3g} ≥ μr/2 = {0.5 * mu * r:.3g}", gamma=gamma, mu0=mu0, r=r, mu=mu,
                           delta=delta)
        lo = _lower(F0) - gamma * gamma / (2.0 * mu)
        lo = float(np.nextafter(lo, -np.inf))
        return Certificate(True, "ball test passed (γ < μr/2, ∇²F ⪰ μI on the ball)", r, gamma, mu0, mu, delta,
                           lo, _upper(F0), global_value)
    finally:
        flint.ctx.prec = old


def _failed(reason: str, gamma: float = np.inf, mu0: float = -np.inf, r: float = 0.0, mu: float = -np.inf,
            delta: float = np.inf) -> Certificate:
    return Certificate(False, reason, r, gamma, mu0, mu, delta, -np.inf, np.inf)


# ---------------------------------------------------------------------- models

def relu_population_enclosure(model) -> Enclosure:
    """The enclosure of a :class:`~spurious.models.ReluPopulation` (its ``interval_enclosure``)."""
    return model.bind().interval_enclosure


def enclosure_of(landscape) -> Enclosure | None:
    """The landscape's objective's ``interval_enclosure`` capability, or None when it has none."""
    return capability(getattr(landscape, "objective", landscape), "interval_enclosure")


def certify_classification(landscape, theta: np.ndarray, optimum: float | None) -> dict:
    """The rigorous certificate for ``classify(..., rigorous=True)`` as a dict (never raises for a
    model without enclosure: ``certified`` is False with the reason)."""
    enclosure = enclosure_of(landscape)
    if enclosure is None:
        return _failed("this model offers no interval enclosure (interval_enclosure capability)").as_dict()
    return certify_minimum(enclosure, theta, global_value=optimum).as_dict()
