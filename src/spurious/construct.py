"""Explicit global minima: factorisations of a target matrix into the layers of a network.

- :func:`svd_split` — project report ("global minima"): R = U Z Vᵀ ⇒ A₃ = U, A₂ = Z, A₁ = Vᵀ; any
  depth N by splitting Z = Z^{1/(N−2)}⋯Z^{1/(N−2)} (N ≥ 3), Z^½Vᵀ and U Z^½ for N = 2.
- :func:`psd_root_split` — project report: R = U Z Uᵀ PSD ⇒ A_i = U Z^{1/N} Uᵀ (cube root at N = 3).
- :func:`balanced_factorization` — any target T of rank r across widths (d₀, …, d_N) with
  r ≤ min width: W_j = Q_j S^{1/N} Q_{j−1}ᵀ (Q₀ = V_r, Q_N = U_r, Q_j orthonormal columns),
  so W_{j+1}ᵀW_{j+1} = W_jW_jᵀ = Q_j S^{2/N} Q_jᵀ (the balancedness of gradient flow).
- :func:`hardt_ma_factorization` — MIPT homework Problem 2: R with det R > 0 as
  (I + W_H)⋯(I + W₁) with max‖W_k‖₂ = O(1/H): polar R = U P (U orthogonal with det 1,
  P ≻ 0); the first h_P layers are P^{1/h_P} (via eigh), the last h_U are U^{1/h_U} (via the
  real Schur form: 2×2 rotation blocks by θ become rotations by θ/h_U; eigenvalues −1,
  which come in pairs when det U = 1, are paired into rotations by π). ‖U^α − I‖₂ =
  2 sin(αθ_max/2) → 0 as α → 0: the fact quoted in Problem 2.
- :func:`lift_two_layer` — depth paper Thm 1 proof: a two-layer point (B, A) with inner width
  d_k (the narrowest) becomes a deep point with W_{k:1} = B and W_{N:k+1} = A by padding
  with isometries E_j (E_jᵀE_j = I).

Each raises :class:`~spurious.errors.HypothesisError` when its hypothesis fails.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.linalg import polar, schur

from .errors import HypothesisError, InputError, as_float_array
from .models.deep_linear import DeepLinear, check_widths
from .models.towers import narrowest_layer

__all__ = [
    "svd_split",
    "psd_root_split",
    "balanced_factorization",
    "is_balanced",
    "hardt_ma_factorization",
    "orthogonal_power",
    "spd_power",
    "lift_two_layer",
    "deep_to_two_layer",
    "numerical_rank",
]


def _depth(depth: int) -> int:
    if int(depth) != depth or int(depth) < 1:
        raise InputError("depth", f"expected an integer >= 1, got {depth!r}")
    return int(depth)


def _square(R: object, argument: str = "R") -> np.ndarray:
    A = as_float_array(R, argument, ndim=2)
    if A.shape[0] != A.shape[1]:
        raise InputError(argument, f"expected a square matrix, got shape {A.shape}")
    return A


def numerical_rank(A: np.ndarray, rtol: float | None = None) -> int:
    """Rank with the cut-off σ > σ₁ · max(shape) · eps (or ``rtol`` · σ₁)."""
    s = np.linalg.svd(A, compute_uv=False)
    if s.size == 0 or s[0] == 0:
        return 0
    tol = s[0] * (max(A.shape) * np.finfo(float).eps if rtol is None else rtol)
    return int(np.sum(s > tol))


def svd_split(R: object, depth: int = 3) -> list[np.ndarray]:
    """[A₁, …, A_N] with A_N⋯A₁ = R from R = U Z Vᵀ (project report); R square d×d."""
    A = _square(R)
    N = _depth(depth)
    U, z, Vt = np.linalg.svd(A)
    if N == 1:
        return [A.copy()]
    if N == 2:
        r = np.sqrt(z)
        return [r[:, None] * Vt, U * r]
    mid = np.diag(z ** (1.0 / (N - 2)))
    return [Vt] + [mid.copy() for _ in range(N - 2)] + [U]


def psd_root_split(R: object, depth: int = 3) -> list[np.ndarray]:
    """[U Z^{1/N} Uᵀ] * N for a symmetric PSD R = U Z Uᵀ (project report, the cube root at N = 3)."""
    A = _square(R)
    N = _depth(depth)
    scale = max(float(np.abs(A).max()), 1e-300)
    if np.abs(A - A.T).max() > 1e-12 * scale:
        raise HypothesisError("R", "expected a symmetric matrix for the PSD root")
    z, U = np.linalg.eigh(0.5 * (A + A.T))
    if z.min() < -1e-12 * max(abs(z).max(), 1e-300):
        raise HypothesisError("R", f"expected a positive semi-definite matrix, smallest eigenvalue {z.min():.3g}")
    root = (U * np.clip(z, 0.0, None) ** (1.0 / N)) @ U.T
    return [root.copy() for _ in range(N)]


def balanced_factorization(target: object, widths: Sequence[int], seed: int | None = None,
                           rtol: float | None = None) -> list[np.ndarray]:
    """Balanced W₁, …, W_N (W_j ∈ ℝ^{d_j×d_{j−1}}) with W_N⋯W₁ = target.

    ``seed`` = None uses the first r coordinate axes for the hidden Q_j; an integer draws
    random orthonormal Q_j (another balanced factorisation of the same target).
    Raises HypothesisError when rank(target) > min(widths).
    """
    w = check_widths(widths)
    T = as_float_array(target, "target", ndim=2)
    if T.shape != (w[-1], w[0]):
        raise InputError("target", f"expected shape ({w[-1]}, {w[0]}) for widths {w}, got {T.shape}")
    r = numerical_rank(T, rtol)
    if r > min(w):
        raise HypothesisError("target", f"rank {r} exceeds the narrowest width {min(w)} of {w}")
    N = len(w) - 1
    U, s, Vt = np.linalg.svd(T, full_matrices=False)
    U, s, Vt = U[:, :r], s[:r], Vt[:r]
    root = s ** (1.0 / N)
    rng = None if seed is None else np.random.default_rng(seed)
    Q = [Vt.T]
    for j in range(1, N):
        if rng is None:
            Q.append(np.eye(w[j], r))
        else:
            Q.append(np.linalg.qr(rng.standard_normal((w[j], r)))[0][:, :r] if r else np.zeros((w[j], 0)))
    Q.append(U)
    return [(Q[j + 1] * root) @ Q[j].T for j in range(N)]


def is_balanced(weights: Sequence[np.ndarray], rtol: float = 1e-10) -> bool:
    """Whether W_{j+1}ᵀW_{j+1} = W_jW_jᵀ for every j (relative to ‖W_jW_jᵀ‖)."""
    for Wj, Wn in zip(weights[:-1], weights[1:], strict=True):
        a, b = Wn.T @ Wn, Wj @ Wj.T
        if np.linalg.norm(a - b) > rtol * max(np.linalg.norm(b), 1e-300):
            return False
    return True


def spd_power(P: np.ndarray, alpha: float) -> np.ndarray:
    """P^α for a symmetric positive definite P (via eigh)."""
    z, V = np.linalg.eigh(0.5 * (P + P.T))
    return (V * z**alpha) @ V.T


def _rotation(theta: float) -> np.ndarray:
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def orthogonal_power(U: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    """(U^α, θ_max) for an orthogonal U with det U = +1, through its real Schur form.

    U = Q T Qᵀ with T block diagonal: 2×2 rotations by θ ∈ (0, π), 1×1 blocks ±1. A rotation
    by θ becomes one by αθ; the −1 eigenvalues (an even number, as det U = 1) are paired
    into planes where U acts as a rotation by π, which becomes one by απ. θ_max is the
    largest angle, so ‖U^α − I‖₂ = 2 sin(α θ_max / 2).
    """
    if abs(np.linalg.det(U) - 1.0) > 1e-8:
        raise HypothesisError("U", f"expected an orthogonal matrix with det +1, got det {np.linalg.det(U):.6g}")
    d = U.shape[0]
    T, Q = schur(U, output="real")
    Ta = np.zeros_like(T)
    theta_max = 0.0
    minus_one: list[int] = []
    i = 0
    while i < d:
        if i + 1 < d and abs(T[i + 1, i]) > 1e-14:
            block = T[i:i + 2, i:i + 2]
            theta = float(np.arctan2(0.5 * (block[1, 0] - block[0, 1]), 0.5 * (block[0, 0] + block[1, 1])))
            Ta[i:i + 2, i:i + 2] = _rotation(alpha * theta)
            theta_max = max(theta_max, abs(theta))
            i += 2
            continue
        if T[i, i] > 0:
            Ta[i, i] = 1.0
        else:
            minus_one.append(i)
        i += 1
    if len(minus_one) % 2:
        raise HypothesisError("U", "an odd number of eigenvalues -1: det U is not +1")
    for a, b in zip(minus_one[0::2], minus_one[1::2], strict=True):
        R = _rotation(alpha * np.pi)
        Ta[a, a], Ta[a, b], Ta[b, a], Ta[b, b] = R[0, 0], R[0, 1], R[1, 0], R[1, 1]
        theta_max = np.pi
    return Q @ Ta @ Q.T, float(theta_max)


def hardt_ma_factorization(R: object, depth: int) -> list[np.ndarray]:
    """W₁, …, W_H with (I + W_H)⋯(I + W₁) = R and max‖W_k‖₂ = O(1/H) (MIPT homework Problem 2).

    R must be square with det R > 0 (HypothesisError otherwise). The split h_U + h_P = H
    between the orthogonal and the positive factor minimises the larger of
    2 sin(θ_max/(2h_U)) and max_i |λ_i(P)^{1/h_P} − 1|.
    """
    A = _square(R)
    H = _depth(depth)
    sign, logdet = np.linalg.slogdet(A)
    if sign <= 0:
        raise HypothesisError("R", "det R must be > 0 for a residual factorisation "
                              f"(got det R {'= 0' if sign == 0 else '< 0'})")
    d = A.shape[0]
    if H == 1:
        return [A - np.eye(d)]
    U, P = polar(A, side="right")
    lam = np.linalg.eigvalsh(0.5 * (P + P.T))
    _, theta_max = orthogonal_power(U, 0.0)

    def norms(h_u: int) -> float:
        h_p = H - h_u
        nu = 0.0 if theta_max == 0 else (np.inf if h_u == 0 else 2 * np.sin(theta_max / (2 * h_u)))
        npart = float(np.max(np.abs(lam ** (1.0 / h_p) - 1.0))) if h_p > 0 else (
            0.0 if np.allclose(lam, 1.0, rtol=0, atol=1e-15) else np.inf)
        return max(nu, npart)

    h_u = min(range(H + 1), key=norms)
    h_p = H - h_u
    eye = np.eye(d)
    layers: list[np.ndarray] = []
    if h_p:
        layers += [spd_power(P, 1.0 / h_p) - eye] * h_p
    if h_u:
        layers += [orthogonal_power(U, 1.0 / h_u)[0] - eye] * h_u
    return [W.copy() for W in layers]


def deep_to_two_layer(model: DeepLinear, theta: np.ndarray, k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(B, A) = (W_{k:1}, W_{N:k+1}) split at layer k (default: the narrowest, depth paper Thm 1)."""
    k = narrowest_layer(model.widths) if k is None else int(k)
    if not 1 <= k <= model.depth - 1 and model.depth > 1:
        raise InputError("k", f"expected 1 <= k <= {model.depth - 1}, got {k}")
    return model.product(theta, 1, k), model.product(theta, k + 1, model.depth)


