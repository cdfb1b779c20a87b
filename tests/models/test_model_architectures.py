"""Derivative oracles for LinearResNet, MultiTower and MLP: JAX autodiff and central FD."""

from __future__ import annotations

import numpy as np
import pytest

from spurious.autodiff import finite_difference_gradient
from spurious.data import Dataset, gaussian_teacher, logistic_teacher
from spurious.errors import InputError
from spurious.landscape import Landscape
from spurious.losses import CrossEntropyLoss, HuberLoss, LogisticLoss, SquaredLoss
from spurious.models.mlp import ACTIVATIONS, MLP
from spurious.models.resnet import LinearResNet, hardt_ma_constant
from spurious.models.towers import MultiTower
from spurious.tolerances import relative_error

jax = pytest.importorskip("jax")
jnp = jax.numpy
jax.config.update("jax_enable_x64", True)

JAX_ACT = {"identity": lambda s: s, "sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh,
           "relu": jax.nn.relu, "softplus": jax.nn.softplus}


def jax_loss(loss):
    if isinstance(loss, SquaredLoss):
        return lambda Z, Y: 0.5 * jnp.sum((Z - Y) ** 2)
    if isinstance(loss, LogisticLoss):
        return lambda Z, Y: jnp.sum(jax.nn.softplus(-Y * Z))
    if isinstance(loss, CrossEntropyLoss):
        return lambda Z, Y: jnp.sum(jax.nn.logsumexp(Z, axis=0)) - jnp.sum(Y * Z)
    d = loss.delta
    return lambda Z, Y: jnp.sum(jnp.where(jnp.abs(Z - Y) <= d, 0.5 * (Z - Y) ** 2,
                                          d * (jnp.abs(Z - Y) - 0.5 * d)))


def blocks_of(layout, t):
    return [t[layout.offsets[j]:layout.offsets[j + 1]].reshape(s) for j, s in enumerate(layout.shapes)]


def central_fd_grad(f, x, h=1e-6):
    return finite_difference_gradient(f, x, h)


def check_against_jax(land: Landscape, f_jax, theta, seed=0):
    rng = np.random.default_rng(seed)
    g_ref = np.asarray(jax.grad(f_jax)(theta))
    v = rng.standard_normal(theta.size)
    hv_ref = np.asarray(jax.jvp(jax.grad(f_jax), (theta,), (v,))[1])
    assert abs(land.value(theta) - float(f_jax(theta))) <= 1e-12 * (1 + abs(land.value(theta)))
    assert relative_error(land.gradient(theta), g_ref) <= 1e-9
    assert relative_error(land.hvp(theta, v), hv_ref) <= 1e-9
    H = land.hessian(theta)
    H_ref = np.asarray(jax.hessian(f_jax)(theta))
    assert relative_error(H, H_ref) <= 1e-9
    # central finite differences of the gradient along v (HVP) and of the value (gradient)
    h = 1e-5
    fd_hv = (land.gradient(theta + h * v) - land.gradient(theta - h * v)) / (2 * h)
    assert relative_error(land.hvp(theta, v), fd_hv) <= 1e-6
    assert relative_error(land.gradient(theta), central_fd_grad(land.value, theta)) <= 1e-6


# ---- LinearResNet -------------------------------------------------------------------------

@pytest.mark.parametrize("d,depth", [(2, 1), (3, 3), (4, 5)])
def test_resnet_derivatives_match_jax(d, depth):
    data = gaussian_teacher(d, d, 20, seed=d + depth)
    model = LinearResNet(d, depth)
    land = Landscape(model, SquaredLoss(), data)
    X, Y = data.X, data.Y

    def f(t):
        P = jnp.eye(d)
        for W in blocks_of(model, t):
            P = (jnp.eye(d) + W) @ P
        return 0.5 * jnp.sum((P @ X - Y) ** 2)

    check_against_jax(land, f, model.random_point(seed=3, tau=0.6))


