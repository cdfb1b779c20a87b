"""Extreme Hessian eigenvalues with error bounds, index and nullity.

Dense ``numpy.linalg.eigh`` on ``landscape.hessian`` for P ≤ ``dense_limit``; otherwise
Lanczos (``scipy.sparse.linalg.eigsh``, which='SA' / 'LA') on ``landscape.hessian_operator``.
Every eigenvalue λ with unit vector v comes with the residual r = ‖Hv − λv‖: by the
Bauer–Fike / Kahan bound for symmetric H there is an eigenvalue of H in [λ − r, λ + r]
(Parlett, *The Symmetric Eigenvalue Problem*, Thm 4.5.1). For the dense solver the bound
also carries the backward error P·ε·‖H‖ of ``eigh``.

An eigenvalue counts as zero when |λ| ≤ ``tolerances.eigenvalue · ‖H‖₂`` (relative to the
Hessian's norm, see ``tolerances.py``); the index is the number of eigenvalues below
−tol, the nullity the number within ±tol.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import eigh_tridiagonal
from scipy.sparse.linalg import ArpackNoConvergence, eigsh

from ..tolerances import DEFAULT, EPS, Tolerances

__all__ = ["Spectrum", "hessian_spectrum", "DENSE_LIMIT", "extreme_eigenvalues", "spectral_density", "hutchinson_trace",
           "SpectralDensity", "TraceEstimate", "Tridiagonal", "lanczos"]

DENSE_LIMIT = 1500


@dataclass
class Spectrum:
    """λ_min, λ_max of ∇²Φ(θ) with error bounds, and what follows from them.

    lam_min, lam_max : extreme eigenvalues; err_min, err_max their error bounds (an
        eigenvalue of H lies within ± err of each).
    vec_min, vec_max : unit eigenvectors (P,).
    hess_norm : ‖H‖₂ = max(|λ_min|, |λ_max|).
    zero_tol : |λ| ≤ zero_tol counts as zero (= tolerances.eigenvalue · hess_norm).
    index, nullity : counts of eigenvalues < −zero_tol and within ±zero_tol; exact for the
        dense solver; for Lanczos a lower bound from the ``k`` eigenvalues computed
        (``index_exact`` says which).
    null_basis : (P, nullity) orthonormal basis of the numerical null space (dense only).
    method : "dense eigh" or "lanczos (eigsh)".
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

    @property
    def certainly_negative(self) -> bool:
        """λ_min < −zero_tol even after subtracting its error bound."""
        return self.lam_min + self.err_min < -self.zero_tol

    @property
    def certainly_psd(self) -> bool:
        """λ_min ≥ −zero_tol with its error bound taken into account."""
        return self.lam_min - self.err_min >= -self.zero_tol

    def as_dict(self) -> dict:
        return {
            "lambda_min": self.lam_min, "lambda_min_error": self.err_min,
            "lambda_max": self.lam_max, "lambda_max_error": self.err_max,
            "hessian_norm": self.hess_norm, "zero_tolerance": self.zero_tol,
            "index": self.index, "nullity": self.nullity, "index_exact": self.index_exact,
            "method": self.method,
        }

    def _repr_html_(self) -> str:
        """A compact table in Jupyter (:func:`spurious.report.notebook.spectrum_html`)."""
        from ..report.notebook import spectrum_html

        return spectrum_html(self)


def hessian_spectrum(landscape, point, tolerances: Tolerances = DEFAULT, *,
                     dense_limit: int = DENSE_LIMIT, k: int = 6, lanczos_tol: float = 1e-12,
                     seed: int = 0) -> Spectrum:
    """The extreme eigenvalues of ∇²Φ at ``point`` with error bounds, index and nullity.

    ``k`` eigenvalues are computed at each end by Lanczos when P > ``dense_limit``.
    """
    theta = landscape.point(point)
    if landscape.n_params <= dense_limit:
        return _dense(landscape.hessian(theta), tolerances)
    return _lanczos(landscape.hessian_operator(theta), tolerances, k, lanczos_tol, seed)