def lift_two_layer(B: object, A: object, widths: Sequence[int], k: int | None = None) -> list[np.ndarray]:
    """Deep weights with W_{k:1} = B and W_{N:k+1} = A (depth paper Thm 1 proof).

    B ∈ ℝ^{d_k×d₀}, A ∈ ℝ^{d_N×d_k}; d_k must be the narrowest hidden width (every other
    d_j ≥ d_k), else HypothesisError. Padding: E_j = [I_{d_k}; 0] ∈ ℝ^{d_j×d_k},
    W₁ = E₁B, W_j = E_jE_{j−1}ᵀ, W_k = E_{k−1}ᵀ (into d_k), W_{k+1} = E_{k+1}, …, W_N = A E_{N−1}ᵀ.
    """
    w = check_widths(widths)
    N = len(w) - 1
    if N < 2:
        raise InputError("widths", f"expected depth >= 2 to lift a two-layer point, got {w}")
    k = narrowest_layer(w) if k is None else int(k)
    if not 1 <= k <= N - 1:
        raise InputError("k", f"expected 1 <= k <= {N - 1}, got {k}")
    dk = w[k]
    if min(w[1:-1]) < dk:
        raise HypothesisError("widths", f"d_k = {dk} must be the narrowest hidden width of {w}")
    Bm = as_float_array(B, "B", ndim=2)
    Am = as_float_array(A, "A", ndim=2)
    if Bm.shape != (dk, w[0]):
        raise InputError("B", f"expected shape ({dk}, {w[0]}), got {Bm.shape}")
    if Am.shape != (w[-1], dk):
        raise InputError("A", f"expected shape ({w[-1]}, {dk}), got {Am.shape}")

    def E(j: int) -> np.ndarray:
        return np.eye(w[j], dk)

    # W_j = L_j R_j with L_j = A (j = N) or E_j, R_j = B (j = 1) or E_{j−1}ᵀ; E_k = I_{d_k}, so
    # W_{k:1} = E_k E_{k−1}ᵀ⋯E₁B = B and W_{N:k+1} = A E_{N−1}ᵀ⋯E_{k+1}E_kᵀ = A.
    return [(Am if j == N else E(j)) @ (Bm if j == 1 else E(j - 1).T) for j in range(1, N + 1)]
