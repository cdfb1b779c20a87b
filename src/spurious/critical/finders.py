"""Numerical critical-point finders, each ``run(landscape, x0, ...) -> Result``.

All three seek ∇Φ(θ) = 0 (minima *and* saddles) with Hessian–vector products only:

- :func:`newton_mr` — Newton-MR (Roosta, Liu, Xu & Mahoney 2018; used by Frye et al. 2019
  on the deep linear autoencoder): p = −H⁺g approximated by MINRES on the possibly singular,
  indefinite H, then a backtracking (Armijo) line search on ‖∇Φ‖²:
  ‖g(θ + αp)‖² ≤ ‖g‖² + 2ρα⟨p, Hg⟩.
- :func:`damped_newton` — Newton with Tikhonov damping, p = −(H + γI)⁻¹g (MINRES), same line
  search on ‖∇Φ‖²; γ is a fixed argument (bound explicitly: see DESIGN.md's autocrit pitfall).
- :func:`gradient_norm_minimisation` — gradient descent on ½‖∇Φ‖² (its gradient is Hg) with
  backtracking.
- :func:`levenberg_marquardt` — damped least squares on ∇Φ = 0: p = −(H² + μI)⁻¹Hg with
  adaptive μ (CG inner solve); not in Frye et al., added as the robust reference.

A run never raises on numerical failure: a non-finite loss or gradient ends it with status
"diverged" (keeping the last finite point); a line search that cannot decrease ‖∇Φ‖² ends
it as "stalled". A run that ends without converging is tested for *gradient-flatness*
(Frye et al. 2021): ∇Φ ∈ ker ∇²Φ, measured by ‖H g‖ / (‖H‖₂ ‖g‖); below
``tolerances.gradient_flat`` the status is "gradient-flat" — a stall, not a critical point.
Before that, it is tested for *escape to infinity* (:func:`escape_to_infinity`): ‖θ‖ growing
steadily over the run's last half while ‖∇Φ‖ shrinks gives the status "escaping".
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.sparse.linalg import ArpackError, LinearOperator

from ..errors import InputError, require_int, require_landscape
from ..linalg import damped_least_squares, krylov_pinv_solve, minres_solve, normal_equations_solve, spectral_norm
from ..optim._trajectory import IterateRecorder
from ..result import Evaluations, Result, RunLog
from ..tolerances import (
    DEFAULT,
    DENSE_HESSIAN_LIMIT,
    ESCAPE_GRADIENT_DECAY,
    ESCAPE_GROWTH,
    ESCAPE_MIN_WINDOW,
    ESCAPE_PIECES,
    ESCAPE_STEADINESS,
    ESCAPE_WINDOW_FRACTION,
    Tolerances,
)
from ..vocabulary import RunStatus
from ._classify import gradient_tolerance

__all__ = ["newton_mr", "damped_newton", "gradient_norm_minimisation", "levenberg_marquardt",
           "gradient_flatness", "escape_to_infinity", "FINDERS", "krylov_pinv_solve", "minres_shifted"]

Step = Callable[["_Oracle", np.ndarray, np.ndarray], tuple[np.ndarray, int]]

# Numerical failures a finder turns into a status instead of raising (the finder contract).
NUMERICAL_FAILURES = (ArithmeticError, np.linalg.LinAlgError, ArpackError, InputError, ValueError)

# Gradient-flat escape (Newton-MR): a stall is ‖∇Φ‖² not halved over STALL_WINDOW iterations
# (or a failed line search) at a point whose flatness residual is ≤ ESCAPE_FLATNESS; see
# _FinderRun.escape. At most MAX_ESCAPES escapes per run.
STALL_WINDOW = 25
ESCAPE_FLATNESS = 1e-2
MAX_ESCAPES = 8
# The Levenberg–Marquardt escape solves densely (P batched HVPs, then eigh) up to the library's one
# dense-or-iterative limit: there the exact solve costs about what LSMR's 2P sequential HVPs cost, and
# LSMR stopped at 2P iterations is too inexact to give LM its fast local convergence (on a 32-8-32 net,
# P = 512: 5/10 random starts converged in 200 iterations with LSMR, 8/10 and 2.7× faster dense).
DENSE_LM_LIMIT = DENSE_HESSIAN_LIMIT


class _Oracle:
    """The landscape's objective on validated points, counting evaluations; never raises on NaN."""

    def __init__(self, landscape):
        self.objective = landscape.objective
        self.n_params = landscape.n_params
        self.counts = {"value_and_gradient": 0, "hvp": 0}

    def value_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        self.counts["value_and_gradient"] += 1
        if not np.all(np.isfinite(theta)):
            return float("nan"), np.full(theta.shape, np.nan)
        try:
            with np.errstate(all="ignore"):
                f, g = self.objective.value_and_gradient(theta)
        except ArithmeticError:  # e.g. OverflowError from Python float powers
            return float("nan"), np.full(theta.shape, np.nan)
        return float(f), np.asarray(g, dtype=np.float64)

    def hvp(self, theta: np.ndarray, v: np.ndarray) -> np.ndarray:
        self.counts["hvp"] += 1 if v.ndim == 1 else v.shape[0]
        if not (np.all(np.isfinite(theta)) and np.all(np.isfinite(v))):
            return np.full(v.shape, np.nan)
        try:
            with np.errstate(all="ignore"):
                return np.asarray(self.objective.hvp(theta, v), dtype=np.float64)
        except ArithmeticError:
            return np.full(v.shape, np.nan)

    def operator(self, theta: np.ndarray) -> LinearOperator:
        P = self.n_params
        return LinearOperator((P, P), matvec=lambda v: self.hvp(theta, np.ravel(v)),
                              rmatvec=lambda v: self.hvp(theta, np.ravel(v)),
                              matmat=lambda V: self.hvp(theta, np.asarray(V).T).T, dtype=np.float64)


