"""Multi-tower linear networks: x ↦ Σ_i W^{(i)}_{N_i}⋯W^{(i)}_1 x (depth paper, Cor 2).

Each tower i is a deep linear network with its own widths (d₀, …, d_N) sharing d₀ and d_N.
The end-to-end matrix is the sum of the tower products, so with G = ∇ℓ(W) the gradient of
Φ is each tower's chain pull-back of the *same* G (Optimization 1 notes §6.2.5 per tower), and the HVP is
each tower's chain HVP with the *total* tangent dW = Σ_i dW^{(i)} fed to ∇²ℓ.

The largest rank is min(Σ_i p_i, d₀, d_N), p_i the narrowest width of tower i; the two-layer
reduction (Cor 2) stacks the towers' super-layers: A = [A₁ ⋯ A_T], B = [B₁; ⋯; B_T].
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import InputError
from ..objective import MinValue, check_io
from .base import ParameterLayout, chain_hvp, chain_pullback, prefix_products, suffix_products
from .chain import rank_constrained_minimum
from .deep_linear import DeepLinear, check_widths


def chain_tangent(F: Sequence[np.ndarray], D: Sequence[np.ndarray]) -> np.ndarray:
    """d(F_N⋯F₁)[D] = Σ_j S_{j+1} D_j P_{j−1} (D may carry leading batch axes)."""
    P = prefix_products(F)
    S = suffix_products(F)
    total = 0.0
    for j, Dj in enumerate(D):
        term = Dj if P[j] is None else Dj @ P[j]
        total = total + (term if S[j + 1] is None else S[j + 1] @ term)
    return total


def narrowest_layer(widths: Sequence[int]) -> int:
    """k ∈ {1, …, N−1} with d_k minimal (the first such), or 1 for N = 1 (depth paper Thm 1)."""
    hidden = list(widths[1:-1])
    return 1 + int(np.argmin(hidden)) if hidden else 1


class MultiTower(ParameterLayout):
    """A sum of deep linear towers; points are flat vectors (tower 1's blocks first, …)."""

    kind = "multi-tower"

    def __init__(self, towers: Sequence[Sequence[int]]):
        if isinstance(towers, str | bytes) or len(towers) < 1:
            raise InputError("towers", "expected a non-empty list of widths tuples")
        self.towers = [DeepLinear(check_widths(w, f"towers[{i}]")) for i, w in enumerate(towers)]
        d_in = {t.d_in for t in self.towers}
        d_out = {t.d_out for t in self.towers}
        if len(d_in) != 1 or len(d_out) != 1:
            raise InputError("towers", f"every tower needs the same d0 and dN, got d0 in {sorted(d_in)}, "
                             f"dN in {sorted(d_out)}")
        super().__init__([s for t in self.towers for s in t.shapes])
        self._slices = np.cumsum([0] + [t.n_params for t in self.towers])

    def __repr__(self) -> str:
        return f"MultiTower(towers={[t.widths for t in self.towers]})"

    @property
    def d_in(self) -> int:
        return self.towers[0].d_in

    @property
    def d_out(self) -> int:
        return self.towers[0].d_out

    @property
    def bottleneck(self) -> int:
        """Σ_i p_i (p_i the narrowest width of tower i, depth paper Cor 2)."""
        return int(sum(t.p for t in self.towers))

    @property
    def max_rank(self) -> int:
        return min(self.bottleneck, self.d_in, self.d_out)

    def tower_points(self, theta: np.ndarray) -> list[np.ndarray]:
        """The flat sub-vectors of each tower (views)."""
        return [theta[..., self._slices[i]:self._slices[i + 1]] for i in range(len(self.towers))]

    def end_to_end(self, theta: np.ndarray) -> np.ndarray:
        """Σ_i W^{(i)}_{N_i}⋯W^{(i)}_1 (d_N×d₀)."""
        return sum(t.end_to_end(th) for t, th in zip(self.towers, self.tower_points(theta), strict=True))

    def random_point(self, seed: int = 0, scale: float | None = None) -> np.ndarray:
        return np.concatenate([t.random_point(seed + 7919 * i, scale) for i, t in enumerate(self.towers)])

    def reduction(self) -> DeepLinear:
        """The two-layer network (d₀, Σ p_i, d_N) of Cor 2."""
        return DeepLinear((self.d_in, self.bottleneck, self.d_out))

    def to_two_layer(self, theta: np.ndarray) -> np.ndarray:
        """The point (B, A) of the reduction: B stacks W^{(i)}_{k_i:1}, A concatenates W^{(i)}_{N:k_i+1}."""
        As, Bs = [], []
        for t, th in zip(self.towers, self.tower_points(np.asarray(theta, dtype=float)), strict=True):
            k = narrowest_layer(t.widths)
            Bs.append(t.product(th, 1, k))
            As.append(t.product(th, k + 1, t.depth))
        return self.reduction().flatten([np.vstack(Bs), np.hstack(As)])

    def bind(self, loss, data) -> TowerObjective:
        check_io(self, data)
        return TowerObjective(self, loss.on(data))


class TowerObjective:
    """Φ(θ) = ℓ(Σ_i F^{(i)}_{1:N_i}); gradient and HVP per tower with a shared ∇ℓ, ∇²ℓ."""

    def __init__(self, model: MultiTower, ell):
        self.model = model
        self.layout = model
        self.ell = ell

    def end_to_end(self, theta: np.ndarray) -> np.ndarray:
        return self.model.end_to_end(theta)

    def end_to_end_loss(self):
        """ℓ, the loss as a function of the summed end-to-end matrix W: Φ(θ) = ℓ(W(θ))."""
        return self.ell

    def value(self, theta: np.ndarray) -> float:
        return self.ell.value(self.end_to_end(theta))

    def value_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        W = self.end_to_end(theta)
        G = self.ell.gradient(W)
        parts = [t.flatten(chain_pullback(t.factors(th), G))
                 for t, th in zip(self.model.towers, self.model.tower_points(theta), strict=True)]
        return self.ell.value(W), np.concatenate(parts)

    def hvp(self, theta: np.ndarray, V: np.ndarray) -> np.ndarray:
        W = self.end_to_end(theta)
        G = self.ell.gradient(W)
        towers = self.model.towers
        F = [t.factors(th) for t, th in zip(towers, self.model.tower_points(theta), strict=True)]
        D = [t.unflatten(v) for t, v in zip(towers, self.model.tower_points(V), strict=True)]
        dW = sum(chain_tangent(Fi, Di) for Fi, Di in zip(F, D, strict=True))
        dG = self.ell.hess_action(W, dW)
        parts = [t.flatten(chain_hvp(Fi, Di, G, lambda _tangent, dG=dG: dG))
                 for t, Fi, Di in zip(towers, F, D, strict=True)]
        return np.concatenate(parts, axis=-1)

    def min_value(self) -> MinValue | None:
        return rank_constrained_minimum(self.ell, self.model.max_rank)
