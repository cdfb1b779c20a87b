"""The objective contract: what a model bound to a loss and data offers a landscape.

A model builds its objective (``model.bind(loss, data) -> Objective``); the
:class:`~spurious.landscape.Landscape` wraps it. This module sits below ``models`` and
``landscape`` (it imports only ``data``, ``losses`` and ``errors``), so neither has to reach
up or import lazily.

Required: ``layout`` (a :class:`~spurious.models.base.ParameterLayout`), ``value(θ)``,
``value_and_gradient(θ)``, ``hvp(θ, V)`` with V of shape (P,) or (k, P).

Optional capabilities, each with a documented default when absent (callers ask through
:func:`capability`, never ``hasattr`` on a model):

- ``min_value() -> MinValue | None`` — the optimum over what the model expresses
  (default: unknown, ``None``);
- ``end_to_end(θ) -> ndarray`` — the end-to-end matrix of a product-of-matrices model;
- ``end_to_end_loss() -> EndToEndLoss`` — ℓ with Φ(θ) = ℓ(end_to_end(θ)), its gradient and
  Hessian action in W (default: none; the objective is not a loss of one matrix);
- ``symmetry_dimension(θ) -> int`` — dimension of the continuous-symmetry orbit through θ
  (default: the classifier's generic estimate);
- ``on_kink(θ) -> bool`` — θ lies on the non-differentiable set (default: never);
- ``interval_enclosure(θ, r) -> (F, ∇F, ∇²F)`` — python-flint arb enclosures over the box
  ∏[θᵢ ± r], for rigorous certificates (:mod:`spurious.critical.rigorous`; default: none);
- ``dense_hessian(θ) -> ndarray (P, P) | None`` — ∇²Φ(θ) in closed form, None where there is
  none at θ (default: assembled from P HVPs, ``Landscape.hessian``);
- ``descent_direction(θ) -> ndarray (P,) | None`` — a unit direction along which Φ may drop at
  higher order at a critical point with PSD Hessian, e.g. the rank-one chain of a chain model
  (default: none; the classifier then searches the Hessian's null space only);
- ``linear_network() -> LinearNetwork | None`` — the deep linear network and its squared loss,
  the setting of the closed-form critical points and global minima (default: none, and those
  closed forms are refused with an :class:`~spurious.errors.InputError`);
- ``minibatch_gradient(θ, idx) -> ndarray (P,)`` and ``n_samples() -> int`` — the mean gradient
  over the samples ``idx`` and their number, for an objective that holds its own samples
  (default: SGD rebinds the model to the chosen columns of the landscape's Dataset).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from scipy.optimize import minimize

from .data import Dataset, Population
from .errors import InputError
from .losses import EndToEndLoss

__all__ = ["MinValue", "Objective", "capability", "check_io", "convex_minimum", "OPTIONAL_CAPABILITIES"]

#: The optional methods an objective may offer (see the module docstring).
OPTIONAL_CAPABILITIES = ("min_value", "end_to_end", "end_to_end_loss", "symmetry_dimension", "on_kink",
                         "interval_enclosure", "dense_hessian", "descent_direction", "linear_network",
                         "minibatch_gradient", "n_samples")


class Objective(Protocol):
    """Φ(θ) and its exact derivatives on flat parameter vectors θ ∈ ℝ^P."""

    layout: Any

    def value(self, theta: np.ndarray) -> float: ...

    def value_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]: ...

    def hvp(self, theta: np.ndarray, V: np.ndarray) -> np.ndarray: ...


def capability(objective: object, name: str) -> Callable[..., Any] | None:
    """The optional method ``name`` of ``objective`` (one of :data:`OPTIONAL_CAPABILITIES`), or None."""
    if name not in OPTIONAL_CAPABILITIES:
        raise KeyError(f"{name!r} is not an objective capability; expected one of {OPTIONAL_CAPABILITIES}")
    method = getattr(objective, name, None)
    return method if callable(method) else None


@dataclass(frozen=True)
class MinValue:
    """The optimum of the landscape and how it was obtained."""

    value: float
    source: str
    exact: bool = True


def convex_minimum(ell: EndToEndLoss) -> MinValue | None:
    """min_W ℓ(W) for a convex ℓ with no rank constraint, by L-BFGS to gradient 1e-12.

    Returns None when the infimum is not attained (the iterates run away, as on separable
    data for the logistic loss).
    """
    shape = (ell.d_out, ell.d_in)

    def fg(w: np.ndarray) -> tuple[float, np.ndarray]:
        W = w.reshape(shape)
        return ell.value(W), ell.gradient(W).ravel()

    res = minimize(fg, np.zeros(np.prod(shape)), jac=True, method="L-BFGS-B",
                   options={"maxiter": 5000, "gtol": 1e-13, "ftol": 1e-16})
    g = float(np.linalg.norm(fg(res.x)[1]))
    scale = max(1.0, float(np.linalg.norm(ell.gradient(np.zeros(shape)))))
    if not np.isfinite(res.fun) or g > 1e-7 * scale:
        return None
    return MinValue(float(res.fun), f"numerical (L-BFGS on convex ℓ, ‖∇ℓ‖ = {g:.1e})", exact=False)


def check_io(model: Any, data: Dataset | Population) -> None:
    """Raise :class:`InputError` unless the data's input/output sizes match the model's d₀ and d_N."""
    if model.d_in != data.d_in:
        raise InputError("data", f"X has {data.d_in} rows but the model's input width d0 is {model.d_in}")
    if model.d_out != data.d_out:
        raise InputError("data", f"Y has {data.d_out} rows but the model's output width dN is {model.d_out}")
