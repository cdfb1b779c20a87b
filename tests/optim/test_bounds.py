"""Bounds of `004_…` §6.2 and the β/ρ estimators."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spurious as sp
from spurious.optim import (
    escape_step,
    escape_step_bound,
    estimate_beta,
    estimate_rho,
    gd_step_bound,
    pgd_parameters,
    pgd_step_bound,
    quadratic_landscape,
)


def test_gd_step_bound_formula():
    assert gd_step_bound(3.0, 1.0, 0.5, 0.1) == pytest.approx(2 * 2.0 / (0.5 * 0.01))
    with pytest.raises(sp.InputError) as err:
        gd_step_bound(3.0, 1.0, 0.5, 0.0)
    assert err.value.argument == "eps"
    with pytest.raises(sp.InputError):
        gd_step_bound(3.0, 1.0, -0.5, 0.1)


def test_pgd_parameters_match_notes():
    p = pgd_parameters(d=4, beta=2.0, rho=3.0, eps=0.1, c=0.5, delta=0.2, delta_f=5.0)
    chi = 3 * max(math.log(4 * 2 * 5 / (0.5 * 0.01 * 0.2)), 4)
    assert p.chi == pytest.approx(chi)
    assert p.lr == 0.25
    assert p.radius == pytest.approx(math.sqrt(0.5) / chi**2 * 0.1 / 2)
    assert p.g_thresh == pytest.approx(math.sqrt(0.5) / chi**2 * 0.1)
    assert p.f_thresh == pytest.approx(0.5 / chi**3 * math.sqrt(0.1**3 / 3))
    assert p.t_thresh == pytest.approx(chi / 0.25 * 2 / math.sqrt(0.3))
    assert p.t_thresh_steps == math.ceil(p.t_thresh)
    # χ floor at 3·4 when the log is small
    assert pgd_parameters(1, 1.0, 1.0, 1.0, 1.0, 0.5, 1.0).chi == 12.0
    assert pgd_step_bound(4, 2.0, 1.0, 0.0, 0.1, 0.2, 5.0) > 0


def test_escape_bound_hand_example():
    lam = np.array([-1.0, 1.0])
    theta = np.array([1e-3, 1.0])
    # max(1·1, ε²/α = 1e-4)/(1e-6·1) = 1e6 → ½ log(1e6)/log(1.5)
    expected = math.ceil(0.5 * math.log(1e6) / math.log(1.5))
    assert escape_step_bound(lam, theta, 0.5, 0.01) == expected
    with pytest.raises(sp.InputError):
        escape_step_bound(np.array([1.0, 2.0]), theta, 0.5, 0.01)
    with pytest.raises(sp.InputError):
        escape_step_bound(lam, np.array([0.0, 1.0]), 0.5, 0.01)


@given(seed=st.integers(0, 100_000))
def test_measured_escape_never_exceeds_bound(seed):
    rng = np.random.default_rng(seed)
    d = int(rng.integers(2, 7))
    beta = 2.0
    lam = rng.uniform(-beta, beta, d)
    lam[0] = -rng.uniform(0.1, 1.0) * beta
    lr = rng.uniform(0.05, 1.0) / beta
    theta = rng.standard_normal(d) * 10 ** rng.uniform(-5, -1)
    eps = 10 ** rng.uniform(-4, -1)
    bound = escape_step_bound(lam, theta, lr, eps)
    measured = escape_step(lam, theta, lr, eps, max_steps=bound + 5)
    assert measured is not None and measured <= bound


def test_beta_estimate_exact_on_quadratic():
    lam = np.array([-3.0, 0.5, 2.0])
    L = quadratic_landscape(np.diag(lam))
    est = estimate_beta(L, np.zeros(3), 1.0, samples=4)
    assert est.value == pytest.approx(3.0)
    assert "radius 1" in est.region and est.contains(np.array([0.5, 0, 0]))
    rho = estimate_rho(L, np.zeros(3), 1.0, pairs=4)
    assert rho.value == pytest.approx(0.0, abs=1e-12)


def test_beta_estimate_grows_with_radius_on_deep_linear():
    model = sp.DeepLinear((2, 3, 2))
    L = sp.Landscape(model, sp.SquaredLoss(), sp.gaussian_teacher(2, 2, 30, seed=0))
    c = model.random_point(0)
    small = estimate_beta(L, c, 0.1, samples=8)
    big = estimate_beta(L, c, 2.0, samples=8)
    assert big.value > small.value > 0
    assert estimate_rho(L, c, 1.0, pairs=6).value > 0
    with pytest.raises(sp.InputError):
        estimate_beta(L, c, -1.0)


def test_lanczos_path_matches_dense(monkeypatch):
    import spurious.optim._trajectory as tr
    import spurious.optim.smoothness as sm

    model = sp.DeepLinear((3, 4, 3))
    L = sp.Landscape(model, sp.SquaredLoss(), sp.gaussian_teacher(3, 3, 30, seed=0))
    c = model.random_point(1)
    dense = estimate_beta(L, c, 0.5, samples=3)
    lam_dense = tr.lambda_min(L, c)
    monkeypatch.setattr(sm, "DENSE_LIMIT", 0)
    monkeypatch.setattr(tr, "DENSE_LIMIT", 0)
    lanczos = estimate_beta(L, c, 0.5, samples=3)
    assert lanczos.value == pytest.approx(dense.value, rel=1e-6)
    assert tr.lambda_min(L, c) == pytest.approx(lam_dense, rel=1e-6, abs=1e-8)
