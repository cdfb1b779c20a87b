"""1-D and 2-D slices of a landscape: Φ(θ + α d₁) and Φ(θ + α d₁ + β d₂) on a grid.

Directions are

* **random**, normalised per filter or per layer (Li et al. 2018, "Visualizing the loss
  landscape of neural nets"): a Gaussian direction d is rescaled block by block so that
  each filter (row of W_j: the incoming weights of one unit) or each layer has the norm of
  the same piece of θ: d_{j,r} ← d_{j,r} · ‖θ_{j,r}‖ / ‖d_{j,r}‖. Pieces where θ is zero (the
  origin, say) have no scale; they are set to unit norm and counted in ``info``.
* **Hessian eigenvectors** at θ: the eigenvector of λ_min (1-D); of λ_min and λ_max (2-D),
  which shows a saddle as a saddle. Dense ``eigh`` for P ≤ ``tolerances.DENSE_EXTREME_LIMIT``,
  Lanczos (``eigsh``) above.
* **given** by the user: an array (P,) or (k, P), used as is.

For two random directions the order matters: normalise each first, then orthogonalise the
second against the first (Gram–Schmidt), then restore its norm by one scalar. Normalising
after orthogonalising breaks orthogonality (a pitfall of loss-landscapes, DESIGN.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .errors import InputError
from .landscape import Landscape
from .linalg import extreme_eigenpairs
from .tolerances import DENSE_EXTREME_LIMIT

__all__ = ["Slice", "random_directions", "hessian_directions", "given_directions",
           "slice_1d", "slice_2d", "Normalisation"]

Normalisation = Literal["filter", "layer", "none"]
DENSE_LIMIT = DENSE_EXTREME_LIMIT  # dense eigh up to this many parameters, Lanczos above


@dataclass
class Slice:
    """A grid of loss values along one or two directions through ``center``.

    center : θ (P,); directions : (k, P), k ∈ {1, 2}.
    coords : k arrays of step sizes (α, and β for 2-D).
    values : Φ on the grid: (n_α,) or (n_β, n_α) with ``values[i, j] = Φ(θ + α_j d₁ + β_i d₂)``.
    info : how the directions were made (kind, normalisation, eigenvalues, …).
    """

    center: np.ndarray
    directions: np.ndarray
    coords: tuple[np.ndarray, ...]
    values: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def ndim(self) -> int:
        return len(self.coords)

    @property
    def center_value(self) -> float:
        """Φ at the centre, read off the grid (interpolation-free when 0 is a grid point)."""
        return float(self.info.get("center_value", np.nan))

    def to_series(self, title: str | None = None, zlabel: str = "loss Φ") -> dict[str, Any]:
        """A plot spec of the report's series convention (lines for 1-D, contour for 2-D)."""
        title = title or self.info.get("title") or f"{self.info.get('kind', '')} slice"
        if self.ndim == 1:
            return {"plot": "lines", "x": self.coords[0].tolist(), "y": {"Φ": self.values.tolist()},
                    "xlabel": "α (step along d₁)", "ylabel": zlabel, "title": title,
                    "vlines": {"centre": 0.0}}
        return {"plot": "contour", "x": self.coords[0].tolist(), "y": self.coords[1].tolist(),
                "z": self.values.tolist(), "xlabel": "α (along d₁)", "ylabel": "β (along d₂)",
                "zlabel": zlabel, "title": title, "points": {"centre": [0.0, 0.0]}}

    def write(self, stem: Path | str, title: str | None = None) -> tuple[Path, Path]:
        """Write ``<stem>.npz`` (the grid, see :meth:`save`) and ``<stem>.png`` (line or contour plot)."""
        from .report.plots import render_series

        stem = Path(stem)
        data = self.save(stem.with_suffix(".npz"))
        png = stem.with_suffix(".png")
        png.write_bytes(render_series(self.to_series(title)))
        return data, png

    def save(self, path: Path | str) -> Path:
        """Write the grid as ``.npz`` (center, directions, alpha[, beta], values, info as JSON)."""
        path = Path(path)
        arrays = {"center": self.center, "directions": self.directions, "values": self.values,
                  "alpha": self.coords[0]}
        if self.ndim == 2:
            arrays["beta"] = self.coords[1]
        np.savez(path, **arrays, info=np.array(json.dumps(self.info, default=float)))
        return path


def _pieces(landscape: Landscape, v: np.ndarray, normalisation: Normalisation) -> list[np.ndarray]:
    """Views of v cut into filters (rows of each block) or layers (whole blocks)."""
    blocks = landscape.layout.unflatten(v)
    if normalisation == "layer":
        return [b.reshape(-1) for b in blocks]
    return [row for b in blocks for row in b]


def normalise(landscape: Landscape, center: np.ndarray, d: np.ndarray,
              normalisation: Normalisation) -> tuple[np.ndarray, int]:
    """Rescale d piece by piece to the norms of θ's pieces; return (d, #pieces with θ = 0)."""
    d = np.array(d, dtype=np.float64)
    if normalisation == "none":
        return d / max(float(np.linalg.norm(d)), 1e-300), 0
    unscaled = 0
    for piece_d, piece_t in zip(_pieces(landscape, d, normalisation),
                                _pieces(landscape, center, normalisation), strict=True):
        nd = float(np.linalg.norm(piece_d))
        nt = float(np.linalg.norm(piece_t))
        if nt == 0.0:
            unscaled += 1
            nt = 1.0
        piece_d *= nt / max(nd, 1e-300)
    return d, unscaled


