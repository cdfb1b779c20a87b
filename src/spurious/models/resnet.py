"""Linear residual networks x ↦ (I + W_H)⋯(I + W₁) x (Hardt & Ma 2016; MIPT homework Problems 1–2).

A chain model: its factors are F_k = I + W_k with dF_k = dW_k, so the closed-form gradient
and Hessian-vector product of ``models/base.py`` apply unchanged.

The region {max_k ‖W_k‖₂ < τ}, τ < 1, is a first-class notion: ``in_region`` tests
membership and :func:`hardt_ma_constant` gives the gradient lower bound that holds there
for the squared loss ℓ(W) = ½‖(W − W*)C^½‖² + f* (C = X Xᵀ, or Σ for a population):

    ‖∇Φ‖² ≥ c (Φ − f*),   c(τ, H, C) = 2 H (1 − τ)^{2(H−1)} λ_min(C) · s,

with s = 1/m for a mean loss (1 otherwise). Proof: ∇_{W_k}Φ = S_{k+1}ᵀ (E C) P_{k−1}ᵀ with
E = F_{1:H} − W*; each of S, P is a product of at most H − 1 factors with σ_min ≥ 1 − τ,
so ‖∇_{W_k}Φ‖_F ≥ (1 − τ)^{H−1} ‖E C‖_F ≥ (1 − τ)^{H−1} λ_min(C)^½ ‖E C^½‖_F, and
‖E C^½‖²_F = 2(Φ − f*)/s. Summing over the H layers gives c. (Hardt & Ma, Lemma 2.3,
here without the y = Rx + ξ assumption: any data, as in the MIPT homework Problem 1.)
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from ..losses import SquaredFromStats
from .base import Blocks, prefix_products
from .chain import ChainModel


def check_tau(tau: float, argument: str = "tau") -> float:
    """Validate a region radius 0 < τ < 1 (Problem 1 needs ‖W_k‖₂ < 1)."""
    try:
        t = float(tau)
    except (TypeError, ValueError):
        raise InputError(argument, f"expected a number in (0, 1), got {tau!r}") from None
    if not np.isfinite(t) or t <= 0 or t >= 1:
        raise InputError(argument, f"expected 0 < tau < 1 (the residual region needs ||W_k||_2 < 1), got {tau}")
    return t


def hardt_ma_constant(tau: float, depth: int, lambda_min: float, scale: float = 1.0) -> float:
    """c(τ, H, C) = 2 H (1 − τ)^{2(H−1)} λ_min(C) · scale (see the module docstring)."""
    t = check_tau(tau)
    if int(depth) < 1:
        raise InputError("depth", f"expected an integer >= 1, got {depth}")
    return 2.0 * depth * (1.0 - t) ** (2 * (depth - 1)) * max(float(lambda_min), 0.0) * float(scale)


class LinearResNet(ChainModel):
    """(I + W_H)⋯(I + W₁) with every W_k ∈ ℝ^{d×d}; points are flat vectors or lists of H matrices."""

    kind = "linear-resnet"

    def __init__(self, d: int, depth: int):
        if isinstance(d, bool) or int(d) != d or int(d) < 1:
            raise InputError("d", f"expected an integer >= 1, got {d!r}")
        if isinstance(depth, bool) or int(depth) != depth or int(depth) < 1:
            raise InputError("depth", f"expected an integer >= 1, got {depth!r}")
        self.d = int(d)
        self._depth = int(depth)
        super().__init__([(self.d, self.d)] * self._depth)

    def __repr__(self) -> str:
        return f"LinearResNet(d={self.d}, depth={self._depth})"

    @property
    def depth(self) -> int:
        return self._depth

    @property
    def d_in(self) -> int:
        return self.d

    @property
    def d_out(self) -> int:
        return self.d

    @property
    def widths(self) -> tuple[int, ...]:
        return (self.d,) * (self._depth + 1)

    @property
    def max_rank(self) -> int:
        return self.d

    def factors(self, theta: np.ndarray) -> Blocks:
        """F_k = I + W_k (leading batch axes allowed)."""
        eye = np.eye(self.d)
        return [eye + W for W in self.unflatten(theta)]

    def end_to_end(self, theta: np.ndarray) -> np.ndarray:
        """(I + W_H)⋯(I + W₁) (d×d)."""
        return prefix_products(self.factors(theta))[-1]

    def layer_norms(self, theta: np.ndarray) -> np.ndarray:
        """‖W_k‖₂ for k = 1…H (spectral norms)."""
        return np.array([np.linalg.norm(W, 2) for W in self.unflatten(np.asarray(theta, dtype=float))])

    def max_norm(self, theta: np.ndarray) -> float:
        """max_k ‖W_k‖₂."""
        return float(self.layer_norms(theta).max())

    def in_region(self, theta: np.ndarray, tau: float) -> bool:
        """Whether max_k ‖W_k‖₂ < τ (τ ∈ (0, 1))."""
        return self.max_norm(theta) < check_tau(tau)

    def random_point(self, seed: int = 0, tau: float = 0.5) -> np.ndarray:
        """A random point of the region: W_k Gaussian, rescaled to ‖W_k‖₂ = τ·u_k, u_k ~ U(0, 1)."""
        t = check_tau(tau)
        rng = np.random.default_rng(seed)
        blocks = []
        for _ in range(self._depth):
            W = rng.standard_normal((self.d, self.d))
            blocks.append(W * (t * rng.uniform(0.05, 1.0) / np.linalg.norm(W, 2)))
        return self.flatten(blocks)

    def zeros(self) -> np.ndarray:
        return np.zeros(self.n_params)

    def gradient_bound_constant(self, tau: float, ell) -> float:
        """c(τ, H, C) for a squared loss ``ell`` bound to data (``SquaredFromStats``)."""
        if not isinstance(ell, SquaredFromStats):
            raise InputError("loss", "the Hardt–Ma bound is stated for the squared loss")
        C = ell.stats.XXt
        lam_min = float(np.linalg.eigvalsh(0.5 * (C + C.T))[0])
        return hardt_ma_constant(tau, self._depth, lam_min, ell.factor)
