"""Newton-MR's gradient-flat escape on the Frye et al. 16-4-16 autoencoder (the issue's failure case).

Start: the 12th of 40 points spread in loss along a GD trajectory, plus Gaussian noise of
variance 1e-2 — a start from which plain Newton-MR stalls near a rank-deficient critical point
(flatness residual ~2e-4) and ends at max-iterations; with the escape (switch to
Levenberg–Marquardt, μ = ‖∇Φ‖²) it converges to a Baldi–Hornik critical point.
"""

from __future__ import annotations

import numpy as np
import pytest

from spurious.critical import enumerate_critical_points, hessian_spectrum, newton_mr
from spurious.data import Dataset
from spurious.landscape import Landscape
from spurious.losses import SquaredLoss
from spurious.models import DeepLinear
from spurious.tolerances import Tolerances


@pytest.fixture(scope="module")
def autoencoder_start():
    rng = np.random.default_rng(0)
    X = np.sqrt(np.linspace(1.0, 16.0, 16))[:, None] * rng.standard_normal((16, 10_000))
    X -= X.mean(axis=1, keepdims=True)
    L = Landscape(DeepLinear((16, 4, 16)), SquaredLoss(mean=True), Dataset(X, X))
    theta = L.model.random_point(0, scale=1e-2)
    points, losses = [], []
    for _ in range(6000):
        f, g = L.value_and_gradient(theta)
        points.append(theta)
        losses.append(f)
        theta = theta - 0.02 * g
    losses_arr = np.asarray(losses)
    targets = np.linspace(losses_arr.min(), losses_arr.max(), 42)[1:-1]
    starts = [points[int(np.argmin(np.abs(losses_arr - t)))] for t in targets]
    noise = np.random.default_rng(17)
    starts = [p + 0.1 * noise.standard_normal(p.size) if i % 2 else p for i, p in enumerate(starts)]
    return L, starts[11]


def test_newton_mr_escapes_the_gradient_flat_stall_on_the_autoencoder(autoencoder_start):
    L, x0 = autoencoder_start
    stuck = newton_mr(L, x0, max_iterations=150, escape=False)
    assert stuck.status in ("max-iterations", "gradient-flat")
    assert stuck.info["gradient_flatness"]["residual"] < 1e-2
    res = newton_mr(L, x0, max_iterations=500)
    assert res.status == "converged", res.summary()
    assert res.info["escapes"][0]["action"].startswith("switch to Levenberg–Marquardt")
    g = L.gradient(res.point) / 8.0  # Frye's L = ℓ/8
    assert float(g @ g) < 1e-10
    table = [(pt.loss, pt.predicted_index) for pt in enumerate_critical_points(L)]
    index = hessian_spectrum(L, res.point, Tolerances(eigenvalue=1e-6)).index
    assert any(abs(loss - res.loss) <= 1e-8 * res.loss and idx == index for loss, idx in table)
