"""Shared machinery of the optimisers: argument checks, the trajectory log, λ_min probes.

A run records, per logged step, the :class:`~spurious.result.RunLog` columns ``iteration``,
``loss``, ``grad_norm``, ``step_size``; optionally ``dist_crit`` (distance to the nearest
analytic critical point, when a list of points is given) and, every ``lambda_every`` steps,
``lambda_min`` (smallest Hessian eigenvalue by Lanczos, ``scipy.sparse.linalg.eigsh(which='SA')``,
or dense ``eigvalsh`` for small P; NaN on the other rows).
Non-finite values end a run with status ``diverged``; the last finite point is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import InputError, as_float_array, require_positive
from ..landscape import Landscape
from ..linalg import smallest_eigenvalue
from ..result import RunLog
from ..tolerances import DENSE_EXTREME_LIMIT

DENSE_LIMIT = DENSE_EXTREME_LIMIT  # at most this many parameters: λ_min from a dense eigendecomposition


def check_landscape(landscape: object) -> Landscape:
    if not isinstance(landscape, Landscape):
        raise InputError("landscape", f"expected a Landscape, got {type(landscape).__name__}")
    return landscape


def check_lr(lr: float, argument: str = "lr") -> float:
    """η must be a finite number > 0."""
    return require_positive(lr, argument, "step size")


def check_positive(value: float, argument: str) -> float:
    return require_positive(value, argument)


def check_probability(delta: float, argument: str = "delta") -> float:
    """δ must lie in the open interval (0, 1)."""
    try:
        v = float(delta)
    except (TypeError, ValueError):
        raise InputError(argument, f"expected a number in (0, 1), got {delta!r}") from None
    if not (0.0 < v < 1.0):
        raise InputError(argument, f"expected a number in the open interval (0, 1), got {delta}")
    return v


def check_steps(steps: int, argument: str = "steps") -> int:
    if isinstance(steps, bool) or int(steps) != steps or steps < 0:
        raise InputError(argument, f"expected an integer >= 0, got {steps!r}")
    return int(steps)


def check_points(points: Sequence[object] | None, landscape: Landscape) -> np.ndarray | None:
    """Critical points (list of points or (k, P) array) as a (k, P) array, or None."""
    if points is None:
        return None
    if isinstance(points, np.ndarray) and points.ndim == 2:
        arr = as_float_array(points, "critical_points", ndim=2)
    else:
        arr = np.stack([landscape.point(p, f"critical_points[{i}]") for i, p in enumerate(points)])
    if arr.ndim != 2 or arr.shape[1] != landscape.n_params or arr.shape[0] == 0:
        raise InputError("critical_points", f"expected k >= 1 points of {landscape.n_params} parameters")
    return arr


def lambda_min(landscape: Landscape, point: np.ndarray, tol: float = 1e-10) -> float:
    """Smallest eigenvalue of ∇²Φ(point): dense for P ≤ DENSE_LIMIT, else Lanczos (which='SA');
    :func:`spurious.linalg.smallest_eigenvalue`."""
    if landscape.n_params <= DENSE_LIMIT:
        return smallest_eigenvalue(landscape.hessian(point))
    return smallest_eigenvalue(landscape.hessian_operator(point), tol)


def all_finite(*values: object) -> bool:
    return all(bool(np.all(np.isfinite(v))) for v in values)


class Trajectory:
    """The run's :class:`~spurious.result.RunLog`, written every ``every`` steps and at the end.

    Extras: ``dist_crit`` when critical points are given; ``lambda_min`` when ``lambda_every``
    > 0 (NaN on the rows where it was not probed, or where Lanczos did not converge).
    """

    def __init__(self, landscape: Landscape, every: int = 1, lambda_every: int = 0,
                 critical_points: np.ndarray | None = None):
        self.landscape = landscape
        self.every = max(int(every), 1)
        self.lambda_every = int(lambda_every)
        self.critical_points = critical_points
        extras = (("dist_crit",) if critical_points is not None else ()) + (("lambda_min",) if lambda_every > 0 else ())
        self.log = RunLog(extras)
        self._last_step = -1

    def record(self, step: int, point: np.ndarray, loss: float, grad_norm: float, step_size: float,
               force: bool = False) -> None:
        """Log the iterate ``point`` of step ``step``, reached by a step of length ``step_size``."""
        if step == self._last_step or not (force or step % self.every == 0):
            return
        self._last_step = step
        extras: dict[str, float] = {}
        if self.critical_points is not None:
            extras["dist_crit"] = float(np.linalg.norm(self.critical_points - point[None, :], axis=1).min())
        if self.lambda_every > 0 and (step % self.lambda_every == 0 or force):
            extras["lambda_min"] = lambda_min(self.landscape, point)
        self.log.append(iteration=step, loss=loss, grad_norm=grad_norm, step_size=step_size, **extras)


def sample_ball(rng: np.random.Generator, dim: int, radius: float, size: int | None = None) -> np.ndarray:
    """Uniform samples in the Euclidean ball {w : ‖w‖ ≤ radius} of ℝ^dim.

    Direction ~ normalised Gaussian, radius ~ R·U^{1/dim} (the uniform law on the ball).
    """
    shape = (dim,) if size is None else (size, dim)
    g = rng.standard_normal(shape)
    g /= np.linalg.norm(g, axis=-1, keepdims=True)
    u = rng.random(() if size is None else (size, 1))
    return radius * u ** (1.0 / dim) * g


class IterateRecorder:
    """Keeps every ``every``-th iterate (and the last): ``Result.iterates`` / ``iterate_steps``.

    ``every = 0`` records nothing (the default of every method: iterates cost P floats each).
    """

    def __init__(self, every: int = 0):
        if isinstance(every, bool) or int(every) != every or every < 0:
            raise InputError("record_every", f"expected an integer >= 0, got {every!r}")
        self.every = int(every)
        self.steps: list[int] = []
        self._points: list[np.ndarray] = []

    def record(self, step: int, point: np.ndarray, force: bool = False) -> None:
        if self.every == 0 or (self.steps and self.steps[-1] == step):
            return
        if force or step % self.every == 0:
            self.steps.append(int(step))
            self._points.append(np.array(point, dtype=np.float64, copy=True))

    def array(self) -> np.ndarray | None:
        """(n, P) recorded points, or None when recording is off."""
        return np.stack(self._points) if self._points else None
