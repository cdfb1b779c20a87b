"""A JAX model (a pytree: a parameter dict with an ``apply``, or an equinox module) as a landscape.

``from_jax(model, loss_fn, data, apply=None)`` gives Φ(θ) = Σ_b w_b · loss_fn(out_b, Y_b) with

- ``out_b = apply(model_θ, X_b)`` when ``apply`` is given (flax/haiku style: ``model`` is the
  parameter pytree), else ``out_b = model_θ(X_b)`` (a callable pytree, e.g. an equinox module);
- θ the floating-point array leaves of ``model`` (every other leaf is held fixed), flattened
  in ``jax.tree_util`` leaf order, each row-major: the same layout as
  :class:`~spurious.models.custom.JaxModel`, which this builds on (value and gradient by
  ``jax.value_and_grad``, HVPs by ``jax.jvp`` of ``jax.grad``, batched with ``jax.vmap``);
- batch weights w_b from ``reduction`` exactly as :func:`spurious.frontends.torch.from_torch`:
  1 for ``"sum"``, the share of samples (``"mean"``) or of output entries (``"mean-all"``).

Data: a pair ``(X, Y)`` of arrays (samples on the first axis) or a list of such pairs (batches,
in order). float64 is enabled at the call (``jax_enable_x64``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import InputError
from ..landscape import Landscape
from ..models.custom import JaxModel, _import_jax
from .torch import REDUCTIONS

__all__ = ["from_jax", "JaxLandscape"]


def _batches(data: object) -> list[tuple[np.ndarray, np.ndarray]]:
    if isinstance(data, tuple) and len(data) == 2 and not isinstance(data[0], tuple):
        pairs = [data]
    elif isinstance(data, list) and data and all(isinstance(p, tuple | list) and len(p) == 2 for p in data):
        pairs = data
    else:
        raise InputError("data", f"expected a pair (X, Y) of arrays or a list of such pairs, got {type(data).__name__}")
    out = []
    for i, (X, Y) in enumerate(pairs):
        Xa, Ya = np.asarray(X), np.asarray(Y)
        if Xa.ndim == 0 or Ya.ndim == 0 or Xa.shape[0] != Ya.shape[0]:
            raise InputError("data", f"batch {i}: X and Y need the same number of samples (first axis); got "
                             f"shapes {Xa.shape} and {Ya.shape}")
        if np.issubdtype(Xa.dtype, np.floating):
            Xa = Xa.astype(np.float64)
        if np.issubdtype(Ya.dtype, np.floating):
            Ya = Ya.astype(np.float64)
        out.append((Xa, Ya))
    return out


def _weights(batches: list[tuple[np.ndarray, np.ndarray]], out_sizes: list[int], reduction: str | None) -> list[float]:
    if reduction is None:
        if len(batches) > 1:
            raise InputError("reduction", "several batches: say how loss_fn reduces one, reduction='sum', "
                             "'mean' (over samples) or 'mean-all' (over all output entries)")
        return [1.0]
    if reduction not in REDUCTIONS:
        raise InputError("reduction", f"expected one of {list(REDUCTIONS)}, got {reduction!r}")
    if reduction == "sum":
        return [1.0] * len(batches)
    sizes = [float(X.shape[0]) for X, _ in batches] if reduction == "mean" else [float(s) for s in out_sizes]
    return [s / sum(sizes) for s in sizes]


class JaxLandscape(Landscape):
    """A :class:`~spurious.landscape.Landscape` over a JAX pytree model, with conversions."""

    objective: JaxModel

    @property
    def theta0(self) -> np.ndarray:
        """The model's own floating-point leaves, flat (P,)."""
        return self.objective.example.copy()

    def model_at(self, point: object) -> Any:
        """The model pytree with its parameters set to ``point``."""
        return self._rebuild(self.objective.to_params(self.point(point)))


def from_jax(model: Any, loss_fn: Callable[[Any, Any], Any], data: object, *,
             apply: Callable[[Any, Any], Any] | None = None, reduction: str | None = None) -> JaxLandscape:
    """The landscape of a JAX pytree ``model`` under ``loss_fn(output, Y)`` on ``data`` (module docstring).

    Raises :class:`~spurious.errors.InputError` when the model has no floating-point leaves,
    is not callable without ``apply``, or ``loss_fn`` does not return a scalar.
    """
    jax = _import_jax()
    import jax.numpy as jnp

    if apply is None and not callable(model):
        raise InputError("model", "expected a callable pytree (e.g. an equinox module) or apply=apply(model, X)")
    if not callable(loss_fn):
        raise InputError("loss_fn", f"expected a callable loss_fn(output, Y), got {type(loss_fn).__name__}")
    leaves, treedef = jax.tree_util.tree_flatten(model)
    where = [i for i, leaf in enumerate(leaves)
             if hasattr(leaf, "dtype") and np.issubdtype(np.dtype(leaf.dtype), np.floating)]
    if not where:
        raise InputError("model", "has no floating-point array leaves to differentiate")

    def rebuild(params: list[Any]) -> Any:
        full = list(leaves)
        for i, p in zip(where, params, strict=True):
            full[i] = p
        return jax.tree_util.tree_unflatten(treedef, full)

    def forward(params: list[Any], X: Any) -> Any:
        m = rebuild(params)
        return apply(m, X) if apply is not None else m(X)

    batches = _batches(data)
    params0 = [jnp.asarray(leaves[i], dtype=jnp.float64) for i in where]
    try:
        sizes = [int(np.size(forward(params0, jnp.asarray(X)))) for X, _ in batches]
    except Exception as exc:  # user code: any failure is a bad model/data pair
        raise InputError("data", f"the model cannot take X of shape {batches[0][0].shape}: {exc}") from exc
    weights = _weights(batches, sizes, reduction)

    def total_loss(params: list[Any]) -> Any:
        return sum(w * loss_fn(forward(params, X), Y) for (X, Y), w in zip(batches, weights, strict=True))

    objective = JaxModel(total_loss, params0)
    landscape = JaxLandscape.from_objective(objective, f"jax {type(model).__name__}")
    landscape._rebuild = rebuild
    return landscape
