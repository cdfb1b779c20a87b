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
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh, minres

from ..result import Result
from ..tolerances import DEFAULT, Tolerances
from .classify import gradient_tolerance

__all__ = ["newton_mr", "damped_newton", "gradient_norm_minimisation", "levenberg_marquardt",
           "gradient_flatness", "FINDERS"]

Step = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, int]]


def _hessian_norm(landscape, theta: np.ndarray) -> float:
    P = landscape.n_params
    if P <= 50:
        return float(np.linalg.norm(landscape.hessian(theta), 2))
    op = landscape.hessian_operator(theta)
    lam = eigsh(op, k=1, which="LM", tol=1e-3, return_eigenvectors=False,
                v0=np.ones(P), maxiter=20 * P)
    return float(abs(lam[0]))


def gradient_flatness(landscape, point: object, tolerances: Tolerances = DEFAULT) -> dict[str, float | bool]:
    """Gradient-flatness residual r = ‖∇²Φ ∇Φ‖ / (‖∇²Φ‖₂ ‖∇Φ‖) (Frye et al. 2021, §3).

    r ≈ 0 with ‖∇Φ‖ ≠ 0 means the gradient lies in the Hessian's kernel: Newton-type methods
    and gradient-norm minimisation stall there although the point is not critical.
    """
    theta = landscape.point(point)
    g = landscape.gradient(theta)
    gn = float(np.linalg.norm(g))
    hg = float(np.linalg.norm(landscape.hvp(theta, g)))
    hn = _hessian_norm(landscape, theta)
    r = hg / (hn * gn) if hn > 0 and gn > 0 else 0.0
    return {"residual": r, "grad_norm": gn, "hg_norm": hg, "hessian_norm": hn,
            "flat": bool(gn > 0 and r <= tolerances.gradient_flat)}


def _finite(*xs) -> bool:
    return all(np.all(np.isfinite(x)) for x in xs)


def _run(landscape, x0: object, direction: Step, method: str, *, max_iterations: int, gtol: float | None,
         tolerances: Tolerances, rho: float = 1e-4, min_step: float = 1e-10, max_step: float = 1.0,
         adaptive: bool = False) -> Result:
    """Shared loop: direction p, then backtracking on ‖∇Φ‖² with Armijo slope ⟨p, Hg⟩."""
    theta = landscape.point(x0, "x0")
    log: dict[str, list[float]] = {"loss": [], "grad_norm_sq": [], "step": [], "inner_iterations": []}
    warnings: list[str] = []
    with np.errstate(all="ignore"):
        f, g = landscape.value_and_gradient(theta)
        if not _finite(f, g):
            return Result(theta, float(f), float("nan"), 0, "diverged", method, log,
                          {"reason": "non-finite loss or gradient at x0"})
        status, it, alpha = "max-iterations", 0, max_step
        tol0 = gradient_tolerance(f, tolerances)
        for it in range(max_iterations):
            gsq = float(g @ g)
            log["loss"].append(float(f))
            log["grad_norm_sq"].append(gsq)
            tol = gtol if gtol is not None else min(tol0, gradient_tolerance(f, tolerances))
            if gsq <= tol * tol:
                status = "converged"
                break
            p, inner = direction(theta, g)
            Hg = landscape.hvp(theta, g)
            slope = float(p @ Hg)
            if not _finite(p, Hg):
                status = "diverged"
                break
            if slope >= 0:  # not a descent direction of ‖g‖²: fall back to −Hg
                p, slope = -Hg, -float(Hg @ Hg)
                warnings.append(f"iteration {it}: inner direction not a descent direction of ‖∇Φ‖²")
            if slope == 0.0:  # Hg = 0: no first-order decrease of ‖∇Φ‖² exists (gradient-flat)
                status = "stalled"
                break
            alpha = min(max_step, 2 * alpha) if adaptive else max_step
            accepted = False
            while alpha >= min_step:
                trial = theta + alpha * p
                f_new, g_new = landscape.value_and_gradient(trial)
                if _finite(f_new, g_new) and float(g_new @ g_new) <= gsq + 2 * rho * alpha * slope:
                    accepted = True
                    break
                alpha *= 0.5
            log["step"].append(alpha if accepted else 0.0)
            log["inner_iterations"].append(float(inner))
            if not accepted:
                status = "stalled"
                if not _finite(f_new, g_new) and alpha < min_step:
                    status = "diverged" if not _finite(theta + max_step * p) else "stalled"
                break
            theta, f, g = trial, f_new, g_new
        else:
            it = max_iterations
        gsq = float(g @ g)
    info: dict = {"gtol": gtol if gtol is not None else min(tol0, gradient_tolerance(f, tolerances))}
    if status in ("max-iterations", "stalled") and gsq > 0:
        flat = gradient_flatness(landscape, theta, tolerances)
        info["gradient_flatness"] = flat
        if flat["flat"]:
            status = "gradient-flat"
    return Result(theta, float(f), gsq, it, status, method, log, info, warnings)