def _flatness(oracle: _Oracle, theta: np.ndarray, g: np.ndarray, tolerances: Tolerances) -> dict[str, float | bool]:
    gn = float(np.linalg.norm(g))
    hg = float(np.linalg.norm(oracle.hvp(theta, g)))
    hn = spectral_norm(oracle.operator(theta))
    r = hg / (hn * gn) if hn > 0 and gn > 0 else 0.0
    if not np.isfinite(r):
        r = float("inf")
    return {"residual": r, "grad_norm": gn, "hg_norm": hg, "hessian_norm": hn,
            "flat": bool(gn > 0 and r <= tolerances.gradient_flat)}


def gradient_flatness(landscape, point: object, tolerances: Tolerances = DEFAULT) -> dict[str, float | bool]:
    """Gradient-flatness residual r = ‖∇²Φ ∇Φ‖ / (‖∇²Φ‖₂ ‖∇Φ‖) (Frye et al. 2021, §3).

    r ≈ 0 with ‖∇Φ‖ ≠ 0 means the gradient lies in the Hessian's kernel: Newton-type methods
    and gradient-norm minimisation stall there although the point is not critical.
    """
    theta = landscape.point(point)
    oracle = _Oracle(landscape)
    return _flatness(oracle, theta, oracle.value_and_gradient(theta)[1], tolerances)


