"""Bring your own network: landscapes of PyTorch modules and JAX pytree models.

``from_torch(module, loss_fn, data)`` and ``from_jax(apply_fn, params, loss_fn, data)`` return
landscapes that the finders, the classifier, the optimisers and slices accept unchanged.
Neither framework is imported before one of them is called.
"""

from __future__ import annotations

from .jax import from_jax
from .torch import from_torch

__all__ = ["from_torch", "from_jax"]