def _minres(op: LinearOperator, rhs: np.ndarray, rtol: float, maxiter: int) -> tuple[np.ndarray, int]:
    count = [0]

    def cb(_x: np.ndarray) -> None:
        count[0] += 1

    x, _ = minres(op, rhs, rtol=rtol, maxiter=maxiter, callback=cb)
    return x, count[0]


def krylov_pinv_solve(op: LinearOperator, b: np.ndarray, *, maxiter: int, rtol: float = 1e-10,
                      rcond: float = 1e-10) -> tuple[np.ndarray, int]:
    """Minimum-length least-squares solution of H x = b in the Krylov space (what MINRES-QLP targets).

    Lanczos with full reorthogonalisation builds H V_k = V_{k+1} T̄_k; x = V_k y with y the
    truncated-SVD (``rcond``, relative) minimum-norm solution of min ‖T̄_k y − ‖b‖e₁‖. Stops at
    relative residual ``rtol``, on stagnation (incompatible system: b ∉ range H), at an
    invariant subspace, or after ``maxiter`` products. Cost: k HVPs + O(k² P).
    """
    beta0 = float(np.linalg.norm(b))
    P = b.size
    if beta0 == 0:
        return np.zeros(P), 0
    V = np.zeros((min(maxiter, P) + 1, P))
    V[0] = b / beta0
    T = np.zeros((V.shape[0], V.shape[0] - 1))
    last, x, k = np.inf, np.zeros(P), 0
    for k in range(V.shape[0] - 1):
        w = op.matvec(V[k])
        for _ in range(2):  # full reorthogonalisation, twice is enough
            c = V[: k + 1] @ w
            w = w - V[: k + 1].T @ c
            T[: k + 1, k] += c
        beta = float(np.linalg.norm(w))
        T[k + 1, k] = beta
        rhs = np.zeros(k + 2)
        rhs[0] = beta0
        y = np.linalg.lstsq(T[: k + 2, : k + 1], rhs, rcond=rcond)[0]
        res = float(np.linalg.norm(T[: k + 2, : k + 1] @ y - rhs))
        x = V[: k + 1].T @ y
        if res <= rtol * beta0 or beta <= 1e-13 * max(1.0, float(np.abs(T[: k + 2, : k + 1]).max())):
            break
        if abs(last - res) <= 1e-10 * res:
            break
        last = res
        V[k + 1] = w / beta
    return x, k + 1


def newton_mr(landscape, x0: object, *, max_iterations: int = 500, gtol: float | None = None,
              inner_rtol: float = 1e-4, inner_maxiter: int | None = None, inner: str = "minres",
              tolerances: Tolerances = DEFAULT) -> Result:
    """Newton-MR: p ≈ −H⁺∇Φ, backtracking on ‖∇Φ‖² (Roosta et al. 2018, Alg. 1).

    ``inner``: "krylov-pinv" (minimum-length Krylov least squares, like MINRES-QLP) or
    "minres" (scipy's MINRES, whose iterates drift along near-null directions on singular H).
    ``gtol``: stop when ‖∇Φ‖ ≤ gtol (default: the classifier's 1e-8·max(1, |Φ|), never looser
    than at the start, so a run cannot "converge" by blowing the loss up).
    ``inner_rtol``: MINRES relative residual. An inexact inner solve (1e-4) is markedly more
    reliable than an exact one (1e-10) on deep linear nets: the early-terminated Krylov
    solution is implicitly regularised, while the exact one follows near-null (symmetry)
    directions off to infinity (on a 3-2-3 net: 16/16 vs 8/16 random starts converged).
    """
    maxiter = inner_maxiter or 2 * landscape.n_params

    def direction(theta: np.ndarray, g: np.ndarray, inner: str = inner) -> tuple[np.ndarray, int]:
        op = landscape.hessian_operator(theta)
        if inner == "minres":
            return _minres(op, -g, inner_rtol, maxiter)
        return krylov_pinv_solve(op, -g, maxiter=maxiter, rtol=inner_rtol)

    return _run(landscape, x0, direction, f"newton-mr ({inner}, rtol {inner_rtol:g})",
                max_iterations=max_iterations, gtol=gtol, tolerances=tolerances)


