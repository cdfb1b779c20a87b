"""The exponential neuron of Kawaguchi & Kaelbling (2019) (MIPT homework Problem 4).

Around a scalar-output model f(x; θ) with output derivatives (an :class:`~spurious.models.MLP`:
``forward``, ``backward``, ``second_order``), the augmented loss

    L̃(θ, w, a, b) = s Σ_i ℓ(f(x_i; θ) + a·exp(wᵀx_i + b), y_i) + λ a²

(s = 1/m for a mean loss, as in the homework; 1 otherwise). Parameters: θ, then w (1×d₀),
a (1×1), b (1×1). With e_i = exp(wᵀx_i + b), g_i = a e_i and δ = s ∇ℓ at z = f + g:

    ∂L̃/∂a = Σ δ_i e_i + 2λa,   ∂L̃/∂b = Σ δ_i a e_i,   ∂L̃/∂w = Σ δ_i a e_i x_i,

and along V = (V_θ, V_w, V_a, V_b), with u_i = V_wᵀx_i + V_b and R{z} = J_f V_θ + e(V_a + a u),
R{δ} = s ∇²ℓ[R{z}]:

    R{∂_a} = Σ R{δ} e + Σ δ e u + 2λ V_a,
    R{∂_b} = Σ R{δ} a e + Σ δ (V_a e + a e u),   R{∂_w} = the same summands times x_i,
    R{∂_θ} = the model's R-operator with R{δ_N} = R{δ}.
"""

from __future__ import annotations

import numpy as np

from ..data import Dataset
from ..errors import InputError, require_positive
from .base import ParameterLayout
from .mlp import MLP


class ExpNeuron(ParameterLayout):
    """``ExpNeuron(model, lam)``: the model plus one exponential neuron (w, a, b) and λa²."""

    kind = "exp-neuron"

    def __init__(self, model, lam: float = 1.0):
        if not isinstance(model, MLP):
            raise InputError("model", f"expected a model with output derivatives (an MLP), got {type(model).__name__}")
        if model.d_out != 1:
            raise InputError("model", f"the exponential neuron needs a scalar output (d_out = 1), got {model.d_out}")
        self.model = model
        self.lam = require_positive(lam, "lam")
        self.d_in = int(model.d_in)
        self.d_out = 1
        super().__init__([*model.shapes, (1, self.d_in), (1, 1), (1, 1)])
        self.n_base = int(model.n_params)

    def __repr__(self) -> str:
        return f"ExpNeuron({self.model!r}, lam={self.lam})"

    def split(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(θ, w (..., 1, d₀), a (..., 1, 1), b (..., 1, 1)) from a flat point (views)."""
        blocks = self.unflatten(theta)
        return theta[..., :self.n_base], blocks[-3], blocks[-2], blocks[-1]

    def join(self, theta: np.ndarray, w: np.ndarray, a: float, b: float) -> np.ndarray:
        """Flat point from the model's θ and the neuron's (w, a, b)."""
        return np.concatenate([np.asarray(theta, float).ravel(), np.asarray(w, float).ravel(),
                               [float(a)], [float(b)]])

    def neuron_output(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """a·exp(wᵀx_i + b) for every sample (1×m)."""
        _, w, a, b = self.split(np.asarray(theta, float))
        return a * np.exp(w @ X + b)

    def random_point(self, seed: int = 0, scale: float | None = None) -> np.ndarray:
        """The model's seeded random point, then (w, a, b) Gaussian with std ``scale`` (default 0.1)."""
        rng = np.random.default_rng(seed)
        base = self.model.random_point(seed, scale)
        tail = (0.1 if scale is None else scale) * rng.standard_normal(self.n_params - base.size)
        return np.concatenate([base, tail])

    def bind(self, loss, data: Dataset) -> ExpNeuronObjective:
        base = self.model.bind(loss, data)
        return ExpNeuronObjective(self, base.loss, data, base.scale)


class ExpNeuronObjective:
    """L̃ with exact gradient and HVP (see the module docstring)."""

    def __init__(self, model: ExpNeuron, loss, data: Dataset, scale: float):
        self.model = model
        self.layout = model
        self.loss = loss
        self.data = data
        self.scale = scale

    def _pass(self, theta: np.ndarray):
        th, w, a, b = self.model.split(theta)
        X = self.data.X
        cache = self.model.model.forward(th, X)
        e = np.exp(w @ X + b)
        z = cache.output + a * e
        return cache, a, e, z

    def base_value(self, theta: np.ndarray) -> float:
        """L(θ): the model's loss without the neuron."""
        cache = self.model.model.forward(self.model.split(theta)[0], self.data.X)
        return self.scale * self.loss.output_value(cache.output, self.data.Y)

    def value(self, theta: np.ndarray) -> float:
        _, a, _, z = self._pass(theta)
        return self.scale * self.loss.output_value(z, self.data.Y) + self.model.lam * float(a[0, 0]) ** 2

    def value_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        cache, a, e, z = self._pass(theta)
        X, Y, lam = self.data.X, self.data.Y, self.model.lam
        delta = self.scale * self.loss.output_gradient(z, Y)
        g_theta = self.model.model.backward(cache, delta)
        de = delta * e
        g_a = np.sum(de) + 2 * lam * a[0, 0]
        g_b = a[0, 0] * np.sum(de)
        g_w = a[0, 0] * (de @ X.T)
        value = self.scale * self.loss.output_value(z, Y) + lam * float(a[0, 0]) ** 2
        return value, np.concatenate([g_theta, g_w.ravel(), [g_a, g_b]])

    def hvp(self, theta: np.ndarray, V: np.ndarray) -> np.ndarray:
        cache, a, e, z = self._pass(theta)
        X, Y, lam = self.data.X, self.data.Y, self.model.lam
        Vth, Vw, Va, Vb = self.model.split(V)
        delta = self.scale * self.loss.output_gradient(z, Y)
        u = Vw @ X + Vb                       # (..., 1, m)
        dz_neuron = e * (Va + a * u)          # (..., 1, m)
        store: dict[str, np.ndarray] = {}

        def R_delta(RZ: np.ndarray) -> np.ndarray:
            store["Rd"] = self.scale * self.loss.output_hess_action(z, Y, RZ + dz_neuron)
            return store["Rd"]

        h_theta = self.model.model.second_order(cache, Vth, delta, R_delta)
        Rd = store["Rd"]
        a0 = a[0, 0]
        h_a = np.sum(Rd * e, axis=(-1, -2)) + np.sum(delta * e * u, axis=(-1, -2)) + 2 * lam * Va[..., 0, 0]
        inner = Rd * a0 * e + delta * (Va * e + a0 * e * u)     # (..., 1, m)
        h_b = np.sum(inner, axis=(-1, -2))
        h_w = (inner @ X.T)[..., 0, :]
        return np.concatenate([h_theta, h_w, h_a[..., None], h_b[..., None]], axis=-1)

    def min_value(self):
        return None