def escape_to_infinity(param_norms: object, grad_norms: object) -> dict | None:
    """Is a run's end an escape to infinity? The test on its per-iteration ‖θ_t‖ and ‖∇Φ(θ_t)‖.

    Window: the last ``ESCAPE_WINDOW_FRACTION`` of the T + 1 logged iterates (at least
    ``ESCAPE_MIN_WINDOW`` iterations), cut into ``ESCAPE_PIECES`` equal pieces with boundaries
    t₀ < t₁ < … < t_k = T. Escaping when ‖θ‖ grows across every piece (‖θ_{t_{i+1}}‖ > ‖θ_{t_i}‖),
    by ≥ ``ESCAPE_GROWTH`` over the window and steadily (the last piece's increment ≥
    ``ESCAPE_STEADINESS`` × the first's: a converging run decelerates), while ‖∇Φ‖ shrinks across every piece and by
    ≥ 1/``ESCAPE_GRADIENT_DECAY`` over the window (constants in :mod:`spurious.tolerances`). A run
    converging to a finite critical point slows down (‖θ_T‖/‖θ_{T/2}‖ → 1); one following a
    critical point at infinity — saturated units (Frye et al. 2021 §4), a logistic loss on separable
    data — keeps a steady outward drift with a decaying gradient.

    Returns None, or {"norms": (‖θ_{t_i}‖), "grad_norms": (‖∇Φ(θ_{t_i})‖), "iterations": (t_i),
    "growth": ‖θ_T‖/‖θ_{t₀}‖, "growth_since_start": ‖θ_T‖/‖θ_0‖, "message"}.
    """
    norms = np.asarray(param_norms, dtype=np.float64)
    grads = np.asarray(grad_norms, dtype=np.float64)
    T = norms.size - 1
    window = max(int(round(ESCAPE_WINDOW_FRACTION * T)), ESCAPE_MIN_WINDOW)
    if T < window or grads.size != norms.size or window < ESCAPE_PIECES:
        return None
    ts = np.linspace(T - window, T, ESCAPE_PIECES + 1).round().astype(int)
    n, g = norms[ts], grads[ts]
    if not (np.all(np.isfinite(n)) and np.all(np.isfinite(g))) or n[0] <= 0:
        return None
    steps = np.diff(n)
    growing = bool(np.all(steps > 0)) and n[-1] >= ESCAPE_GROWTH * n[0] and steps[-1] >= ESCAPE_STEADINESS * steps[0]
    shrinking = bool(np.all(np.diff(g) < 0)) and g[-1] <= ESCAPE_GRADIENT_DECAY * g[0]
    if not (growing and shrinking):
        return None
    since_start = n[-1] / norms[0] if norms[0] > 0 else float("inf")
    message = (f"escaping to infinity: ‖θ‖ grew {n[0]:.4g} → {n[-1]:.4g} (×{n[-1] / n[0]:.3g}) over iterations "
               f"{ts[0]}–{ts[-1]} (×{since_start:.3g} since the start) while ‖∇Φ‖ fell {g[0]:.3e} → {g[-1]:.3e}: "
               "the iterates follow a critical point at infinity, not a finite one")
    return {"norms": n.tolist(), "grad_norms": g.tolist(), "iterations": ts.tolist(),
            "growth": float(n[-1] / n[0]), "growth_since_start": float(since_start), "message": message}


def _sq(v: np.ndarray) -> float:
    with np.errstate(all="ignore"):
        return float(v @ v)


def _finite(*xs) -> bool:
    return all(np.all(np.isfinite(x)) for x in xs)


