"""Critical points of linear networks under the squared loss, known in closed form.

Two layers (Baldi & Hornik 1989, Kawaguchi slides): with C = X Xᵀ, W* = Y Xᵀ C⁺ and
Σ = Y Xᵀ C⁺ X Yᵀ = W* C W*ᵀ = U diag(λ) Uᵀ, every critical point of ½‖W₂W₁X − Y‖² is,
for an index set Γ of eigenvectors (|Γ| ≤ p) and an invertible C_Γ,

    W₂ = [U_Γ 0] C_Γ,   W₁ = C_Γ⁻¹ [U_Γᵀ W*; 0],   W₂W₁ = P_Γ W*,   P_Γ = U_Γ U_Γᵀ,

with loss ½ Σ_{i∉Γ} λ_i + f₀ (= ½(tr YYᵀ − Σ_{i∈Γ}λ_i) when f₀ is the floor of the data).
The global minimum is Γ = the top p eigenvectors; every other Γ is a (strict) saddle.

Deep networks (Kawaguchi 2016, Kawaguchi slides): the same end-to-end matrices P_S W*, |S| ≤ p,
factorised through any widths: W₁ = [U_Sᵀ W*; 0], W_j = diag(I_r, 0) (hidden), W_N = [U_S 0],
then mixed by invertible C_j on each hidden layer (W_j ↦ C_j W_j C_{j−1}⁻¹): gradient zero
because U_Sᵀ(P_S − I) = 0 and (P_S − I) Σ U_S = 0. For S = ∅ at depth ≥ 3 any point with two
zero layers is critical (a rank-deficient factorisation of the zero matrix).

When C is singular, Σ has repeated or zero eigenvalues, the construction still gives critical
points (pseudo-inverses), but Γ no longer labels them uniquely: the family is reported as
*degenerate* (with the reason) instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from math import comb

import numpy as np

from ..errors import InputError
from ..models.deep_linear import LinearNetwork
from ..objective import capability
from ..vocabulary import Label

__all__ = ["AnalyticCriticalPoint", "linear_network", "SigmaEigensystem", "sigma_eigensystem", "critical_point_for",
           "enumerate_critical_points", "baldi_hornik", "named_point", "count_index_sets"]


@dataclass(frozen=True)
class SigmaEigensystem:
    """Σ = W* C W*ᵀ = U diag(λ) Uᵀ (λ descending, length d_N), W*, the loss factor and floor."""

    lam: np.ndarray
    U: np.ndarray
    W_star: np.ndarray
    factor: float
    floor: float
    rank_C: int
    d_in: int
    positive: tuple[int, ...]

    def loss(self, subset: tuple[int, ...]) -> float:
        """ℓ(P_S W*) = factor · (½ Σ_{i∉S} λ_i + f₀)."""
        rest = np.delete(self.lam, list(subset))
        return self.factor * (0.5 * float(np.sum(rest)) + self.floor)


@dataclass
class AnalyticCriticalPoint:
    """One critical point from the closed form, with what theory predicts about it.

    name : "gamma:i,j,…" (0-based eigenvector indices, descending λ) plus a variant tag.
    subset : S.  point : flat parameters (P,).  loss : the predicted loss.
    predicted_label : a :class:`~spurious.vocabulary.Label`: global minimum, strict saddle or non-strict saddle.
    predicted_index : number of negative Hessian eigenvalues where a formula is known, else None.
    degenerate : True when S does not label the point uniquely (reasons in ``notes``).
    """

    name: str
    subset: tuple[int, ...]
    point: np.ndarray
    loss: float
    predicted_label: Label
    predicted_index: int | None = None
    degenerate: bool = False
    notes: list[str] = field(default_factory=list)


def linear_network(landscape) -> LinearNetwork:
    """The deep linear network and squared loss of ``landscape`` (the objective's capability
    ``linear_network``); :class:`InputError` when the landscape is not one."""
    own = capability(landscape.objective, "linear_network")
    if own is None:
        raise InputError("model", "analytic critical points are known for DeepLinear networks only")
    net = own()
    if net is None:
        raise InputError("loss", "analytic critical points are known for the squared loss only")
    return net


def sigma_eigensystem(landscape) -> SigmaEigensystem:
    """Eigen-decomposition of Σ = W* C W*ᵀ for a squared-loss linear-network landscape."""
    ell = linear_network(landscape).loss
    Sigma = ell.W_star @ ell.stats.XXt @ ell.W_star.T
    lam, U = np.linalg.eigh(0.5 * (Sigma + Sigma.T))
    lam, U = lam[::-1].copy(), U[:, ::-1].copy()
    lam = np.clip(lam, 0.0, None)
    cutoff = 1e-10 * max(float(lam[0]) if lam.size else 0.0, 1e-300)
    positive = tuple(int(i) for i in np.flatnonzero(lam > cutoff))
    return SigmaEigensystem(lam, U, ell.W_star, ell.factor, ell.floor, ell.rank_C, ell.d_in, positive)


def count_index_sets(n: int, p: int) -> int:
    """Σ_{r=0}^{p} C(n, r): the number of index sets Γ (16 eigenvectors, p = 4: 2 517)."""
    return sum(comb(n, r) for r in range(min(n, p) + 1))


def _mixing(d: int, rng: np.random.Generator) -> np.ndarray:
    """A random invertible d×d matrix with singular values in [½, 2]."""
    Q1 = np.linalg.qr(rng.standard_normal((d, d)))[0]
    Q2 = np.linalg.qr(rng.standard_normal((d, d)))[0]
    return (Q1 * rng.uniform(0.5, 2.0, d)) @ Q2


def _canonical_blocks(widths: tuple[int, ...], eig: SigmaEigensystem, subset: tuple[int, ...]) -> list[np.ndarray]:
    r = len(subset)
    U_S = eig.U[:, list(subset)]
    N = len(widths) - 1
    blocks = []
    for j in range(N):
        out_w, in_w = widths[j + 1], widths[j]
        B = np.zeros((out_w, in_w))
        if r:
            if N == 1:
                B = U_S @ U_S.T @ eig.W_star
            elif j == 0:
                B[:r] = U_S.T @ eig.W_star
            elif j == N - 1:
                B[:, :r] = U_S
            else:
                B[:r, :r] = np.eye(r)
        blocks.append(B)
    return blocks


def _mix(blocks: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    out = [b.copy() for b in blocks]
    for j in range(len(blocks) - 1):
        Cj = _mixing(out[j].shape[0], rng)
        out[j] = Cj @ out[j]
        out[j + 1] = out[j + 1] @ np.linalg.inv(Cj)
    return out


def _degeneracy(eig: SigmaEigensystem, subset: tuple[int, ...]) -> list[str]:
    notes = []
    if eig.rank_C < eig.d_in:
        notes.append(f"X Xᵀ singular (rank {eig.rank_C} < {eig.d_in}): W* uses the pseudo-inverse")
    lam = eig.lam
    scale = max(float(lam[0]), 1e-300) if lam.size else 1.0
    inside = set(subset)
    for i in subset:
        if lam[i] <= 1e-10 * scale:
            notes.append(f"λ_{i} = 0: eigenvector {i} adds nothing to the product")
        for k in range(lam.size):
            if k not in inside and abs(lam[k] - lam[i]) <= 1e-8 * scale:
                notes.append(f"λ_{i} = λ_{k} repeated across the boundary of S: a continuous family")
                break
    return notes


def _predicted_label(widths, eig, subset, loss, optimum, p) -> Label:
    if loss <= optimum + 1e-9 * (1.0 + abs(optimum)):
        return Label.GLOBAL_MINIMUM
    N = len(widths) - 1
    if N <= 2:
        return Label.STRICT_SADDLE  # Baldi–Hornik / Optimization 1 notes Thm 6.11
    r = len(subset)
    if r == p:
        return Label.STRICT_SADDLE  # Kawaguchi (iv): rank(W_N⋯W_2) = p ⇒ negative eigenvalue
    outside = [k for k in eig.positive if k not in subset]
    if any(eig.lam[k] > eig.lam[i] * (1 + 1e-8) for k in outside for i in subset):
        return Label.STRICT_SADDLE  # swapping u_i for a larger u_k inside the active units
    return Label.NON_STRICT_SADDLE  # S = top-r, r < p at depth ≥ 3: only a t³-order descent


def critical_point_for(landscape, subset: tuple[int, ...], *, seed: int | None = 0,
                       zero_layers: bool = False) -> AnalyticCriticalPoint:
    """The critical point with end-to-end matrix P_S W* (mixed by seeded C_j; unmixed if seed is None).

    ``zero_layers`` (S = ∅, depth ≥ 3): the first and last layers zero, the others random —
    a rank-deficient factorisation of the zero matrix.
    """
    eig = sigma_eigensystem(landscape)
    model = linear_network(landscape).model
    widths = tuple(model.widths)
    subset = tuple(int(i) for i in subset)
    p = model.max_rank
    if len(set(subset)) != len(subset) or any(i < 0 or i >= eig.lam.size for i in subset):
        raise InputError("subset", f"expected distinct indices in 0..{eig.lam.size - 1}, got {subset}")
    if len(subset) > p:
        raise InputError("subset", f"at most {p} eigenvectors fit through the narrowest width, got {len(subset)}")
    blocks = _canonical_blocks(widths, eig, subset)
    rng = np.random.default_rng(seed) if seed is not None else None
    if rng is not None:
        blocks = _mix(blocks, rng)
    tag = ""
    if zero_layers:
        if subset or len(blocks) < 3:
            raise InputError("zero_layers", "needs S = ∅ and depth ≥ 3")
        rng = rng or np.random.default_rng(0)
        blocks = [np.zeros_like(b) if j in (0, len(blocks) - 1) else rng.standard_normal(b.shape)
                  for j, b in enumerate(blocks)]
        tag = "/zero-layers"
    loss = eig.loss(subset)
    optimum = landscape.min_value
    label = _predicted_label(widths, eig, subset, loss, optimum, p)
    if zero_layers:
        label = Label.STRICT_SADDLE  # Δ_N W_{2:N−1} Δ₁ with a non-zero random middle: negative curvature
    notes = _degeneracy(eig, subset)
    index = _baldi_hornik_index(eig, subset, widths) if len(widths) == 3 and not notes else None
    return AnalyticCriticalPoint(f"gamma:{','.join(map(str, subset))}{tag}", subset,
                                 landscape.layout.flatten(blocks), loss, label, index, bool(notes), notes)


def _baldi_hornik_index(eig: SigmaEigensystem, subset, widths) -> int | None:
    """Index at a 2-layer critical point with distinct positive eigenvalues:

        #{(i ∈ S, k ∉ S, λ_k > λ_i > 0)} + (d₁ − r)(n₊ − r),   r = |S|, n₊ = #{λ > 0}.

    The first term counts the rotations of u_i towards a larger u_k (Baldi–Hornik's saddle
    directions); the second the unused hidden units times the unused positive eigen-directions.
    (Formula fitted to and checked against the dense spectrum in ``tests/critical/test_analytic.py``.)
    """
    inside = set(subset)
    pairs = sum(1 for i in subset for k in eig.positive if k not in inside and eig.lam[k] > eig.lam[i])
    r = len(subset)
    return int(pairs + (widths[1] - r) * (len(eig.positive) - r))


def enumerate_critical_points(landscape, max_size: int | None = None, *, seed: int | None = 0,
                              include_zero_layers: bool = True) -> list[AnalyticCriticalPoint]:
    """Every index set S ⊆ {i : λ_i > 0} with |S| ≤ min(p, max_size), one point each.

    Sets containing eigenvectors with λ = 0 give the same end-to-end matrix and are left out
    (noted on the points as degenerate when Σ has zero eigenvalues). At depth ≥ 3 the
    two-zero-layer factorisation of S = ∅ is added.
    """
    eig = sigma_eigensystem(landscape)
    model = linear_network(landscape).model
    limit = model.max_rank if max_size is None else min(int(max_size), model.max_rank)
    points = []
    count = 0
    for r in range(limit + 1):
        for subset in combinations(eig.positive, r):
            points.append(critical_point_for(landscape, subset, seed=None if seed is None else seed + count))
            count += 1
    if include_zero_layers and model.depth >= 3:
        points.append(critical_point_for(landscape, (), seed=0 if seed is None else seed, zero_layers=True))
    if len(eig.positive) < eig.lam.size:
        for pt in points:
            pt.notes.append(f"Σ has {eig.lam.size - len(eig.positive)} zero eigenvalue(s): sets using "
                            "them give the same points (degenerate family; left out of the enumeration)")
    return points


def baldi_hornik(landscape, max_size: int | None = None, *, seed: int = 0) -> list[AnalyticCriticalPoint]:
    """The Baldi–Hornik enumeration for a two-layer network (raises for other depths)."""
    if linear_network(landscape).model.depth != 2:
        raise InputError("model", "Baldi–Hornik is the two-layer case; use enumerate_critical_points")
    return enumerate_critical_points(landscape, max_size, seed=seed)


def named_point(landscape, name: str, *, seed: int = 0) -> AnalyticCriticalPoint:
    """``global`` (top-p), ``origin`` (all zero), ``zero-layers``, or ``gamma:i,j,…``."""
    eig = sigma_eigensystem(landscape)
    model = linear_network(landscape).model
    key = name.strip().lower()
    if key == "global":
        return critical_point_for(landscape, eig.positive[: model.max_rank], seed=seed)
    if key == "origin":
        pt = critical_point_for(landscape, (), seed=None)
        pt.name = "origin"
        return pt
    if key == "zero-layers":
        return critical_point_for(landscape, (), seed=seed, zero_layers=True)
    if key.startswith("gamma:"):
        body = key[len("gamma:"):]
        try:
            subset = tuple(int(s) for s in body.split(",") if s.strip())
        except ValueError:
            raise InputError("--analytic", f"expected gamma:i,j,… with integers, got {name!r}") from None
        return critical_point_for(landscape, subset, seed=seed)
    raise InputError("--analytic", f"unknown analytic point {name!r}; expected global, origin, "
                     "zero-layers or gamma:i,j,…")
