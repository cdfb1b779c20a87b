"""Many independent GD runs of one deep linear architecture, squared loss, at once.

Parameters are stacked as Θ ∈ ℝ^{k×P} (one row per run); every layer is a (k, d_j, d_{j−1})
view of Θ, so one step is a handful of batched matmuls (``np.matmul`` with a batch axis):
prefix products P_j = W_j⋯W_1, suffix products S_j = W_N⋯W_j, the end-to-end gradient
G = ∇ℓ(W) = s(W XXᵀ − YXᵀ) (s = 1, or 1/m for a mean loss) from the sufficient statistics,
and the chain rule ∇_{W_j}Φ = S_{j+1}ᵀ G P_{j−1}ᵀ (Optimization 1 notes §6.2.5). The cost per step is
independent of the number of samples m and the Python overhead is paid once for all k runs.

A run whose values become non-finite is restored to its last finite checkpoint and frozen
(status diverged); a run whose ‖∇Φ‖ ≤ gtol at a checkpoint is frozen (converged).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..data import Dataset, Population
from ..errors import InputError, as_float_array
from ..losses import SquaredFromStats, SquaredLoss
from ..models.base import T, prefix_products, suffix_products
from ..models.deep_linear import DeepLinear
from ..vocabulary import RunStatus
from ._trajectory import check_steps

__all__ = ["BatchedResult", "batched_gd", "batched_value", "batched_gradient", "squared_stats"]


@dataclass(frozen=True, kw_only=True)
class BatchedResult:
    """Outcome of k GD runs: arrays with one entry (or row) per run.

    points (k, P), losses (k,), grad_norms (k,), iterations (k,), status (k,) of
    :class:`~spurious.vocabulary.RunStatus` (converged, max-iterations, diverged);
    log: the :class:`~spurious.result.RunLog` columns for k runs at once — "iteration" (n,)
    at the logged steps, "loss" (n, k), "grad_norm" (n, k).
    """

    points: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    iterations: np.ndarray
    status: np.ndarray
    method: str
    log: dict[str, np.ndarray] = field(default_factory=dict)
    info: dict[str, object] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.points.shape[0])


def squared_stats(model: DeepLinear, data: object, loss: SquaredLoss | None = None) -> SquaredFromStats:
    """The squared loss from sufficient statistics, checked against the model's widths."""
    if isinstance(data, SquaredFromStats):
        ell = data
    elif isinstance(data, Dataset | Population):
        ell = (loss or SquaredLoss()).on(data)
    else:
        raise InputError("data", f"expected a Dataset, Population or SquaredFromStats, got {type(data).__name__}")
    if (ell.d_in, ell.d_out) != (model.d_in, model.d_out):
        raise InputError("data", f"data is {ell.d_in}→{ell.d_out} but the model is {model.d_in}→{model.d_out}")
    return ell


def _gradient_blocks(F: list[np.ndarray], ell: SquaredFromStats) -> tuple[np.ndarray, list[np.ndarray]]:
    """(end-to-end W (k, d_N, d_0), gradient blocks) at stacked factors F (k, d_j, d_{j−1})."""
    Pf = prefix_products(F)
    Sf = suffix_products(F)
    W = Pf[-1]
    G = ell.factor * (W @ ell.stats.XXt - ell.stats.YXt)
    grads = []
    for j in range(len(F)):
        left = G if Sf[j + 1] is None else T(Sf[j + 1]) @ G
        grads.append(left if Pf[j] is None else left @ T(Pf[j]))
    return W, grads


def batched_value(model: DeepLinear, ell: SquaredFromStats, thetas: np.ndarray) -> np.ndarray:
    """Φ at k stacked points (k, P) → (k,): s(½‖(W − W*)C^½‖² + floor) per run."""
    W = prefix_products(model.unflatten(thetas))[-1]
    R = ell.residual(W)
    return ell.factor * (0.5 * np.einsum("kij,kij->k", R, R) + ell.floor)


def batched_gradient(model: DeepLinear, ell: SquaredFromStats, thetas: np.ndarray) -> np.ndarray:
    """∇Φ at k stacked points (k, P) → (k, P)."""
    _, grads = _gradient_blocks(model.unflatten(thetas), ell)
    return model.flatten(grads)


def _check_thetas(model: DeepLinear, theta0: object) -> np.ndarray:
    arr = as_float_array(theta0, "theta0")
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != model.n_params:
        raise InputError("theta0", f"expected shape (k, {model.n_params}), got {arr.shape}")
    return np.ascontiguousarray(arr, dtype=np.float64).copy()


