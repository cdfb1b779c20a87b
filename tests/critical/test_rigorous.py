"""Rigorous certificates (python-flint arb): a spurious ReLU minimum is proved; controls are refused."""

from __future__ import annotations

import numpy as np
import pytest

from spurious.critical.rigorous import certify_minimum, lambda_min_lower_bound, relu_population_enclosure
from spurious.experiments.safran_shamir import run_row
from spurious.models import ReluPopulation

flint = pytest.importorskip("flint")


@pytest.fixture(scope="module")
def spurious_k6():
    """A bad end point of the SS18 protocol at k = n = 6 (GD from 200 seeded starts)."""
    row = run_row(6, 6, starts=200, seed=1)
    assert row.bad >= 1
    return ReluPopulation(6), row.bad_points[np.argmin(row.bad_losses)]


def test_spurious_minimum_is_certified_with_a_loss_interval_excluding_zero(spurious_k6):
    model, W = spurious_k6
    cert = certify_minimum(relu_population_enclosure(model), W.ravel(), global_value=0.0)
    assert cert.certified, cert.reason
    assert cert.spurious
    rounding = 1e-13 * (1 + model.value(W))       # the float closed form is not exact; the interval is
    assert cert.loss_lower - rounding <= model.value(W) <= cert.loss_upper + rounding
    assert 0.0 < cert.loss_lower
    assert 0 < cert.lambda_min_ball_lower <= np.linalg.eigvalsh(model.hessian(W))[0]
    assert cert.gradient_upper >= np.linalg.norm(model.gradient(W)) - rounding
    assert cert.gradient_upper < 0.5 * cert.lambda_min_ball_lower * cert.radius


def test_enclosure_contains_the_float_closed_forms(spurious_k6):
    model, W = spurious_k6
    rng = np.random.default_rng(0)
    x = W.ravel() + 1e-3 * rng.standard_normal(W.size)
    F, g, H = relu_population_enclosure(model)(x, 0.0)
    assert F.contains(flint.arb(model.value(x))) or abs(float(F.mid()) - model.value(x)) < 1e-14
    assert np.allclose([float(v.mid()) for v in g], model.gradient(x).ravel(), atol=1e-13)
    Hf = model.hessian(x)
    Hm = np.array([[float(H[i, j].mid()) for j in range(x.size)] for i in range(x.size)])
    assert np.allclose(Hm, Hf, atol=1e-12)


def test_control_a_point_that_is_not_a_minimum_is_refused():
    model = ReluPopulation(4)
    W = model.initial_points(1, seed=3)[0]          # random: large gradient, indefinite Hessian
    cert = certify_minimum(relu_population_enclosure(model), W.ravel(), global_value=0.0,
                           radius=1e-3 * float(np.linalg.norm(W)))
    assert not cert.certified
    assert not cert.spurious


def test_control_a_radius_too_small_for_the_gradient_is_refused(spurious_k6):
    model, W = spurious_k6
    moved = W.ravel() + 1e-6
    cert = certify_minimum(relu_population_enclosure(model), moved, global_value=0.0, radius=1e-9)
    assert not cert.certified
    assert "μr/2" in cert.reason


def test_control_the_global_minimum_is_on_the_non_smooth_set_and_is_not_certified():
    """W = V: every neuron is parallel to a teacher neuron (F is not C³ there): refused, not misclassified."""
    model = ReluPopulation(3)
    cert = certify_minimum(relu_population_enclosure(model), model.global_minimum().ravel(), global_value=0.0)
    assert not cert.certified
    assert not cert.spurious


def test_lambda_min_lower_bound_is_below_the_true_eigenvalue_and_refuses_indefinite():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((6, 6))
    S = A @ A.T + 0.1 * np.eye(6)
    bound = lambda_min_lower_bound(flint.arb_mat(S.tolist()))
    lam = np.linalg.eigvalsh(S)[0]
    assert bound <= lam and bound > lam - 1e-6 * np.abs(S).max()
    assert lambda_min_lower_bound(flint.arb_mat((S - 2 * lam * np.eye(6)).tolist())) < 0


def test_classify_rigorous_attaches_the_certificate(spurious_k6):
    from spurious.critical import classify
    from spurious.experiments.safran_shamir import polish
    from spurious.landscape import Landscape

    model, W = spurious_k6
    landscape = Landscape.from_objective(model.bind(), repr(model))
    c = classify(landscape, polish(model, W).ravel(), rigorous=True)
    assert c.label == "spurious local minimum"
    cert = c.certificate["rigorous"]
    assert cert["certified"] and cert["spurious"] and cert["loss_lower"] > 0


def test_classify_rigorous_on_a_model_without_enclosure_says_why():
    from spurious.critical import classify
    from spurious.data import population
    from spurious.landscape import Landscape
    from spurious.losses import SquaredLoss
    from spurious.models import DeepLinear

    landscape = Landscape(DeepLinear((2, 2, 2)), SquaredLoss(), population(np.diag([2.0, 1.0])))
    c = classify(landscape, [np.eye(2), np.diag([2.0, 1.0])], rigorous=True)
    assert c.certificate["rigorous"]["certified"] is False
    assert "no interval enclosure" in c.certificate["rigorous"]["reason"]
