"""Starts for the critical-point finders: points along a gradient-descent trajectory.

Frye et al. (2019, 2021, "Critical point-finding methods reveal gradient-flat regions of deep
network losses", §3) start their finders from points spread evenly in loss along a GD trajectory
from a small initialisation; Dauphin et al. (2014) start from training iterates. On small tanh /
softplus MLPs a finder started from a random point mostly runs off towards a critical point at
infinity (saturated units: status "escaping"); started on a GD trajectory from a small init it
lands on the saddles that trajectory passes (docs/finders_and_spectra.md has the figures).

:func:`trajectory_start` takes one such point: GD from ``x0`` (η = 1/β, β estimated around x0,
:func:`spurious.optim.gd`), then the first kept iterate θ_t with
Φ(θ_t) ≤ Φ(θ_0) − position · (Φ(θ_0) − min_t Φ(θ_t)).
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError, require_int
from ..optim import gd

__all__ = ["trajectory_start", "TRAJECTORY_INIT_SCALE", "TRAJECTORY_STEPS", "STARTS_FROM"]

#: Std of the random point a trajectory starts from (Frye et al.'s small initialisation).
TRAJECTORY_INIT_SCALE = 1e-2
#: GD steps per trajectory.
TRAJECTORY_STEPS = 2000
#: Iterates kept along a trajectory (the start is chosen among them; memory stays TRAJECTORY_KEPT × P).
TRAJECTORY_KEPT = 400
#: The start kinds of ``spurious find --starts-from``.
STARTS_FROM = ("random", "trajectory")


def trajectory_start(landscape, x0: object, position: float, *, steps: int = TRAJECTORY_STEPS,
                     seed: int = 0) -> np.ndarray:
    """A point of the GD trajectory from ``x0`` at fraction ``position`` ∈ [0, 1] of its loss decrease.

    Returns the first kept iterate θ_t (every ⌈steps/TRAJECTORY_KEPT⌉-th step is kept) with
    Φ(θ_t) ≤ Φ(θ_0) − position·(Φ(θ_0) − min Φ) over the kept iterates; shape (P,). A diverged GD
    run contributes its finite iterates only.
    """
    if isinstance(position, bool) or not isinstance(position, int | float) or not 0 <= position <= 1:
        raise InputError("position", f"expected a number in [0, 1], got {position!r}")
    steps = require_int(steps, "steps", 1)
    every = max(1, -(-steps // TRAJECTORY_KEPT))
    run = gd(landscape, x0, steps=steps, seed=seed, record_every=every)
    points = run.iterates
    losses = np.array([landscape.value(p) for p in points])
    finite = np.isfinite(losses)
    points, losses = points[finite], losses[finite]
    target = losses[0] - position * (losses[0] - losses.min())
    return np.array(points[int(np.argmax(losses <= target))], dtype=np.float64)