class _FinderRun:
    """State of one finder run: the current point, the log, the counts, the escapes."""

    def __init__(self, landscape, x0: object, method: str, settings: dict, tolerances: Tolerances,
                 record_every: int):
        self.theta = landscape.point(x0, "x0").copy()
        self.oracle = _Oracle(landscape)
        self.method = method
        self.settings = settings
        self.tolerances = tolerances
        self.log = RunLog(("inner_iterations",))
        self.gsq_history: list[float] = []  # ‖∇Φ‖² per iteration, for the stall window
        self.norm_history: list[float] = []  # ‖θ‖ per iteration, for the escape-to-infinity test
        self.logged_theta = self.theta  # the iterate of the last log row (for its step_size)
        self.inner = float("nan")  # inner iterations of the direction that produced the next row's step
        self.warnings: list[str] = []
        self.info: dict = {}
        self.recorder = IterateRecorder(record_every)
        self.escapes: list[dict] = []
        self.switched = False
        self.iteration = 0
        self.f, self.g = self.oracle.value_and_gradient(self.theta)

    @property
    def gsq(self) -> float:
        return _sq(self.g)

    def log_row(self, gn: float) -> None:
        """Log the current iterate: iteration, Φ, ‖∇Φ‖, the length of the step that reached it."""
        self.gsq_history.append(self.gsq)
        with np.errstate(all="ignore"):
            self.norm_history.append(float(np.linalg.norm(self.theta)))
            step_size = float(np.linalg.norm(self.theta - self.logged_theta))
        self.log.append(iteration=self.iteration, loss=self.f, grad_norm=gn, step_size=step_size,
                        inner_iterations=self.inner)
        self.logged_theta, self.inner = self.theta, float("nan")

    def result(self, status: RunStatus, message: str) -> Result:
        f, gsq = self.f, self.gsq
        if not (np.isfinite(f) and np.isfinite(gsq)):
            f, gsq = float("inf"), float("inf")
        info = self.info | ({"escapes": self.escapes} if self.escapes else {})
        self.recorder.record(self.iteration, self.theta, force=True)
        counts = self.oracle.counts
        return Result(point=self.theta, loss=float(f), grad_norm_sq=gsq, iterations=self.iteration, status=status,
                      method=self.method, message=message,
                      evaluations=Evaluations.counted(value_and_gradient=counts["value_and_gradient"],
                                                      hvp=counts["hvp"]),
                      settings=self.settings, log=self.log, info=info, warnings=self.warnings,
                      iterates=self.recorder.array(), iterate_steps=self.recorder.steps)

    def stalled_over_window(self) -> bool:
        """‖∇Φ‖² not halved over the last STALL_WINDOW iterations (since the last escape)."""
        if self.switched:  # Levenberg–Marquardt converges linearly on its way: no window test
            return False
        since = self.escapes[-1]["iteration"] if self.escapes else 0
        hist = self.gsq_history
        if self.iteration - since < STALL_WINDOW or len(hist) <= STALL_WINDOW:
            return False
        return hist[-1] > 0.5 * hist[-1 - STALL_WINDOW]

    def _line_minimise(self, d: np.ndarray, t0: float) -> int:
        """Move to a minimiser of φ(t) = Φ(θ + t d), t > 0: doubling from t0 to bracket it, then
        golden-section search on the bracket. Returns the evaluations used (0: no decrease found)."""
        def phi(t: float) -> float:
            f = self.oracle.value_and_gradient(self.theta + t * d)[0]
            return f if np.isfinite(f) else np.inf

        t, f_t, used = t0, phi(t0), 1
        while f_t >= self.f and used < 60:  # shrink until Φ decreases
            t, used = 0.5 * t, used + 1
            f_t = phi(t)
        if f_t >= self.f:
            return 0
        lo, hi = 0.0, 2 * t
        f_hi = phi(hi)
        used += 1
        while f_hi < f_t and used < 120:  # grow while Φ keeps decreasing
            lo, t, f_t = t, hi, f_hi
            hi = 2 * hi
            f_hi, used = phi(hi), used + 1
        best = hi if f_hi < f_t else t  # no bracket within the budget: Φ keeps falling, take the furthest
        if f_hi >= f_t:
            res = minimize_scalar(phi, bracket=(lo, t, hi), method="golden", options={"xtol": 1e-4, "maxiter": 60})
            used += int(res.nfev)
            best = float(res.x) if np.isfinite(res.fun) and res.fun < f_t else t
        trial = self.theta + best * d
        f_new, g_new = self.oracle.value_and_gradient(trial)
        if _finite(f_new, g_new) and f_new < self.f:
            self.theta, self.f, self.g = trial, f_new, g_new
        return used

    def escape(self) -> bool:
        """Leave a gradient-flat stall (Frye et al. 2021): first switch method, then restart along ∇Φ.

        A stall (a failed line search, or ‖∇Φ‖² not halved in STALL_WINDOW iterations) at a point
        whose flatness residual ‖H∇Φ‖/(‖H‖‖∇Φ‖) is ≤ ESCAPE_FLATNESS means that ∇Φ lies nearly
        in ker ∇²Φ: Newton-type steps (H⁺∇Φ) are dominated by near-null directions. The first
        escape switches the direction to Levenberg–Marquardt with μ = ‖∇Φ‖² (Yamashita &
        Fukushima 2001: quadratic convergence under a local error bound, with no nonsingularity
        assumption — the degenerate critical sets of deep linear nets). Later ones minimise Φ
        along −∇Φ (the gradient-flat direction, along which Φ still decreases), at most
        MAX_ESCAPES times. Returns False (nothing done) at a point that is not nearly flat.
        """
        if len(self.escapes) >= MAX_ESCAPES or self.gsq == 0:
            return False
        flat = _flatness(self.oracle, self.theta, self.g, self.tolerances)
        if not flat["residual"] <= ESCAPE_FLATNESS:
            return False
        f_start = self.f
        if not self.switched:
            self.switched = True
            self.escapes.append({"iteration": self.iteration, "flatness": flat["residual"],
                                 "action": "switch to Levenberg–Marquardt, μ = ‖∇Φ‖²"})
            return True
        used = self._line_minimise(-self.g, 1.0 / max(flat["hessian_norm"], 1e-300))
        self.escapes.append({"iteration": self.iteration, "flatness": flat["residual"],
                             "action": "minimise Φ along −∇Φ", "evaluations": used,
                             "loss_before": f_start, "loss_after": self.f})
        return self.f < f_start


