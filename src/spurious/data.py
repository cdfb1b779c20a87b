"""Data: arrays in, seeded generators, and the sufficient statistics of the squared loss.

Shapes follow CLAIMS.md: inputs X ∈ ℝ^{d₀×m} (one column per sample), targets
Y ∈ ℝ^{d_N×m}. A population (y = Rx + ε, E[xxᵀ] = Σ, ε ~ N(0, s²I)) is described by
its second moments only, as in the project report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .errors import InputError, as_float_array, require_positive

__all__ = [
    "Dataset",
    "Population",
    "SufficientStats",
    "gaussian_teacher",
    "network_teacher",
    "whitened_teacher",
    "rank_deficient_teacher",
    "repeated_eigenvalue_teacher",
    "logistic_teacher",
    "softmax_teacher",
    "population",
]


@dataclass(frozen=True)
class SufficientStats:
    """What the squared loss ½‖WX − Y‖² needs of the data.

    ``XXt`` = X Xᵀ (d₀×d₀), ``YXt`` = Y Xᵀ (d_N×d₀), ``trYYt`` = tr(Y Yᵀ), ``m`` the
    number of samples (1 for a population). Then
    ½‖WX − Y‖² = ½ tr(W XXt Wᵀ) − tr(Wᵀ YXt) + ½ trYYt, at cost O(d_N d₀²) whatever m.
    ``floor`` is min_W ½‖WX − Y‖² when the data can give it accurately (None: derive it).
    """

    XXt: np.ndarray
    YXt: np.ndarray
    trYYt: float
    m: float
    floor: float | None = None

    @property
    def d_in(self) -> int:
        return int(self.XXt.shape[0])

    @property
    def d_out(self) -> int:
        return int(self.YXt.shape[0])


@dataclass(frozen=True)
class Dataset:
    """Samples as columns: X (d₀×m), Y (d_out×m), both finite float64.

    The squared-loss statistics are computed once, on first use, in one pass.
    """

    X: np.ndarray
    Y: np.ndarray
    _stats: list = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        X = as_float_array(self.X, "X", ndim=2)
        Y = as_float_array(self.Y, "Y", ndim=2)
        if X.shape[1] != Y.shape[1]:
            raise InputError(
                "Y", f"expected {X.shape[1]} columns (one per sample of X), got {Y.shape[1]}"
            )
        if X.shape[1] < 1:
            raise InputError("X", "expected at least one sample (column)")
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "Y", Y)

    @property
    def d_in(self) -> int:
        return int(self.X.shape[0])

    @property
    def d_out(self) -> int:
        return int(self.Y.shape[0])

    @property
    def m(self) -> int:
        return int(self.X.shape[1])

    def stats(self) -> SufficientStats:
        """X Xᵀ, Y Xᵀ, tr(Y Yᵀ) and m, computed once and cached."""
        if not self._stats:
            self._stats.append(
                SufficientStats(
                    XXt=self.X @ self.X.T,
                    YXt=self.Y @ self.X.T,
                    trYYt=float(np.einsum("ij,ij->", self.Y, self.Y)),
                    m=float(self.m),
                )
            )
        return self._stats[0]


@dataclass(frozen=True)
class Population:
    """The population of the project report: y = R x + ε, Σ = E[x xᵀ], ε ~ N(0, noise_var · I).

    Its squared loss ½E‖Wx − y‖² has statistics (Σ, RΣ, tr(RΣRᵀ) + d·noise_var), so
    ½E‖Wx − y‖² = ½‖(W − R)Σ^½‖²_F + d·noise_var/2 (project report, the derivation of f(A)).
    """

    R: np.ndarray
    Sigma: np.ndarray
    noise_var: float = 1.0

    def __post_init__(self) -> None:
        R = as_float_array(self.R, "R", ndim=2)
        Sigma = as_float_array(self.Sigma, "Sigma", ndim=2)
        if Sigma.shape[0] != Sigma.shape[1]:
            raise InputError("Sigma", f"expected a square matrix, got shape {Sigma.shape}")
        if R.shape[1] != Sigma.shape[0]:
            raise InputError("R", f"expected {Sigma.shape[0]} columns to match Sigma, got {R.shape}")
        if not np.allclose(Sigma, Sigma.T, rtol=1e-12, atol=1e-12 * np.abs(Sigma).max()):
            raise InputError("Sigma", "expected a symmetric matrix")
        lam_min = float(np.linalg.eigvalsh(Sigma)[0])
        if lam_min < -1e-12 * max(1.0, float(np.abs(Sigma).max())):
            raise InputError("Sigma", f"expected positive semidefinite, smallest eigenvalue {lam_min:.3g}")
        if not np.isfinite(self.noise_var) or self.noise_var < 0:
            raise InputError("noise_var", f"expected a finite number >= 0, got {self.noise_var}")
        object.__setattr__(self, "R", R)
        object.__setattr__(self, "Sigma", Sigma)

    @property
    def d_in(self) -> int:
        return int(self.Sigma.shape[0])

    @property
    def d_out(self) -> int:
        return int(self.R.shape[0])

    @property
    def noise_constant(self) -> float:
        """C = ½ E‖ε‖² = d_out · noise_var / 2."""
        return 0.5 * self.d_out * float(self.noise_var)

    def stats(self) -> SufficientStats:
        RS = self.R @ self.Sigma
        return SufficientStats(
            XXt=self.Sigma,
            YXt=RS,
            trYYt=float(np.trace(RS @ self.R.T)) + self.d_out * float(self.noise_var),
            m=1.0,
            floor=self.noise_constant,
        )

    def sample(self, m: int, seed: int = 0) -> Dataset:
        """Draw m samples x ~ N(0, Σ), y = R x + ε (for Monte-Carlo checks)."""
        _check_dims(m=m)
        rng = _rng(seed)
        root = _psd_sqrt(self.Sigma)
        X = root @ rng.standard_normal((self.d_in, m))
        eps = np.sqrt(self.noise_var) * rng.standard_normal((self.d_out, m))
        return Dataset(X, self.R @ X + eps)


def _psd_sqrt(S: np.ndarray) -> np.ndarray:
    lam, U = np.linalg.eigh(S)
    return (U * np.sqrt(np.clip(lam, 0.0, None))) @ U.T


def _check_dims(**dims: int) -> None:
    for name, value in dims.items():
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise InputError(name, f"expected an integer >= 1, got {value!r}")


def _rng(seed: object, argument: str = "seed") -> np.random.Generator:
    """A seeded generator; InputError unless ``seed`` is a non-negative integer."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(argument, f"expected a non-negative integer, got {seed!r}")
    return np.random.default_rng(int(seed))


