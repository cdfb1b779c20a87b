"""Parameter layouts and the chain rule shared by every product-of-matrices model.

A *layout* is the list of parameter blocks (matrices) of a model; a point is either that
list or one flat vector (the blocks' row-major entries, concatenated). Conversions go both
ways; ``unflatten`` returns views into the vector (no copy). Leading batch axes are
allowed: a ``(k, P)`` array is ``k`` points.

A *chain model* maps its blocks to factors F₁,…,F_N (F_j ∈ ℝ^{d_j×d_{j−1}}) whose
product F_N⋯F₁ is the end-to-end matrix, with dF_j = dW_j. Its objective
Φ(θ) = ℓ(F_N⋯F₁) has, following Optimization 1 notes §6.2.5 (with F in place of W):

    ∇_{W_j}Φ = F_{j+1:N}ᵀ ∇ℓ(F_{1:N}) F_{1:j−1}ᵀ,

and the Hessian–vector product is the derivative of that along Δ (forward over
reverse, in closed form): with prefix products P_k = F_{1:k}, suffixes S_k = F_{k:N}
and their derivatives dP_k = F_k dP_{k−1} + Δ_k P_{k−1}, dS_k = dS_{k+1} F_k + S_{k+1} Δ_k,

    (∇²Φ Δ)_j = dS_{j+1}ᵀ G P_{j−1}ᵀ + S_{j+1}ᵀ ∇²ℓ[dP_N] P_{j−1}ᵀ + S_{j+1}ᵀ G dP_{j−1}ᵀ,

with G = ∇ℓ(F_{1:N}). This is the bilinear form of §6.2.5: the Gauss–Newton term
∇²ℓ[Σ_j W_{j+1:N}Δ_jW_{1:j−1}, ·] plus the cross terms 2⟨∇ℓ, Σ_{j<j'} …⟩.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import InputError, as_float_array, require_finite

Blocks = list[np.ndarray]


def T(A: np.ndarray) -> np.ndarray:
    """Transpose of the last two axes (batch axes untouched)."""
    return np.swapaxes(A, -1, -2)


def lmul(A: np.ndarray | None, B: np.ndarray | None) -> np.ndarray | None:
    """A @ B where ``None`` stands for an identity of the right size."""
    if A is None:
        return B
    if B is None:
        return A
    return A @ B


class ParameterLayout:
    """Shapes of the parameter blocks, with flat ⇄ blocks conversions."""

    def __init__(self, shapes: Sequence[tuple[int, int]]):
        self.shapes: tuple[tuple[int, int], ...] = tuple((int(a), int(b)) for a, b in shapes)
        sizes = [a * b for a, b in self.shapes]
        self.offsets: tuple[int, ...] = tuple(np.concatenate([[0], np.cumsum(sizes)]).astype(int))
        self.n_params: int = int(self.offsets[-1])

    def unflatten(self, theta: np.ndarray) -> Blocks:
        """Views of the flat vector(s) ``theta`` (..., P) as blocks (..., d_j, d_{j−1})."""
        lead = theta.shape[:-1]
        return [
            theta[..., self.offsets[j] : self.offsets[j + 1]].reshape(*lead, *shape)
            for j, shape in enumerate(self.shapes)
        ]

    def flatten(self, blocks: Sequence[np.ndarray]) -> np.ndarray:
        """One flat vector (..., P) from blocks (row-major, concatenated in order)."""
        lead = np.shape(blocks[0])[:-2]
        return np.concatenate([np.reshape(b, (*lead, -1)) for b in blocks], axis=-1)

    def as_vector(self, point: object, argument: str = "point") -> np.ndarray:
        """Validate a point given as a flat vector (P,) or a list of blocks; return (P,)."""
        if isinstance(point, list | tuple):
            if len(point) != len(self.shapes):
                raise InputError(argument, f"expected {len(self.shapes)} matrices, got {len(point)}")
            blocks = []
            for j, (block, shape) in enumerate(zip(point, self.shapes, strict=True)):
                b = as_float_array(block, f"{argument}[{j}]", ndim=2)
                if b.shape != shape:
                    raise InputError(f"{argument}[{j}]", f"expected shape {shape}, got {b.shape}")
                blocks.append(b)
            return self.flatten(blocks)
        vec = as_float_array(point, argument)
        if vec.shape != (self.n_params,):
            raise InputError(
                argument, f"expected a flat vector of {self.n_params} parameters, got shape {vec.shape}"
            )
        return vec

    def as_directions(self, V: object, argument: str = "v") -> np.ndarray:
        """Validate direction(s): (P,) or (k, P); finite."""
        arr = np.asarray(V, dtype=np.float64)
        if arr.ndim not in (1, 2) or arr.shape[-1] != self.n_params:
            raise InputError(argument, f"expected shape ({self.n_params},) or (k, {self.n_params}), got {arr.shape}")
        require_finite(arr, argument)
        return arr


class LayeredNetwork(ParameterLayout):
    """A layout for a network with widths (d₀, …, d_N): depth N, input d₀, output d_N."""

    widths: tuple[int, ...]

    @property
    def depth(self) -> int:
        return len(self.widths) - 1

    @property
    def d_in(self) -> int:
        return self.widths[0]

    @property
    def d_out(self) -> int:
        return self.widths[-1]


def prefix_products(F: Sequence[np.ndarray]) -> list[np.ndarray | None]:
    """[P_0, …, P_N] with P_k = F_k⋯F_1 (P_0 = None: identity)."""
    out: list[np.ndarray | None] = [None]
    for Fk in F:
        out.append(lmul(Fk, out[-1]))
    return out


def suffix_products(F: Sequence[np.ndarray]) -> list[np.ndarray | None]:
    """[S_1, …, S_{N+1}] at indices 0…N with S_k = F_N⋯F_k (S_{N+1} = None: identity)."""
    out: list[np.ndarray | None] = [None]
    for Fk in reversed(F):
        out.append(lmul(out[-1], Fk))
    return out[::-1]


def chain_pullback(F: Sequence[np.ndarray], G: np.ndarray) -> Blocks:
    """Blocks of ∇Φ: S_{j+1}ᵀ G P_{j−1}ᵀ for j = 1…N (Optimization 1 notes §6.2.5, gradient)."""
    P = prefix_products(F)
    S = suffix_products(F)
    grads = []
    for j in range(len(F)):
        left = G if S[j + 1] is None else T(S[j + 1]) @ G
        grads.append(left if P[j] is None else left @ T(P[j]))
    return grads


def chain_hvp(
    F: Sequence[np.ndarray], D: Sequence[np.ndarray], G: np.ndarray, hess_action
) -> Blocks:
    """Blocks of ∇²Φ[Δ] for factors F, directions D (dF_j = D_j), G = ∇ℓ(F_{1:N}).

    ``hess_action(dW)`` returns ∇²ℓ(F_{1:N})[dW]. D may carry leading batch axes.
    """
    N = len(F)
    P = prefix_products(F)
    S = suffix_products(F)
    dP: list[np.ndarray | int] = [0]
    for k in range(N):
        term = D[k] if P[k] is None else D[k] @ P[k]
        dP.append(term if isinstance(dP[k], int) else F[k] @ dP[k] + term)
    dS: list[np.ndarray | int] = [0] * (N + 1)
    for k in range(N - 1, 0, -1):  # dS[0] is never used below
        term = D[k] if S[k + 1] is None else S[k + 1] @ D[k]
        dS[k] = term if isinstance(dS[k + 1], int) else dS[k + 1] @ F[k] + term
    dG = hess_action(dP[N])
    out = []
    for j in range(N):
        Pj, Sj = P[j], S[j + 1]
        Sj_T = None if Sj is None else T(Sj)
        acc = lmul(lmul(Sj_T, dG), None if Pj is None else T(Pj))
        if not isinstance(dS[j + 1], int):
            acc = acc + lmul(T(dS[j + 1]) @ G, None if Pj is None else T(Pj))
        if not isinstance(dP[j], int):
            acc = acc + lmul(Sj_T, G) @ T(dP[j])
        out.append(acc)
    return out
