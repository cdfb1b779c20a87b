"""GD on the quadratic model of a strict saddle (Optimization 1 notes §6.2.2), measured.

In the eigenbasis of H = UΛUᵀ, GD on f̃(w) = f(w_s) + ½(w − w_s)ᵀH(w − w_s) is
θᵢ⁽ᵗ⁺¹⁾ = (1 − ηλᵢ)θᵢ⁽ᵗ⁾. GD has ε-escaped at step t when
(1) Σ λᵢ θᵢ⁽ᵗ⁾² < 0 (f̃(w_t) < f(w_s)) and (2) Σ λᵢ² θᵢ⁽ᵗ⁾² > ε² (‖∇f̃(w_t)‖ > ε).
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError, as_float_array
from ._trajectory import check_lr, check_positive, check_steps

__all__ = ["escape_step", "saddle_quadratic"]


def escape_step(eigenvalues: np.ndarray, theta0: np.ndarray, lr: float, eps: float,
                max_steps: int = 100_000) -> int | None:
    """The first t ≥ 0 at which GD on the quadratic model has ε-escaped (None if not by max_steps).

    Iterates θ ← (1 − ηΛ)θ exactly as GD does in the eigenbasis.
    """
    lam = as_float_array(eigenvalues, "eigenvalues", ndim=1)
    theta = as_float_array(theta0, "theta0", ndim=1).copy()
    if lam.shape != theta.shape:
        raise InputError("theta0", f"expected shape {lam.shape}, got {theta.shape}")
    lr = check_lr(lr)
    eps = check_positive(eps, "eps")
    max_steps = check_steps(max_steps, "max_steps")
    factor = 1.0 - lr * lam
    for t in range(max_steps + 1):
        sq = theta**2
        if float(lam @ sq) < 0 and float(lam**2 @ sq) > eps**2:
            return t
        theta *= factor
    return None


def saddle_quadratic(eigenvalues: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A symmetric H = UΛUᵀ with the given spectrum and a Haar-random orthogonal U."""
    lam = as_float_array(eigenvalues, "eigenvalues", ndim=1)
    Q, R = np.linalg.qr(rng.standard_normal((lam.size, lam.size)))
    U = Q * np.sign(np.diag(R))
    return (U * lam) @ U.T