def _check_noise(noise: object, argument: str = "noise") -> float:
    """The noise level as a float; InputError unless it is a finite number >= 0."""
    if isinstance(noise, bool) or not isinstance(noise, int | float | np.floating | np.integer) \
            or not np.isfinite(noise) or noise < 0:
        raise InputError(argument, f"expected a finite number >= 0, got {noise!r}")
    return float(noise)


def population(R: np.ndarray, Sigma: np.ndarray | None = None, noise_var: float = 1.0) -> Population:
    """Population y = R x + ε with E[xxᵀ] = Σ (identity by default)."""
    R = as_float_array(R, "R", ndim=2)
    if Sigma is None:
        Sigma = np.eye(R.shape[1])
    return Population(R, Sigma, noise_var)


def gaussian_teacher(
    d_in: int, d_out: int, m: int, noise: float = 0.1, seed: int = 0,
    R: np.ndarray | None = None, input_scales: np.ndarray | None = None,
) -> Dataset:
    """Gaussian teacher: x ~ N(0, diag(input_scales²)), y = R x + noise · ε.

    R defaults to a standard Gaussian d_out×d_in matrix scaled by 1/√d_in.
    """
    _check_dims(d_in=d_in, d_out=d_out, m=m)
    noise = _check_noise(noise)
    rng = _rng(seed)
    if R is None:
        R = rng.standard_normal((d_out, d_in)) / np.sqrt(d_in)
    R = as_float_array(R, "R", ndim=2)
    if R.shape != (d_out, d_in):
        raise InputError("R", f"expected shape {(d_out, d_in)}, got {R.shape}")
    scales = np.ones(d_in) if input_scales is None else as_float_array(input_scales, "input_scales", 1)
    X = scales[:, None] * rng.standard_normal((d_in, m))
    Y = R @ X + noise * rng.standard_normal((d_out, m))
    return Dataset(X, Y)


def network_teacher(
    teacher: Callable[[np.ndarray], np.ndarray], d_in: int, d_out: int, m: int, noise: float = 0.1, seed: int = 0,
) -> Dataset:
    """Nonlinear (realisable) teacher: x ~ N(0, I_{d_in}), y = teacher(x) + noise · ε.

    ``teacher`` maps inputs (d_in, m) to outputs (d_out, m), e.g. a network of the student's own
    architecture at a fixed point. Unlike :func:`gaussian_teacher` (a linear map, which a tanh or
    softplus net reaches only as its weights grow without bound), such targets are fitted exactly
    at a finite point, so a nonlinear student has a finite global minimum (up to the noise).
    """
    _check_dims(d_in=d_in, d_out=d_out, m=m)
    noise = _check_noise(noise)
    rng = _rng(seed)
    X = rng.standard_normal((d_in, m))
    clean = as_float_array(teacher(X), "teacher(X)", ndim=2)
    if clean.shape != (d_out, m):
        raise InputError("teacher", f"expected outputs of shape {(d_out, m)}, got {clean.shape}")
    return Dataset(X, clean + noise * rng.standard_normal((d_out, m)))


