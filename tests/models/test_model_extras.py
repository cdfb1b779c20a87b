"""ExpNeuron, ReLU path decomposition, JaxModel: oracles and bad input."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spurious.data import Dataset, gaussian_teacher, logistic_teacher
from spurious.errors import InputError, MissingDependencyError
from spurious.landscape import Landscape
from spurious.losses import LogisticLoss, SquaredLoss
from spurious.models.exp_neuron import ExpNeuron
from spurious.models.mlp import MLP
from spurious.models.relu_paths import (
    bernoulli_paths,
    expected_bernoulli_output,
    path_sum,
    relu_forward,
)
from spurious.tolerances import relative_error

jax = pytest.importorskip("jax")
jnp = jax.numpy
jax.config.update("jax_enable_x64", True)


def blocks_of(layout, t):
    return [t[layout.offsets[j]:layout.offsets[j + 1]].reshape(s) for j, s in enumerate(layout.shapes)]


@pytest.mark.parametrize("loss", [SquaredLoss(mean=True), LogisticLoss()])
def test_exp_neuron_derivatives_match_jax(loss):
    data = (logistic_teacher(2, 6, seed=1) if isinstance(loss, LogisticLoss)
            else gaussian_teacher(2, 1, 6, seed=1))
    base = MLP((2, 3, 1), "tanh")
    model = ExpNeuron(base, lam=0.7)
    land = Landscape(model, loss, data)
    rng = np.random.default_rng(0)
    theta = model.join(base.random_point(2), 0.3 * rng.standard_normal(2), 0.4, -0.2)
    X, Y = data.X, data.Y
    Lz = ((lambda Z: jnp.mean(0.5 * (Z - Y) ** 2)) if isinstance(loss, SquaredLoss)
          else (lambda Z: jnp.sum(jax.nn.softplus(-Y * Z))))

    def f(t):
        W1, b1, W2, b2, w, a, b = blocks_of(model, t)
        Z = W2 @ jnp.tanh(W1 @ X + b1) + b2 + a * jnp.exp(w @ X + b)
        return Lz(Z) + 0.7 * a[0, 0] ** 2

    v = rng.standard_normal(model.n_params)
    assert land.value(theta) == pytest.approx(float(f(theta)), rel=1e-13)
    assert relative_error(land.gradient(theta), jax.grad(f)(theta)) <= 1e-9
    assert relative_error(land.hvp(theta, v), jax.jvp(jax.grad(f), (theta,), (v,))[1]) <= 1e-9
    assert relative_error(land.hessian(theta), jax.hessian(f)(theta)) <= 1e-9
    h = 1e-5
    fd = (land.gradient(theta + h * v) - land.gradient(theta - h * v)) / (2 * h)
    assert relative_error(land.hvp(theta, v), fd) <= 1e-6
    # at a = 0 the augmented loss equals the model's loss
    th0 = model.join(base.random_point(2), [1.0, 2.0], 0.0, 5.0)
    assert land.value(th0) == pytest.approx(Landscape(base, loss, data).value(base.random_point(2)))


def test_exp_neuron_bad_input():
    with pytest.raises(InputError, match="model"):
        ExpNeuron(MLP((2, 3, 2), "tanh"))
    with pytest.raises(InputError, match="model"):
        ExpNeuron(object())
    with pytest.raises(InputError, match="lam"):
        ExpNeuron(MLP((2, 3, 1), "tanh"), lam=0.0)


@given(st.integers(0, 10_000), st.integers(1, 3))
def test_path_sum_equals_forward(seed, hidden_layers):
    rng = np.random.default_rng(seed)
    widths = [int(w) for w in rng.integers(1, 4, hidden_layers + 2)]
    Ws = [rng.standard_normal((widths[k + 1], widths[k])) for k in range(len(widths) - 1)]
    X = rng.standard_normal((widths[0], 5))
    out = relu_forward(Ws, X, q=1.7)
    assert np.allclose(path_sum(Ws, X, q=1.7), out, rtol=1e-12, atol=1e-12 * (1 + np.abs(out).max()))


def test_bernoulli_mean_is_linear_network():
    rng = np.random.default_rng(3)
    Ws = [rng.standard_normal((3, 2)), rng.standard_normal((3, 3)), rng.standard_normal((1, 3))]
    X = rng.standard_normal((2, 4))
    draws = bernoulli_paths(Ws, X, rho=0.4, n_draws=4000, seed=5)
    mean, se = draws.mean(axis=0), draws.std(axis=0, ddof=1) / np.sqrt(len(draws))
    z = np.abs(mean - expected_bernoulli_output(Ws, X, 0.4)) / se
    assert z.max() < 4.5
    with pytest.raises(InputError, match="rho"):
        bernoulli_paths(Ws, X, rho=1.5, n_draws=2)
    with pytest.raises(InputError, match="weights"):
        path_sum([np.ones((2, 3)), np.ones((1, 3))], X)


def test_jax_model_landscape():
    from spurious.models.custom import JaxModel

    data = gaussian_teacher(3, 1, 8, seed=0)
    X, Y = jnp.asarray(data.X), jnp.asarray(data.Y)

    def loss(p):
        return 0.5 * jnp.sum((p["v"] @ jnp.tanh(p["W"] @ X + p["b"][:, None]) - Y) ** 2)

    model = JaxModel(loss, {"W": np.zeros((4, 3)), "b": np.zeros(4), "v": np.zeros((1, 4))})
    land = Landscape.from_objective(model, "jax model")
    # the same network as MLP((3, 4, 1), tanh) without output bias: compare with backprop
    mlp = MLP((3, 4, 1), "tanh", bias=True)
    ref = Landscape(mlp, SquaredLoss(), data)
    th_mlp = mlp.random_point(1)
    W1, b1, W2, b2 = [np.array(b) for b in mlp.unflatten(th_mlp)]
    b2[:] = 0.0
    th_mlp = mlp.flatten([W1, b1, W2, b2])
    th = np.concatenate([W1.ravel(), b1.ravel(), W2.ravel()])  # leaves in key order: W, b, v
    assert land.value(th) == pytest.approx(ref.value(th_mlp), rel=1e-13)
    g = land.gradient(th)
    g_ref = ref.gradient(th_mlp)
    assert relative_error(g, np.concatenate([g_ref[:12], g_ref[12:16], g_ref[16:20]])) <= 1e-12
    H = land.hessian(th)
    assert H.shape == (20, 20) and relative_error(H, H.T) == 0.0
    V = np.random.default_rng(0).standard_normal((3, 20))
    assert relative_error(land.hvp(th, V), V @ H) <= 1e-12
    with pytest.raises(InputError, match="loss_fn"):
        JaxModel(lambda p: p["W"], {"W": np.zeros(3)})


def test_jax_model_without_jax(monkeypatch):
    from spurious.models import custom

    monkeypatch.setitem(sys.modules, "jax", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'spurious\[jax\]'"):
        custom.JaxModel(lambda p: p, np.zeros(2))


def test_dataset_iris_binary():
    from spurious.datasets import iris_binary, load_iris

    table = load_iris()
    assert table.features.shape == (150, 4)
    assert np.allclose(table.features.sum(axis=0), [876.5, 458.6, 563.7, 179.9])
    data = iris_binary()
    assert isinstance(data, Dataset) and data.X.shape == (4, 100)
    assert sorted(np.unique(data.Y)) == [-1.0, 1.0]
    with pytest.raises(InputError, match="positive"):
        iris_binary("rose")
