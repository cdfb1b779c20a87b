"""Extreme Hessian eigenvalues with error bounds, index and nullity — and what kind of fact each is.

Two paths, chosen by P (``tolerances.DENSE_HESSIAN_LIMIT``), and a third on request:

- **dense, certified** (P ≤ dense limit): ``numpy.linalg.eigh`` on ``landscape.hessian`` for
  the extreme eigenpairs, and the index and nullity from two inertia counts (Sylvester's law
  on the LDLᵀ factorisations of H ± τI, :func:`spurious.linalg.certified_counts`). With
  τ = ``tolerances.eigenvalue · ‖H‖₂`` the counts are #{λ < −τ} and #{−τ ≤ λ < τ}, exact for
  the computed factorisation and robust to its backward error (reported; τ must exceed it).
  "PSD" (no eigenvalue below −τ) and "index = k" are then proofs in floating point.
- **iterative, probabilistic** (P > dense limit): block Lanczos from b independent Gaussian
  starts with full reorthogonalisation and deflation (:func:`spurious.linalg.block_lanczos`).
  Ritz values interlace: if k Ritz values are below −τ, H has at least k eigenvalues there,
  so the index is a lower bound ("≥ k"). That nothing lies below θ_min is only probable: by
  Kuczyński & Woźniakowski (1992) the chance that λ_min < θ_min − e·(θ_max − θ_min)/(1 − e)
  is at most ``failure_probability`` (reported with e).
- **iterative, Lanczos (ARPACK)** (``_lanczos``, kept for comparisons in the benchmarks):
  ``eigsh`` with residual bounds; index a lower bound, no probability statement.

Every eigenvalue λ with unit vector v comes with the residual r = ‖Hv − λv‖: an eigenvalue of
H lies in [λ − r, λ + r] (Parlett, *The Symmetric Eigenvalue Problem*, Thm 4.5.1); for the
dense solver the bound also carries the backward error P·ε·‖H‖ of ``eigh``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse.linalg import LinearOperator

from ..linalg import (
    Tridiagonal,
    blas_threads,
    block_lanczos,
    certified_counts,
    extreme_eigenpairs,
    lanczos,
    lanczos_extremes,
    lanczos_failure_probability,
    lanczos_quadrature,
    lanczos_relative_error_at,
    ritz_errors,
)
from ..objective import capability
from ..reprs import spectrum_html
from ..tolerances import DEFAULT, DENSE_HESSIAN_LIMIT, EPS, Tolerances

__all__ = ["Spectrum", "hessian_spectrum", "dense_hessian", "DENSE_LIMIT", "extreme_eigenvalues",
           "spectral_density", "hutchinson_trace", "SpectralDensity", "TraceEstimate", "Tridiagonal", "lanczos"]

DENSE_LIMIT = DENSE_HESSIAN_LIMIT
MEMORY_FLOATS = 5e7  # block Lanczos basis cap (P × basis numbers; ≈ 400 MB, twice with H·basis)
TARGET_FAILURE = 1e-6  # the failure probability at which the probabilistic λ_min bound is stated

CERTIFIED = "certified (LDLᵀ inertia)"
PROBABILISTIC = "probabilistic (block Lanczos)"
LOWER_BOUND = "lower bound (Lanczos)"


@dataclass
class Spectrum:
    """λ_min, λ_max of ∇²Φ(θ) with error bounds, and what follows from them.

    lam_min, lam_max : extreme eigenvalues; err_min, err_max their error bounds (an
        eigenvalue of H lies within ± err of each).
    vec_min, vec_max : unit eigenvectors (P,).
    hess_norm : ‖H‖₂ = max(|λ_min|, |λ_max|).
    zero_tol : τ: |λ| ≤ τ counts as zero (= tolerances.eigenvalue · hess_norm).
    index, nullity : #{λ < −τ} and #{|λ| ≤ τ}: exact (``kind`` = certified) for the dense path;
        for the iterative paths the index is a lower bound (interlacing) and the nullity counts
        the Ritz values within ±τ (no bound).
    index_exact : True on the certified path.
    kind : "certified (LDLᵀ inertia)", "probabilistic (block Lanczos)" or "lower bound (Lanczos)".
    backward_error : bound on the LDLᵀ backward error ‖E‖₂ (certified path; τ exceeds it).
    failure_probability : (probabilistic path) the probability bound that an eigenvalue lies
        below ``lam_min_lower``.
    lam_min_lower : (probabilistic path) θ_min − e·(θ_max − θ_min)/(1 − e).
    certified_tau : the τ at which the inertia counts were taken (certified path).
    null_basis : (P, nullity) orthonormal basis of the numerical null space (dense only).
    method : how the numbers were computed.
    """

    lam_min: float
    lam_max: float
    err_min: float
    err_max: float
    vec_min: np.ndarray
    vec_max: np.ndarray
    hess_norm: float
    zero_tol: float
    index: int
    nullity: int
    index_exact: bool
    method: str
    eigenvalues: np.ndarray | None = field(default=None, repr=False)
    null_basis: np.ndarray | None = field(default=None, repr=False)
    kind: str = LOWER_BOUND
    backward_error: float | None = None
    failure_probability: float | None = None
    lam_min_lower: float | None = None
    certified_tau: float | None = None

    @property
    def certified(self) -> bool:
        """The inertia certificate holds, and for this very τ (it is void once zero_tol changes)."""
        return self.kind == CERTIFIED and self.certified_tau == self.zero_tol

    @property
    def certainly_negative(self) -> bool:
        """λ_min < −zero_tol even after subtracting its error bound (a direction proves it)."""
        return self.lam_min + self.err_min < -self.zero_tol

    @property
    def certainly_psd(self) -> bool:
        """No eigenvalue below −zero_tol: by inertia (certified path), else by λ_min and its bound."""
        if self.certified:
            return self.index == 0
        return self.lam_min - self.err_min >= -self.zero_tol

    @property
    def index_text(self) -> str:
        """"= k" when certified, "≥ k" otherwise."""
        return f"{'=' if self.index_exact else '≥'} {self.index}"

    @property
    def nullity_text(self) -> str:
        return f"= {self.nullity}" if self.index_exact else f"~ {self.nullity} (Ritz values, no bound)"

    def as_dict(self) -> dict:
        return {
            "lambda_min": self.lam_min, "lambda_min_error": self.err_min,
            "lambda_max": self.lam_max, "lambda_max_error": self.err_max,
            "hessian_norm": self.hess_norm, "zero_tolerance": self.zero_tol,
            "index": self.index, "nullity": self.nullity, "index_exact": self.index_exact,
            "index_text": self.index_text, "nullity_text": self.nullity_text,
            "kind": self.kind, "backward_error": self.backward_error,
            "failure_probability": self.failure_probability, "lambda_min_lower": self.lam_min_lower,
            "method": self.method,
        }

    def _repr_html_(self) -> str:
        """A compact table in Jupyter (:func:`spurious.reprs.spectrum_html`)."""
        return spectrum_html(self)

    def describe(self) -> str:
        """One line saying which kind of fact the index and nullity are."""
        if self.certified:
            return (f"index {self.index_text}, nullity {self.nullity_text}: {self.kind}, τ = {self.zero_tol:.1e} "
                    f"> backward error {self.backward_error:.1e}")
        if self.kind == PROBABILISTIC:
            return (f"index {self.index_text} (interlacing), nullity {self.nullity_text}: {self.kind}; "
                    f"P(λ_min < {self.lam_min_lower:.3e}) ≤ {self.failure_probability:.1e}")
        return f"index {self.index_text} (interlacing), nullity {self.nullity_text}: {self.kind}"


def hessian_spectrum(landscape, point, tolerances: Tolerances = DEFAULT, *,
                     dense_limit: int = DENSE_LIMIT, k: int = 6, lanczos_tol: float = 1e-12,
                     seed: int = 0, block: int = 4, max_basis: int = 600,
                     progress: Callable[[str], None] | None = None) -> Spectrum:
    """The extreme eigenvalues of ∇²Φ at ``point`` with error bounds, index and nullity.

    ``k`` eigenvalues are kept at the low end by the iterative paths; ``lanczos_tol`` is the
    relative residual (‖Hv − θv‖ ≤ tol·‖H‖) at which they stop; ``block`` random starts and at
    most ``max_basis`` basis vectors for block Lanczos (fewer when P × basis would exceed 5e7
    numbers: at P ≈ 10⁶, about 50; with fewer than 100 block steps the block is one vector, a
    higher Krylov degree for the same HVPs). ``progress`` gets one line per step. BLAS threads
    follow the library policy (:func:`spurious.linalg.blas_threads`).
    """
    theta = landscape.point(point)
    P = landscape.n_params
    with blas_threads():
        if P <= dense_limit:
            return _dense(dense_hessian(landscape, theta), tolerances)
        op = landscape.hessian_operator(theta)
        return _block(op, tolerances, k, lanczos_tol, seed, block, max_basis, progress)


def dense_hessian(landscape, theta: np.ndarray) -> np.ndarray:
    """∇²Φ(θ) as a dense (P, P) array: the objective's closed form where it has one (capability
    ``dense_hessian``, e.g. Kronecker blocks for a chain model under the squared loss), else
    from P HVPs (``landscape.hessian``)."""
    own = capability(landscape.objective, "dense_hessian")
    H = own(theta) if own is not None else None
    return landscape.hessian(theta) if H is None else H


def _dense(H: np.ndarray, tolerances: Tolerances) -> Spectrum:
    P = H.shape[0]
    lam, V = np.linalg.eigh(H)
    hess_norm = float(max(abs(lam[0]), abs(lam[-1])))
    backward = P * EPS * hess_norm
    res_min = float(np.linalg.norm(H @ V[:, 0] - lam[0] * V[:, 0])) + backward
    res_max = float(np.linalg.norm(H @ V[:, -1] - lam[-1] * V[:, -1])) + backward
    tol = tolerances.scaled("eigenvalue", hess_norm) if hess_norm > 0 else 0.0
    null = np.abs(lam) <= tol
    if hess_norm == 0.0:  # H = 0 exactly: every eigenvalue is zero, nothing to factorise
        return Spectrum(0.0, 0.0, 0.0, 0.0, V[:, 0].copy(), V[:, -1].copy(), 0.0, 0.0, 0, P, True,
                        "dense eigh + LDLᵀ inertia", eigenvalues=lam, null_basis=V, kind=CERTIFIED,
                        backward_error=0.0, certified_tau=0.0)
    counts = certified_counts(H, tol)
    if counts.certified:
        index, nullity, exact, kind = counts.index, counts.nullity, True, CERTIFIED
    else:  # τ below the factorisation's backward error: the counts prove nothing; say so
        index, nullity, exact, kind = int(np.sum(lam < -tol)), int(null.sum()), False, LOWER_BOUND
    return Spectrum(float(lam[0]), float(lam[-1]), res_min, res_max, V[:, 0].copy(), V[:, -1].copy(),
                    hess_norm, tol, index, nullity, exact, "dense eigh + LDLᵀ inertia",
                    eigenvalues=lam, null_basis=V[:, null], kind=kind, backward_error=counts.backward_error,
                    certified_tau=tol)


def _block(op: LinearOperator, tolerances: Tolerances, k: int, tol: float, seed: int, block: int,
           max_basis: int, progress: Callable[[str], None] | None = None) -> Spectrum:
    P = op.shape[0]
    capacity = min(max_basis, int(MEMORY_FLOATS // max(P, 1)))
    if capacity < 100 * block:  # too few block steps to pay: a single start reaches a higher Krylov degree
        block = 1
    res = block_lanczos(op, block=block, steps=max(2, capacity // block), seed=seed, memory_floats=MEMORY_FLOATS,
                        residual_tol=tol, keep_low=k, progress=progress)
    theta, X, r = res.ritz_values, res.ritz_vectors, res.residuals
    lam_min, lam_max = float(theta[0]), float(theta[-1])
    hess_norm = max(abs(lam_min), abs(lam_max))
    ztol = tolerances.scaled("eigenvalue", hess_norm) if hess_norm > 0 else 0.0
    low = theta[: min(k, theta.size)]
    if res.basis_size >= P:  # the basis spans ℝ^P: Rayleigh–Ritz is a full eigendecomposition
        failure, lower = 0.0, lam_min - float(r[0])
    else:
        e = lanczos_relative_error_at(TARGET_FAILURE, P, res.steps, res.block)
        failure = lanczos_failure_probability(P, res.steps, e, res.block)
        lower = lam_min - e * (lam_max - lam_min) / (1.0 - e) if e < 1.0 else -np.inf
    return Spectrum(lam_min, lam_max, float(r[0]), float(r[-1]), X[:, 0].copy(), X[:, -1].copy(), hess_norm,
                    ztol, int(np.sum(theta < -ztol)), int(np.sum(np.abs(low) <= ztol)), False,
                    f"block Lanczos (b = {res.block}, {res.steps} steps, {res.products} HVPs, "
                    f"{res.deflated} deflated)", eigenvalues=low, kind=PROBABILISTIC,
                    failure_probability=failure, lam_min_lower=float(lower))


def _lanczos(op: LinearOperator, tolerances: Tolerances, k: int, tol: float, seed: int) -> Spectrum:
    lam_lo, V_lo, r_lo = extreme_eigenpairs(op, "SA", k, tol, seed)
    lam_hi, V_hi, r_hi = extreme_eigenpairs(op, "LA", 1, tol, seed)
    if lam_lo.size == 0 or lam_hi.size == 0:
        raise np.linalg.LinAlgError("Lanczos (ARPACK) found no converged eigenpair")
    lam_min, lam_max = float(lam_lo[0]), float(lam_hi[-1])
    hess_norm = max(abs(lam_min), abs(lam_max))
    ztol = tolerances.scaled("eigenvalue", hess_norm) if hess_norm > 0 else 0.0
    index = int(np.sum(lam_lo < -ztol))
    nullity = int(np.sum(np.abs(lam_lo) <= ztol))
    return Spectrum(lam_min, lam_max, float(r_lo[0]), float(r_hi[-1]), V_lo[:, 0], V_hi[:, -1], hess_norm, ztol,
                    index, nullity, False, "Lanczos (ARPACK eigsh)", eigenvalues=lam_lo, kind=LOWER_BOUND)


# --- Lanczos on one Krylov space: both ends, spectral density, trace --------------------------


def extreme_eigenvalues(landscape, point, tolerances: Tolerances = DEFAULT, *, rtol: float = 1e-8,
                        max_steps: int = 2000, seed: int = 0) -> Spectrum:
    """λ_min and λ_max of ∇²Φ(θ) from one Krylov space, with residual certificates.

    Lanczos (:func:`lanczos`) runs until both extreme Ritz values have an error estimate
    min(ρ, ρ²/gap) ≤ ``rtol``·|θ| (floored at ε‖H‖); then each Ritz vector's true residual
    r = ‖Hv − θv‖ is computed (two more HVPs): an eigenvalue of H lies within ±r (the
    certificate in ``err_min`` / ``err_max``). Index and nullity are lower bounds from the
    Ritz values whose error estimate is below the zero tolerance.
    """
    theta = landscape.point(point)
    P = theta.size
    v0 = np.random.default_rng(seed).standard_normal(P)
    T = lanczos_extremes(lambda v: landscape.hvp(theta, v), v0, rtol, min(max_steps, P))
    lam, S = T.ritz()
    V = (T.Q.T @ S[:, [0, -1]]).T
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    HV = landscape.hvp(theta, V)
    err = np.linalg.norm(HV - lam[[0, -1], None] * V, axis=1)
    hess_norm = float(max(abs(lam[0]), abs(lam[-1])))
    ztol = tolerances.scaled("eigenvalue", hess_norm) if hess_norm > 0 else 0.0
    settled = ritz_errors(lam, S, T.last_beta) <= ztol
    spec = Spectrum(float(lam[0]), float(lam[-1]), float(err[0]), float(err[1]), V[0], V[1], hess_norm, ztol,
                    int(np.sum(settled & (lam < -ztol))), int(np.sum(settled & (np.abs(lam) <= ztol))),
                    T.n_hvp == P, f"lanczos (one Krylov space, {T.n_hvp} + 2 HVPs)", eigenvalues=lam)
    return spec


@dataclass
class SpectralDensity:
    """Stochastic Lanczos quadrature estimate of the Hessian's eigenvalue density.

    grid, density : φ(t) on a grid (integrates to ≈ 1), Gaussian-broadened with width ``sigma``.
    nodes, weights : (n_probes, steps) Ritz values and quadrature weights τ = (first row of S)².
    trace : P · mean over probes of Σ τ θ (an SLQ estimate of tr H).  n_hvp : products used.
    """

    grid: np.ndarray
    density: np.ndarray
    nodes: np.ndarray
    weights: np.ndarray
    sigma: float
    trace: float
    n_hvp: int

    def to_series(self, title: str = "Hessian spectral density (SLQ)") -> dict:
        """A plot spec of the report's series convention (a line on a log-density axis)."""
        return {"plot": "lines", "x": self.grid.tolist(), "y": {"density": np.maximum(self.density, 1e-12).tolist()},
                "xlabel": "eigenvalue λ", "ylabel": "density", "title": title, "yscale": "log"}


