"""Losses ℓ on the end-to-end matrix W (pure functions of W once bound to data).

A loss is a small configuration object (``SquaredLoss(mean=False)``, ``LogisticLoss()``,
``CrossEntropyLoss()``, ``HuberLoss(delta)``, ``TiltedDoubleWell(tilt)``). ``loss.on(data)`` binds it to data and
returns an :class:`EndToEndLoss` with

- ``value(W)``            ℓ(W),
- ``gradient(W)``         ∇ℓ(W) ∈ ℝ^{d_N×d₀},
- ``hess_action(W, D)``   ∇²ℓ(W)[D] ∈ ℝ^{d_N×d₀} (D may carry leading batch axes),
- ``min_value(rank)``     min ℓ over matrices of rank ≤ ``rank`` when known in closed form.

Every loss is also a loss on network outputs Z ∈ ℝ^{d_N×m} with targets Y
(``output_value``, ``output_gradient``, ``output_hess_action``), which non-linear models use.
Reduction (``reduction=``, every loss): ``"sum"`` over samples (the default), ``"mean"`` over
the m samples (÷ m; the same as ``mean=True``), or ``"mean-all"`` over all d_N·m output entries
(÷ d_N m), as PyTorch's ``MSELoss()`` does. The squared loss keeps its ½: PyTorch's
``MSELoss()`` equals 2 × ``SquaredLoss(reduction="mean-all")``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy.special import expit, logsumexp

from .data import Dataset, Population, SufficientStats
from .errors import InputError, require_positive

__all__ = [
    "Loss",
    "EndToEndLoss",
    "SampledLoss",
    "SquaredFromStats",
    "SquaredLoss",
    "LogisticLoss",
    "CrossEntropyLoss",
    "HuberLoss",
    "TiltedDoubleWell",
    "LOSSES",
    "make_loss",
]

Data = Dataset | Population
REDUCTIONS: tuple[str, ...] = ("sum", "mean", "mean-all")


def _T(A: np.ndarray) -> np.ndarray:
    return np.swapaxes(A, -1, -2)


class EndToEndLoss(Protocol):
    """ℓ bound to data, as a function of the end-to-end matrix W (d_out×d_in)."""

    d_in: int
    d_out: int

    def value(self, W: np.ndarray) -> float: ...

    def gradient(self, W: np.ndarray) -> np.ndarray: ...

    def hess_action(self, W: np.ndarray, D: np.ndarray) -> np.ndarray: ...

    def min_value(self, rank: int) -> float | None: ...


class Loss:
    """Base class: a loss on outputs Z (d_out×m) against targets Y, summed over samples.

    Subclasses implement the per-sample ``output_*`` functions; ``on(data)`` gives the
    end-to-end form ℓ(W) = L(W X) with ∇ℓ(W) = ∇L(WX) Xᵀ and ∇²ℓ(W)[D] = ∇²L(WX)[DX] Xᵀ.
    """

    name: str = "loss"
    convex: bool = True
    mean: bool = False
    reduction: str | None = None

    def __post_init__(self) -> None:
        """Reconcile ``mean`` and ``reduction`` (``mean`` is True for every reduction but "sum")."""
        if self.reduction is None:
            object.__setattr__(self, "reduction", "mean" if self.mean else "sum")
        elif self.reduction not in REDUCTIONS:
            raise InputError("reduction", f"expected one of {list(REDUCTIONS)}, got {self.reduction!r}")
        elif self.mean and self.reduction == "sum":
            raise InputError("reduction", "mean=True contradicts reduction='sum'")
        object.__setattr__(self, "mean", self.reduction != "sum")

    def sample_scale(self, m: int, d_out: int) -> float:
        """The factor s in Φ = s · Σ_samples L: 1 (sum), 1/m (mean) or 1/(d_out·m) (mean-all)."""
        return {"sum": 1.0, "mean": 1.0 / m, "mean-all": 1.0 / (m * d_out)}[str(self.reduction)]

    def check_targets(self, Y: np.ndarray) -> None:
        """Raise :class:`InputError` if ``Y`` is not a valid target for this loss."""

    def output_value(self, Z: np.ndarray, Y: np.ndarray) -> float:
        raise NotImplementedError

    def output_gradient(self, Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def output_hess_action(self, Z: np.ndarray, Y: np.ndarray, dZ: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def on(self, data: Data) -> EndToEndLoss:
        """Bind to data; returns the end-to-end loss ℓ(W)."""
        if isinstance(data, Population):
            raise InputError(
                "data", f"the {self.name} loss needs samples; a Population only defines the squared loss"
            )
        if not isinstance(data, Dataset):
            raise InputError("data", f"expected a Dataset or Population, got {type(data).__name__}")
        self.check_targets(data.Y)
        return SampledLoss(self, data)

    def describe(self) -> str:
        return f"{self.name}{'' if self.reduction == 'sum' else f' ({self.reduction})'}"


@dataclass(frozen=True)
class SampledLoss:
    """ℓ(W) = L(WX; Y) evaluated through the samples (cost O(d_N d₀ m)).

    Works for every loss, the squared one included (SGD on a mini-batch uses this form).
    """

    loss: Loss
    data: Dataset

    @property
    def d_in(self) -> int:
        return self.data.d_in

    @property
    def d_out(self) -> int:
        return self.data.d_out

    def _scale(self) -> float:
        return self.loss.sample_scale(self.data.m, self.data.d_out)

    def value(self, W: np.ndarray) -> float:
        return self._scale() * self.loss.output_value(W @ self.data.X, self.data.Y)

    def gradient(self, W: np.ndarray) -> np.ndarray:
        G = self.loss.output_gradient(W @ self.data.X, self.data.Y)
        return self._scale() * (G @ self.data.X.T)

    def hess_action(self, W: np.ndarray, D: np.ndarray) -> np.ndarray:
        X = self.data.X
        dG = self.loss.output_hess_action(W @ X, self.data.Y, D @ X)
        return self._scale() * (dG @ X.T)

    def min_value(self, rank: int) -> float | None:
        return None


@dataclass(frozen=True)
class SquaredLoss(Loss):
    """ℓ(W) = ½‖W X − Y‖²_F (divided by m if ``mean``), from sufficient statistics.

    With C = X Xᵀ, B = Y Xᵀ, W* = B C⁺ and f₀ = min_W ℓ:
    ℓ(W) = ½‖(W − W*) C^½‖² + f₀,  ∇ℓ(W) = W C − B,  ∇²ℓ(W)[D] = D C.
    The minimum over rank ≤ r is f₀ + ½ Σ_{i>r} σ_i(W* C^½)² (Eckart–Young), i.e.
    ½(tr YYᵀ − Σ_{i≤r} λ_i(Σ)) with Σ = Y Xᵀ(X Xᵀ)⁻¹X Yᵀ as in Baldi–Hornik (Kawaguchi slides).
    """

    mean: bool = False
    name: str = "squared"
    reduction: str | None = None

    def output_value(self, Z: np.ndarray, Y: np.ndarray) -> float:
        return 0.5 * float(np.sum((Z - Y) ** 2))

    def output_gradient(self, Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
        return Z - Y

    def output_hess_action(self, Z: np.ndarray, Y: np.ndarray, dZ: np.ndarray) -> np.ndarray:
        return dZ

    def on(self, data: Data) -> EndToEndLoss:
        if not isinstance(data, Dataset | Population):
            raise InputError("data", f"expected a Dataset or Population, got {type(data).__name__}")
        stats = data.stats()
        return SquaredFromStats(stats, self.mean, data if isinstance(data, Dataset) else None,
                                factor=self.sample_scale(stats.m, stats.d_out))


class SquaredFromStats:
    """The squared loss as a function of W through (X Xᵀ, Y Xᵀ, tr Y Yᵀ): O(d_N d₀²) per call."""

    def __init__(self, stats: SufficientStats, mean: bool = False, dataset: Dataset | None = None,
                 factor: float | None = None):
        self.stats = stats
        self.d_in = stats.d_in
        self.d_out = stats.d_out
        self.factor = factor if factor is not None else (1.0 / stats.m if mean else 1.0)
        C = stats.XXt
        lam, U = np.linalg.eigh(0.5 * (C + C.T))
        cutoff = max(lam.max(initial=0.0), 0.0) * C.shape[0] * 1e2 * np.finfo(float).eps
        keep = lam > cutoff
        self.rank_C = int(keep.sum())
        self._C_root = (U[:, keep] * np.sqrt(lam[keep])) @ U[:, keep].T
        C_pinv = (U[:, keep] / lam[keep]) @ U[:, keep].T
        self.W_star = stats.YXt @ C_pinv
        if stats.floor is not None:
            floor = stats.floor
        elif dataset is not None:
            floor = 0.5 * float(np.sum((self.W_star @ dataset.X - dataset.Y) ** 2))
        else:
            floor = 0.5 * (stats.trYYt - float(np.sum(self.W_star * stats.YXt)))
        self.floor = max(floor, 0.0)
        self._sigma = np.linalg.svd(self.W_star @ self._C_root, compute_uv=False)

    @property
    def sigma_eigenvalues(self) -> np.ndarray:
        """Eigenvalues λ₁ ≥ λ₂ ≥ … of Σ = Y Xᵀ(X Xᵀ)⁺ X Yᵀ (length min(d_out, d_in))."""
        return self._sigma**2

    def residual(self, W: np.ndarray) -> np.ndarray:
        """(W − W*) C^½, whose squared norm is 2(ℓ(W) − f₀)/factor."""
        return (W - self.W_star) @ self._C_root

    def value(self, W: np.ndarray) -> float:
        Rm = self.residual(W)
        return self.factor * (0.5 * float(np.einsum("...ij,...ij->...", Rm, Rm)) + self.floor)

    def gradient(self, W: np.ndarray) -> np.ndarray:
        return self.factor * (W @ self.stats.XXt - self.stats.YXt)

    def hess_action(self, W: np.ndarray, D: np.ndarray) -> np.ndarray:
        return self.factor * (D @ self.stats.XXt)

    def min_value(self, rank: int) -> float | None:
        tail = self._sigma[int(rank):]
        return self.factor * (self.floor + 0.5 * float(np.sum(tail**2)))

    def value_at_zero(self) -> float:
        return self.factor * 0.5 * self.stats.trYYt


@dataclass(frozen=True)
class LogisticLoss(Loss):
    """ℓ(W) = Σ_{i,k} log(1 + exp(−Y_{ki} (WX)_{ki})) with labels Y ∈ {−1, +1}.

    ∇_Z = −Y σ(−Y Z),  ∇²_Z[dZ] = σ(Z) σ(−Z) dZ (elementwise), σ the logistic function.
    """

    mean: bool = False
    name: str = "logistic"
    reduction: str | None = None

    def check_targets(self, Y: np.ndarray) -> None:
        bad = ~np.isin(Y, (-1.0, 1.0))
        if bad.any():
            raise InputError("Y", f"logistic loss expects labels in {{-1, +1}}, found {np.unique(Y[bad])[:5]}")

    def output_value(self, Z: np.ndarray, Y: np.ndarray) -> float:
        return float(np.sum(np.logaddexp(0.0, -Y * Z)))

    def output_gradient(self, Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
        return -Y * expit(-Y * Z)

    def output_hess_action(self, Z: np.ndarray, Y: np.ndarray, dZ: np.ndarray) -> np.ndarray:
        return expit(Z) * expit(-Z) * dZ


@dataclass(frozen=True)
class CrossEntropyLoss(Loss):
    """Softmax cross-entropy ℓ(W) = Σ_i [logsumexp(z_i) − y_iᵀ z_i], z_i = (WX)_{:,i}.

    Targets are probability columns (one-hot labels included). ∇_z = p − y with
    p = softmax(z); ∇²_z[dz] = p ⊙ dz − p (pᵀ dz).
    """

    mean: bool = False
    name: str = "cross-entropy"
    reduction: str | None = None

    def check_targets(self, Y: np.ndarray) -> None:
        if Y.shape[0] < 2:
            raise InputError("Y", "cross-entropy expects at least 2 classes (rows)")
        if np.any(Y < 0) or not np.allclose(Y.sum(axis=0), 1.0, atol=1e-12):
            raise InputError("Y", "cross-entropy expects one-hot or probability columns (>= 0, summing to 1)")

    @staticmethod
    def _softmax(Z: np.ndarray) -> np.ndarray:
        P = np.exp(Z - Z.max(axis=-2, keepdims=True))
        return P / P.sum(axis=-2, keepdims=True)

    def output_value(self, Z: np.ndarray, Y: np.ndarray) -> float:
        return float(np.sum(logsumexp(Z, axis=0) * Y.sum(axis=0)) - np.sum(Y * Z))

    def output_gradient(self, Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
        return self._softmax(Z) * Y.sum(axis=0) - Y

    def output_hess_action(self, Z: np.ndarray, Y: np.ndarray, dZ: np.ndarray) -> np.ndarray:
        P = self._softmax(Z)
        return Y.sum(axis=0) * (P * dZ - P * np.sum(P * dZ, axis=-2, keepdims=True))


@dataclass(frozen=True)
class HuberLoss(Loss):
    """ℓ(W) = Σ h_δ((WX − Y)_{ki}), h_δ(r) = ½r² for |r| ≤ δ, δ(|r| − ½δ) otherwise.

    ∇_Z = clip(r, −δ, δ);  ∇²_Z[dZ] = 1{|r| < δ} dZ (C¹ only: the kink at |r| = δ).
    """

    delta: float = 1.0
    mean: bool = False
    name: str = "huber"
    reduction: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        require_positive(self.delta, "delta")

    def output_value(self, Z: np.ndarray, Y: np.ndarray) -> float:
        a = np.abs(Z - Y)
        d = self.delta
        return float(np.sum(np.where(a <= d, 0.5 * a**2, d * (a - 0.5 * d))))

    def output_gradient(self, Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
        return np.clip(Z - Y, -self.delta, self.delta)

    def output_hess_action(self, Z: np.ndarray, Y: np.ndarray, dZ: np.ndarray) -> np.ndarray:
        return (np.abs(Z - Y) < self.delta) * dZ


@dataclass(frozen=True)
class TiltedDoubleWell(Loss):
    """A non-convex loss for negative controls: L(Z; Y) = Σ ((z − y)² − 1)² + tilt·(z − y).

    Per residual r it has a global minimum near r = −1 and a spurious local minimum near r = +1,
    so a linear network trained with it has spurious local minima (the hypothesis "ℓ convex" of
    Optimization 1 notes Thm 6.10 and "squared loss" of the depth paper Cor 1 are violated).
    ∇_Z = 4r(r² − 1) + tilt;  ∇²_Z[dZ] = (12r² − 4) dZ.
    """

    tilt: float = 0.3
    name: str = "tilted-double-well"
    convex: bool = False
    mean: bool = False
    reduction: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.tilt, bool) or not isinstance(self.tilt, int | float) or not np.isfinite(self.tilt):
            raise InputError("tilt", f"expected a finite number, got {self.tilt!r}")

    def output_value(self, Z: np.ndarray, Y: np.ndarray) -> float:
        r = Z - Y
        return float(np.sum((r ** 2 - 1.0) ** 2 + self.tilt * r))

    def output_gradient(self, Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
        r = Z - Y
        return 4.0 * r * (r ** 2 - 1.0) + self.tilt

    def output_hess_action(self, Z: np.ndarray, Y: np.ndarray, dZ: np.ndarray) -> np.ndarray:
        r = Z - Y
        return (12.0 * r ** 2 - 4.0) * dZ


LOSSES: dict[str, type[Loss]] = {
    "squared": SquaredLoss,
    "logistic": LogisticLoss,
    "cross-entropy": CrossEntropyLoss,
    "huber": HuberLoss,
    "tilted-double-well": TiltedDoubleWell,
}


def make_loss(name: str, **options: object) -> Loss:
    """Build a loss by name (``squared``, ``logistic``, ``cross-entropy``, ``huber``)."""
    try:
        cls = LOSSES[name]
    except KeyError:
        raise InputError("loss", f"unknown loss {name!r}; expected one of {sorted(LOSSES)}") from None
    return cls(**options)  # type: ignore[arg-type]
