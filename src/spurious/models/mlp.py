"""Multilayer perceptrons with exact derivatives: backpropagation and the R-operator.

``MLP(widths, activation, bias=True)`` computes, for inputs X (d₀×m, samples as columns),

    a₀ = X,   s_ℓ = W_ℓ a_{ℓ−1} + b_ℓ 1ᵀ,   a_ℓ = σ(s_ℓ) (ℓ < N),   Z = s_N (linear output),

with W_ℓ ∈ ℝ^{d_ℓ×d_{ℓ−1}} and b_ℓ ∈ ℝ^{d_ℓ×1}. The loss is Φ(θ) = L(Z; Y) for a
:class:`~spurious.losses.Loss` (its ``output_*`` functions).

Gradient: the backpropagation recursion of the Kawaguchi slides ("Backpropagation"), in matrix form

    δ_N = ∂L/∂Z,   ∂Φ/∂W_ℓ = δ_ℓ a_{ℓ−1}ᵀ,   ∂Φ/∂b_ℓ = δ_ℓ 1,   δ_{ℓ−1} = (W_ℓᵀ δ_ℓ) ⊙ σ'(s_{ℓ−1}).

Hessian–vector product: Pearlmutter's R-operator R{·} = d/dt (·)(θ + tV)|₀ applied to the
forward and backward passes (forward over reverse):

    R{s_ℓ} = V_ℓ a_{ℓ−1} + W_ℓ R{a_{ℓ−1}} + v_ℓ 1ᵀ,   R{a_ℓ} = σ'(s_ℓ) ⊙ R{s_ℓ},
    R{δ_N} = ∇²L(Z)[R{Z}],
    R{δ_{ℓ−1}} = (V_ℓᵀ δ_ℓ + W_ℓᵀ R{δ_ℓ}) ⊙ σ'(s_{ℓ−1}) + (W_ℓᵀ δ_ℓ) ⊙ σ''(s_{ℓ−1}) ⊙ R{s_{ℓ−1}},
    R{∂Φ/∂W_ℓ} = R{δ_ℓ} a_{ℓ−1}ᵀ + δ_ℓ R{a_{ℓ−1}}ᵀ,   R{∂Φ/∂b_ℓ} = R{δ_ℓ} 1.

ReLU is not differentiable where a pre-activation is 0; there σ'(0) := 0, σ''(0) := 0 (the
derivatives are those of the linear piece on the side s < 0), and ``on_kink`` says when a
point sits within ``tol`` of that set, so a classifier can refuse to certify there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ..data import Dataset
from ..errors import InputError
from .base import Blocks, LayeredNetwork
from .deep_linear import check_widths

Array = np.ndarray


@dataclass(frozen=True)
class Activation:
    """σ with its first two derivatives (elementwise), and whether it is smooth everywhere."""

    name: str
    f: Callable[[Array], Array]
    df: Callable[[Array], Array]
    d2f: Callable[[Array], Array]
    smooth: bool = True


def _sigmoid_d2(s: Array) -> Array:
    p = expit(s)
    return p * (1 - p) * (1 - 2 * p)


ACTIVATIONS: dict[str, Activation] = {
    "identity": Activation("identity", lambda s: s, np.ones_like, np.zeros_like),
    "sigmoid": Activation("sigmoid", expit, lambda s: expit(s) * expit(-s), _sigmoid_d2),
    "tanh": Activation("tanh", np.tanh, lambda s: 1 - np.tanh(s) ** 2,
                       lambda s: -2 * np.tanh(s) * (1 - np.tanh(s) ** 2)),
    "relu": Activation("relu", lambda s: np.maximum(s, 0.0), lambda s: (s > 0).astype(float),
                       np.zeros_like, smooth=False),
    "softplus": Activation("softplus", lambda s: np.logaddexp(0.0, s), expit,
                           lambda s: expit(s) * expit(-s)),
}


def get_activation(name: str | Activation) -> Activation:
    """The activation called ``name``; InputError listing the valid names otherwise."""
    if isinstance(name, Activation):
        return name
    key = str(name).strip().lower()
    if key not in ACTIVATIONS:
        raise InputError("activation", f"unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[key]


@dataclass
class ForwardCache:
    """Pre-activations s_ℓ and activations a_ℓ of one forward pass (a₀ = X)."""

    weights: list[Array]
    biases: list[Array | None]
    s: list[Array]
    a: list[Array]

    @property
    def output(self) -> Array:
        return self.s[-1]


class MLP(LayeredNetwork):
    """A fully connected network with hidden activation σ and a linear output layer.

    Blocks, in order: W₁, b₁, W₂, b₂, …, W_N, b_N (biases omitted when ``bias=False``).
    """

    kind = "mlp"

    def __init__(self, widths: Sequence[int], activation: str | Activation = "tanh", bias: bool = True):
        self.widths = check_widths(widths)
        self.activation = get_activation(activation)
        self.bias = bool(bias)
        shapes: list[tuple[int, int]] = []
        for j in range(len(self.widths) - 1):
            shapes.append((self.widths[j + 1], self.widths[j]))
            if self.bias:
                shapes.append((self.widths[j + 1], 1))
        super().__init__(shapes)

    def __repr__(self) -> str:
        return f"MLP(widths={self.widths}, activation={self.activation.name!r}, bias={self.bias})"

    # ---- parameters -------------------------------------------------------------------
    def split(self, blocks: Blocks) -> tuple[list[Array], list[Array | None]]:
        """(weights, biases) from the block list (biases None without bias)."""
        if self.bias:
            return list(blocks[0::2]), list(blocks[1::2])
        return list(blocks), [None] * len(blocks)

    def join(self, weights: Sequence[Array], biases: Sequence[Array | None] | None = None) -> Array:
        """Flat vector from weights (and biases) in layer order."""
        if not self.bias:
            return self.flatten(list(weights))
        biases = biases if biases is not None else [np.zeros((w.shape[-2], 1)) for w in weights]
        return self.flatten([x for pair in zip(weights, biases, strict=True) for x in pair])

    def random_point(self, seed: int = 0, scale: float | None = None) -> Array:
        """Gaussian weights N(0, 1/d_{ℓ−1}) (or scale²), biases N(0, 0.1²)."""
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for j in range(self.depth):
            s = 1.0 / np.sqrt(self.widths[j]) if scale is None else scale
            weights.append(s * rng.standard_normal((self.widths[j + 1], self.widths[j])))
            biases.append(0.1 * rng.standard_normal((self.widths[j + 1], 1)))
        return self.join(weights, biases if self.bias else None)

    def zeros(self) -> Array:
        return np.zeros(self.n_params)

    def permute_hidden(self, theta: Array, layer: int, perm: Sequence[int]) -> Array:
        """The point with hidden layer ``layer`` (1…N−1) permuted: (P W_ℓ, P b_ℓ, W_{ℓ+1} Pᵀ).

        The network computes the same function there (Optimization 1 notes Prop 6.1's symmetry).
        """
        if not 1 <= int(layer) <= self.depth - 1:
            raise InputError("layer", f"expected a hidden layer 1..{self.depth - 1}, got {layer}")
        perm = np.asarray(perm, dtype=int)
        width = self.widths[int(layer)]
        if sorted(perm.tolist()) != list(range(width)):
            raise InputError("perm", f"expected a permutation of 0..{width - 1}, got {perm.tolist()}")
        weights, biases = self.split([b.copy() for b in self.unflatten(np.asarray(theta, dtype=float))])
        j = int(layer) - 1
        weights[j] = weights[j][perm]
        if biases[j] is not None:
            biases[j] = biases[j][perm]
        weights[j + 1] = weights[j + 1][:, perm]
        return self.join(weights, biases if self.bias else None)

    # ---- passes -------------------------------------------------------------------------
    def forward(self, theta: Array, X: Array) -> ForwardCache:
        """Forward pass storing s_ℓ and a_ℓ (θ of shape (P,))."""
        weights, biases = self.split(self.unflatten(theta))
        s, a = [], [X]
        for j, (W, b) in enumerate(zip(weights, biases, strict=True)):
            sj = W @ a[-1] if b is None else W @ a[-1] + b
            s.append(sj)
            a.append(self.activation.f(sj) if j < self.depth - 1 else sj)
        return ForwardCache(weights, biases, s, a)

    def outputs(self, theta: Array, X: Array) -> Array:
        """Z = f(X; θ) (d_N×m)."""
        return self.forward(theta, X).output

    def backward(self, cache: ForwardCache, delta: Array) -> Array:
        """Jᵀδ: the backpropagation recursion from δ_N = ``delta`` (d_N×m); returns (P,)."""
        grads: list[Array] = []
        sigma = self.activation
        for j in range(self.depth - 1, -1, -1):
            gb = delta.sum(axis=-1, keepdims=True)
            grads.append(gb if self.bias else None)
            grads.append(delta @ cache.a[j].T)
            if j > 0:
                delta = (cache.weights[j].T @ delta) * sigma.df(cache.s[j - 1])
        ordered = [g for g in grads[::-1] if g is not None]
        return self.flatten(ordered)

    def tangent(self, cache: ForwardCache, V: Array) -> tuple[list[Array], list[Array]]:
        """Forward R-pass: (R{s_ℓ}, R{a_ℓ}) for directions V (..., P); R{a₀} = 0."""
        dW, db = self.split(self.unflatten(V))
        sigma = self.activation
        Rs: list[Array] = []
        Ra: list[Array] = [np.zeros(())]
        for j in range(self.depth):
            r = dW[j] @ cache.a[j]
            if j > 0:
                r = r + cache.weights[j] @ Ra[j]
            if db[j] is not None:
                r = r + db[j]
            Rs.append(r)
            Ra.append(sigma.df(cache.s[j]) * r if j < self.depth - 1 else r)
        return Rs, Ra

    def second_order(self, cache: ForwardCache, V: Array, delta: Array,
                     R_delta: Callable[[Array], Array]) -> Array:
        """R{Jᵀδ} along V: ``R_delta(R{Z})`` gives R{δ_N}; returns (..., P)."""
        dW, db = self.split(self.unflatten(V))
        Rs, Ra = self.tangent(cache, V)
        sigma = self.activation
        Rd = R_delta(Rs[-1])
        out: list[Array] = []
        for j in range(self.depth - 1, -1, -1):
            gW = Rd @ cache.a[j].T
            if j > 0:
                gW = gW + delta @ np.swapaxes(Ra[j], -1, -2)
            if self.bias:
                out.append(Rd.sum(axis=-1, keepdims=True))
            out.append(gW)
            if j > 0:
                back = cache.weights[j].T @ delta
                s_prev = cache.s[j - 1]
                Rd = ((np.swapaxes(dW[j], -1, -2) @ delta + cache.weights[j].T @ Rd) * sigma.df(s_prev)
                      + back * sigma.d2f(s_prev) * Rs[j - 1])
                delta = back * sigma.df(s_prev)
        lead = V.shape[:-1]
        return self.flatten([np.broadcast_to(b, (*lead, *b.shape[-2:])) for b in out[::-1]])

    def pre_activation_gap(self, theta: Array, X: Array) -> float:
        """min |s_ℓ| over hidden units and samples (inf for a network without hidden layer)."""
        cache = self.forward(np.asarray(theta, dtype=float), X)
        hidden = cache.s[:-1]
        return float(min(np.abs(s).min() for s in hidden)) if hidden else float("inf")

    def on_kink(self, theta: Array, data: Dataset | Array, tol: float = 1e-10) -> bool:
        """Whether a ReLU pre-activation lies within ``tol`` of 0 (a non-differentiable point).

        Always False for smooth activations.
        """
        if self.activation.smooth:
            return False
        X = data.X if isinstance(data, Dataset) else np.asarray(data, dtype=float)
        return self.pre_activation_gap(theta, X) <= tol

    def bind(self, loss, data: Dataset) -> MLPObjective:
        if not isinstance(data, Dataset):
            raise InputError("data", f"an MLP needs samples (a Dataset), got {type(data).__name__}")
        if data.d_in != self.d_in:
            raise InputError("data", f"X has {data.d_in} rows but the MLP's input width is {self.d_in}")
        if data.d_out != self.d_out:
            raise InputError("data", f"Y has {data.d_out} rows but the MLP's output width is {self.d_out}")
        loss.check_targets(data.Y)
        return MLPObjective(self, loss, data)


class MLPObjective:
    """Φ(θ) = s·L(f(X; θ); Y) (s = 1/m for a mean loss); backprop gradient, R-operator HVP."""

    def __init__(self, model: MLP, loss, data: Dataset):
        self.model = model
        self.layout = model
        self.loss = loss
        self.data = data
        self.scale = loss.sample_scale(data.m, data.d_out)

    def value(self, theta: Array) -> float:
        Z = self.model.outputs(theta, self.data.X)
        return self.scale * self.loss.output_value(Z, self.data.Y)

    def value_and_gradient(self, theta: Array) -> tuple[float, Array]:
        cache = self.model.forward(theta, self.data.X)
        Z, Y = cache.output, self.data.Y
        delta = self.scale * self.loss.output_gradient(Z, Y)
        return self.scale * self.loss.output_value(Z, Y), self.model.backward(cache, delta)

    def hvp(self, theta: Array, V: Array) -> Array:
        cache = self.model.forward(theta, self.data.X)
        Z, Y = cache.output, self.data.Y
        delta = self.scale * self.loss.output_gradient(Z, Y)
        return self.model.second_order(
            cache, V, delta, lambda RZ: self.scale * self.loss.output_hess_action(Z, Y, RZ))

    def on_kink(self, theta: Array, tol: float = 1e-10) -> bool:
        return self.model.on_kink(theta, self.data, tol)

    def symmetry_dimension(self, theta: Array) -> int:
        """Generic dimension of the continuous symmetry orbit through θ (for classifiers).

        identity: Σ_hidden d_ℓ² (GL(d_ℓ) per hidden layer); ReLU: Σ_hidden d_ℓ (positive
        rescaling per unit); sigmoid, tanh, softplus: 0 (only discrete symmetries:
        permutations, and sign flips for tanh).
        """
        hidden = self.model.widths[1:-1]
        name = self.model.activation.name
        if name == "identity":
            return int(sum(d * d for d in hidden))
        if name == "relu":
            return int(sum(hidden))
        return 0

    def min_value(self):
        return None
