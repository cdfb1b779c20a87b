"""The step counts the theory promises (Optimization 1 notes §6.2), as plain functions.

- :func:`gd_step_bound` — Thm 6.7: GD with η ≤ 1/β reaches an ε-stationary point within
  2(f(w₀) − f*)/(η ε²) steps.
- :func:`escape_step_bound` — §6.2.2: GD on the quadratic model of a strict saddle
  ε-escapes within ⌈½ log(max{Σ_{λᵢ>0} λᵢθᵢ⁽⁰⁾², ε²/α} / (θ₁⁽⁰⁾² α)) / log(1 + ηα)⌉ steps.
- :func:`pgd_parameters` — §6.2.3, steps 1–2 of PGD: χ, η, r, g_thresh, f_thresh, t_thresh.
- :func:`pgd_step_bound` — Thm 6.9: β(f(w₀) − f*)/ε² · log⁴(dβΔf/(ε²δ)), the O(·)
  expression with its unknown absolute constant set to 1 (so it is a scale, not a bound).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from ..errors import InputError, as_float_array
from ._trajectory import check_lr, check_positive, check_probability

__all__ = ["gd_step_bound", "escape_step_bound", "PGDParameters", "pgd_parameters", "pgd_step_bound",
           "sufficient_decrease"]


def gd_step_bound(f0: float, f_star: float, lr: float, eps: float) -> float:
    """Thm 6.7 (Optimization 1 notes): 2(f(w₀) − f*)/(η ε²), the number of steps within which GD with
    η ≤ 1/β meets a point with ‖∇f‖ ≤ ε."""
    lr = check_lr(lr)
    eps = check_positive(eps, "eps")
    gap = float(f0) - float(f_star)
    if not np.isfinite(gap):
        raise InputError("f0", f"expected finite f(w0) and f*, got {f0}, {f_star}")
    if gap < 0:
        raise InputError("f_star", f"f* = {f_star} exceeds f(w0) = {f0}")
    return 2.0 * gap / (lr * eps**2)


def sufficient_decrease(lr: float, grad_norm: float) -> float:
    """The per-step decrease that η ≤ 1/β guarantees (proof of Thm 6.7): (η/2)‖∇f(w_t)‖²."""
    return 0.5 * float(lr) * float(grad_norm) ** 2


def escape_step_bound(eigenvalues: np.ndarray, theta0: np.ndarray, lr: float, eps: float) -> int:
    """§6.2.2 (Optimization 1 notes): steps after which GD on f̃(w) = f(w_s) + ½θᵀΛθ has ε-escaped.

    eigenvalues : λ (d,) of the Hessian at the saddle, at least one < 0; α = −min λ.
    theta0 : θ⁽⁰⁾ = Uᵀ(w₀ − w_s) in the eigenbasis (d,); θ₁ is its entry on argmin λ.
    Returns ⌈½ log(max{Σ_{λᵢ>0} λᵢθᵢ², ε²/α} / (θ₁² α)) / log(1 + ηα)⌉, at least 0.
    The derivation assumes η ≤ 1/β with β ≥ max|λᵢ|.
    """
    lam = as_float_array(eigenvalues, "eigenvalues", ndim=1)
    theta = as_float_array(theta0, "theta0", ndim=1)
    if lam.shape != theta.shape:
        raise InputError("theta0", f"expected shape {lam.shape} to match the eigenvalues, got {theta.shape}")
    lr = check_lr(lr)
    eps = check_positive(eps, "eps")
    i = int(np.argmin(lam))
    alpha = -float(lam[i])
    if alpha <= 0:
        raise InputError("eigenvalues", "a strict saddle needs at least one eigenvalue < 0")
    if theta[i] == 0:
        raise InputError("theta0", "θ₁⁽⁰⁾ = 0: GD never leaves the stable manifold, no finite bound")
    pos = lam > 0
    numerator = max(float(np.sum(lam[pos] * theta[pos] ** 2)), eps**2 / alpha)
    value = 0.5 * math.log(numerator / (theta[i] ** 2 * alpha)) / math.log1p(lr * alpha)
    return max(int(math.ceil(value)), 0)


@dataclass(frozen=True)
class PGDParameters:
    """The constants of perturbed GD, Optimization 1 notes §6.2.3 steps 1–2 (after Jin et al. 2017).

    chi = 3 max{log(dβΔf/(cε²δ)), 4};  lr = c/β;  radius = (√c/χ²)(ε/β);
    g_thresh = (√c/χ²) ε;  f_thresh = (c/χ³) √(ε³/ρ);  t_thresh = (χ/c²) β/√(ρε).
    """

    d: int
    beta: float
    rho: float
    eps: float
    c: float
    delta: float
    delta_f: float
    chi: float
    lr: float
    radius: float
    g_thresh: float
    f_thresh: float
    t_thresh: float

    @property
    def t_thresh_steps(self) -> int:
        """t_thresh rounded up to whole steps (the return test 't − t_noise = t_thresh')."""
        return int(math.ceil(self.t_thresh))

    @property
    def curvature_floor(self) -> float:
        """−√(ρε): the smallest admissible λ_min at an ε-second-order stationary point."""
        return -math.sqrt(self.rho * self.eps)

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def pgd_parameters(d: int, beta: float, rho: float, eps: float, c: float, delta: float,
                   delta_f: float) -> PGDParameters:
    """χ, η, r, g_thresh, f_thresh, t_thresh from (d, β, ρ, ε, c, δ, Δf) (Optimization 1 notes §6.2.3)."""
    if isinstance(d, bool) or int(d) != d or d < 1:
        raise InputError("d", f"expected an integer >= 1, got {d!r}")
    beta = check_positive(beta, "beta")
    rho = check_positive(rho, "rho")
    eps = check_positive(eps, "eps")
    c = check_positive(c, "c")
    delta = check_probability(delta, "delta")
    delta_f = check_positive(delta_f, "delta_f")
    chi = 3.0 * max(math.log(d * beta * delta_f / (c * eps**2 * delta)), 4.0)
    return PGDParameters(
        d=int(d), beta=beta, rho=rho, eps=eps, c=c, delta=delta, delta_f=delta_f, chi=chi,
        lr=c / beta,
        radius=math.sqrt(c) / chi**2 * eps / beta,
        g_thresh=math.sqrt(c) / chi**2 * eps,
        f_thresh=c / chi**3 * math.sqrt(eps**3 / rho),
        t_thresh=chi / c**2 * beta / math.sqrt(rho * eps),
    )


def pgd_step_bound(d: int, beta: float, f0: float, f_star: float, eps: float, delta: float,
                   delta_f: float) -> float:
    """Thm 6.9 (Optimization 1 notes): β(f(w₀) − f*)/ε² · log⁴(dβΔf/(ε²δ)), absolute constant taken as 1."""
    beta = check_positive(beta, "beta")
    eps = check_positive(eps, "eps")
    delta = check_probability(delta, "delta")
    delta_f = check_positive(delta_f, "delta_f")
    gap = max(float(f0) - float(f_star), 0.0)
    return beta * gap / eps**2 * math.log(max(d * beta * delta_f / (eps**2 * delta), math.e)) ** 4