def test_resnet_region_and_gradient_bound():
    d, H, tau = 3, 4, 0.3
    data = gaussian_teacher(d, d, 40, seed=1)
    model = LinearResNet(d, H)
    land = Landscape(model, SquaredLoss(), data)
    c = model.gradient_bound_constant(tau, land.end_to_end_loss())
    assert c == pytest.approx(hardt_ma_constant(tau, H, np.linalg.eigvalsh(data.X @ data.X.T)[0]))
    fstar = land.min_value
    for seed in range(20):
        th = model.random_point(seed, tau=tau)
        assert model.in_region(th, tau)
        g = land.gradient(th)
        assert g @ g >= c * (land.value(th) - fstar) * (1 - 1e-12)
    big = model.flatten([2 * np.eye(d)] * H)
    assert not model.in_region(big, 0.5)


@pytest.mark.parametrize("tau", [1.0, 1.5, 0.0, -0.1, float("nan")])
def test_resnet_bad_tau(tau):
    model = LinearResNet(2, 2)
    with pytest.raises(InputError, match="tau"):
        model.in_region(model.zeros(), tau)


@pytest.mark.parametrize("d,depth", [(0, 2), (2, 0), (2.5, 1)])
def test_resnet_bad_sizes(d, depth):
    with pytest.raises(InputError):
        LinearResNet(d, depth)


# ---- MultiTower ---------------------------------------------------------------------------

@pytest.mark.parametrize("loss", [SquaredLoss(), HuberLoss(0.5)])
def test_multitower_derivatives_match_jax(loss):
    towers = [(3, 1, 2, 2), (3, 2, 2), (3, 4, 1, 3, 2)]
    model = MultiTower(towers)
    data = gaussian_teacher(3, 2, 15, seed=4)
    land = Landscape(model, loss, data)
    X, Y, L = data.X, data.Y, jax_loss(loss)

    def f(t):
        blocks = blocks_of(model, t)
        total, k = 0.0, 0
        for tw in towers:
            P = jnp.eye(3)
            for _ in range(len(tw) - 1):
                P = blocks[k] @ P
                k += 1
            total = total + P
        return L(total @ X, Y)

    check_against_jax(land, f, model.random_point(seed=2))


def test_multitower_rank_reduction_and_min_value():
    model = MultiTower([(4, 1, 3), (4, 2, 2, 3)])
    assert model.bottleneck == 3 and model.max_rank == 3
    data = gaussian_teacher(4, 3, 30, seed=0)
    land = Landscape(model, SquaredLoss(), data)
    th = model.random_point(5)
    red = model.reduction()
    assert red.widths == (4, 3, 3)
    two = model.to_two_layer(th)
    assert relative_error(red.end_to_end(two), land.end_to_end(th)) <= 1e-13
    assert land.min_value == pytest.approx(SquaredLoss().on(data).min_value(3))
    narrow = Landscape(MultiTower([(4, 1, 3)]), SquaredLoss(), data)
    assert narrow.min_value > land.min_value


def test_multitower_bad_input():
    with pytest.raises(InputError, match="towers"):
        MultiTower([(3, 2, 2), (4, 2, 2)])
    with pytest.raises(InputError, match="towers"):
        MultiTower([])
    with pytest.raises(InputError, match=r"towers\[1\]"):
        MultiTower([(3, 2, 2), (3, 0, 2)])


# ---- MLP ----------------------------------------------------------------------------------

