"""The objective of a chain model: Φ(θ) = ℓ(F_N(θ)⋯F_1(θ)), derivatives per Optimization 1 notes §6.2.5.

A *chain model* (deep linear net, linear ResNet) maps its blocks to factors F_j whose product
is the end-to-end matrix. :class:`ChainModel` gives such a model its ``bind(loss, data)``;
:class:`ChainObjective` evaluates

    ∇_{W_j}Φ = F_{j+1:N}ᵀ ∇ℓ(F_{1:N}) F_{1:j−1}ᵀ

and the Hessian–vector product in closed form (:func:`~spurious.models.base.chain_hvp`).
"""

from __future__ import annotations

import numpy as np

from ..data import Dataset, Population
from ..linalg import chain_hessian_squared
from ..losses import EndToEndLoss, Loss, SquaredFromStats
from ..objective import MinValue, check_io, convex_minimum
from .base import Blocks, ParameterLayout, chain_hvp, chain_pullback, prefix_products

__all__ = ["ChainModel", "ChainObjective"]


class ChainModel(ParameterLayout):
    """A parameter layout whose blocks map to factors F_1, …, F_N (``factors``) with dF_j = dW_j.

    Subclasses define ``factors(θ)``, ``d_in``, ``d_out`` and ``max_rank``.
    """

    def factors(self, theta: np.ndarray) -> Blocks:  # pragma: no cover - abstract
        raise NotImplementedError

    def bind(self, loss: Loss, data: Dataset | Population) -> ChainObjective:
        """The objective Φ(θ) = ℓ(F_{1:N}(θ)) of this model under ``loss`` on ``data``."""
        check_io(self, data)
        return ChainObjective(self, loss.on(data))


class ChainObjective:
    """Φ(θ) = ℓ(F_N(θ)⋯F_1(θ)) for a chain model; derivatives per Optimization 1 notes §6.2.5."""

    def __init__(self, model: ChainModel, ell: EndToEndLoss):
        self.layout = model
        self.model = model
        self.ell = ell

    def end_to_end(self, theta: np.ndarray) -> np.ndarray:
        return prefix_products(self.model.factors(theta))[-1]

    def end_to_end_loss(self) -> EndToEndLoss:
        """ℓ, the loss as a function of the end-to-end matrix W (d_N × d₀): Φ(θ) = ℓ(W(θ))."""
        return self.ell

    def value(self, theta: np.ndarray) -> float:
        return self.ell.value(self.end_to_end(theta))

    def value_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        F = self.model.factors(theta)
        W = prefix_products(F)[-1]
        G = self.ell.gradient(W)
        return self.ell.value(W), self.layout.flatten(chain_pullback(F, G))

    def hvp(self, theta: np.ndarray, V: np.ndarray) -> np.ndarray:
        F = self.model.factors(theta)
        W = prefix_products(F)[-1]
        G = self.ell.gradient(W)
        D = self.layout.unflatten(V)
        return self.layout.flatten(chain_hvp(F, D, G, lambda dW: self.ell.hess_action(W, dW)))

    def min_value(self) -> MinValue | None:
        """min ℓ over matrices of rank ≤ the model's max rank, when ℓ gives it in closed form."""
        return rank_constrained_minimum(self.ell, self.model.max_rank)

    def dense_hessian(self, theta: np.ndarray) -> np.ndarray | None:
        """∇²Φ(θ) (P, P) block by block from Kronecker products under the squared loss
        (:func:`spurious.linalg.chain_hessian_squared`); None for other losses (no closed form)."""
        if not isinstance(self.ell, SquaredFromStats):
            return None
        F = [np.asarray(f) for f in self.model.factors(theta)]
        return chain_hessian_squared(F, self.ell.stats.XXt, self.ell.gradient(prefix_products(F)[-1]),
                                     self.ell.factor)

    def descent_direction(self, theta: np.ndarray) -> np.ndarray | None:
        """A unit Δ along which Φ may drop at higher order: the rank-one chain (None when ∇ℓ = 0).

        Δ₁ = x₁bᵀ, Δ_j = x_j y_{j−1}ᵀ, Δ_N = ± a y_{N−1}ᵀ with x_j ∈ ker F_{j+1}, y_j ∈ ker F_jᵀ.
        Then every term of (F_N + tΔ_N)⋯(F₁ + tΔ₁) − F_N⋯F₁ below order N vanishes and the
        order-N term is (Π_j y_jᵀx_j) a bᵀ; with (a, b) the top singular pair of −∇ℓ and the sign
        chosen, Φ drops like −t^N σ₁(∇ℓ) Π|y_jᵀx_j| (the origin of a depth-N net, Optimization 1 notes Prop 6.12,
        and rank-deficient critical points whose unused hidden units line up).
        """
        F = [np.asarray(W) for W in self.model.factors(theta)]
        G = self.ell.gradient(prefix_products(F)[-1])
        if not np.any(G):
            return None
        U, _, Vt = np.linalg.svd(-G)
        a, b = U[:, 0], Vt[0]
        N = len(F)
        xs, ys = [], []
        for j in range(N - 1):  # hidden layer j+1 sits between F[j] (into it) and F[j+1] (out of it)
            Nx, Ny = _null_basis(F[j + 1], "right"), _null_basis(F[j], "left")
            Um, _, Vm = np.linalg.svd(Ny.T @ Nx)
            xs.append(Nx @ Vm[0])
            ys.append(Ny @ Um[:, 0])
        sign = 1.0
        if N >= 2:
            coupling = np.prod([y @ x for x, y in zip(xs, ys, strict=True)])
            sign = 1.0 if coupling >= 0 else -1.0
        blocks = []
        for j in range(N):
            left = sign * a if j == N - 1 else xs[j]
            right = b if j == 0 else ys[j - 1]
            blocks.append(np.outer(left, right))
        d = self.layout.flatten(blocks)
        return d / np.linalg.norm(d)


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


def rank_constrained_minimum(ell: EndToEndLoss, max_rank: int) -> MinValue | None:
    """min ℓ(W) over rank(W) ≤ max_rank: closed form (Eckart–Young) where ℓ has one; the convex
    minimum when the rank constraint does not bind; otherwise unknown (None)."""
    exact = ell.min_value(max_rank)
    if exact is not None:
        return MinValue(exact, f"closed form (Eckart–Young, rank ≤ {max_rank})")
    if max_rank >= min(ell.d_in, ell.d_out):
        return convex_minimum(ell)
    return None
