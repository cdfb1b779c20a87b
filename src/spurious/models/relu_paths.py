"""The ReLU path decomposition and the Bernoulli-activation model (Kawaguchi slides, Kawaguchi 2016 §3).

A bias-free ReLU network Ŷ = q W_{H+1} σ(W_H ⋯ σ(W₁ X)) (linear output) has the path form

    Ŷ = q Σ_{i=1}^{d_x} Σ_{paths j from input i} X_{i} A_{i,j} Π_k W^{(k)}_{i,j},

a path being a choice of one unit per hidden layer (and the output unit), Π_k W the product
of the weights along it and A_{i,j} ∈ {0, 1} the product of the indicators that its hidden
units are active on the sample. Under the slides' "critical simplification" (A_{i,j}
independent Bernoulli(ρ)), E[Ŷ] = ρ q W_{H+1}⋯W₁ X: the output of a linear network.

Tensors are indexed (output o, hidden units j_H, …, j_1, input i): exponential in the depth,
for small networks only (that is the point of the decomposition, not its efficiency).
"""

from __future__ import annotations

from collections.abc import Sequence
from string import ascii_letters

import numpy as np

from ..errors import InputError

MAX_PATHS = 2_000_000


def _check(weights: Sequence[np.ndarray]) -> list[np.ndarray]:
    Ws = [np.asarray(W, dtype=np.float64) for W in weights]
    if len(Ws) < 1 or any(W.ndim != 2 for W in Ws):
        raise InputError("weights", "expected a non-empty list of matrices W_1, …, W_{H+1}")
    for k in range(1, len(Ws)):
        if Ws[k].shape[1] != Ws[k - 1].shape[0]:
            raise InputError("weights", f"W_{k + 1} has {Ws[k].shape[1]} columns, W_{k} has {Ws[k - 1].shape[0]} rows")
    n_paths = int(np.prod([Ws[0].shape[1]] + [W.shape[0] for W in Ws]))
    if n_paths > MAX_PATHS:
        raise InputError("weights", f"{n_paths} paths; the path tensor is for small networks (≤ {MAX_PATHS})")
    return Ws


def relu_forward(weights: Sequence[np.ndarray], X: np.ndarray, q: float = 1.0) -> np.ndarray:
    """q W_{H+1} σ(W_H ⋯ σ(W₁ X)) (bias-free, ReLU hidden layers, linear output)."""
    Ws = _check(weights)
    a = np.asarray(X, dtype=np.float64)
    for W in Ws[:-1]:
        a = np.maximum(W @ a, 0.0)
    return q * (Ws[-1] @ a)


def path_weights(weights: Sequence[np.ndarray]) -> np.ndarray:
    """Π_k W^{(k)} along every path: tensor (d_out, d_H, …, d_1, d_x)."""
    Ws = _check(weights)
    n = len(Ws)
    letters = ascii_letters[: n + 1]   # letters[k] indexes layer k's units (0 = input)
    spec = ",".join(f"{letters[k + 1]}{letters[k]}" for k in range(n)) + "->" + letters[::-1]
    return np.einsum(spec, *Ws)


def path_activations(weights: Sequence[np.ndarray], X: np.ndarray) -> np.ndarray:
    """A: 1 where every hidden unit on the path is active on the sample; (m, 1, d_H, …, d_1, 1)."""
    Ws = _check(weights)
    a = np.asarray(X, dtype=np.float64)
    m = a.shape[1]
    H = len(Ws) - 1
    A = np.ones((m,) + (1,) * (H + 2))
    for k in range(H):
        s = Ws[k] @ a
        a = np.maximum(s, 0.0)
        shape = [m] + [1] * (H + 2)
        shape[1 + H - k] = s.shape[0]   # axis of hidden layer k+1 in (m, o, j_H, …, j_1, i)
        A = A * (s.T > 0).reshape(shape)
    return A


def path_sum(weights: Sequence[np.ndarray], X: np.ndarray, q: float = 1.0,
             activations: np.ndarray | None = None) -> np.ndarray:
    """q Σ_i Σ_j X_i A_{i,j} Π_k W_{i,j} for every sample: (d_out, m).

    ``activations`` replaces the ReLU indicators A (shape broadcastable to
    (m, d_out, d_H, …, d_1, d_x)), e.g. by Bernoulli masks.
    """
    Ws = _check(weights)
    X = np.asarray(X, dtype=np.float64)
    Pw = path_weights(Ws)
    A = path_activations(Ws, X) if activations is None else activations
    m, dx = X.shape[1], X.shape[0]
    XA = A * X.T.reshape((m,) + (1,) * (Pw.ndim - 1) + (dx,))
    contrib = XA * Pw
    return q * contrib.reshape(m, Pw.shape[0], -1).sum(axis=-1).T


def bernoulli_paths(weights: Sequence[np.ndarray], X: np.ndarray, rho: float, n_draws: int,
                    q: float = 1.0, seed: int = 0) -> np.ndarray:
    """Outputs (n_draws, d_out, m) with every A_{i,j} an independent Bernoulli(ρ) per sample."""
    if not 0.0 < float(rho) <= 1.0:
        raise InputError("rho", f"expected 0 < rho <= 1, got {rho}")
    Ws = _check(weights)
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(seed)
    Pw = path_weights(Ws)
    m = X.shape[1]
    out = np.empty((int(n_draws), Pw.shape[0], m))
    for t in range(int(n_draws)):
        masks = (rng.random((m, *Pw.shape)) < rho).astype(float)
        out[t] = path_sum(Ws, X, q, activations=masks)
    return out


def expected_bernoulli_output(weights: Sequence[np.ndarray], X: np.ndarray, rho: float,
                              q: float = 1.0) -> np.ndarray:
    """E[Ŷ] = ρ q W_{H+1}⋯W₁ X under independent Bernoulli(ρ) path activations."""
    Ws = _check(weights)
    P = Ws[0]
    for W in Ws[1:]:
        P = W @ P
    return rho * q * (P @ np.asarray(X, dtype=np.float64))
