"""The landscape: a model's loss on data as a function of its parameters, with exact derivatives.

``Landscape(model, loss, data)`` offers ``value``, ``gradient``, ``hvp``, ``hessian`` (dense)
and ``hessian_operator`` (a ``scipy.sparse.linalg.LinearOperator``) at any point, given as a
flat vector or a list of blocks, plus ``min_value``: the optimum of the loss over what the
model can express, exact where a closed form exists (squared loss: Eckart–Young).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np
from scipy.optimize import minimize
from scipy.sparse.linalg import LinearOperator

from .data import Dataset, Population
from .errors import InputError
from .losses import EndToEndLoss, Loss
from .models.base import ParameterLayout, chain_hvp, chain_pullback, prefix_products

__all__ = ["Landscape", "Objective", "ChainObjective", "MinValue"]


class Objective(Protocol):
    """What a landscape needs of a model bound to a loss and data (flat vectors in and out)."""

    layout: ParameterLayout

    def value(self, theta: np.ndarray) -> float: ...

    def value_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]: ...

    def hvp(self, theta: np.ndarray, V: np.ndarray) -> np.ndarray: ...


class ChainObjective:
    """Φ(θ) = ℓ(F_N(θ)⋯F_1(θ)) for a chain model; derivatives per `004_…` §6.2.5."""

    def __init__(self, model, ell: EndToEndLoss):
        self.layout = model
        self.model = model
        self.ell = ell

    def end_to_end(self, theta: np.ndarray) -> np.ndarray:
        return prefix_products(self.model.factors(theta))[-1]

    def value(self, theta: np.ndarray) -> float:
        return self.ell.value(self.end_to_end(theta))

    def value_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        F = self.model.factors(theta)
        W = prefix_products(F)[-1]
        G = self.ell.gradient(W)
        return self.ell.value(W), self.layout.flatten(chain_pullback(F, G))

    def hvp(self, theta: np.ndarray, V: np.ndarray) -> np.ndarray:
        F = self.model.factors(theta)
        W = prefix_products(F)[-1]
        G = self.ell.gradient(W)
        D = self.layout.unflatten(V)
        return self.layout.flatten(chain_hvp(F, D, G, lambda dW: self.ell.hess_action(W, dW)))

    def min_value(self) -> MinValue | None:
        """min ℓ over matrices of rank ≤ the model's max rank, when ℓ gives it in closed form."""
        exact = self.ell.min_value(self.model.max_rank)
        if exact is not None:
            return MinValue(exact, f"closed form (Eckart–Young, rank ≤ {self.model.max_rank})")
        if self.model.max_rank >= min(self.ell.d_in, self.ell.d_out):
            return _convex_minimum(self.ell)
        return None


@dataclass(frozen=True)
class MinValue:
    """The optimum of the landscape and how it was obtained."""

    value: float
    source: str
    exact: bool = True


def _convex_minimum(ell: EndToEndLoss) -> MinValue | None:
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


