"""ReluPopulation: closed forms against JAX autodiff, central differences and Monte Carlo (1e7 samples)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spurious.errors import InputError
from spurious.landscape import Landscape
from spurious.models import ReluPopulation
from spurious.tolerances import DEFAULT, relative_error

jax = pytest.importorskip("jax")
jnp = jax.numpy


def _jax_loss(V: np.ndarray):
    """The same closed form, written independently in jnp (arccos form), for autodiff."""

    def kernel(U, Z, mask_diagonal=False):
        nu = jnp.linalg.norm(U, axis=1)
        nz = jnp.linalg.norm(Z, axis=1)
        c = jnp.clip((U @ Z.T) / (nu[:, None] * nz[None, :]), -1.0, 1.0)
        if mask_diagonal:  # arccos'(1) = ∞ would poison the gradient with NaN even when masked later
            c = jnp.where(jnp.eye(U.shape[0], dtype=bool), 0.0, c)
        t = jnp.arccos(c)
        return nu[:, None] * nz[None, :] * (jnp.sin(t) + (jnp.pi - t) * c) / (2 * jnp.pi)

    def loss(w, shape):
        W = w.reshape(shape)
        ww = kernel(W, W, mask_diagonal=True)
        # the diagonal of K(W, W) is ‖w‖²/2 exactly; arccos(1) has no derivative, so write it out
        off = ww * (1 - jnp.eye(W.shape[0]))
        diag = 0.5 * jnp.sum(W * W)
        return 0.5 * (jnp.sum(off) + diag) - jnp.sum(kernel(W, V)) + 0.5 * jnp.sum(kernel(V, V))

    return loss


def _random_point(model: ReluPopulation, seed: int) -> np.ndarray:
    return model.initial_points(1, seed=seed)[0]


def _jax_derivatives(model: ReluPopulation, W: np.ndarray):
    with jax.enable_x64(True):
        loss = _jax_loss(jnp.asarray(model.teacher))
        w = jnp.asarray(W.ravel())
        shape = W.shape
        f = float(loss(w, shape))
        g = np.asarray(jax.grad(loss)(w, shape))
        H = np.asarray(jax.hessian(loss)(w, shape))
    return f, g, H


@pytest.mark.parametrize(("k", "n", "d", "seed"), [(3, 3, 3, 0), (4, 5, 4, 1), (3, 4, 5, 3)])
def test_closed_forms_match_jax_autodiff(k, n, d, seed):
    teacher = None if d == k else np.random.default_rng(seed + 100).standard_normal((k, d))
    model = ReluPopulation(k, n, d, teacher=teacher)
    W = _random_point(model, seed)
    f, g, H = _jax_derivatives(model, W)
    scale = 1.0 + abs(f)
    assert abs(model.value(W) - f) <= DEFAULT.derivative * scale
    assert relative_error(model.gradient(W).ravel(), g) <= DEFAULT.derivative
    assert relative_error(model.hessian(W), H) <= DEFAULT.derivative


def test_hvp_equals_hessian_times_direction_batched():
    model = ReluPopulation(5, 6, 5)
    W = model.initial_points(3, seed=4)                    # a batch of three points
    D = np.random.default_rng(5).standard_normal((3, model.n_params))
    H = model.hessian(W)
    expected = np.einsum("bpq,bq->bp", H, D)
    assert relative_error(model.hvp(W, D), expected) <= DEFAULT.derivative
    assert np.allclose(H, np.swapaxes(H, -1, -2), rtol=0, atol=DEFAULT.derivative * np.abs(H).max())


def test_batched_value_and_gradient_agree_with_single_points():
    model = ReluPopulation(4, 4, 4)
    W = model.initial_points(5, seed=6)
    values = model.value(W)
    grads = model.gradient(W)
    for b in range(5):
        assert values[b] == pytest.approx(model.value(W[b]), rel=1e-14)
        assert np.allclose(grads[b], model.gradient(W[b]), rtol=0, atol=1e-14)


@given(st.integers(0, 10_000))
def test_gradient_and_hvp_match_central_differences(seed):
    model = ReluPopulation(3, 4, 3)
    W = _random_point(model, seed)
    rng = np.random.default_rng(seed + 1)
    D = rng.standard_normal(W.shape)
    h = 1e-5
    fd_dir = (model.value(W + h * D) - model.value(W - h * D)) / (2 * h)
    assert fd_dir == pytest.approx(float(np.sum(model.gradient(W) * D)), rel=DEFAULT.finite_difference, abs=1e-9)
    fd_hvp = (model.gradient(W + h * D) - model.gradient(W - h * D)) / (2 * h)
    assert relative_error(model.hvp(W, D), fd_hvp) <= DEFAULT.finite_difference


def _monte_carlo(model: ReluPopulation, W: np.ndarray, samples: int, chunk: int, seed: int):
    """Mean and standard error of the loss sample ½r² and of the gradient sample r·1[wᵢ·x>0]x."""
    rng = np.random.default_rng(seed)
    s1 = np.zeros(1 + W.size)
    s2 = np.zeros(1 + W.size)
    for _ in range(samples // chunk):
        X = rng.standard_normal((chunk, model.d))
        pre = X @ W.T
        r = np.maximum(pre, 0).sum(1) - np.maximum(X @ model.teacher.T, 0).sum(1)
        grad = ((r[:, None] * (pre > 0))[:, :, None] * X[:, None, :]).reshape(chunk, -1)
        z = np.concatenate([0.5 * r[:, None] ** 2, grad], axis=1)
        s1 += z.sum(0)
        s2 += (z * z).sum(0)
    mean = s1 / samples
    se = np.sqrt(np.maximum(s2 / samples - mean**2, 0) / samples)
    return mean, se


def test_loss_and_gradient_match_monte_carlo_1e7_within_4_standard_errors():
    model = ReluPopulation(3, 3, 3)
    W = _random_point(model, 7)
    mean, se = _monte_carlo(model, W, samples=10_000_000, chunk=500_000, seed=8)
    exact = np.concatenate([[model.value(W)], model.gradient(W).ravel()])
    assert np.all(np.abs(mean - exact) <= 4 * se), (mean - exact) / se


def test_global_minimum_has_zero_loss_and_gradient():
    for n in (4, 5, 7):
        model = ReluPopulation(4, n, 4)
        W = model.global_minimum()
        assert abs(model.value(W)) <= 1e-14
        assert np.abs(model.gradient(W)).max() <= 1e-14
        assert Landscape.from_objective(model.bind()).min_value == 0.0


def test_non_differentiable_set_is_reported_never_nan():
    model = ReluPopulation(3, 3, 3)
    W = _random_point(model, 9)
    W[1] = 0.0
    W[2] = 2.5 * W[0]
    notes = model.singularities(W)
    assert any("neuron 1 is zero" in s for s in notes)
    assert any("neurons 0 and 2 are parallel" in s for s in notes)
    assert np.isfinite(model.value(W))
    g = model.gradient(W)
    assert np.all(np.isfinite(g))
    # at a zero neuron the gradient is the average over directions: ∇_{w₁}F = Σ wᵢ'/4 − Σ vⱼ/4
    expected = (W[0] + W[2]) / 4 - model.teacher.sum(0) / 4
    assert np.allclose(g[1], expected, atol=1e-14)
    with pytest.raises(InputError, match="zero"):
        model.hessian(W)


def test_parallel_neurons_have_the_continuous_hessian():
    """At parallel neurons the Hessian is the limit of nearby Hessians (F is C² there)."""
    model = ReluPopulation(3, 3, 3)
    W = _random_point(model, 10)
    W[2] = 0.7 * W[0]
    H = model.hessian(W)
    assert np.all(np.isfinite(H))
    D = np.random.default_rng(11).standard_normal(W.shape)
    nearby = model.hessian(W + 1e-7 * D)
    assert relative_error(H, nearby) <= 1e-5


@pytest.mark.parametrize(("args", "argument"), [((0,), "k"), ((3, -1), "n"), ((4, 4, 3), "d"), ((2.5,), "k")])
def test_bad_sizes_name_the_argument(args, argument):
    with pytest.raises(InputError, match=argument):
        ReluPopulation(*args)


def test_bad_teacher_and_point_name_the_argument():
    with pytest.raises(InputError, match="teacher"):
        ReluPopulation(2, 2, 3, teacher=np.ones((3, 3)))
    model = ReluPopulation(2)
    with pytest.raises(InputError, match="point"):
        model.value(np.ones(5))
    with pytest.raises(InputError, match="point"):
        model.value(np.full(4, np.nan))


def test_reachable_from_the_problem_spec():
    from spurious.spec import build_landscape, start_point

    landscape = build_landscape({"model": {"kind": "relu-population", "widths": [5, 6, 1]},
                                 "loss": {"name": "squared"}})
    x = start_point(landscape, seed=2)
    assert landscape.value(x) == pytest.approx(ReluPopulation(5, 6, 5).value(x), rel=1e-14)
    assert landscape.min_value == 0.0
    with pytest.raises(InputError, match="loss.name"):
        build_landscape({"model": {"kind": "relu-population", "widths": [5, 6, 1]}, "loss": {"name": "huber"}})
