"""A user's own model: a landscape from any JAX loss of a parameter pytree.

``JaxModel(loss_fn, example_params)`` flattens the pytree with
``jax.flatten_util.ravel_pytree`` (leaves in ``tree_leaves`` order, each row-major) and
offers the :class:`~spurious.landscape.Objective` protocol: value, gradient (``jax.grad``),
HVP (``jax.jvp`` of ``jax.grad``, forward over reverse; batched with ``jax.vmap``) and,
through :meth:`landscape`, a full :class:`~spurious.landscape.Landscape` (dense Hessian,
LinearOperator) that the finders, classifier, optimisers and slices accept unchanged.

JAX is an optional extra: it is imported when a ``JaxModel`` is built, never at
``import spurious``; without it a :class:`~spurious.errors.MissingDependencyError` says
``pip install 'spurious[jax]'``. float64 is enabled at that call site
(``jax_enable_x64``), as the exactness checks need it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import InputError, MissingDependencyError
from .base import ParameterLayout


def _import_jax() -> Any:
    try:
        import jax
        from jax.flatten_util import ravel_pytree  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(
            "JaxModel needs JAX, an optional extra: pip install 'spurious[jax]'") from exc
    jax.config.update("jax_enable_x64", True)
    return jax


def _leaf_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) == 0:
        return (1, 1)
    if len(shape) == 1:
        return (int(shape[0]), 1)
    return (int(shape[0]), int(np.prod(shape[1:])))


class JaxModel:
    """Objective Φ(θ) = ``loss_fn(params)`` with params ↔ flat θ by ``ravel_pytree``.

    Parameters
    ----------
    loss_fn : a JAX-traceable function of a parameter pytree returning a scalar.
    example_params : a pytree of arrays with the parameters' structure (and a start point).
    """

    kind = "jax"

    def __init__(self, loss_fn: Callable[[Any], Any], example_params: Any):
        jax = _import_jax()
        from jax.flatten_util import ravel_pytree

        if not callable(loss_fn):
            raise InputError("loss_fn", f"expected a callable of the parameters, got {type(loss_fn).__name__}")
        import jax.numpy as jnp

        params64 = jax.tree_util.tree_map(lambda x: jnp.asarray(x, dtype=jnp.float64), example_params)
        flat, unravel = ravel_pytree(params64)
        if flat.size == 0:
            raise InputError("example_params", "expected at least one parameter")
        self._unravel = unravel
        self.example = np.asarray(flat, dtype=np.float64)
        leaves = jax.tree_util.tree_leaves(params64)
        self.layout = ParameterLayout([_leaf_shape(tuple(leaf.shape)) for leaf in leaves])

        def f(theta):
            return loss_fn(unravel(theta))

        try:
            value0 = f(jnp.asarray(self.example))
        except Exception as exc:
            raise InputError("loss_fn", f"could not evaluate at example_params: {exc}") from exc
        if np.ndim(value0) != 0:
            raise InputError("loss_fn", f"expected a scalar loss, got shape {np.shape(value0)}")
        grad = jax.grad(f)
        self._value = jax.jit(f)
        self._vg = jax.jit(jax.value_and_grad(f))

        def hvp1(theta, v):
            return jax.jvp(grad, (theta,), (v,))[1]

        self._hvp1 = jax.jit(hvp1)
        self._hvpk = jax.jit(jax.vmap(hvp1, in_axes=(None, 0)))

    def __repr__(self) -> str:
        return f"JaxModel(P={self.layout.n_params})"

    @property
    def n_params(self) -> int:
        return self.layout.n_params

    def to_params(self, theta: np.ndarray) -> Any:
        """The parameter pytree of a flat point."""
        return self._unravel(np.asarray(theta, dtype=np.float64))

    def value(self, theta: np.ndarray) -> float:
        return float(self._value(np.asarray(theta, dtype=np.float64)))

    def value_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        v, g = self._vg(np.asarray(theta, dtype=np.float64))
        return float(v), np.asarray(g, dtype=np.float64)

    def hvp(self, theta: np.ndarray, V: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta, dtype=np.float64)
        V = np.asarray(V, dtype=np.float64)
        out = self._hvp1(theta, V) if V.ndim == 1 else self._hvpk(theta, V)
        return np.asarray(out, dtype=np.float64)

    def min_value(self):
        return None