def _run(landscape, x0: object, direction: Step, method: str, *, settings: dict, max_iterations: int,
         gtol: float | None, tolerances: Tolerances, rho: float = 1e-4, min_step: float = 1e-10,
         max_step: float = 1.0, adaptive: bool = False, escape: bool = False, record_every: int = 0) -> Result:
    """Shared loop: direction p, then backtracking on ‖∇Φ‖² with Armijo slope ⟨p, Hg⟩.

    Never raises on numerical trouble (the finder contract): a non-finite value ends the run as
    "diverged", a failed line search as "stalled" (or "gradient-flat" when the point is), any
    numerical exception inside as "stalled" with the exception in the message.
    """
    require_landscape(landscape)
    max_iterations = require_int(max_iterations, "max_iterations", 1)
    settings = settings | {"max_iterations": max_iterations, "gtol": gtol, "escape": escape,
                           "record_every": record_every}
    run = _FinderRun(landscape, x0, method, settings, tolerances, record_every)
    if not _finite(run.f, run.g):
        return run.result(RunStatus.DIVERGED, "non-finite loss or gradient at x0")
    tol0 = gradient_tolerance(run.f, tolerances)
    try:
        with np.errstate(all="ignore"):
            status, message = _iterate(run, direction, max_iterations=max_iterations, gtol=gtol, tol0=tol0,
                                       rho=rho, min_step=min_step, max_step=max_step, adaptive=adaptive,
                                       escape=escape)
    except NUMERICAL_FAILURES as exc:
        status = RunStatus.STALLED
        message = f"numerical failure at iteration {run.iteration}: {type(exc).__name__}: {exc}"
    run.info["gtol"] = gtol if gtol is not None else min(tol0, gradient_tolerance(run.f, tolerances))
    if status in (RunStatus.MAX_ITERATIONS, RunStatus.STALLED):
        escaping = escape_to_infinity(run.norm_history, np.sqrt(run.gsq_history))
        if escaping is not None:
            run.info["escape_to_infinity"] = escaping
            return run.result(RunStatus.ESCAPING, f"{message}; {escaping['message']}")
    if status in (RunStatus.MAX_ITERATIONS, RunStatus.STALLED) and run.gsq > 0 and _finite(run.f, run.g):
        try:
            flat = _flatness(run.oracle, run.theta, run.g, tolerances)
        except NUMERICAL_FAILURES:
            flat = None
        if flat is not None:
            run.info["gradient_flatness"] = flat
            if flat["flat"]:
                status = RunStatus.GRADIENT_FLAT
                message += (f"; the point is gradient-flat (‖H∇Φ‖/(‖H‖‖∇Φ‖) = {flat['residual']:.2e} ≤ "
                            f"{tolerances.gradient_flat:g}): not a critical point")
    return run.result(status, message)


def _iterate(run: _FinderRun, direction: Step, *, max_iterations: int, gtol: float | None, tol0: float,
             rho: float, min_step: float, max_step: float, adaptive: bool,
             escape: bool) -> tuple[RunStatus, str]:
    alpha = max_step
    oracle = run.oracle
    for it in range(max_iterations + 1):
        run.iteration = it
        gsq = run.gsq
        gn = float(np.linalg.norm(run.g))  # scaled 2-norm: no overflow where ‖g‖² would
        run.log_row(gn)
        run.recorder.record(it, run.theta)
        tol = gtol if gtol is not None else min(tol0, gradient_tolerance(run.f, run.tolerances))
        if gn <= tol:
            return RunStatus.CONVERGED, f"‖∇Φ‖ = {gn:.3e} ≤ gtol = {tol:.1e} at iteration {it}"
        if it == max_iterations:
            return RunStatus.MAX_ITERATIONS, f"‖∇Φ‖ = {gn:.3e} > gtol = {tol:.1e} after {it} iterations"
        if escape and run.stalled_over_window() and run.escape():
            continue
        p, inner = (_yamashita_fukushima if run.switched else direction)(oracle, run.theta, run.g)
        Hg = oracle.hvp(run.theta, run.g)
        if not _finite(p, Hg):
            return RunStatus.DIVERGED, f"non-finite search direction at iteration {it}"
        with np.errstate(all="ignore"):
            slope = float(p @ Hg)
        if slope >= 0:  # not a descent direction of ‖g‖²: fall back to −Hg
            p, slope = -Hg, -_sq(Hg)
            run.warnings.append(f"iteration {it}: inner direction not a descent direction of ‖∇Φ‖²")
        accepted = False
        if slope < 0.0:  # slope = 0: Hg = 0, no first-order decrease of ‖∇Φ‖² exists (gradient-flat)
            alpha = min(max_step, 2 * alpha) if adaptive else max_step
            while alpha >= min_step:
                trial = run.theta + alpha * p
                f_new, g_new = oracle.value_and_gradient(trial)
                gsq_new = _sq(g_new)
                if _finite(f_new, g_new) and gsq_new <= gsq + 2 * rho * alpha * slope and gsq_new < gsq:
                    accepted = True
                    break
                alpha *= 0.5
        if accepted:
            run.theta, run.f, run.g, run.inner = trial, f_new, g_new, float(inner)
            continue
        if escape and run.escape():
            continue
        if slope == 0.0:
            return RunStatus.STALLED, f"∇²Φ∇Φ = 0 at iteration {it}: no descent direction of ‖∇Φ‖²"
        return RunStatus.STALLED, f"line search on ‖∇Φ‖² found no decrease down to step {min_step:g} at iteration {it}"
    raise AssertionError("unreachable")  # pragma: no cover


