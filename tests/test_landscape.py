"""Closed-form landscapes of deep linear networks against JAX autodiff and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spurious as sp
from spurious.autodiff import finite_difference_gradient, finite_difference_hvp, jax_deep_linear_objective
from spurious.losses import SampledLoss
from spurious.models import MLP
from spurious.tolerances import relative_error

jax = pytest.importorskip("jax")

LOSS_NAMES = ["squared", "squared-mean", "logistic", "cross-entropy", "huber"]


def make_problem(loss_name: str, widths: tuple[int, ...], seed: int, m: int = 12):
    d0, dN = widths[0], widths[-1]
    if loss_name == "logistic":
        widths = (*widths[:-1], 1)
        return sp.LogisticLoss(), sp.logistic_teacher(d0, m, seed), widths
    if loss_name == "cross-entropy":
        widths = (*widths[:-1], max(dN, 2))
        return sp.CrossEntropyLoss(), sp.softmax_teacher(d0, widths[-1], m, seed), widths
    if loss_name == "huber":
        return sp.HuberLoss(delta=0.7), sp.gaussian_teacher(d0, dN, m, noise=1.0, seed=seed), widths
    return sp.SquaredLoss(mean=loss_name.endswith("mean")), sp.gaussian_teacher(d0, dN, m, seed=seed), widths


widths_strategy = st.lists(st.integers(1, 4), min_size=2, max_size=5).map(tuple)


@pytest.mark.parametrize("loss_name", LOSS_NAMES)
@settings(max_examples=8)
@given(widths=widths_strategy, seed=st.integers(0, 10_000))
def test_derivatives_match_jax_and_finite_differences(loss_name, widths, seed):
    loss, data, widths = make_problem(loss_name, widths, seed)
    model = sp.DeepLinear(widths)
    land = sp.Landscape(model, loss, data)
    theta = model.random_point(seed)
    rng = np.random.default_rng(seed)
    V = rng.standard_normal((2, model.n_params))
    from spurious.autodiff import jax_derivatives

    ref = jax_derivatives(jax_deep_linear_objective(model, loss, data), theta, V)
    assert relative_error(land.value(theta), ref["value"]) <= 1e-12
    assert relative_error(land.gradient(theta), ref["gradient"]) <= 1e-9
    assert relative_error(land.hvp(theta, V), ref["hvp"]) <= 1e-9
    assert relative_error(land.hessian(theta), ref["hessian"]) <= 1e-9
    assert relative_error(land.gradient(theta), finite_difference_gradient(land.value, theta)) <= 1e-6
    assert relative_error(land.hvp(theta, V[0]), finite_difference_hvp(land.gradient, theta, V[0])) <= 1e-6


def test_population_loss_matches_jax():
    rng = np.random.default_rng(3)
    R = rng.standard_normal((3, 3))
    pop = sp.population(R, np.diag([1.0, 2.0, 0.5]), noise_var=0.3)
    model = sp.DeepLinear((3, 3, 3, 3))
    land = sp.Landscape(model, sp.SquaredLoss(), pop)
    theta = model.random_point(1)
    from spurious.autodiff import jax_derivatives

    ref = jax_derivatives(jax_deep_linear_objective(model, sp.SquaredLoss(), pop), theta)
    assert relative_error(land.value(theta), ref["value"]) <= 1e-12
    assert relative_error(land.gradient(theta), ref["gradient"]) <= 1e-9
    assert relative_error(land.hessian(theta), ref["hessian"]) <= 1e-9


@given(seed=st.integers(0, 1000), mean=st.booleans())
def test_squared_loss_from_statistics_equals_sample_form(seed, mean):
    data = sp.gaussian_teacher(4, 3, 25, seed=seed)
    stats_form = sp.SquaredLoss(mean=mean).on(data)
    sample_form = SampledLoss(sp.SquaredLoss(mean=mean), data)
    rng = np.random.default_rng(seed)
    W, D = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    assert relative_error(stats_form.value(W), sample_form.value(W)) <= 1e-12
    assert relative_error(stats_form.gradient(W), sample_form.gradient(W)) <= 1e-12
    assert relative_error(stats_form.hess_action(W, D), sample_form.hess_action(W, D)) <= 1e-12


@pytest.mark.parametrize("widths", [(4, 2, 3), (3, 1, 1, 3), (4, 5, 2, 4), (3, 3, 3)])
def test_min_value_is_the_rank_constrained_optimum(widths):
    """Eckart–Young: no point beats min_value, and a dense optimiser run reaches it."""
    from scipy.optimize import minimize

    model = sp.DeepLinear(widths)
    land = sp.Landscape(model, sp.SquaredLoss(), sp.gaussian_teacher(widths[0], widths[-1], 30, seed=2))
    best = min(
        minimize(land.value_and_gradient, model.random_point(s), jac=True, method="L-BFGS-B",
                 options={"gtol": 1e-12, "maxiter": 5000}).fun
        for s in range(4)
    )
    assert land.optimum.exact
    assert best >= land.min_value - 1e-9 * abs(land.min_value)
    assert best == pytest.approx(land.min_value, rel=1e-7)


def test_min_value_with_singular_inputs():
    data = sp.rank_deficient_teacher(5, 3, 40, rank=2, seed=0)
    land = sp.Landscape(sp.DeepLinear((5, 4, 3)), sp.SquaredLoss(), data)
    ell = land.end_to_end_loss()
    assert ell.rank_C == 2
    assert land.value(sp.DeepLinear((5, 4, 3)).zeros()) >= land.min_value
    direct = 0.5 * np.sum((ell.W_star @ data.X - data.Y) ** 2)
    assert land.min_value == pytest.approx(direct, rel=1e-10)


def test_flat_and_block_views_round_trip():
    model = sp.DeepLinear((3, 4, 1, 2))
    theta = model.random_point(0)
    blocks = model.unflatten(theta)
    assert [b.shape for b in blocks] == [(4, 3), (1, 4), (2, 1)]
    assert all(np.shares_memory(b, theta) for b in blocks)
    np.testing.assert_array_equal(model.flatten(blocks), theta)
    land = sp.Landscape(model, sp.SquaredLoss(), sp.gaussian_teacher(3, 2, 10))
    assert land.value(blocks) == land.value(theta)


def test_products_follow_the_lecture_notes_convention():
    model = sp.DeepLinear((2, 3, 4, 5))
    theta = model.random_point(1)
    W1, W2, W3 = model.unflatten(theta)
    np.testing.assert_allclose(model.product(theta, 1, 3), W3 @ W2 @ W1)
    np.testing.assert_allclose(model.product(theta, 2, 3), W3 @ W2)
    np.testing.assert_array_equal(model.product(theta, 3, 2), np.eye(4))
    np.testing.assert_allclose(model.end_to_end(theta), W3 @ W2 @ W1)
    assert model.p == 3 and model.max_rank == 2 and not model.has_bottleneck
    assert sp.DeepLinear((4, 2, 4)).has_bottleneck


def test_hessian_operator_matches_dense_hessian():
    model = sp.DeepLinear((3, 2, 4))
    land = sp.Landscape(model, sp.HuberLoss(0.3), sp.gaussian_teacher(3, 4, 20, noise=1.0))
    theta = model.random_point(4)
    H = land.hessian(theta)
    op = land.hessian_operator(theta)
    V = np.random.default_rng(0).standard_normal((model.n_params, 3))
    np.testing.assert_allclose(op @ V, H @ V, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(op.matvec(V[:, 0]), H @ V[:, 0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(H, H.T, atol=1e-12)


def test_numerical_optimum_for_convex_losses_without_bottleneck():
    model = sp.DeepLinear((3, 4, 1))
    land = sp.Landscape(model, sp.LogisticLoss(), sp.logistic_teacher(3, 60, seed=1))
    opt = land.optimum
    assert opt is not None and not opt.exact
    assert land.value(model.random_point(0)) >= opt.value
    bottleneck = sp.Landscape(sp.DeepLinear((3, 1, 2)), sp.CrossEntropyLoss(), sp.softmax_teacher(3, 2, 30))
    assert bottleneck.min_value is None

def test_end_to_end_loss_is_refused_where_the_loss_is_not_of_one_matrix() -> None:
    land = sp.Landscape(MLP((2, 3, 1), "tanh"), sp.SquaredLoss(), sp.gaussian_teacher(2, 1, 6, seed=0))
    with pytest.raises(sp.InputError, match="end-to-end matrix"):
        land.end_to_end_loss()