def _check_lrs(lr: object, k: int) -> np.ndarray:
    lrs = np.broadcast_to(np.asarray(lr, dtype=np.float64), (k,)) if np.ndim(lr) <= 1 else None
    if lrs is None or lrs.shape != (k,):
        raise InputError("lr", f"expected a number or {k} numbers")
    if not np.all(np.isfinite(lrs)) or np.any(lrs <= 0):
        raise InputError("lr", "expected finite step sizes > 0")
    return np.array(lrs)


def batched_gd(model: DeepLinear, data: object, theta0: object, lr: float | np.ndarray,
               steps: int, *, loss: SquaredLoss | None = None, gtol: float = 0.0,
               check_every: int = 50, log_every: int = 0) -> BatchedResult:
    """k independent GD runs w ← w − η_i ∇Φ(w) from the rows of ``theta0`` (k, P).

    data : Dataset, Population or SquaredFromStats (squared loss, ``loss`` sets ``mean``).
    lr : one step size or one per run.  steps : steps per run.
    gtol : a run stops (converged) once ‖∇Φ‖ ≤ gtol at a checkpoint (every ``check_every`` steps).
    log_every : log per-run loss and ‖∇Φ‖ every this many steps (0: first and last only).
    """
    if not isinstance(model, DeepLinear):
        raise InputError("model", f"batched runs need a DeepLinear model, got {type(model).__name__}")
    ell = squared_stats(model, data, loss)
    theta = _check_thetas(model, theta0)
    k = theta.shape[0]
    lrs = _check_lrs(lr, k)
    steps = check_steps(steps)
    check_every = max(int(check_every), 1)
    log_every = int(log_every)
    if gtol < 0 or not np.isfinite(gtol):
        raise InputError("gtol", f"expected a finite number >= 0, got {gtol}")
    blocks = model.unflatten(theta)  # views into theta: in-place updates move the runs
    step_lr = [lrs[:, None, None].copy() for _ in blocks]
    active = np.ones(k, dtype=bool)
    status = np.full(k, RunStatus.MAX_ITERATIONS, dtype=object)
    iterations = np.full(k, steps, dtype=np.int64)
    checkpoint = theta.copy()
    log: dict[str, list] = {"iteration": [], "loss": [], "grad_norm": []}

    def record(t: int) -> None:
        with np.errstate(all="ignore"):
            log["iteration"].append(t)
            log["loss"].append(batched_value(model, ell, theta))
            log["grad_norm"].append(np.linalg.norm(batched_gradient(model, ell, theta), axis=1))

    def checkpoint_runs(t: int) -> None:
        finite = np.all(np.isfinite(theta), axis=1)
        with np.errstate(all="ignore"):
            gnorm = np.linalg.norm(batched_gradient(model, ell, theta), axis=1)
        finite &= np.isfinite(gnorm)
        bad = active & ~finite
        if bad.any():
            theta[bad] = checkpoint[bad]
            status[bad] = RunStatus.DIVERGED
            iterations[bad] = max(t - check_every, 0)
        done = active & finite & (gnorm <= gtol)
        status[done] = RunStatus.CONVERGED
        iterations[done] = t
        newly = bad | done
        if newly.any():
            active[newly] = False
            for s in step_lr:
                s[newly] = 0.0
        checkpoint[:] = theta

    record(0)
    checkpoint_runs(0)
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            if not active.any():
                break
            _, grads = _gradient_blocks(blocks, ell)
            for Wj, Gj, s in zip(blocks, grads, step_lr, strict=True):
                Gj *= s
                Wj -= Gj
            if t % check_every == 0 or t == steps:
                checkpoint_runs(t)
            if log_every and t % log_every == 0:
                record(t)
    if not log["iteration"] or log["iteration"][-1] != steps:
        record(steps)
    with np.errstate(all="ignore"):
        losses = batched_value(model, ell, theta)
        gnorms = np.linalg.norm(batched_gradient(model, ell, theta), axis=1)
    return BatchedResult(
        points=theta, losses=losses, grad_norms=gnorms, iterations=iterations, status=status,
        method=f"batched-gd(k={k}, widths={model.widths})",
        log={"iteration": np.asarray(log["iteration"], dtype=np.int64), "loss": np.asarray(log["loss"]),
             "grad_norm": np.asarray(log["grad_norm"])},
        info={"lr": lrs, "steps": steps, "check_every": check_every},
    )
