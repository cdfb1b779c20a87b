"""Deep linear networks x ↦ W_N⋯W_1 x (Optimization 1 notes §6.2.4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..data import Dataset, Population
from ..errors import InputError
from ..losses import Loss, SquaredFromStats
from ..objective import check_io
from ..tolerances import EPS
from .base import Blocks, LayeredNetwork, lmul, prefix_products
from .chain import ChainModel, ChainObjective

__all__ = ["DeepLinear", "DeepLinearObjective", "LinearNetwork", "check_widths"]


def check_widths(widths: Sequence[int], argument: str = "widths") -> tuple[int, ...]:
    """Validate a widths tuple (d₀, …, d_N): at least two integers, each ≥ 1."""
    try:
        out = tuple(int(w) for w in widths)
    except (TypeError, ValueError):
        raise InputError(argument, f"expected a sequence of integers, got {widths!r}") from None
    if len(out) < 2:
        raise InputError(argument, f"expected at least 2 widths (d0, ..., dN), got {out}")
    if any(isinstance(w, bool) or int(w) != w for w in widths) or min(out) < 1:
        raise InputError(argument, f"every width must be an integer >= 1, got {tuple(widths)}")
    return out


class DeepLinear(LayeredNetwork, ChainModel):
    """A depth-N linear network with widths (d₀, d₁, …, d_N); W_j ∈ ℝ^{d_j×d_{j−1}}.

    Points are flat vectors of length ``n_params`` or lists of N matrices. The
    end-to-end matrix is W_{1:N} = W_N⋯W_1; ``product(θ, j, j')`` is W_{j:j'} =
    W_{j'}⋯W_j, the identity when j > j' (the convention of the Optimization 1 notes §6.2.4).
    """

    kind = "deep-linear"

    def __init__(self, widths: Sequence[int]):
        self.widths = check_widths(widths)
        super().__init__([(self.widths[j + 1], self.widths[j]) for j in range(len(self.widths) - 1)])

    def __repr__(self) -> str:
        return f"DeepLinear(widths={self.widths})"

    @property
    def p(self) -> int:
        """p = min(d₁, …, d_{N−1}), the narrowest hidden width (min(d₀, d_N) if N = 1)."""
        hidden = self.widths[1:-1]
        return min(hidden) if hidden else min(self.d_in, self.d_out)

    @property
    def max_rank(self) -> int:
        """The largest rank the end-to-end matrix can have: min over all widths."""
        return min(self.widths)

    @property
    def has_bottleneck(self) -> bool:
        """p < min(d₀, d_N) (CLAIMS.md notation)."""
        return self.p < min(self.d_in, self.d_out)

    def bind(self, loss: Loss, data: Dataset | Population) -> DeepLinearObjective:
        """The objective Φ(θ) = ℓ(W_N⋯W_1) of this network under ``loss`` on ``data``."""
        check_io(self, data)
        return DeepLinearObjective(self, loss.on(data))

    def factors(self, theta: np.ndarray) -> Blocks:
        """The factors whose product is the end-to-end matrix: here the weights themselves."""
        return self.unflatten(theta)

    def end_to_end(self, theta: np.ndarray) -> np.ndarray:
        """W_{1:N} = W_N⋯W_1 (d_N×d₀)."""
        return prefix_products(self.factors(theta))[-1]

    def product(self, theta: np.ndarray, j: int, j_end: int) -> np.ndarray:
        """W_{j:j'} = W_{j'}⋯W_j (1-based, inclusive); identity of size d_{j−1} if j > j'."""
        N = self.depth
        if not (1 <= j <= N + 1 and 0 <= j_end <= N):
            raise InputError("j", f"expected 1 <= j <= {N + 1} and 0 <= j' <= {N}, got ({j}, {j_end})")
        F = self.factors(theta)
        out = None
        for k in range(j - 1, j_end):
            out = lmul(F[k], out)
        return np.eye(self.widths[j - 1]) if out is None else out

    def random_point(self, seed: int = 0, scale: float | None = None) -> np.ndarray:
        """Gaussian point, entries N(0, scale²) with scale = 1/√d_{j−1} per layer by default."""
        rng = np.random.default_rng(seed)
        blocks = []
        for a, b in self.shapes:
            s = 1.0 / np.sqrt(b) if scale is None else scale
            blocks.append(s * rng.standard_normal((a, b)))
        return self.flatten(blocks)

    def zeros(self) -> np.ndarray:
        return np.zeros(self.n_params)


@dataclass(frozen=True)
class LinearNetwork:
    """A deep linear network under the squared loss: what the closed forms of the Optimization 1 notes §6.2.4
    (Baldi–Hornik critical points, the balanced global minimum) are stated for.

    model : the network (widths d₀, …, d_N).  loss : ℓ(W) = ½‖WX − Y‖² from sufficient
    statistics (W*, C = XXᵀ, its square root, the scale factor).
    """

    model: DeepLinear
    loss: SquaredFromStats


class DeepLinearObjective(ChainObjective):
    """Φ(W_1, …, W_N) = ℓ(W_N⋯W_1): a chain objective that also knows its symmetry orbit and,
    under the squared loss, the closed-form setting of the analytic results."""

    model: DeepLinear

    def linear_network(self) -> LinearNetwork | None:
        """The network and its squared loss (None under any other loss)."""
        return LinearNetwork(self.model, self.ell) if isinstance(self.ell, SquaredFromStats) else None

    def symmetry_dimension(self, theta: np.ndarray) -> int:
        """dim of the orbit {(C₁W₁, C₂W₂C₁⁻¹, …, W_N C_{N−1}⁻¹)} through θ.

        Its tangent space is spanned by (ΔW_j, ΔW_{j+1}) = (E W_j, −W_{j+1} E), E ∈ gl(d_j), for
        every hidden layer j; the dimension is the numerical rank of those Σ_j d_j² vectors
        (= Σ_j d_j² at points where each W_j has full row rank and W_{j+1} full column rank).
        """
        F = [np.asarray(W) for W in self.model.factors(theta)]
        tangents = []
        for j in range(len(F) - 1):
            d = F[j].shape[0]
            for a in range(d):
                for c in range(d):
                    blocks = [np.zeros_like(W) for W in F]
                    blocks[j][a, :] = F[j][c, :]          # E W_j with E = e_a e_cᵀ
                    blocks[j + 1][:, c] = -F[j + 1][:, a]  # −W_{j+1} E
                    tangents.append(self.layout.flatten(blocks))
        if not tangents:
            return 0
        T = np.asarray(tangents)
        s = np.linalg.svd(T, compute_uv=False)
        return int(np.sum(s > max(T.shape) * EPS * 1e3 * max(s[0], 1e-300))) if s[0] > 0 else 0
