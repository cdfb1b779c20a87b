"""Perturbed gradient descent, exactly as in the Optimization 1 notes §6.2.3 (Jin et al. 2017).

PGD(w₀, β, ρ, ε, c, δ, Δf):
  1. χ ← 3 max{log(dβΔf/(cε²δ)), 4},  η ← c/β,  r ← (√c/χ²)(ε/β)
  2. g_thresh ← (√c/χ²) ε,  f_thresh ← (c/χ³) √(ε³/ρ),  t_thresh ← (χ/c²) β/√(ρε)
  3. t_noise ← −t_thresh − 1
  4. for t = 0, 1, …:
     4.1 if ‖∇f(w_t)‖ ≤ g_thresh and t − t_noise > t_thresh:
           w̃_t ← w_t, t_noise ← t;  w_t ← w̃_t + ξ_t,  ξ_t uniform in the ball of radius r
     4.2 if t − t_noise = t_thresh and f(w_t) − f(w̃_{t_noise}) > −f_thresh: return w̃_{t_noise}
     4.3 w_{t+1} ← w_t − η ∇f(w_t)

t_thresh is rounded up to whole steps. Thm 6.9: for c ≤ c_max (an unstated absolute
constant) the returned point is an ε-second-order stationary point (‖∇f‖ ≤ ε and
λ_min(∇²f) ≥ −√(ρε)) with probability ≥ 1 − δ. ``run`` returns status converged when the
return rule 4.2 fires, max-iterations when ``max_steps`` is reached first, diverged on a
non-finite value; with ``certify=True`` it also measures ‖∇f‖ and λ_min at the returned
point and says in ``info["second_order"]`` whether it is ε-second-order stationary, and why not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..landscape import Landscape
from ..result import Evaluations, Result, RunStatus
from ._trajectory import (
    IterateRecorder,
    Trajectory,
    all_finite,
    check_landscape,
    check_points,
    check_steps,
    lambda_min,
    sample_ball,
)
from .bounds import PGDParameters, pgd_parameters

__all__ = ["run", "certify_second_order"]


def certify_second_order(landscape: Landscape, point: np.ndarray, eps: float, rho: float) -> dict:
    """Is ``point`` an ε-second-order stationary point (Def. 6.8)? Returns the figures and a reason."""
    g = float(np.linalg.norm(landscape.gradient(point)))
    lam = lambda_min(landscape, point)
    floor = -float(np.sqrt(rho * eps))
    ok_g, ok_l = g <= eps, bool(np.isfinite(lam) and lam >= floor)
    if ok_g and ok_l:
        reason = "ε-second-order stationary"
    elif not ok_g:
        reason = f"‖∇f‖ = {g:.3g} > ε = {eps:.3g}"
    else:
        reason = f"λ_min = {lam:.3g} < −√(ρε) = {floor:.3g}"
    return {"grad_norm": g, "lambda_min": lam, "curvature_floor": floor,
            "is_second_order_stationary": ok_g and ok_l, "reason": reason}


def run(landscape: Landscape, x0: object, *, beta: float, rho: float, eps: float, c: float = 1.0,
        delta: float = 0.1, delta_f: float, max_steps: int = 100_000, seed: int = 0,
        certify: bool = True, log_every: int = 1, lambda_every: int = 0,
        critical_points: Sequence[object] | None = None,
        progress: Callable[[int], None] | None = None, record_every: int = 0,
        stop_at_eps: bool = False) -> Result:
    """Run PGD(x0, β, ρ, ε, c, δ, Δf) of the Optimization 1 notes §6.2.3 (see the module docstring).

    ``info`` holds the constants (``params``), the perturbation steps, the step at which the
    return rule fired, and (``certify``) the second-order certificate of the returned point.
    """
    landscape = check_landscape(landscape)
    w = landscape.point(x0, "x0").copy()
    params: PGDParameters = pgd_parameters(landscape.n_params, beta, rho, eps, c, delta, delta_f)
    max_steps = check_steps(max_steps, "max_steps")
    rng = np.random.default_rng(seed)
    traj = Trajectory(landscape, log_every, lambda_every, check_points(critical_points, landscape))
    eta, t_thresh = params.lr, params.t_thresh_steps
    t_noise = -t_thresh - 1
    w_tilde, f_tilde = w.copy(), 0.0
    perturbations: list[int] = []
    warnings: list[str] = []
    status = RunStatus.MAX_ITERATIONS
    returned: np.ndarray | None = None
    early = False
    objective = landscape.objective
    recorder = IterateRecorder(record_every)
    evaluations = [0]

    def evaluate(point: np.ndarray) -> tuple[float, np.ndarray] | None:
        evaluations[0] += 1
        with np.errstate(all="ignore"):
            value, grad = objective.value_and_gradient(point)
        return (float(value), grad) if all_finite(value, grad, point) else None

    start = evaluate(w)
    t = 0
    if start is None:
        status = RunStatus.DIVERGED
        warnings.append("non-finite loss or gradient at x0")
        f, g = float("inf"), np.zeros_like(w)
    else:
        f, g = start
    step_length = 0.0
    while status is not RunStatus.DIVERGED:
        gn = float(np.linalg.norm(g))
        traj.record(t, w, f, gn, step_length)
        recorder.record(t, w)
        # optional: stop at the first iterate found ε-second-order stationary (checked where 4.1 would perturb)
        if stop_at_eps and gn <= params.g_thresh and t - t_noise > t_thresh and \
                certify_second_order(landscape, w, params.eps, params.rho)["is_second_order_stationary"]:
            returned, status, early = w.copy(), RunStatus.CONVERGED, True
            break
        # 4.1: perturb when the gradient is small and no perturbation is recent
        if gn <= params.g_thresh and t - t_noise > t_thresh:
            w_tilde, f_tilde, t_noise = w.copy(), f, t
            perturbations.append(t)
            moved = w_tilde + sample_ball(rng, w.size, params.radius)
            new = evaluate(moved)
            if new is None:
                status = RunStatus.DIVERGED
                warnings.append(f"non-finite value after the perturbation at step {t}")
                break
            w, (f, g) = moved, new
        # 4.2: return rule
        if t - t_noise == t_thresh and f - f_tilde > -params.f_thresh:
            returned = w_tilde
            status = RunStatus.CONVERGED
            break
        if t >= max_steps:
            break
        # 4.3: gradient step
        moved = w - eta * g
        new = evaluate(moved)
        if new is None:
            status = RunStatus.DIVERGED
            warnings.append(f"non-finite value at step {t + 1}: stopped, last finite point kept")
            break
        step_length = float(np.linalg.norm(moved - w))
        w, (f, g) = moved, new
        t += 1
        if progress is not None:
            progress(t)
    point = returned if returned is not None else w
    with np.errstate(all="ignore"):
        f_out, g_out = objective.value_and_gradient(point)
    gn_out = float(np.linalg.norm(g_out))
    traj.record(t, point, float(f_out), gn_out, step_length, force=True)
    info: dict[str, object] = {
        "params": params.to_dict(), "t_thresh_steps": t_thresh, "perturbation_steps": perturbations,
        "returned_at_step": t if returned is not None else None,
        "returned_point_from_step": (t if early else t_noise) if returned is not None else None,
    }
    message = {
        RunStatus.CONVERGED: (f"ε-second-order stationary at step {t} (‖∇f‖ ≤ g_thresh and λ_min ≥ −√(ρε)): "
                      "stopped before perturbing (stop_at_eps)") if early else
                     (f"return rule 4.2 fired at step {t}: f fell by less than f_thresh in t_thresh = "
                      f"{t_thresh} steps after the perturbation at step {t_noise}; w̃ returned"),
        RunStatus.MAX_ITERATIONS: f"max_steps = {max_steps} reached before the return rule fired",
        RunStatus.DIVERGED: warnings[-1] if warnings else "non-finite value",
    }[status]
    recorder.record(t, point, force=True)
    if status is RunStatus.MAX_ITERATIONS:
        warnings.append(f"the return rule did not fire within {max_steps} steps "
                        f"(t_thresh = {t_thresh}); the last iterate is returned instead")
    if certify:
        cert = certify_second_order(landscape, point, params.eps, params.rho)
        info["second_order"] = cert
        if not cert["is_second_order_stationary"]:
            warnings.append(f"the returned point is not ε-second-order stationary: {cert['reason']}")
    settings = {"beta": params.beta, "rho": params.rho, "eps": params.eps, "c": params.c, "delta": params.delta,
                "delta_f": params.delta_f, "max_steps": max_steps, "seed": seed, "stop_at_eps": stop_at_eps}
    return Result(point=point, loss=float(f_out), grad_norm_sq=gn_out**2, iterations=t, status=status,
                  method=f"pgd(c={params.c:g}, eps={params.eps:g}, delta={params.delta:g})", message=message,
                  evaluations=Evaluations.counted(value_and_gradient=evaluations[0] + 1),
                  settings=settings, log=traj.log, info=info, warnings=warnings,
                  iterates=recorder.array(), iterate_steps=recorder.steps)