def damped_newton(landscape, x0: object, *, damping: float = 1e-3, max_iterations: int = 500,
                  gtol: float | None = None, inner_rtol: float = 1e-10, tolerances: Tolerances = DEFAULT) -> Result:
    """Damped Newton: p = −(∇²Φ + γI)⁻¹∇Φ (MINRES; H + γI may be indefinite), backtracking on ‖∇Φ‖²."""
    gamma = float(damping)
    maxiter = 2 * landscape.n_params

    def direction(theta: np.ndarray, g: np.ndarray, gamma: float = gamma) -> tuple[np.ndarray, int]:
        x, n = minres_shifted(landscape.hessian_operator(theta), -g, gamma, inner_rtol, maxiter)
        return x, n

    return _run(landscape, x0, direction, f"damped-newton (γ {gamma:g})",
                max_iterations=max_iterations, gtol=gtol, tolerances=tolerances)


def minres_shifted(op: LinearOperator, rhs: np.ndarray, shift: float, rtol: float,
                   maxiter: int) -> tuple[np.ndarray, int]:
    """Solve (H + shift·I) x = rhs by MINRES (scipy's ``shift`` solves (A − shift I) x = b)."""
    count = [0]

    def cb(_x: np.ndarray) -> None:
        count[0] += 1

    x, _ = minres(op, rhs, shift=-shift, rtol=rtol, maxiter=maxiter, callback=cb)
    return x, count[0]


def levenberg_marquardt(landscape, x0: object, *, max_iterations: int = 500, gtol: float | None = None,
                        damping: float = 1.0, inner_rtol: float = 1e-8,
                        tolerances: Tolerances = DEFAULT) -> Result:
    """Levenberg–Marquardt on the system ∇Φ(θ) = 0 (Jacobian ∇²Φ): p = −(H² + μI)⁻¹ H g.

    The inner solve is conjugate gradients on H² + μI (two HVPs per product); μ starts at
    ``damping``, shrinks ×⅓ after a step that lowers ‖∇Φ‖² and grows ×4 (up to 12 times) otherwise.
    """
    from scipy.sparse.linalg import cg

    mu = [float(damping)]

    def direction(theta: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, int]:
        H = landscape.hessian_operator(theta)
        Hg = H.matvec(g)
        gsq = float(g @ g)
        for _ in range(12):
            m = mu[0]
            op = LinearOperator(H.shape, matvec=lambda v, m=m: H.matvec(H.matvec(v)) + m * v, dtype=np.float64)
            p, _ = cg(op, -Hg, rtol=inner_rtol, maxiter=2 * g.size)
            g_new = landscape.gradient(theta + p)
            if np.all(np.isfinite(g_new)) and float(g_new @ g_new) < gsq:
                mu[0] = max(m / 3.0, 1e-14)
                return p, 0
            mu[0] = m * 4.0
        return p, 0

    return _run(landscape, x0, direction, f"levenberg-marquardt (μ₀ {damping:g})",
                max_iterations=max_iterations, gtol=gtol, tolerances=tolerances)


def gradient_norm_minimisation(landscape, x0: object, *, max_iterations: int = 500,
                               gtol: float | None = None, step: float = 1.0,
                               tolerances: Tolerances = DEFAULT) -> Result:
    """Gradient descent on ½‖∇Φ‖² (gradient ∇²Φ ∇Φ) with backtracking from ``step`` (doubled after success)."""

    def direction(theta: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, int]:
        return -landscape.hvp(theta, g), 0

    return _run(landscape, x0, direction, "gradient-norm-minimisation", max_iterations=max_iterations,
                gtol=gtol, tolerances=tolerances, max_step=float(step) * 1e6, adaptive=True)


FINDERS: dict[str, Callable[..., Result]] = {
    "newton-mr": newton_mr,
    "damped-newton": damped_newton,
    "gnm": gradient_norm_minimisation,
    "levenberg-marquardt": levenberg_marquardt,
}
