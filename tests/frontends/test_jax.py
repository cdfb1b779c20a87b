"""from_jax: a pytree model (params + apply, or a callable pytree) against dense jax.hessian."""

from __future__ import annotations

import numpy as np
import pytest

jax = pytest.importorskip("jax")

from spurious import InputError, from_jax  # noqa: E402
from spurious.tolerances import relative_error  # noqa: E402

REL = 1e-10


def mlp_apply(params, X):
    import jax.numpy as jnp

    h = jnp.tanh(X @ params["w1"].T + params["b1"])
    return h @ params["w2"].T


def mse(out, Y):
    return ((out - Y) ** 2).mean()


def setup(m: int = 20):
    rng = np.random.default_rng(0)
    params = {"w1": rng.standard_normal((4, 3)), "b1": rng.standard_normal(4), "w2": rng.standard_normal((2, 4))}
    return params, rng.standard_normal((m, 3)), rng.standard_normal((m, 2))


@jax.tree_util.register_pytree_node_class
class CallableNet:
    """An equinox-like module: array leaves, a static activation name, callable on a batch."""

    def __init__(self, params, activation="tanh"):
        self.params, self.activation = params, activation

    def tree_flatten(self):
        return (self.params,), self.activation

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(children[0], aux)

    def __call__(self, X):
        return mlp_apply(self.params, X)


def test_matches_dense_jax_hessian_and_batches_accumulate():
    from jax.flatten_util import ravel_pytree

    jax.config.update("jax_enable_x64", True)
    params, X, Y = setup()
    land = from_jax(params, mse, (X, Y), apply=mlp_apply)
    flat, unravel = ravel_pytree(params)

    def phi(theta):
        return mse(mlp_apply(unravel(theta), X), Y)

    theta = np.asarray(flat)
    assert land.value(theta) == pytest.approx(float(phi(theta)), rel=REL)
    assert relative_error(land.hessian(theta), np.asarray(jax.hessian(phi)(theta))) <= REL
    batches = [(X[:7], Y[:7]), (X[7:], Y[7:])]
    split = from_jax(params, mse, batches, apply=mlp_apply, reduction="mean")
    assert relative_error(split.gradient(theta), land.gradient(theta)) <= REL
    net = from_jax(CallableNet(params), mse, (X, Y))
    assert relative_error(net.hessian(net.theta0), land.hessian(theta)) <= REL
    assert isinstance(net.model_at(net.theta0), CallableNet)


def test_bad_input_is_named():
    params, X, Y = setup()
    with pytest.raises(InputError, match="model"):
        from_jax(params, mse, (X, Y))
    with pytest.raises(InputError, match="loss_fn"):
        from_jax(params, lambda o, y: (o - y) ** 2, (X, Y), apply=mlp_apply)
    with pytest.raises(InputError, match="data"):
        from_jax(params, mse, (X[:, :2], Y), apply=mlp_apply)
    with pytest.raises(InputError, match="reduction"):
        from_jax(params, mse, [(X[:7], Y[:7]), (X[7:], Y[7:])], apply=mlp_apply)
