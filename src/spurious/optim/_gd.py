"""Gradient descent w_{t+1} = w_t − η ∇f(w_t) (Optimization 1 notes §6.2.1, Thm 6.7).

The step η is fixed (``lr``), or η = 1/β with β given or estimated on a ball around w₀
(:func:`~spurious.optim.smoothness.estimate_beta`). The run stops at the first iterate with
‖∇f‖ ≤ max(``gtol``, ``eps``) (status converged: Thm 6.7's ε-stationary point), after
``steps`` steps (max-iterations), at a non-finite value (diverged, last finite point kept),
or when ``stop(step, w, f, g)`` returns True (converged); ``Result.message`` says which.

When η ≤ 1/β the proof of Thm 6.7 promises f(w_{t+1}) ≤ f(w_t) − (η/2)‖∇f(w_t)‖²; a step
that breaks it proves β too small on the path, and is reported in ``Result.warnings``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..errors import require_int
from ..landscape import Landscape
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
from .bounds import gd_step_bound
from .smoothness import SmoothnessEstimate, estimate_beta

__all__ = ["run", "step_size"]

StopRule = Callable[[int, np.ndarray, float, np.ndarray], bool]

# A loss increase must exceed this relative amount to count (round-off in f is ~1e-16·|f|).
_INCREASE_TOL = 1e-12


def step_size(landscape: Landscape, x0: np.ndarray, lr: float | None, beta: float | None,
              radius: float | None, seed: int) -> tuple[float, float | None, SmoothnessEstimate | None]:
    """(η, β, estimate): η = lr if given, else 1/β with β given or estimated on B(x0, radius)."""
    if lr is not None:
        lr = check_lr(lr)
        return lr, (check_positive(beta, "beta") if beta is not None else None), None
    if beta is not None:
        beta = check_positive(beta, "beta")
        return 1.0 / beta, beta, None
    r = max(1.0, 0.5 * float(np.linalg.norm(x0))) if radius is None else check_positive(radius, "radius")
    est = estimate_beta(landscape, x0, r, seed=seed)
    if est.value <= 0:
        return 1.0, est.value, est
    return 1.0 / est.value, est.value, est


def run(landscape: Landscape, x0: object, lr: float | None = None, steps: int = 1000, *,
        beta: float | None = None, radius: float | None = None, gtol: float | None = None,
        eps: float | None = None, f_star: float | None = None, log_every: int = 1,
        lambda_every: int = 0, critical_points: Sequence[object] | None = None,
        stop: StopRule | None = None, seed: int = 0,
        progress: Callable[[int], None] | None = None, record_every: int = 0) -> Result:
    """Run GD from ``x0`` and return a :class:`~spurious.result.Result`.

    Parameters
    ----------
    landscape : the function f = Φ.
    x0 : starting point, flat (P,) or list of blocks.
    lr : fixed step η > 0; if None, η = 1/β (``beta`` given, or estimated on B(x0, radius),
        radius defaulting to max(1, ‖x0‖/2)).
    steps : the most steps taken.
    gtol : stop (converged) once ‖∇f‖ ≤ gtol; default 0 (only an exactly flat gradient stops).
    eps : the ε of Thm 6.7: the run stops (converged) at the first step with ‖∇f‖ ≤ ε, stored
        in ``info["first_eps_step"]``; with f* (``f_star`` or the landscape's exact min_value),
        the bound 2(f(w₀) − f*)/(η ε²) is in ``info["gd_step_bound"]``.
    log_every, lambda_every, critical_points : what the trajectory log holds.
    stop : optional rule ``stop(step, w, f, g) -> bool`` ending the run (status converged).
    progress : called with the number of steps done (for progress bars).
    record_every : keep every k-th iterate in ``Result.iterates`` (0: none).
    """
    landscape = check_landscape(landscape)
    w = landscape.point(x0, "x0").copy()
    steps = check_steps(steps)
    seed = require_int(seed, "seed")
    gtol = 0.0 if gtol is None else float(gtol)
    if gtol < 0 or not np.isfinite(gtol):
        check_positive(gtol, "gtol")
    eps = None if eps is None else check_positive(eps, "eps")
    lr, beta, estimate = step_size(landscape, w, lr, beta, radius, seed)
    threshold = max(gtol, eps or 0.0)
    traj = Trajectory(landscape, log_every, lambda_every, check_points(critical_points, landscape))
    recorder = IterateRecorder(record_every)
    info: dict[str, object] = {"lr": lr, "beta": beta}
    if estimate is not None:
        info["beta_estimate"] = estimate.to_dict()
    warnings: list[str] = []
    settings = {"lr": lr, "beta": beta, "steps": steps, "gtol": gtol, "eps": eps}

    with np.errstate(all="ignore"):
        f, g = landscape.objective.value_and_gradient(w)
    if not all_finite(f, g):
        return Result(point=w, loss=float("nan") if not np.isfinite(f) else float(f), grad_norm_sq=float("inf"),
                      iterations=0, status=RunStatus.DIVERGED, method=f"gd(lr={lr:.3g})",
                      message="non-finite loss or gradient at x0",
                      evaluations=Evaluations.counted(value_and_gradient=1),
                      settings=settings, log=traj.log, info=info, warnings=("non-finite loss or gradient at x0",))
    f = float(f)
    f0 = f
    gn = float(np.linalg.norm(g))
    first_eps = 0 if (eps is not None and gn <= eps) else None
    worst_decrease_ratio = np.inf
    increase_step = None
    left_region_step = None
    status = RunStatus.MAX_ITERATIONS
    t = 0
    traj.record(0, w, f, gn, 0.0, force=True)
    step_length = 0.0
    message = ""
    while True:
        recorder.record(t, w)
        if gn <= threshold:
            status = RunStatus.CONVERGED
            rule = "ε" if eps is not None and gn <= eps else "gtol"
            message = f"‖∇f‖ = {gn:.3e} ≤ {rule} = {threshold:.3g} at step {t}"
            break
        if stop is not None and stop(t, w, f, g):
            status = RunStatus.CONVERGED
            message = f"the stop rule returned True at step {t}"
            break
        if t >= steps:
            message = f"step budget {steps} reached with ‖∇f‖ = {gn:.3e} > {threshold:.3g}"
            break
        with np.errstate(all="ignore"):
            w_new = w - lr * g
            f_new, g_new = landscape.objective.value_and_gradient(w_new)
            gn_new = float(np.linalg.norm(g_new))
        if not all_finite(w_new, f_new, g_new, gn_new):
            status = RunStatus.DIVERGED
            warnings.append(f"non-finite value at step {t + 1}: stopped, last finite point kept")
            message = f"non-finite value at step {t + 1}: diverged, last finite point kept"
            break
        f_new = float(f_new)
        decrease = f - f_new
        if gn > 0:
            worst_decrease_ratio = min(worst_decrease_ratio, decrease / (0.5 * lr * gn**2))
        if increase_step is None and -decrease > _INCREASE_TOL * max(abs(f), 1.0):
            increase_step = t + 1
        if estimate is not None and left_region_step is None and not estimate.contains(w_new):
            left_region_step = t + 1
        step_length = lr * gn  # ‖w_{t+1} − w_t‖ = η‖∇f(w_t)‖
        w, f, g, gn = w_new, f_new, g_new, gn_new
        t += 1
        if first_eps is None and eps is not None and gn <= eps:
            first_eps = t
        traj.record(t, w, f, gn, step_length)
        if progress is not None:
            progress(t)
    traj.record(t, w, f, gn, step_length, force=True)

    info["decrease_ratio_min"] = None if not np.isfinite(worst_decrease_ratio) else worst_decrease_ratio
    if eps is not None:
        info["eps"] = eps
        info["first_eps_step"] = first_eps
        if f_star is None:
            opt = landscape.optimum
            f_star = opt.value if (opt is not None and opt.exact) else None
        if f_star is not None:
            info["f_star"] = float(f_star)
            info["gd_step_bound"] = gd_step_bound(f0, min(float(f_star), f0), lr, eps)
    if increase_step is not None:
        who = f"β = {beta:.4g} is too small (η = 1/β)" if beta is not None else f"η = {lr:.4g} is too large"
        warnings.append(f"the loss increased at step {increase_step}: {who} on this path")
    if left_region_step is not None and estimate is not None:
        warnings.append(f"the run left the region where β was estimated ({estimate.region}) "
                        f"at step {left_region_step}")
    recorder.record(t, w, force=True)
    return Result(point=w, loss=f, grad_norm_sq=gn**2, iterations=t, status=status, method=f"gd(lr={lr:.4g})",
                  message=message,
                  evaluations=Evaluations.counted(value_and_gradient=t + 1 + (status is RunStatus.DIVERGED)),
                  settings=settings, log=traj.log, info=info, warnings=warnings,
                  iterates=recorder.array(), iterate_steps=recorder.steps)