class Landscape:
    """The loss of ``model`` on ``data`` under ``loss``, as a function of the parameters.

    Parameters
    ----------
    model : a chain model (e.g. :class:`~spurious.models.DeepLinear`) or any object with
        ``bind(loss, data) -> Objective``.
    loss : a :class:`~spurious.losses.Loss`.
    data : a :class:`~spurious.data.Dataset` or :class:`~spurious.data.Population`.

    Points are flat vectors of length ``n_params`` or lists of blocks.
    """

    def __init__(self, model, loss: Loss, data: Dataset | Population):
        if not isinstance(loss, Loss):
            raise InputError("loss", f"expected a Loss (e.g. SquaredLoss()), got {type(loss).__name__}")
        if not isinstance(data, Dataset | Population):
            raise InputError("data", f"expected a Dataset or Population, got {type(data).__name__}")
        self.model = model
        self.loss = loss
        self.data = data
        if hasattr(model, "bind"):
            self.objective: Objective = model.bind(loss, data)
        elif hasattr(model, "factors"):
            _check_io(model, data)
            self.objective = ChainObjective(model, loss.on(data))
        else:
            raise InputError("model", f"expected a model (e.g. DeepLinear), got {type(model).__name__}")
        self.layout: ParameterLayout = self.objective.layout

    @classmethod
    def from_objective(cls, objective: Objective, description: str = "custom") -> Landscape:
        """Wrap any object following the :class:`Objective` protocol."""
        self = cls.__new__(cls)
        self.model, self.loss, self.data = description, None, None
        self.objective = objective
        self.layout = objective.layout
        return self

    def __repr__(self) -> str:
        loss = self.loss.describe() if self.loss is not None else "custom"
        return f"Landscape({self.model!r}, {loss}, P={self.n_params})"

    @property
    def n_params(self) -> int:
        return self.layout.n_params

    def point(self, point: object, argument: str = "point") -> np.ndarray:
        """Validate a point (flat vector or list of blocks) and return it as a flat vector."""
        return self.layout.as_vector(point, argument)

    def blocks(self, point: object) -> list[np.ndarray]:
        """The point as a list of blocks (views when given a flat vector)."""
        return self.layout.unflatten(self.point(point))

    def value(self, point: object) -> float:
        """Φ(θ)."""
        return float(self.objective.value(self.point(point)))

    def gradient(self, point: object) -> np.ndarray:
        """∇Φ(θ) as a flat vector (P,)."""
        return self.objective.value_and_gradient(self.point(point))[1]

    def value_and_gradient(self, point: object) -> tuple[float, np.ndarray]:
        """(Φ(θ), ∇Φ(θ)) in one pass."""
        value, grad = self.objective.value_and_gradient(self.point(point))
        return float(value), grad

    def hvp(self, point: object, v: object) -> np.ndarray:
        """∇²Φ(θ) v for a direction (P,) or a batch of directions (k, P)."""
        return self.objective.hvp(self.point(point), self.layout.as_directions(v))

    def hessian(self, point: object, chunk: int = 512) -> np.ndarray:
        """Dense Hessian (P×P), assembled from closed-form HVPs on the identity, in chunks."""
        theta = self.point(point)
        P = self.n_params
        H = np.empty((P, P))
        for start in range(0, P, chunk):
            stop = min(start + chunk, P)
            E = np.zeros((stop - start, P))
            E[np.arange(stop - start), np.arange(start, stop)] = 1.0
            H[start:stop] = self.objective.hvp(theta, E)
        return 0.5 * (H + H.T)

    def hessian_operator(self, point: object) -> LinearOperator:
        """∇²Φ(θ) as a symmetric ``LinearOperator`` (matvec and matmat by closed-form HVPs)."""
        theta = self.point(point)
        P = self.n_params
        hvp = self.objective.hvp

        def matmat(V: np.ndarray) -> np.ndarray:
            return hvp(theta, np.asarray(V, dtype=np.float64).T).T

        return LinearOperator(
            (P, P), matvec=lambda v: hvp(theta, np.ravel(v)), rmatvec=lambda v: hvp(theta, np.ravel(v)),
            matmat=matmat, dtype=np.float64,
        )

    @cached_property
    def optimum(self) -> MinValue | None:
        """min Φ with its source, or None when no closed form or reliable number exists."""
        finder = getattr(self.objective, "min_value", None)
        return finder() if finder is not None else None

    @property
    def min_value(self) -> float | None:
        """min Φ (exact for the squared loss; numerical for other convex losses without bottleneck)."""
        opt = self.optimum
        return None if opt is None else opt.value

    def end_to_end(self, point: object) -> np.ndarray:
        """The end-to-end matrix of a chain model at the point."""
        if not hasattr(self.objective, "end_to_end"):
            raise InputError("model", "this model has no end-to-end matrix")
        return self.objective.end_to_end(self.point(point))


def _check_io(model, data: Dataset | Population) -> None:
    if model.d_in != data.d_in:
        raise InputError("data", f"X has {data.d_in} rows but the model's input width d0 is {model.d_in}")
    if model.d_out != data.d_out:
        raise InputError("data", f"Y has {data.d_out} rows but the model's output width dN is {model.d_out}")
