"""Stochastic gradient descent, as in the slides (Kawaguchi slides, "Stochastic Gradient Descent").

Per step: select l uniformly at random in {1, …, n} and set w := w − α ∇E_l(w), with
E_l the loss of sample l alone. Mini-batch SGD (``batch_size`` = b > 1) draws b distinct
samples uniformly and steps along the mean of their gradients.

Per-sample loss: the loss configuration's own term for one sample (for the squared loss
½‖f_w(x_l) − y_l‖², i.e. half the slides' |f_w(X_l) − Y_l|²; set α twice as large to match).
Chain models (deep linear nets) use the closed-form chain rule with G = ∇_Z L(W X_b) X_bᵀ / b
(for the squared loss G = (W X_b − Y_b) X_bᵀ / b); other models are bound to the mini-batch
as ``model.bind(loss, Dataset(X[:, idx], Y[:, idx]))``.

The log holds the full loss and ‖∇f‖ (of the landscape's loss on all the data) every
``log_every`` steps. Non-finite values end the run (diverged, last finite point kept).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..data import Dataset
from ..errors import InputError, require_int
from ..landscape import Landscape
from ..objective import capability
from ..result import Evaluations, Result, RunStatus
from ._trajectory import (
    IterateRecorder,
    Trajectory,
    all_finite,
    check_landscape,
    check_lr,
    check_points,
    check_positive,
    check_steps,
)

__all__ = ["run", "minibatch_gradient"]


def minibatch_gradient(landscape: Landscape, w: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Mean over the samples ``idx`` of the per-sample gradients ∇E_l(w), flat (P,).

    An objective that holds its own samples (a torch model: ``from_torch``) offers the
    capability ``minibatch_gradient(w, idx)``; otherwise the model is bound to those columns of
    the landscape's Dataset (a summed loss divided by |idx|, a mean loss as it is)."""
    own = capability(landscape.objective, "minibatch_gradient")
    if own is not None:
        return own(w, idx)
    data = landscape.data
    objective = landscape.model.bind(landscape.loss, Dataset(data.X[:, idx], data.Y[:, idx]))
    grad = objective.value_and_gradient(w)[1]
    return grad if landscape.loss.mean else grad / len(idx)


def _check_sampled(landscape: Landscape) -> int:
    """The number of samples SGD draws from."""
    own = capability(landscape.objective, "n_samples")
    if own is not None and capability(landscape.objective, "minibatch_gradient") is not None:
        return int(own())
    if not isinstance(landscape.data, Dataset) or landscape.loss is None:
        raise InputError("landscape", "SGD needs a landscape built on a Dataset (samples to draw)")
    return landscape.data.m


def run(landscape: Landscape, x0: object, lr: float = 0.01, steps: int = 1000, *,
        batch_size: int = 1, seed: int = 0, log_every: int = 1, lambda_every: int = 0,
        critical_points: Sequence[object] | None = None,
        progress: Callable[[int], None] | None = None, eps: float | None = None,
        record_every: int = 0) -> Result:
    """Run (mini-batch) SGD from ``x0``; ``batch_size=1`` is the slides' algorithm.

    lr : α > 0.  steps : number of SGD steps.  batch_size : b, 1 ≤ b ≤ n.
    seed : seeds the sample selection (numpy default_rng).
    eps : when given, the full gradient is measured after every step and the run stops
        (converged) at the first iterate with ‖∇f‖ ≤ ε (one full-data gradient per step).
    record_every : keep every k-th iterate in ``Result.iterates`` (0: none).
    Status: converged (ε reached), max-iterations after ``steps`` steps; diverged on a
    non-finite value. ``Result.message`` says which rule fired.
    """
    landscape = check_landscape(landscape)
    n = _check_sampled(landscape)
    w = landscape.point(x0, "x0").copy()
    lr = check_lr(lr)
    steps = check_steps(steps)
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or not (1 <= batch_size <= n):
        raise InputError("batch_size", f"expected an integer in [1, {n}], got {batch_size!r}")
    b = int(batch_size)
    eps = None if eps is None else check_positive(eps, "eps")
    recorder = IterateRecorder(record_every)
    full_evaluations = [0]
    rng = np.random.default_rng(require_int(seed, "seed"))
    traj = Trajectory(landscape, log_every, lambda_every, check_points(critical_points, landscape))
    warnings: list[str] = []

    def full(point: np.ndarray) -> tuple[float, float]:
        full_evaluations[0] += 1
        with np.errstate(all="ignore"):
            f, g = landscape.objective.value_and_gradient(point)
        return float(f), float(np.linalg.norm(g))

    f, gn = full(w)
    step_length = 0.0
    traj.record(0, w, f, gn, step_length, force=True)
    status = RunStatus.MAX_ITERATIONS
    message = f"step budget {steps} reached"
    t = 0
    if eps is not None and gn <= eps:
        status, message = RunStatus.CONVERGED, f"‖∇f‖ = {gn:.3e} ≤ ε = {eps:.3g} at step 0"
    while t < steps and status is RunStatus.MAX_ITERATIONS:
        recorder.record(t, w)
        idx = rng.integers(n, size=1) if b == 1 else rng.choice(n, size=b, replace=False)
        with np.errstate(all="ignore"):
            w_new = w - lr * minibatch_gradient(landscape, w, idx)
        if not all_finite(w_new):
            status = RunStatus.DIVERGED
            warnings.append(f"non-finite parameters at step {t + 1}: stopped, last finite point kept")
            message = f"non-finite parameters at step {t + 1}: diverged, last finite point kept"
            break
        t += 1
        length = float(np.linalg.norm(w_new - w))
        if t % traj.every == 0 or t == steps or eps is not None:
            f_new, gn_new = full(w_new)
            if not all_finite(f_new, gn_new):
                status = RunStatus.DIVERGED
                warnings.append(f"non-finite loss at step {t}: stopped, last finite point kept")
                message = f"non-finite loss at step {t}: diverged, last finite point kept"
                t -= 1
                break
            f, gn = f_new, gn_new
            w, step_length = w_new, length
            traj.record(t, w, f, gn, step_length)
            if eps is not None and gn <= eps:
                status, message = RunStatus.CONVERGED, f"‖∇f‖ = {gn:.3e} ≤ ε = {eps:.3g} at step {t}"
        else:
            w, step_length = w_new, length
        if progress is not None:
            progress(t)
    f, gn = full(w)
    traj.record(t, w, f, gn, step_length, force=True)
    name = "sgd" if b == 1 else f"minibatch-sgd(b={b})"
    recorder.record(t, w, force=True)
    settings = {"lr": lr, "batch_size": b, "steps": steps, "seed": seed, "eps": eps}
    return Result(point=w, loss=f, grad_norm_sq=gn**2, iterations=t, status=status,
                  method=f"{name}(lr={lr:.4g})", message=message,
                  evaluations=Evaluations.counted(value_and_gradient=full_evaluations[0],
                                                  minibatch_gradient=t + (status is RunStatus.DIVERGED)),
                  settings=settings, log=traj.log, info={"lr": lr, "batch_size": b, "seed": seed, "eps": eps},
                  warnings=warnings,
                  iterates=recorder.array(), iterate_steps=recorder.steps)