def mlp_jax(model: MLP, data: Dataset, loss):
    act, L = JAX_ACT[model.activation.name], jax_loss(loss)
    scale = 1.0 / data.m if loss.mean else 1.0

    def f(t):
        blocks = blocks_of(model, t)
        Ws = blocks[0::2] if model.bias else blocks
        bs = blocks[1::2] if model.bias else [0.0] * len(Ws)
        a = data.X
        for j, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            s = W @ a + b
            a = act(s) if j < len(Ws) - 1 else s
        return scale * L(a, data.Y)

    return f


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("bias", [True, False])
def test_mlp_backprop_and_rop_match_jax(activation, bias):
    model = MLP((3, 4, 3, 2), activation, bias=bias)
    data = gaussian_teacher(3, 2, 9, seed=7)
    land = Landscape(model, SquaredLoss(), data)
    seed = next(k for k in range(50) if not model.on_kink(model.random_point(k), data, tol=1e-4))
    theta = model.random_point(seed=seed)
    check_against_jax(land, mlp_jax(model, data, SquaredLoss()), theta)


@pytest.mark.parametrize("loss", [LogisticLoss(mean=True), HuberLoss(0.3)])
def test_mlp_other_losses(loss):
    data = logistic_teacher(3, 12, seed=2) if isinstance(loss, LogisticLoss) else gaussian_teacher(3, 1, 12)
    model = MLP((3, 5, 1), "tanh")
    land = Landscape(model, loss, data)
    check_against_jax(land, mlp_jax(model, data, loss), model.random_point(seed=4))


def test_mlp_cross_entropy():
    rng = np.random.default_rng(0)
    Y = np.eye(3)[:, rng.integers(0, 3, 10)]
    data = Dataset(rng.standard_normal((2, 10)), Y)
    model = MLP((2, 4, 3), "sigmoid")
    land = Landscape(model, CrossEntropyLoss(), data)
    check_against_jax(land, mlp_jax(model, data, CrossEntropyLoss()), model.random_point(seed=4))


def test_mlp_batched_hvp_equals_single():
    model = MLP((2, 3, 2), "softplus")
    land = Landscape(model, SquaredLoss(), gaussian_teacher(2, 2, 5))
    th = model.random_point(0)
    V = np.random.default_rng(1).standard_normal((4, model.n_params))
    assert np.allclose(land.hvp(th, V), np.stack([land.hvp(th, v) for v in V]), rtol=0, atol=1e-14)


def test_relu_kink_detection():
    model = MLP((2, 3, 1), "relu", bias=True)
    data = gaussian_teacher(2, 1, 6, seed=0)
    th = model.random_point(0)
    W1, b1, W2, b2 = [b.copy() for b in model.unflatten(th)]
    b1[0, 0] = -(W1[0] @ data.X[:, 0])  # unit 1 exactly at its kink for sample 1
    on = model.flatten([W1, b1, W2, b2])
    assert model.on_kink(on, data, tol=1e-12)
    assert Landscape(model, SquaredLoss(), data).objective.on_kink(on)
    assert not MLP((2, 3, 1), "softplus").on_kink(on, data)


def test_permute_hidden_keeps_the_function():
    model = MLP((3, 4, 5, 2), "tanh")
    data = gaussian_teacher(3, 2, 8, seed=3)
    land = Landscape(model, SquaredLoss(), data)
    th = model.random_point(2)
    moved = model.permute_hidden(th, 2, [4, 2, 0, 1, 3])
    assert not np.allclose(moved, th)
    assert land.value(moved) == pytest.approx(land.value(th), rel=1e-13)
    with pytest.raises(InputError, match="perm"):
        model.permute_hidden(th, 1, [0, 0, 1, 2])
    with pytest.raises(InputError, match="layer"):
        model.permute_hidden(th, 3, [0, 1])


def test_mlp_bad_input():
    with pytest.raises(InputError, match="activation") as info:
        MLP((2, 2, 1), "swish")
    assert "relu" in str(info.value) and "sigmoid" in str(info.value)
    for widths in [(2,), (2, 0, 1), (2, "a", 1)]:
        with pytest.raises(InputError, match="widths"):
            MLP(widths, "tanh")
    with pytest.raises(InputError, match="data"):
        Landscape(MLP((3, 2, 1), "tanh"), SquaredLoss(), gaussian_teacher(2, 1, 4))
