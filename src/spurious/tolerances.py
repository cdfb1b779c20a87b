"""The one place where numerical tolerances live.

Every tolerance is *relative*: it is multiplied by a scale of the problem at hand
(the size of the loss, of the Hessian, of the data) before it is compared with a
residual. Verdicts print the absolute tolerance they used together with the scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = float(np.finfo(np.float64).eps)

DENSE_HESSIAN_LIMIT = 1500
"""The dense-or-iterative decision: Hessians with at most this many parameters are formed and
factorised (eigh + LDLᵀ inertia: certified index and nullity); larger ones go matrix-free."""

DENSE_EXTREME_LIMIT = 400
"""The same decision when only an extreme eigenvalue or eigenpair is wanted (λ_min in a run's log,
‖∇²Φ‖₂ for β and ρ, the Hessian directions of a slice): no certificate needs the whole spectrum,
and Lanczos (ARPACK, relative tolerance ≤ 1e-8) is cheaper than P HVPs + eigh already at a few
hundred parameters (β on a 22-22-22 net, P = 968, 8 samples: 0.03 s by Lanczos, 1.1 s dense)."""

ESCAPE_WINDOW_FRACTION = 0.5
"""A finder run's escape-to-infinity test looks at its last half (:func:`spurious.critical.finders`):
iterations T/2 … T of a run of T iterations, and at least ``ESCAPE_MIN_WINDOW`` of them."""

ESCAPE_MIN_WINDOW = 20
"""Fewest iterations in the escape test's window (shorter runs are never called escaping)."""

ESCAPE_PIECES = 4
"""The window is cut into this many equal pieces; ‖θ‖ must grow and ‖∇Φ‖ shrink across every
one of them (steady growth, not one jump)."""

ESCAPE_GROWTH = 1.05
"""‖θ‖ must grow by at least this factor over the window. A run converging to a finite critical
point moves less and less (‖θ_T‖/‖θ_{T/2}‖ → 1); one running off to infinity keeps growing
(on mlp 4,8,2 with tanh, Newton-MR: ×1.33 over iterations 250 → 500, ‖θ‖ 3 → 33; a logistic
loss on separable data under damped Newton grows like log t: ×1.09 over iterations 100 → 200)."""

ESCAPE_STEADINESS = 0.5
"""The outward drift must be steady: ‖θ‖'s increment over the window's last piece is at least this
fraction of its increment over the first. Linear growth gives ≈ 1, logarithmic growth (GD on a
separable logistic loss) ≈ 0.6; a run converging linearly at rate r per iteration gives r^(3W/4),
so one whose gradient also halves over the window (r^W ≤ ½) passes only when r^W ∈ [0.40, 0.5]."""

ESCAPE_GRADIENT_DECAY = 0.5
"""‖∇Φ‖ must fall at least by this factor over the window (the gradient decays on the way to
infinity: saturated tanh units, a logistic loss on separable data)."""


@dataclass(frozen=True)
class Tolerances:
    """Relative tolerances used across the library.

    Attributes
    ----------
    derivative : agreement of closed-form derivatives with autodiff (relative error).
    finite_difference : agreement with central finite differences (relative error).
    gradient : ‖∇f‖ below ``gradient * scale`` counts as a critical point.
    eigenvalue : |λ| below ``eigenvalue * ‖∇²f‖`` counts as zero curvature.
    loss : f − f* below ``loss * (1 + |f*|)`` counts as optimal.
    loss_numerical : the same when f* itself is numerical (L-BFGS), not a closed form.
    gradient_flat : ‖∇²f ∇f‖ / (‖∇²f‖ ‖∇f‖) below this counts as gradient-flat (Frye et al. 2021).
    bound : a measured/bound ratio may exceed 1 by this much (round-off in the measured side).
    roundoff : relative slack on a difference of two computed losses (64 ulp × max(|f|, 1)).
    run_gradient : a first-order run (sweeps) has converged when ‖∇f‖ ≤ ``run_gradient``·max(1, |f|);
        looser than ``gradient`` since GD converges only linearly near degenerate minima.
    run_loss : a run's end counts as the global minimum when f − f* ≤ ``run_loss``·(1 + |f*|).
    identity : two exact routes to the same number (a path sum and the forward pass, a lifted
        point's loss and the original's) agree to this relative error.
    construction : a constructed factorisation (eigh, Schur form, fractional powers) reproduces
        its target to this relative error.
    rank : σ_min ≤ rank · σ_max counts as rank-deficient (a float64 SVD of a small matrix is
        accurate to ~ n·ε·σ_max ≈ 1e-15, so a larger ratio is certified full rank).
    """

    derivative: float = 1e-9
    finite_difference: float = 1e-6
    gradient: float = 1e-8
    eigenvalue: float = 1e-8
    loss: float = 1e-9
    loss_numerical: float = 1e-7
    gradient_flat: float = 1e-4
    bound: float = 1e-9
    roundoff: float = 64 * EPS
    run_gradient: float = 1e-6
    run_loss: float = 1e-6
    identity: float = 1e-12
    construction: float = 1e-10
    rank: float = 1e-12

    def scaled(self, name: str, scale: float) -> float:
        """Return the absolute tolerance ``getattr(self, name) * max(scale, tiny)``."""
        return float(getattr(self, name)) * max(float(scale), 1e-300)


DEFAULT = Tolerances()


def relative_error(a: np.ndarray | float, b: np.ndarray | float) -> float:
    """‖a − b‖ / max(‖a‖, ‖b‖, tiny): the symmetric relative error used in every check."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    denom = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)), 1e-300)
    return float(np.linalg.norm(a - b)) / denom
