"""Bring your own network: landscapes of PyTorch modules and JAX pytree models.

``from_torch(module, loss_fn, data)`` and ``from_jax(apply_fn, params, loss_fn, data)`` return
landscapes that the finders, the classifier, the optimisers and slices accept unchanged.
Neither framework is imported before one of them is called.
"""

from __future__ import annotations

from typing import Any

__all__ = ["from_torch", "from_jax"]


def from_torch(module: Any, loss_fn: Any, data: object, **options: Any) -> Any:
    """See :func:`spurious.frontends.torch.from_torch`."""
    from .torch import from_torch as build

    return build(module, loss_fn, data, **options)


def from_jax(model: Any, loss_fn: Any, data: object, **options: Any) -> Any:
    """See :func:`spurious.frontends.jax.from_jax`."""
    from .jax import from_jax as build

    return build(model, loss_fn, data, **options)