def _yamashita_fukushima(oracle: _Oracle, theta: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, int]:
    """p = argmin ‖Hp + g‖² + μ‖p‖² = −(H² + μI)⁻¹Hg with μ = ‖g‖² (Yamashita & Fukushima 2001).

    Dense for P ≤ DENSE_LM_LIMIT, where it is cheap and exact (H from P batched HVPs, then one
    complex-shifted LU solve); LSMR with damp = ‖g‖ above (:func:`spurious.linalg.damped_least_squares`).
    """
    H = oracle.hvp(theta, np.eye(g.size)) if g.size <= DENSE_LM_LIMIT else oracle.operator(theta)
    return damped_least_squares(H, g, _sq(g))


def minres_shifted(op: LinearOperator, rhs: np.ndarray, shift: float, rtol: float,
                   maxiter: int) -> tuple[np.ndarray, int]:
    """Solve (H + shift·I) x = rhs by MINRES (see :func:`spurious.linalg.minres_solve`)."""
    return minres_solve(op, rhs, shift=shift, rtol=rtol, maxiter=maxiter)


def newton_mr(landscape, x0: object, *, max_iterations: int = 500, gtol: float | None = None,
              inner_rtol: float = 1e-4, inner_maxiter: int | None = None, inner: str = "minres",
              escape: bool = True, record_every: int = 0, tolerances: Tolerances = DEFAULT) -> Result:
    """Newton-MR: p ≈ −H⁺∇Φ, backtracking on ‖∇Φ‖² (Roosta et al. 2018, Alg. 1).

    ``inner``: "krylov-pinv" (minimum-length Krylov least squares, like MINRES-QLP) or
    "minres" (scipy's MINRES, whose iterates drift along near-null directions on singular H).
    ``gtol``: stop when ‖∇Φ‖ ≤ gtol (default: the classifier's 1e-8·max(1, |Φ|), never looser
    than at the start, so a run cannot "converge" by blowing the loss up).
    ``inner_rtol``: MINRES relative residual. An inexact inner solve (1e-4) is markedly more
    reliable than an exact one (1e-10) on deep linear nets: the early-terminated Krylov
    solution is implicitly regularised, while the exact one follows near-null (symmetry)
    directions off to infinity (on a 3-2-3 net: 16/16 vs 8/16 random starts converged).
    ``escape``: when the run stalls (failed line search, or ‖∇Φ‖² not halved in 25 iterations)
    at a nearly gradient-flat point (flatness residual ≤ 1e-2), take gradient steps on Φ and
    resume (``info["escapes"]`` lists them); see :meth:`_FinderRun.escape`.
    ``record_every``: keep every k-th iterate in ``Result.iterates`` (0: none).
    """
    require_landscape(landscape)
    maxiter = inner_maxiter or 2 * landscape.n_params

    def direction(oracle: _Oracle, theta: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, int]:
        op = oracle.operator(theta)
        if inner == "minres":
            return minres_solve(op, -g, rtol=inner_rtol, maxiter=maxiter)
        return krylov_pinv_solve(op, -g, maxiter=maxiter, rtol=inner_rtol)

    return _run(landscape, x0, direction, f"newton-mr ({inner}, rtol {inner_rtol:g})",
                settings={"inner": inner, "inner_rtol": inner_rtol, "inner_maxiter": maxiter},
                max_iterations=max_iterations, gtol=gtol, tolerances=tolerances, escape=escape,
                record_every=record_every)


