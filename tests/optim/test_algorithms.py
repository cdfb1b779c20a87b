"""GD, SGD, PGD and batched GD through the public API (seeded, small)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spurious as sp
from spurious.optim import (
    batched_gd,
    batched_value,
    cosine_saddle_landscape,
    gd,
    pgd,
    quadratic_landscape,
    sgd,
)
from spurious.optim.batched import squared_stats


@pytest.fixture
def deep():
    model = sp.DeepLinear((3, 4, 2))
    data = sp.gaussian_teacher(3, 2, 50, seed=1)
    return model, data, sp.Landscape(model, sp.SquaredLoss(mean=True), data)


def test_gd_matches_hand_iteration(deep):
    model, _, L = deep
    x0 = model.random_point(2)
    res = gd(L, x0, lr=0.05, steps=20)
    w = x0.copy()
    for _ in range(20):
        w = w - 0.05 * L.gradient(w)
    np.testing.assert_allclose(res.point, w, rtol=1e-13, atol=1e-15)
    assert res.status == "max-iterations" and res.iterations == 20
    assert len(res.log["loss"]) == 21 and res.log["loss"][0] == pytest.approx(L.value(x0))


def test_gd_converges_on_quadratic_with_gtol():
    L = quadratic_landscape(np.diag([1.0, 2.0, 3.0]), np.ones(3))
    res = gd(L, np.zeros(3), lr=0.3, steps=10_000, gtol=1e-10)
    assert res.converged
    np.testing.assert_allclose(res.point, [1.0, 0.5, 1 / 3], atol=1e-9)


def test_gd_with_beta_uses_one_over_beta_and_reports_bound():
    L = quadratic_landscape(np.diag([0.5, 2.0]), np.ones(2))
    res = gd(L, np.array([3.0, -1.0]), beta=2.0, steps=5000, gtol=1e-6, eps=1e-3)
    assert res.info["lr"] == 0.5
    assert res.info["first_eps_step"] <= res.info["gd_step_bound"]
    assert res.info["decrease_ratio_min"] >= 1.0 - 1e-9


def test_gd_estimates_beta_when_no_step_given(deep):
    model, _, L = deep
    res = gd(L, model.random_point(0), steps=50, radius=1.0)
    est = res.info["beta_estimate"]
    assert est["radius"] == 1.0 and res.info["lr"] == pytest.approx(1 / est["value"])


def test_gd_diverges_without_nan_and_warns(deep):
    model, _, L = deep
    res = gd(L, model.random_point(0) * 3, lr=50.0, steps=200)
    assert res.status == "diverged"
    assert np.all(np.isfinite(res.point)) and np.isfinite(res.loss)
    assert any("increased" in w for w in res.warnings)


def test_beta_too_small_is_warned():
    L = quadratic_landscape(np.diag([1.0, 4.0]))
    res = gd(L, np.ones(2), beta=0.4, steps=10)  # η = 2.5 > 2/4: the loss grows
    assert any("β = 0.4 is too small" in w for w in res.warnings)


def test_gd_at_exact_saddle_does_not_move():
    L = cosine_saddle_landscape(np.array([1.0]), np.array([1.0]))
    res = gd(L, np.zeros(2), lr=0.5, steps=100)
    assert res.converged and res.iterations == 0 and np.all(res.point == 0)


def test_log_options(deep):
    model, _, L = deep
    x0 = model.random_point(3)
    crit = [np.zeros(model.n_params)]
    res = gd(L, x0, lr=0.05, steps=10, lambda_every=5, critical_points=crit, log_every=2)
    probed = ~np.isnan(res.log["lambda_min"])
    assert res.log["iteration"][probed].tolist() == [0, 10]
    assert res.log["iteration"].tolist() == [0, 2, 4, 6, 8, 10]
    lam0 = np.linalg.eigvalsh(L.hessian(x0))[0]
    assert res.log["lambda_min"][0] == pytest.approx(lam0, rel=1e-10, abs=1e-12)
    assert res.log["dist_crit"][0] == pytest.approx(np.linalg.norm(x0))


@pytest.mark.parametrize("bad", [0.0, -1.0, np.inf, np.nan])
def test_bad_lr_is_input_error(deep, bad):
    model, _, L = deep
    with pytest.raises(sp.InputError) as err:
        gd(L, model.zeros(), lr=bad, steps=1)
    assert err.value.argument == "lr"
    with pytest.raises(sp.InputError):
        sgd(L, model.zeros(), lr=bad, steps=1)


def test_sgd_single_sample_matches_slides_rule(deep):
    model, data, L = deep
    x0 = model.random_point(4)
    res = sgd(L, x0, lr=0.01, steps=5, seed=7)
    rng = np.random.default_rng(7)
    w = x0.copy()
    for _ in range(5):
        idx = rng.integers(data.m, size=1)
        sub = sp.Landscape(model, sp.SquaredLoss(), sp.Dataset(data.X[:, idx], data.Y[:, idx]))
        w = w - 0.01 * sub.gradient(w)
    np.testing.assert_allclose(res.point, w, rtol=1e-12, atol=1e-14)


def test_minibatch_full_batch_equals_gd_on_mean_loss(deep):
    model, data, L = deep
    x0 = model.random_point(5)
    res = sgd(L, x0, lr=0.1, steps=10, batch_size=data.m)
    ref = gd(L, x0, lr=0.1, steps=10)
    np.testing.assert_allclose(res.point, ref.point, rtol=1e-11, atol=1e-13)


def test_minibatch_sgd_decreases_logistic_loss():
    data = sp.logistic_teacher(4, 200, seed=0)
    L = sp.Landscape(sp.DeepLinear((4, 3, 1)), sp.LogisticLoss(mean=True), data)
    x0 = L.model.random_point(0)
    res = sgd(L, x0, lr=0.1, steps=400, batch_size=16, log_every=50)
    assert res.loss < L.value(x0)
    with pytest.raises(sp.InputError):
        sgd(L, x0, batch_size=0)


def test_pgd_escapes_exact_saddle_and_certifies():
    L = cosine_saddle_landscape(np.array([0.8]), np.array([1.0]))
    res = pgd(L, np.zeros(2), beta=1.0, rho=1.0, eps=0.05, c=0.5, delta=0.1, delta_f=2.0, seed=3)
    assert res.converged
    assert res.info["second_order"]["is_second_order_stationary"]
    assert abs(abs(res.point[1]) - np.pi) < 0.1
    assert res.info["perturbation_steps"][0] == 0


def test_pgd_max_steps_says_why_not():
    L = cosine_saddle_landscape(np.array([0.8]), np.array([1.0]))
    res = pgd(L, np.zeros(2), beta=1.0, rho=1.0, eps=0.05, delta_f=2.0, max_steps=5)
    assert res.status == "max-iterations"
    assert any("return rule did not fire" in w for w in res.warnings)
    assert not res.info["second_order"]["is_second_order_stationary"]


@pytest.mark.parametrize("delta", [0.0, 1.0, -0.5, 2.0])
def test_pgd_bad_delta(delta):
    L = cosine_saddle_landscape(np.array([0.8]), np.array([1.0]))
    with pytest.raises(sp.InputError) as err:
        pgd(L, np.zeros(2), beta=1.0, rho=1.0, eps=0.05, delta=delta, delta_f=2.0)
    assert err.value.argument == "delta"


def test_pgd_bad_eps():
    L = cosine_saddle_landscape(np.array([0.8]), np.array([1.0]))
    with pytest.raises(sp.InputError) as err:
        pgd(L, np.zeros(2), beta=1.0, rho=1.0, eps=0.0, delta_f=2.0)
    assert err.value.argument == "eps"


@given(k=st.integers(1, 6), seed=st.integers(0, 10_000), lr=st.floats(1e-3, 2e-2))
def test_batched_gd_equals_one_by_one(k, seed, lr):
    model = sp.DeepLinear((3, 3, 2, 2))
    data = sp.gaussian_teacher(3, 2, 30, seed=seed % 7)
    L = sp.Landscape(model, sp.SquaredLoss(), data)
    X0 = np.stack([model.random_point(seed + i) for i in range(k)])
    res = batched_gd(model, data, X0, lr, 30, log_every=10)
    for i in range(k):
        one = gd(L, X0[i], lr=lr, steps=30)
        if one.status == "diverged":
            assert res.status[i] == "diverged"
            continue
        np.testing.assert_allclose(res.points[i], one.point, rtol=1e-10, atol=1e-12)
        assert res.losses[i] == pytest.approx(one.loss, rel=1e-10)
    assert res.log["loss"].shape == (4, k) and res.log["iteration"].tolist() == [0, 10, 20, 30]


def test_batched_value_and_divergence():
    model = sp.DeepLinear((2, 3, 2))
    data = sp.gaussian_teacher(2, 2, 20, seed=0)
    ell = squared_stats(model, data)
    L = sp.Landscape(model, sp.SquaredLoss(), data)
    X0 = np.stack([model.random_point(s) for s in range(3)])
    np.testing.assert_allclose(batched_value(model, ell, X0), [L.value(x) for x in X0], rtol=1e-12)
    res = batched_gd(model, data, X0, np.array([0.01, 10.0, 0.01]), 200, check_every=10)
    assert list(res.status) == ["max-iterations", "diverged", "max-iterations"]
    assert np.all(np.isfinite(res.points)) and np.all(np.isfinite(res.losses))
    with pytest.raises(sp.InputError):
        batched_gd(model, data, X0, -1.0, 10)
