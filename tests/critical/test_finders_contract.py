"""The finder contract, fuzzed: every public finder, every model, random/huge/tiny/degenerate starts.

On any finite start a finder returns a Result whose status is one of the five, with a message
and evaluation counts; it never raises and never returns NaN. Gradient-flat points are
reported, and Newton-MR escapes them (Frye's quartic from (√2, 0)).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spurious.critical import FINDERS, classify, levenberg_marquardt, newton_mr
from spurious.data import gaussian_teacher, logistic_teacher
from spurious.landscape import Landscape
from spurious.losses import LogisticLoss, SquaredLoss
from spurious.models import DeepLinear
from spurious.models.exp_neuron import ExpNeuron
from spurious.models.mlp import MLP
from spurious.models.resnet import LinearResNet
from spurious.models.towers import MultiTower
from spurious.optim.functions import cosine_saddle_landscape, frye_quartic_landscape, quadratic_landscape
from spurious.vocabulary import RunStatus

STATUSES = set(RunStatus)


def _models() -> dict[str, Landscape]:
    return {
        "deep linear 3-2-3": Landscape(DeepLinear((3, 2, 3)), SquaredLoss(mean=True), gaussian_teacher(3, 3, 20)),
        "deep linear logistic": Landscape(DeepLinear((2, 2, 1)), LogisticLoss(), logistic_teacher(2, 12, seed=1)),
        "mlp tanh": Landscape(MLP((2, 3, 1), "tanh"), SquaredLoss(), gaussian_teacher(2, 1, 8, seed=2)),
        "exp neuron": Landscape(ExpNeuron(MLP((2, 3, 1), "tanh"), lam=0.7), SquaredLoss(),
                                gaussian_teacher(2, 1, 6, seed=1)),
        "linear resnet": Landscape(LinearResNet(2, 2), SquaredLoss(), gaussian_teacher(2, 2, 10, seed=3)),
        "multi-tower": Landscape(MultiTower([(2, 1, 2), (2, 2, 2)]), SquaredLoss(), gaussian_teacher(2, 2, 10)),
        "frye quartic": frye_quartic_landscape(),
        "indefinite quadratic": quadratic_landscape(np.diag([2.0, -1.0, 0.0])),
        "cosine saddle": cosine_saddle_landscape(np.array([1.0]), np.array([2.0])),
    }


MODELS = _models()


def _start(landscape: Landscape, kind: str, seed: int, scale_exp: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    P = landscape.n_params
    if kind == "random":
        return rng.standard_normal(P)
    if kind == "huge":
        return 10.0 ** scale_exp * rng.standard_normal(P)
    if kind == "tiny":
        return 10.0 ** -scale_exp * rng.standard_normal(P)
    if kind == "zeros":
        return np.zeros(P)
    if kind == "constant":
        return np.full(P, 0.5)
    return np.eye(P)[seed % P]  # one-hot


def _check_contract(res, P: int) -> None:
    assert res.status in STATUSES, res.status
    assert res.message, res.summary()
    assert res.evaluations.value >= 1 and res.evaluations.gradient >= 1
    assert res.point.shape == (P,) and np.all(np.isfinite(res.point))
    assert not np.isnan(res.loss) and not np.isnan(res.grad_norm_sq)
    if res.status == "converged":
        assert res.grad_norm <= res.info["gtol"]


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(model=st.sampled_from(sorted(MODELS)), finder=st.sampled_from(sorted(FINDERS)),
       kind=st.sampled_from(["random", "huge", "tiny", "zeros", "constant", "one-hot"]),
       seed=st.integers(0, 1000), scale_exp=st.integers(1, 150))
def test_every_finder_returns_a_status_from_any_finite_start(model, finder, kind, seed, scale_exp):
    landscape = MODELS[model]
    x0 = _start(landscape, kind, seed, scale_exp)
    res = FINDERS[finder](landscape, x0, max_iterations=8)
    _check_contract(res, landscape.n_params)


@pytest.mark.parametrize("finder", sorted(FINDERS))
def test_levenberg_marquardt_and_friends_on_the_quartic_from_the_gradient_flat_point(finder):
    L = frye_quartic_landscape()
    res = FINDERS[finder](L, np.array([np.sqrt(2.0), 0.0]), max_iterations=50)
    _check_contract(res, 2)
    assert res.status in ("converged", "gradient-flat"), res.summary()


def test_levenberg_marquardt_reports_the_gradient_flat_point():
    res = levenberg_marquardt(frye_quartic_landscape(), np.array([np.sqrt(2.0), 0.0]), max_iterations=30)
    assert res.status == "gradient-flat"
    assert res.info["gradient_flatness"]["residual"] <= 1e-4
    assert "gradient-flat" in res.message


def test_newton_mr_escapes_the_gradient_flat_point_to_the_minimum():
    L = frye_quartic_landscape()
    res = newton_mr(L, np.array([np.sqrt(2.0), 0.0]), max_iterations=50)
    assert res.status == "converged", res.summary()
    assert res.info["escapes"] and res.info["escapes"][0]["flatness"] <= 1e-4
    assert np.allclose(res.point, [-3.0, 0.0], atol=1e-8)
    assert classify(L, res.point).label == "global minimum"
    stuck = newton_mr(L, np.array([np.sqrt(2.0), 0.0]), max_iterations=50, escape=False)
    assert stuck.status == "gradient-flat"


@pytest.mark.parametrize("finder", sorted(FINDERS))
def test_record_every_keeps_every_kth_iterate_and_the_last(finder):
    L = MODELS["deep linear 3-2-3"]
    res = FINDERS[finder](L, L.model.random_point(0), max_iterations=12, record_every=5)
    assert res.iterate_steps[0] == 0 and res.iterate_steps[-1] == res.iterations
    assert all(s % 5 == 0 for s in res.iterate_steps[:-1])
    assert res.iterates.shape == (len(res.iterate_steps), L.n_params)
    assert np.allclose(res.iterates[-1], res.point)