def random_directions(landscape: Landscape, point: object, k: int = 2,
                      normalisation: Normalisation = "filter", seed: int = 0
                      ) -> tuple[np.ndarray, dict[str, Any]]:
    """k ∈ {1, 2} random directions (k, P), normalised then (for k = 2) orthogonalised."""
    if k not in (1, 2):
        raise InputError("k", f"expected 1 or 2 directions, got {k}")
    if normalisation not in ("filter", "layer", "none"):
        raise InputError("normalisation", f"expected filter, layer or none, got {normalisation!r}")
    center = landscape.point(point)
    rng = np.random.default_rng(seed)
    dirs, unscaled = [], 0
    for _ in range(k):
        d, n0 = normalise(landscape, center, rng.standard_normal(center.size), normalisation)
        dirs.append(d)
        unscaled += n0
    if k == 2:
        norm2 = np.linalg.norm(dirs[1])
        d2 = dirs[1] - (dirs[1] @ dirs[0]) / (dirs[0] @ dirs[0]) * dirs[0]
        dirs[1] = d2 * (norm2 / max(float(np.linalg.norm(d2)), 1e-300))
    info = {"kind": "random", "normalisation": normalisation, "seed": seed,
            "unscaled_pieces": unscaled}
    return np.array(dirs), info


def hessian_directions(landscape: Landscape, point: object, k: int = 2
                       ) -> tuple[np.ndarray, dict[str, Any]]:
    """Unit eigenvectors of ∇²Φ(θ): λ_min (k = 1); λ_min and λ_max (k = 2); (k, P)."""
    if k not in (1, 2):
        raise InputError("k", f"expected 1 or 2 directions, got {k}")
    center = landscape.point(point)
    P = center.size
    if P <= DENSE_LIMIT:
        w, V = np.linalg.eigh(landscape.hessian(center))
        pairs = [(w[0], V[:, 0]), (w[-1], V[:, -1])]
        method = "dense eigh"
    else:
        op = landscape.hessian_operator(center)
        lo_w, lo_v, _ = extreme_eigenpairs(op, "SA", 1, tol=1e-10)
        hi_w, hi_v, _ = extreme_eigenpairs(op, "LA", 1, tol=1e-10)
        if lo_w.size == 0 or hi_w.size == 0:
            raise np.linalg.LinAlgError("Lanczos (ARPACK) found no converged extreme eigenpair")
        pairs = [(lo_w[0], lo_v[:, 0]), (hi_w[-1], hi_v[:, -1])]
        method = "Lanczos (eigsh)"
    pairs = pairs[:k]
    dirs = np.array([v / np.linalg.norm(v) for _, v in pairs])
    residuals = [float(np.linalg.norm(landscape.hvp(center, v) - lam * v)) for lam, v in
                 zip((p[0] for p in pairs), dirs, strict=True)]
    info = {"kind": "hessian", "eigenvalues": [float(p[0]) for p in pairs],
            "labels": ["λ_min", "λ_max"][:k], "residuals": residuals, "method": method}
    return dirs, info


def given_directions(landscape: Landscape, directions: object) -> tuple[np.ndarray, dict[str, Any]]:
    """User directions (P,) or (k, P), k ≤ 2, validated (finite, right length, non-zero)."""
    D = np.atleast_2d(landscape.layout.as_directions(directions, "directions"))
    if D.shape[0] > 2:
        raise InputError("directions", f"expected 1 or 2 directions, got {D.shape[0]}")
    if np.any(np.linalg.norm(D, axis=1) == 0):
        raise InputError("directions", "a direction is zero")
    return D, {"kind": "given"}


def _grid(span: float, n: int, argument: str) -> np.ndarray:
    if not np.isfinite(span) or span <= 0:
        raise InputError("span", f"expected a finite number > 0, got {span}")
    if n < 3:
        raise InputError(argument, f"expected at least 3 grid points, got {n}")
    n = n if n % 2 == 1 else n + 1  # odd: the centre is a grid point
    return np.linspace(-span, span, n)


def slice_1d(landscape: Landscape, point: object, direction: np.ndarray, span: float = 1.0,
             n: int = 41, info: dict[str, Any] | None = None) -> Slice:
    """Φ(θ + α d) for α on an odd grid of n points in [−span, span]."""
    center = landscape.point(point)
    d = np.atleast_2d(landscape.layout.as_directions(direction, "direction"))[0]
    alphas = _grid(span, n, "n")
    values = np.array([landscape.value(center + a * d) for a in alphas])
    meta = dict(info or {}) | {"center_value": landscape.value(center), "span": span}
    return Slice(center, d[None, :], (alphas,), values, meta)


def slice_2d(landscape: Landscape, point: object, d1: np.ndarray, d2: np.ndarray,
             span: float = 1.0, n: int = 25, info: dict[str, Any] | None = None) -> Slice:
    """Φ(θ + α d₁ + β d₂) on an n×n grid (odd n) in [−span, span]²; values[i, j] at (α_j, β_i)."""
    center = landscape.point(point)
    D = landscape.layout.as_directions(np.array([d1, d2]), "directions")
    alphas = _grid(span, n, "n")
    betas = alphas.copy()
    values = np.array([[landscape.value(center + a * D[0] + b * D[1]) for a in alphas]
                       for b in betas])
    meta = dict(info or {}) | {"center_value": landscape.value(center), "span": span}
    return Slice(center, D, (alphas, betas), values, meta)
