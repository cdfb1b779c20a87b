"""Small test functions with known constants, as landscapes (for the claims and the tests).

- :class:`Quadratic` f(w) = ½ wᵀAw − bᵀw: β = ‖A‖₂, ρ = 0; the quadratic model of §6.2.2
  when A is indefinite (a strict saddle at w_s = A⁻¹b).
- :class:`FryeQuartic` f(x, y) = x⁴/4 − 3x² + 9x + 0.9y⁴ + 5y² + 40 (Frye et al. 2021, the
  "gradient-flat" example): its only critical point is the minimum (−3, 0), f* = 6.25, and at
  (±√2, 0) the gradient (9 ∓ 4√2, 0) lies in the kernel of ∇²f = diag(3x² − 6, 10.8y² + 10).
- :class:`CosineSaddle` f(w) = ½ Σᵢ aᵢ xᵢ² + Σⱼ bⱼ cos(yⱼ), w = (x, y): a strict saddle at 0
  (Hessian diag(a, −b)), global minima at y ∈ (π + 2πℤ)^k with f* = −Σ bⱼ; globally
  β = max(max a, max b)-smooth and ρ = max b-Hessian-Lipschitz (|cos'''| ≤ 1).
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError, as_float_array
from ..landscape import Landscape
from ..models.base import ParameterLayout
from ..objective import MinValue

__all__ = ["Quadratic", "CosineSaddle", "FryeQuartic", "quadratic_landscape", "cosine_saddle_landscape",
           "frye_quartic_landscape"]


class Quadratic:
    """f(w) = ½ wᵀAw − bᵀw + c (A symmetric P×P) as an Objective."""

    def __init__(self, A: np.ndarray, b: np.ndarray | None = None, c: float = 0.0):
        A = as_float_array(A, "A", ndim=2)
        if A.shape[0] != A.shape[1] or not np.allclose(A, A.T, atol=1e-12 * max(1.0, np.abs(A).max())):
            raise InputError("A", f"expected a symmetric square matrix, got shape {A.shape}")
        self.A = 0.5 * (A + A.T)
        P = A.shape[0]
        self.b = np.zeros(P) if b is None else as_float_array(b, "b", ndim=1)
        self.c = float(c)
        self.layout = ParameterLayout([(P, 1)])
        self.eigenvalues = np.linalg.eigvalsh(self.A)

    @property
    def beta(self) -> float:
        return float(np.max(np.abs(self.eigenvalues)))

    def value(self, w: np.ndarray) -> float:
        return float(0.5 * w @ self.A @ w - self.b @ w + self.c)

    def value_and_gradient(self, w: np.ndarray) -> tuple[float, np.ndarray]:
        Aw = self.A @ w
        return float(0.5 * w @ Aw - self.b @ w + self.c), Aw - self.b

    def hvp(self, w: np.ndarray, V: np.ndarray) -> np.ndarray:
        return V @ self.A

    def min_value(self) -> MinValue | None:
        if self.eigenvalues[0] <= 0:
            return None
        w = np.linalg.solve(self.A, self.b)
        return MinValue(self.value(w), "closed form (A ≻ 0: w* = A⁻¹b)")


class CosineSaddle:
    """f(x, y) = ½ Σ aᵢxᵢ² + Σ bⱼ cos(yⱼ): a strict saddle at the origin (see module doc)."""

    def __init__(self, a: np.ndarray, b: np.ndarray):
        self.a = as_float_array(a, "a", ndim=1)
        self.b = as_float_array(b, "b", ndim=1)
        if np.any(self.a <= 0) or np.any(self.b <= 0) or self.b.size == 0:
            raise InputError("b", "expected a > 0 and at least one b > 0")
        self.k = self.a.size
        self.layout = ParameterLayout([(self.k + self.b.size, 1)])

    @property
    def beta(self) -> float:
        return float(max(self.a.max(initial=0.0), self.b.max()))

    @property
    def rho(self) -> float:
        return float(self.b.max())

    @property
    def f_star(self) -> float:
        return float(-self.b.sum())

    def value(self, w: np.ndarray) -> float:
        x, y = w[: self.k], w[self.k:]
        return float(0.5 * np.sum(self.a * x**2) + np.sum(self.b * np.cos(y)))

    def value_and_gradient(self, w: np.ndarray) -> tuple[float, np.ndarray]:
        x, y = w[: self.k], w[self.k:]
        return self.value(w), np.concatenate([self.a * x, -self.b * np.sin(y)])

    def hvp(self, w: np.ndarray, V: np.ndarray) -> np.ndarray:
        y = w[self.k:]
        diag = np.concatenate([self.a, -self.b * np.cos(y)])
        return V * diag

    def min_value(self) -> MinValue:
        return MinValue(self.f_star, "closed form (y ∈ π + 2πℤ, x = 0)")


def quadratic_landscape(A: np.ndarray, b: np.ndarray | None = None, c: float = 0.0) -> Landscape:
    return Landscape.from_objective(Quadratic(A, b, c), "quadratic")


def cosine_saddle_landscape(a: np.ndarray, b: np.ndarray) -> Landscape:
    return Landscape.from_objective(CosineSaddle(a, b), "cosine-saddle")


class FryeQuartic:
    """f(x, y) = x⁴/4 − 3x² + 9x + 0.9y⁴ + 5y² + 40 as an Objective (see the module docstring)."""

    layout = ParameterLayout([(2, 1)])

    def value(self, w: np.ndarray) -> float:
        return self.value_and_gradient(w)[0]

    def value_and_gradient(self, w: np.ndarray) -> tuple[float, np.ndarray]:
        x, y = float(w[0]), float(w[1])
        f = x**4 / 4 - 3 * x**2 + 9 * x + 0.9 * y**4 + 5 * y**2 + 40
        return f, np.array([x**3 - 6 * x + 9, 3.6 * y**3 + 10 * y])

    def hvp(self, w: np.ndarray, V: np.ndarray) -> np.ndarray:
        x, y = float(w[0]), float(w[1])
        return np.asarray(V, dtype=np.float64) * np.array([3 * x**2 - 6, 10.8 * y**2 + 10])

    def min_value(self) -> MinValue:
        return MinValue(6.25, "closed form (the only critical point, (−3, 0))")


def frye_quartic_landscape() -> Landscape:
    """The landscape of :class:`FryeQuartic`."""
    return Landscape.from_objective(FryeQuartic(), "Frye quartic")
