"""The landscape: a model's loss on data as a function of its parameters, with exact derivatives.

``Landscape(model, loss, data)`` offers ``value``, ``gradient``, ``hvp``, ``hessian`` (dense)
and ``hessian_operator`` (a ``scipy.sparse.linalg.LinearOperator``) at any point, given as a
flat vector or a list of blocks, plus ``min_value``: the optimum of the loss over what the
model can express, exact where a closed form exists (squared loss: Eckart–Young).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from scipy.sparse.linalg import LinearOperator

from .data import Dataset, Population
from .errors import InputError
from .losses import EndToEndLoss, Loss
from .models.base import ParameterLayout
from .models.chain import ChainObjective
from .objective import MinValue, Objective, capability

__all__ = ["Landscape", "Objective", "ChainObjective", "MinValue"]


class Landscape:
    """The loss of ``model`` on ``data`` under ``loss``, as a function of the parameters.

    Parameters
    ----------
    model : any model: an object with ``bind(loss, data) -> Objective``
        (:mod:`spurious.objective`), e.g. :class:`~spurious.models.DeepLinear`.
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
        bind = getattr(model, "bind", None)
        if not callable(bind):
            raise InputError("model", f"expected a model with bind(loss, data) (e.g. DeepLinear), "
                             f"got {type(model).__name__}")
        self.objective: Objective = bind(loss, data)
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
        finder = capability(self.objective, "min_value")
        return finder() if finder is not None else None

    @property
    def min_value(self) -> float | None:
        """min Φ (exact for the squared loss; numerical for other convex losses without bottleneck)."""
        opt = self.optimum
        return None if opt is None else opt.value

    def end_to_end(self, point: object) -> np.ndarray:
        """The end-to-end matrix of a chain model at the point."""
        end_to_end = capability(self.objective, "end_to_end")
        if end_to_end is None:
            raise InputError("model", "this model has no end-to-end matrix")
        return end_to_end(self.point(point))

    def end_to_end_loss(self) -> EndToEndLoss:
        """ℓ with Φ(θ) = ℓ(W(θ)), W the end-to-end matrix: its value, gradient and Hessian action in W."""
        ell = capability(self.objective, "end_to_end_loss")
        if ell is None:
            raise InputError("model", "this model's loss is not a function of one end-to-end matrix")
        return ell()
