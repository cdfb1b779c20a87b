"""Finders: convergence on small problems, divergence reported as a status, gradient-flat detection."""

import numpy as np
import pytest

from spurious.critical import (
    classify,
    damped_newton,
    gradient_flatness,
    gradient_norm_minimisation,
    newton_mr,
)
from spurious.data import gaussian_teacher
from spurious.landscape import Landscape
from spurious.losses import SquaredLoss
from spurious.models import DeepLinear
from spurious.models.base import ParameterLayout


def small():
    return Landscape(DeepLinear((3, 2, 3)), SquaredLoss(mean=True), gaussian_teacher(3, 3, 40, seed=0))


@pytest.mark.parametrize("finder", [newton_mr, damped_newton])
def test_newton_type_finders_converge_from_near_a_critical_point(finder):
    L = small()
    from spurious.critical import enumerate_critical_points
    rng = np.random.default_rng(0)
    for pt in enumerate_critical_points(L)[:4]:
        x0 = pt.point + 1e-2 * rng.standard_normal(L.n_params)
        res = finder(L, x0, max_iterations=100)
        assert res.status == "converged", res.summary()
        assert res.grad_norm_sq <= (1e-8 * max(1.0, res.loss)) ** 2
        assert classify(L, res.point).label in ("global minimum", "strict saddle")
        assert len(res.log["loss"]) == res.iterations + 1


def test_newton_mr_converges_from_random_starts_often():
    L = small()
    runs = [newton_mr(L, L.model.random_point(s), max_iterations=200) for s in range(8)]
    assert sum(r.converged for r in runs) >= 4
    assert all(r.status in ("converged", "max-iterations", "stalled", "gradient-flat") for r in runs)


def test_gradient_norm_minimisation_decreases_gradient_norm():
    L = small()
    res = gradient_norm_minimisation(L, L.model.random_point(1), max_iterations=200)
    g = res.log["grad_norm"]
    assert g[-1] < g[0] and np.all(np.diff(g) <= 0)


class Overflowing:
    """f(x) = exp(x₀) with a NaN wall beyond x₀ < −5: the finder walks into it."""

    layout = ParameterLayout([(1, 1)])

    def value(self, theta):
        return self.value_and_gradient(theta)[0]

    def value_and_gradient(self, theta):
        x = float(theta[0])
        if x < -5:
            return float("nan"), np.array([float("nan")])
        return float(np.exp(x)), np.array([np.exp(x)])

    def hvp(self, theta, V):
        x = float(theta[0])
        return (np.nan if x < -5 else np.exp(x)) * np.asarray(V)


def test_diverging_finder_reports_status_and_does_not_raise():
    L = Landscape.from_objective(Overflowing())
    res = newton_mr(L, np.array([0.0]), max_iterations=50)
    assert res.status in ("diverged", "stalled")
    assert np.all(np.isfinite(res.point))


def test_non_finite_start_is_diverged():
    L = Landscape.from_objective(Overflowing())
    for finder in (newton_mr, damped_newton, gradient_norm_minimisation):
        res = finder(L, np.array([-6.0]), max_iterations=5)
        assert res.status == "diverged"


class FlatGradient:
    """Φ(x, y) = x + y²/2 restricted near y=0: ∇Φ = (1, y), ∇²Φ = diag(0, 1): ∇Φ(x, 0) ∈ ker ∇²Φ."""

    layout = ParameterLayout([(2, 1)])

    def value(self, theta):
        return float(theta[0] + 0.5 * theta[1] ** 2)

    def value_and_gradient(self, theta):
        return self.value(theta), np.array([1.0, theta[1]])

    def hvp(self, theta, V):
        V = np.asarray(V, dtype=float)
        out = np.zeros_like(V)
        out[..., 1] = V[..., 1]
        return out


def test_gradient_flat_point_is_reported_as_such():
    L = Landscape.from_objective(FlatGradient())
    flat = gradient_flatness(L, np.array([0.3, 0.0]))
    assert flat["flat"] and flat["residual"] == 0.0
    exact = newton_mr(L, np.array([0.3, 0.5]), max_iterations=20, inner="krylov-pinv", escape=False)
    assert exact.status == "gradient-flat", exact.summary()
    assert np.allclose(exact.point, [0.3, 0.0])
    assert classify(L, exact.point).label == "not critical"
    # scipy's MINRES leaves the minimum-length solution on this incompatible system, but the
    # run still ends as gradient-flat and is never labelled critical
    loose = newton_mr(L, np.array([0.3, 0.5]), max_iterations=20, escape=False)
    assert loose.status == "gradient-flat"
    assert classify(L, loose.point).label in ("not critical", "inconclusive")
    # with the escape (the default) the run leaves the flat point downhill in Φ, and still
    # reports gradient-flat: Φ = x + y²/2 has no critical point at all
    escaped = newton_mr(L, np.array([0.3, 0.0]), max_iterations=20)
    assert escaped.status == "gradient-flat" and escaped.info["escapes"]
    assert any(e.get("loss_after", 0.3) < e.get("loss_before", 0.3) for e in escaped.info["escapes"])
    assert escaped.loss < 0.3
