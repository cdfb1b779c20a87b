"""The objective of a chain model: Φ(θ) = ℓ(F_N(θ)⋯F_1(θ)), derivatives per `004_…` §6.2.5.

A *chain model* (deep linear net, linear ResNet) maps its blocks to factors F_j whose product
is the end-to-end matrix. :class:`ChainModel` gives such a model its ``bind(loss, data)``;
:class:`ChainObjective` evaluates

    ∇_{W_j}Φ = F_{j+1:N}ᵀ ∇ℓ(F_{1:N}) F_{1:j−1}ᵀ

and the Hessian–vector product in closed form (:func:`~spurious.models.base.chain_hvp`).
"""

from __future__ import annotations

import numpy as np

from ..data import Dataset, Population
from ..losses import EndToEndLoss, Loss
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
    """Φ(θ) = ℓ(F_N(θ)⋯F_1(θ)) for a chain model; derivatives per `004_…` §6.2.5."""

    def __init__(self, model: ChainModel, ell: EndToEndLoss):
        self.layout = model
        self.model = model
        self.ell = ell

    def end_to_end(self, theta: np.ndarray) -> np.ndarray:
        return prefix_products(self.model.factors(theta))[-1]

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


def rank_constrained_minimum(ell: EndToEndLoss, max_rank: int) -> MinValue | None:
    """min ℓ(W) over rank(W) ≤ max_rank: closed form (Eckart–Young) where ℓ has one; the convex
    minimum when the rank constraint does not bind; otherwise unknown (None)."""
    exact = ell.min_value(max_rank)
    if exact is not None:
        return MinValue(exact, f"closed form (Eckart–Young, rank ≤ {max_rank})")
    if max_rank >= min(ell.d_in, ell.d_out):
        return convex_minimum(ell)
    return None
