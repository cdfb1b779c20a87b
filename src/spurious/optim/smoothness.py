"""Estimates of β (gradient-Lipschitz) and ρ (Hessian-Lipschitz) on a region.

Deep linear networks have no global β or ρ (the loss is a polynomial of degree 2N), so the
constants are estimated on a stated region, the ball B(center, radius):

- β ≈ max over sampled w ∈ B of ‖∇²f(w)‖₂ = max|λ(∇²f(w))| (Optimization 1 notes Lemma 6.4: β-smooth
  ⇔ |∇²f[v,v]| ≤ β‖v‖² for C² functions), by dense eigvalsh for small P, Lanczos otherwise;
- ρ ≈ max over sampled pairs (a, b) ⊂ B of ‖∇²f(a) − ∇²f(b)‖₂ / ‖a − b‖ (Definition 6.8).

Sampled maxima are lower estimates of the suprema; ``safety`` (default 1) multiplies them,
and both the raw maximum and the factor are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.sparse.linalg import LinearOperator

from .. import linalg
from ..errors import InputError, require_int
from ..landscape import Landscape
from ._trajectory import DENSE_LIMIT, check_landscape, check_positive, check_steps, sample_ball

__all__ = ["SmoothnessEstimate", "estimate_beta", "estimate_rho", "spectral_norm"]


@dataclass(frozen=True)
class SmoothnessEstimate:
    """A smoothness constant estimated on the ball B(center, radius).

    value : the estimate (raw maximum × safety).
    raw : the sampled maximum.
    region : a one-line description of the region.
    """

    name: str
    value: float
    raw: float
    safety: float
    center: np.ndarray
    radius: float
    samples: int
    method: str
    per_sample: list[float] = field(default_factory=list)

    @property
    def region(self) -> str:
        return (f"ball of radius {self.radius:.3g} around a point with ‖center‖ = "
                f"{float(np.linalg.norm(self.center)):.3g} ({self.samples} samples)")

    def contains(self, point: np.ndarray) -> bool:
        return float(np.linalg.norm(np.asarray(point) - self.center)) <= self.radius * (1 + 1e-12)

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "value": self.value, "raw": self.raw, "safety": self.safety,
                "radius": self.radius, "samples": self.samples, "method": self.method,
                "region": self.region}


def spectral_norm(op: np.ndarray | LinearOperator) -> float:
    """‖A‖₂ of a symmetric matrix (symmetrised, dense ``eigvalsh``) or operator (Lanczos, which='LM',
    relative tolerance 1e-8, seeded Gaussian start): :func:`spurious.linalg.spectral_norm`."""
    if isinstance(op, np.ndarray):
        return linalg.spectral_norm(0.5 * (op + op.T))
    start = np.random.default_rng(0).standard_normal(op.shape[0])
    return linalg.spectral_norm(op, tol=1e-8, dense_limit=0, start=start)


def _hessian(landscape: Landscape, point: np.ndarray) -> np.ndarray | LinearOperator:
    if landscape.n_params <= DENSE_LIMIT:
        return landscape.hessian(point)
    return landscape.hessian_operator(point)


def _difference(A, B):
    if isinstance(A, np.ndarray):
        return A - B
    return LinearOperator(A.shape, matvec=lambda v: A @ v - B @ v, dtype=np.float64)


def _sample_points(center: np.ndarray, radius: float, samples: int, rng: np.random.Generator,
                   boundary_fraction: float = 0.5) -> np.ndarray:
    """Points of B(center, radius): the center, half on the sphere, half uniform in the ball."""
    P = center.size
    n_sphere = int(round(boundary_fraction * samples))
    inner = sample_ball(rng, P, radius, samples - n_sphere)
    g = rng.standard_normal((n_sphere, P))
    sphere = radius * g / np.linalg.norm(g, axis=1, keepdims=True)
    return center[None, :] + np.concatenate([np.zeros((1, P)), sphere, inner])


def _check_radius(radius: float) -> float:
    try:
        r = float(radius)
    except (TypeError, ValueError):
        raise InputError("radius", f"expected a number >= 0, got {radius!r}") from None
    if not np.isfinite(r) or r < 0:
        raise InputError("radius", f"expected a finite number >= 0, got {radius}")
    return r


def estimate_beta(landscape: Landscape, center: object, radius: float, samples: int = 16,
                  seed: int = 0, safety: float = 1.0) -> SmoothnessEstimate:
    """β on B(center, radius): max ‖∇²f(w)‖₂ over the center and ``samples`` sampled points."""
    landscape = check_landscape(landscape)
    c = landscape.point(center, "center")
    radius = _check_radius(radius)
    samples = require_int(samples, "samples", 1)
    safety = check_positive(safety, "safety")
    rng = np.random.default_rng(seed)
    pts = _sample_points(c, radius, samples, rng)
    norms = [spectral_norm(_hessian(landscape, w)) for w in pts]
    raw = float(max(norms))
    method = "dense eigvalsh" if landscape.n_params <= DENSE_LIMIT else "Lanczos (eigsh, which='LM')"
    return SmoothnessEstimate("beta", raw * safety, raw, safety, c, radius, len(pts), method, norms)


def estimate_rho(landscape: Landscape, center: object, radius: float, pairs: int = 16,
                 seed: int = 0, safety: float = 1.0) -> SmoothnessEstimate:
    """ρ on B(center, radius): max ‖∇²f(a) − ∇²f(b)‖₂/‖a − b‖ over sampled pairs in the ball.

    Half the pairs are far apart (uniform in the ball), half are close (b = a + small step),
    since the ratio peaks wherever the third derivative is largest.
    """
    landscape = check_landscape(landscape)
    c = landscape.point(center, "center")
    radius = check_positive(radius, "radius")
    pairs = check_steps(pairs, "pairs")
    safety = check_positive(safety, "safety")
    rng = np.random.default_rng(seed)
    P = c.size
    ratios = []
    for k in range(max(pairs, 1)):
        a = c + sample_ball(rng, P, radius)
        if k % 2 == 0:
            b = c + sample_ball(rng, P, radius)
        else:
            step = sample_ball(rng, P, 0.05 * radius)
            b = a + step
            if np.linalg.norm(b - c) > radius:
                b = a - step
        dist = float(np.linalg.norm(a - b))
        if dist == 0:
            continue
        ratios.append(spectral_norm(_difference(_hessian(landscape, a), _hessian(landscape, b))) / dist)
    raw = float(max(ratios))
    method = "dense eigvalsh" if P <= DENSE_LIMIT else "Lanczos (eigsh, which='LM')"
    return SmoothnessEstimate("rho", raw * safety, raw, safety, c, radius, len(ratios), method, ratios)
