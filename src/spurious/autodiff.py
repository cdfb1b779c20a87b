"""JAX backend: the same landscapes written for automatic differentiation (the test oracle).

JAX is an optional extra (``pip install 'spurious[jax]'``); it is imported lazily, and
float64 is enabled at the call site, never at import of ``spurious``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .data import Dataset, Population
from .errors import InputError, MissingDependencyError
from .losses import CrossEntropyLoss, HuberLoss, LogisticLoss, Loss, SquaredLoss


def require_jax() -> Any:
    """Import JAX with float64 enabled, or raise :class:`MissingDependencyError`."""
    try:
        import jax
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingDependencyError(
            "this needs JAX: pip install 'spurious[jax]' (or pip install jax jaxlib)"
        ) from exc
    jax.config.update("jax_enable_x64", True)
    return jax


def jax_available() -> bool:
    try:
        require_jax()
    except MissingDependencyError:
        return False
    return True


def jax_output_loss(loss: Loss) -> Callable[[Any, Any], Any]:
    """L(Z, Y) in jax.numpy for each built-in loss (sum over samples)."""
    import jax.numpy as jnp
    from jax.nn import logsumexp, softplus

    if isinstance(loss, SquaredLoss):
        return lambda Z, Y: 0.5 * jnp.sum((Z - Y) ** 2)
    if isinstance(loss, LogisticLoss):
        return lambda Z, Y: jnp.sum(softplus(-Y * Z))
    if isinstance(loss, CrossEntropyLoss):
        return lambda Z, Y: jnp.sum(logsumexp(Z, axis=0) * Y.sum(axis=0)) - jnp.sum(Y * Z)
    if isinstance(loss, HuberLoss):
        d = loss.delta

        def huber(Z: Any, Y: Any) -> Any:
            a = jnp.abs(Z - Y)
            return jnp.sum(jnp.where(a <= d, 0.5 * a**2, d * (a - 0.5 * d)))

        return huber
    raise InputError("loss", f"no JAX form for {type(loss).__name__}")


def jax_deep_linear_objective(model, loss: Loss, data: Dataset | Population) -> Callable[[Any], Any]:
    """θ ↦ Φ(θ) for a :class:`DeepLinear` model, written directly in JAX (no shared code).

    For a Population (squared loss only) Φ = ½ tr((W − R)Σ(W − R)ᵀ) + d·s²/2 (project report).
    """
    jax = require_jax()
    jnp = jax.numpy
    shapes = model.shapes
    offsets = model.offsets

    def end_to_end(theta: Any) -> Any:
        W = None
        for j, shape in enumerate(shapes):
            Wj = theta[offsets[j] : offsets[j + 1]].reshape(shape)
            W = Wj if W is None else Wj @ W
        return W

    if isinstance(data, Population):
        if not isinstance(loss, SquaredLoss):
            raise InputError("loss", "a Population defines only the squared loss")
        R, S, const = jnp.asarray(data.R), jnp.asarray(data.Sigma), data.noise_constant

        def population_loss(theta: Any) -> Any:
            E = end_to_end(theta) - R
            return 0.5 * jnp.trace(E @ S @ E.T) + const

        return population_loss
    X, Y = jnp.asarray(data.X), jnp.asarray(data.Y)
    L = jax_output_loss(loss)
    scale = loss.sample_scale(data.m, data.d_out)
    return lambda theta: scale * L(end_to_end(theta) @ X, Y)


def jax_gradient(fun: Callable[[Any], Any], theta: np.ndarray) -> np.ndarray:
    """∇fun(θ) by reverse-mode JAX (no Hessian: cheap to compile)."""
    jax = require_jax()
    return np.asarray(jax.jit(jax.grad(fun))(jax.numpy.asarray(theta)))


def jax_derivatives(fun: Callable[[Any], Any], theta: np.ndarray, V: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Value, gradient, dense Hessian and HVPs (forward over reverse: jax.jvp of jax.grad)
    of ``fun`` at θ, from one jitted JAX function (one compilation per call)."""
    jax = require_jax()
    jnp = jax.numpy
    grad = jax.grad(fun)
    V = np.zeros((0, np.size(theta))) if V is None else np.atleast_2d(V)

    @jax.jit
    def everything(theta: Any, V: Any) -> tuple[Any, Any, Any, Any]:
        hvp = jax.vmap(lambda v: jax.jvp(grad, (theta,), (v,))[1])
        return fun(theta), grad(theta), jax.hessian(fun)(theta), hvp(V)

    value, gradient, hessian, hvps = everything(jnp.asarray(theta), jnp.asarray(V))
    return {"value": np.asarray(value), "gradient": np.asarray(gradient),
            "hessian": np.asarray(hessian), "hvp": np.asarray(hvps)}


def finite_difference_gradient(
    fun: Callable[[np.ndarray], float], theta: np.ndarray, h: float | None = None
) -> np.ndarray:
    """Central differences (f(θ + h e_i) − f(θ − h e_i)) / 2h, h = ε^⅓ · max(1, ‖θ‖∞)."""
    h = h or np.cbrt(np.finfo(float).eps) * max(1.0, float(np.abs(theta).max()))
    g = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        g[i] = (fun(theta + e) - fun(theta - e)) / (2 * h)
    return g


def finite_difference_hvp(grad: Callable[[np.ndarray], np.ndarray], theta: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Central differences of the gradient along v: (∇f(θ + hv) − ∇f(θ − hv)) / 2h."""
    h = np.cbrt(np.finfo(float).eps) * max(1.0, float(np.abs(theta).max())) / max(1.0, float(np.linalg.norm(v)))
    return (grad(theta + h * v) - grad(theta - h * v)) / (2 * h)
