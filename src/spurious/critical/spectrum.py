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
from scipy.sparse.linalg import ArpackNoConvergence, eigsh

from ..tolerances import DEFAULT, EPS, Tolerances

__all__ = ["Spectrum", "hessian_spectrum", "DENSE_LIMIT"]

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