def damped_newton(landscape, x0: object, *, damping: float = 1e-3, max_iterations: int = 500,
                  gtol: float | None = None, inner_rtol: float = 1e-10, escape: bool = False,
                  record_every: int = 0, tolerances: Tolerances = DEFAULT) -> Result:
    """Damped Newton: p = −(∇²Φ + γI)⁻¹∇Φ (MINRES; H + γI may be indefinite), backtracking on ‖∇Φ‖²."""
    gamma = float(damping)
    require_landscape(landscape)
    maxiter = 2 * landscape.n_params

    def direction(oracle: _Oracle, theta: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, int]:
        return minres_solve(oracle.operator(theta), -g, shift=gamma, rtol=inner_rtol, maxiter=maxiter)

    return _run(landscape, x0, direction, f"damped-newton (γ {gamma:g})",
                settings={"damping": gamma, "inner_rtol": inner_rtol}, max_iterations=max_iterations,
                gtol=gtol, tolerances=tolerances, escape=escape, record_every=record_every)


def levenberg_marquardt(landscape, x0: object, *, max_iterations: int = 500, gtol: float | None = None,
                        damping: float = 1.0, inner_rtol: float = 1e-8, escape: bool = False,
                        record_every: int = 0, tolerances: Tolerances = DEFAULT) -> Result:
    """Levenberg–Marquardt on the system ∇Φ(θ) = 0 (Jacobian ∇²Φ): p = −(H² + μI)⁻¹ H g.

    The inner solve is conjugate gradients on H² + μI (two HVPs per product); μ starts at
    ``damping``, shrinks ×⅓ after a step that lowers ‖∇Φ‖² and grows ×4 (up to 12 times) otherwise.
    A non-finite trial direction or gradient counts as a rejected step (μ grows).
    """
    mu = [float(damping)]

    def direction(oracle: _Oracle, theta: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, int]:
        H = oracle.operator(theta)
        Hg = H.matvec(g)
        gsq = _sq(g)
        p = np.zeros_like(g)
        for _ in range(12):
            m = mu[0]
            trial = normal_equations_solve(H, -Hg, m, rtol=inner_rtol)
            if _finite(trial):
                p = trial
                g_new = oracle.value_and_gradient(theta + p)[1]
                if _finite(g_new) and _sq(g_new) < gsq:
                    mu[0] = max(m / 3.0, 1e-14)
                    return p, 0
            mu[0] = min(m * 4.0, 1e300)
        return p, 0

    return _run(landscape, x0, direction, f"levenberg-marquardt (μ₀ {damping:g})",
                settings={"damping": float(damping), "inner_rtol": inner_rtol}, max_iterations=max_iterations,
                gtol=gtol, tolerances=tolerances, escape=escape,
                record_every=record_every)


def gradient_norm_minimisation(landscape, x0: object, *, max_iterations: int = 500,
                               gtol: float | None = None, step: float = 1.0, escape: bool = False,
                               record_every: int = 0, tolerances: Tolerances = DEFAULT) -> Result:
    """Gradient descent on ½‖∇Φ‖² (gradient ∇²Φ ∇Φ) with backtracking from ``step`` (doubled after success)."""

    def direction(oracle: _Oracle, theta: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, int]:
        return -oracle.hvp(theta, g), 0

    return _run(landscape, x0, direction, "gradient-norm-minimisation", settings={"step": float(step)},
                max_iterations=max_iterations,
                gtol=gtol, tolerances=tolerances, max_step=float(step) * 1e6, adaptive=True, escape=escape,
                record_every=record_every)


FINDERS: dict[str, Callable[..., Result]] = {
    "newton-mr": newton_mr,
    "damped-newton": damped_newton,
    "gnm": gradient_norm_minimisation,
    "levenberg-marquardt": levenberg_marquardt,
}