def _whitened(d_in: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """X (d_in×m) with X Xᵀ = m·I exactly (needs m ≥ d_in)."""
    if m < d_in:
        raise InputError("m", f"whitened inputs need m >= d_in = {d_in}, got {m}")
    Q, _ = np.linalg.qr(rng.standard_normal((m, d_in)))
    return np.sqrt(m) * Q.T


def whitened_teacher(d_in: int, d_out: int, m: int, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Whitened inputs (X Xᵀ = m I exactly), y = R x + noise · ε with Gaussian R."""
    _check_dims(d_in=d_in, d_out=d_out, m=m)
    noise = _check_noise(noise)
    rng = _rng(seed)
    X = _whitened(d_in, m, rng)
    R = rng.standard_normal((d_out, d_in)) / np.sqrt(d_in)
    return Dataset(X, R @ X + noise * rng.standard_normal((d_out, m)))


def rank_deficient_teacher(
    d_in: int, d_out: int, m: int, rank: int, noise: float = 0.1, seed: int = 0
) -> Dataset:
    """Inputs confined to a rank-``rank`` subspace, so X Xᵀ is singular (rank < d_in)."""
    _check_dims(d_in=d_in, d_out=d_out, m=m, rank=rank)
    if rank > d_in:
        raise InputError("rank", f"expected rank <= d_in = {d_in}, got {rank}")
    noise = _check_noise(noise)
    rng = _rng(seed)
    basis = np.linalg.qr(rng.standard_normal((d_in, rank)))[0]
    X = basis @ rng.standard_normal((rank, m))
    R = rng.standard_normal((d_out, d_in)) / np.sqrt(d_in)
    return Dataset(X, R @ X + noise * rng.standard_normal((d_out, m)))


def repeated_eigenvalue_teacher(
    d_in: int, d_out: int, m: int, spectrum: tuple[float, ...] | None = None, seed: int = 0
) -> Dataset:
    """Noise-free teacher whose Σ = Y Xᵀ(X Xᵀ)⁻¹X Yᵀ has repeated eigenvalues.

    X is whitened (X Xᵀ = m I) and Y = R X with R = U diag(√(s/m)) Vᵀ, so Σ = U diag(s) Uᵀ
    exactly. ``spectrum`` (length min(d_in, d_out)) defaults to pairs of equal values.
    """
    _check_dims(d_in=d_in, d_out=d_out, m=m)
    k = min(d_in, d_out)
    if spectrum is None:
        spectrum = tuple(float(2 + (k - 1 - i) // 2) for i in range(k))
    s = as_float_array(spectrum, "spectrum", ndim=1)
    if s.size != k or np.any(s < 0):
        raise InputError("spectrum", f"expected {k} non-negative values, got {tuple(s)}")
    rng = _rng(seed)
    X = _whitened(d_in, m, rng)
    U = np.linalg.qr(rng.standard_normal((d_out, k)))[0]
    V = np.linalg.qr(rng.standard_normal((d_in, k)))[0]
    R = (U * np.sqrt(s / m)) @ V.T
    return Dataset(X, R @ X)


def logistic_teacher(d_in: int, m: int, seed: int = 0, flip: float = 0.1) -> Dataset:
    """Binary labels ±1 (1×m): y = sign(wᵀx), each flipped with probability ``flip``.

    Flipped labels keep the data non-separable, so the logistic loss attains its minimum.
    """
    _check_dims(d_in=d_in, m=m)
    if isinstance(flip, bool) or not isinstance(flip, int | float) or not 0 <= flip < 0.5:
        raise InputError("flip", f"expected a probability in [0, 0.5), got {flip!r}")
    rng = _rng(seed)
    X = rng.standard_normal((d_in, m))
    w = rng.standard_normal(d_in)
    y = np.sign(w @ X + 1e-12)
    y[rng.random(m) < flip] *= -1
    return Dataset(X, y[None, :])


def softmax_teacher(d_in: int, classes: int, m: int, seed: int = 0, temperature: float = 1.0) -> Dataset:
    """One-hot labels (classes×m) drawn from a softmax teacher: p(c|x) ∝ exp(w_cᵀx / T)."""
    _check_dims(d_in=d_in, classes=classes, m=m)
    if classes < 2:
        raise InputError("classes", f"expected at least 2 classes, got {classes}")
    require_positive(temperature, "temperature")
    rng = _rng(seed)
    X = rng.standard_normal((d_in, m))
    logits = rng.standard_normal((classes, d_in)) @ X / temperature
    p = np.exp(logits - logits.max(axis=0))
    p /= p.sum(axis=0)
    labels = (rng.random(m)[None, :] > np.cumsum(p, axis=0)).sum(axis=0)
    Y = np.zeros((classes, m))
    Y[np.minimum(labels, classes - 1), np.arange(m)] = 1.0
    return Dataset(X, Y)