def _dense(H: np.ndarray, tolerances: Tolerances) -> Spectrum:
    P = H.shape[0]
    lam, V = np.linalg.eigh(H)
    hess_norm = float(max(abs(lam[0]), abs(lam[-1])))
    backward = P * EPS * hess_norm
    res_min = float(np.linalg.norm(H @ V[:, 0] - lam[0] * V[:, 0])) + backward
    res_max = float(np.linalg.norm(H @ V[:, -1] - lam[-1] * V[:, -1])) + backward
    tol = tolerances.scaled("eigenvalue", hess_norm) if hess_norm > 0 else 0.0
    null = np.abs(lam) <= tol
    return Spectrum(float(lam[0]), float(lam[-1]), res_min, res_max, V[:, 0].copy(), V[:, -1].copy(),
                    hess_norm, tol, int(np.sum(lam < -tol)), int(null.sum()), True, "dense eigh",
                    eigenvalues=lam, null_basis=V[:, null])


def _extreme(op, which: str, k: int, tol: float, v0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    P = op.shape[0]
    k = max(1, min(k, P - 2))
    ncv = min(P - 1, max(4 * k + 1, 20))  # 20 Lanczos vectors: fewer reorthogonalisations at large P
    try:
        lam, V = eigsh(op, k=k, which=which, tol=tol, ncv=ncv, v0=v0, maxiter=50 * P)
    except ArpackNoConvergence as exc:  # keep what converged; the residuals say how good it is
        lam, V = exc.eigenvalues, exc.eigenvectors
        if lam.size == 0:
            raise
    order = np.argsort(lam)
    return lam[order], V[:, order]


def _lanczos(op, tolerances: Tolerances, k: int, tol: float, seed: int) -> Spectrum:
    P = op.shape[0]
    v0 = np.random.default_rng(seed).standard_normal(P)
    lam_lo, V_lo = _extreme(op, "SA", k, tol, v0)
    lam_hi, V_hi = _extreme(op, "LA", 1, tol, v0)
    lam_min, lam_max = float(lam_lo[0]), float(lam_hi[-1])
    v_min, v_max = V_lo[:, 0], V_hi[:, -1]
    err_min = float(np.linalg.norm(op.matvec(v_min) - lam_min * v_min))
    err_max = float(np.linalg.norm(op.matvec(v_max) - lam_max * v_max))
    hess_norm = max(abs(lam_min), abs(lam_max))
    ztol = tolerances.scaled("eigenvalue", hess_norm) if hess_norm > 0 else 0.0
    index = int(np.sum(lam_lo < -ztol))
    nullity = int(np.sum(np.abs(lam_lo) <= ztol))
    return Spectrum(lam_min, lam_max, err_min, err_max, v_min, v_max, hess_norm, ztol, index, nullity,
                    False, "lanczos (eigsh)", eigenvalues=lam_lo)


# --- Lanczos on one Krylov space: both ends, spectral density, trace --------------------------


@dataclass
class Tridiagonal:
    """k steps of Lanczos from q₁: Qᵀ H Q = T (tridiagonal, diagonal ``alpha``, off-diagonal ``beta``).

    ``Q`` is (k, P) with orthonormal rows (full reorthogonalisation); ``last_beta`` = β_k, the
    size of the residual H q_k − α_k q_k − β_{k−1} q_{k−1}; ``n_hvp`` the products used.
    """

    alpha: np.ndarray
    beta: np.ndarray
    Q: np.ndarray
    last_beta: float
    n_hvp: int

    def ritz(self) -> tuple[np.ndarray, np.ndarray]:
        """Ritz values (ascending) and the eigenvectors S of T (columns)."""
        return eigh_tridiagonal(self.alpha, self.beta)


def lanczos(matvec, q1: np.ndarray, steps: int, stop=None) -> Tridiagonal:
    """Lanczos with full (twice-applied, Daniel–Gragg–Kaufman–Stewart) reorthogonalisation.

    Runs at most ``steps`` products; ``stop(alpha, beta, last_beta)`` is asked after each step
    and ends the run when it returns True. An invariant subspace (β ≈ 0) also ends it.
    Source: Golub & Van Loan, *Matrix Computations* (4th ed.), §10.1 (Algorithm 10.1.1) with
    complete reorthogonalisation (§10.3.1).
    """
    P = q1.size
    cap = min(steps, P)
    Q = np.empty((min(cap, 64), P))
    alpha, beta = [], []
    q = q1 / np.linalg.norm(q1)
    b = 0.0
    for j in range(cap):
        if j == Q.shape[0]:
            Q = np.concatenate([Q, np.empty((min(Q.shape[0], cap - j), P))])
        Q[j] = q
        w = matvec(q)
        alpha.append(float(q @ w))
        for _ in range(2):
            w -= Q[: j + 1].T @ (Q[: j + 1] @ w)
        b = float(np.linalg.norm(w))
        norm_t = max(abs(a) for a in alpha) + (max(beta) if beta else 0.0)
        if b <= 1e3 * EPS * max(norm_t, 1e-300) or j + 1 == cap or (stop is not None and stop(alpha, beta, b)):
            break
        beta.append(b)
        q = w / b
    k = len(alpha)
    return Tridiagonal(np.array(alpha), np.array(beta[: k - 1]), Q[:k], b, k)


def _extreme_error(value: float, neighbour: float, rho: float) -> float:
    """min(ρ, ρ²/gap) for an extreme Ritz value with residual ρ and its nearest neighbour."""
    gap = abs(neighbour - value)
    return min(rho, rho * rho / gap) if gap > 0 else rho


def _ritz_error(theta: np.ndarray, S: np.ndarray, last_beta: float, i: int) -> float:
    """Eigenvalue error estimate of Ritz value i: min(ρ, ρ²/gap), ρ = β_k |s_{k,i}| its residual
    (Parlett, *The Symmetric Eigenvalue Problem*, Thm 4.5.1 and the Kato–Temple bound §10.2,
    with the gap to the nearest other Ritz value standing in for the true gap)."""
    rho = last_beta * abs(S[-1, i])
    if theta.size < 2:
        return rho
    others = np.delete(theta, i)
    gap = float(np.min(np.abs(others - theta[i])))
    return min(rho, rho * rho / gap) if gap > 0 else rho


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

    def matvec(v: np.ndarray) -> np.ndarray:
        return landscape.hvp(theta, v)

    def converged(alpha: list[float], beta: list[float], last_beta: float) -> bool:
        k = len(alpha)
        if k < 4:
            return False
        a, b = np.array(alpha), np.array(beta)
        low, S_low = eigh_tridiagonal(a, b, select="i", select_range=(0, 1))
        high, S_high = eigh_tridiagonal(a, b, select="i", select_range=(k - 2, k - 1))
        floor = EPS * max(abs(low[0]), abs(high[-1]))
        errors = (_extreme_error(low[0], low[1], last_beta * abs(S_low[-1, 0])),
                  _extreme_error(high[-1], high[-2], last_beta * abs(S_high[-1, -1])))
        return all(e <= max(rtol * abs(lam), floor) for e, lam in zip(errors, (low[0], high[-1]), strict=True))

    T = lanczos(matvec, v0, min(max_steps, P), stop=converged)
    lam, S = T.ritz()
    V = (T.Q.T @ S[:, [0, -1]]).T
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    HV = landscape.hvp(theta, V)
    err = np.linalg.norm(HV - lam[[0, -1], None] * V, axis=1)
    hess_norm = float(max(abs(lam[0]), abs(lam[-1])))
    ztol = tolerances.scaled("eigenvalue", hess_norm) if hess_norm > 0 else 0.0
    settled = np.array([_ritz_error(lam, S, T.last_beta, i) for i in range(lam.size)]) <= ztol
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
    nodes, weights, n_hvp = [], [], 0
    for _ in range(probes):
        T = lanczos(lambda v: landscape.hvp(theta, v), rng.choice([-1.0, 1.0], size=P), min(steps, P))
        lam, S = T.ritz()
        nodes.append(lam)
        weights.append(S[0] ** 2)
        n_hvp += T.n_hvp
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