def spectral_density(landscape, point, *, probes: int = 8, steps: int = 80, grid_size: int = 1000,
                     sigma: float | None = None, seed: int = 0) -> SpectralDensity:
    """φ(t) ≈ (1/n) Σ_probes Σ_i τ_i g_σ(t − θ_i) (Ubaru, Chen & Saad 2017; Ghorbani, Krishnan &
    Xiao 2019): ``steps`` Lanczos steps from each of ``probes`` Rademacher vectors; θ_i the Ritz
    values and τ_i the squared first components of T's eigenvectors; σ defaults to 1e-3 of the
    spectral range (widened to the grid spacing)."""
    theta = landscape.point(point)
    P = theta.size
    rng = np.random.default_rng(seed)
    starts = [rng.choice([-1.0, 1.0], size=P) for _ in range(probes)]
    nodes, weights, n_hvp = lanczos_quadrature(lambda v: landscape.hvp(theta, v), starts, min(steps, P))
    width = max(len(n) for n in nodes)
    N = np.array([np.pad(n, (0, width - n.size), constant_values=np.nan) for n in nodes])
    W = np.array([np.pad(w, (0, width - w.size)) for w in weights])
    lo, hi = float(np.nanmin(N)), float(np.nanmax(N))
    span = max(hi - lo, 1e-12 * max(abs(lo), abs(hi), 1.0))
    grid = np.linspace(lo - 0.05 * span, hi + 0.05 * span, grid_size)
    sigma = float(sigma) if sigma is not None else max(1e-3 * span, grid[1] - grid[0])
    ok = np.isfinite(N)
    x, w = N[ok], W[ok]
    density = (w[None, :] * np.exp(-0.5 * ((grid[:, None] - x[None, :]) / sigma) ** 2)).sum(axis=1)
    density /= probes * sigma * np.sqrt(2 * np.pi)
    trace = P * float(np.mean(np.nansum(N * W, axis=1)))
    return SpectralDensity(grid, density, N, W, sigma, trace, n_hvp)


@dataclass
class TraceEstimate:
    """Hutchinson's estimate of tr ∇²Φ(θ) with its standard error (std of the samples / √n)."""

    trace: float
    stderr: float
    probes: int


def hutchinson_trace(landscape, point, *, probes: int = 64, seed: int = 0) -> TraceEstimate:
    """tr H ≈ (1/n) Σ zᵀ H z over n Rademacher probes z (Hutchinson 1990), as one batched HVP."""
    theta = landscape.point(point)
    Z = np.random.default_rng(seed).choice([-1.0, 1.0], size=(probes, theta.size))
    samples = np.einsum("ij,ij->i", Z, landscape.hvp(theta, Z))
    stderr = float(np.std(samples, ddof=1) / np.sqrt(probes)) if probes > 1 else float("inf")
    return TraceEstimate(float(np.mean(samples)), stderr, probes)
