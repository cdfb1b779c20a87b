"""Two-layer ReLU networks in the population limit (Safran & Shamir, ICML 2018, §2 and App. A).

Student x ↦ Σᵢ relu(wᵢ·x) with n neurons wᵢ ∈ ℝᵈ (the rows of W, shape (n, d)), teacher
x ↦ Σⱼ relu(vⱼ·x) with k neurons (the rows of V, shape (k, d)), x ~ N(0, I_d). The loss

    F(W) = ½ E[(Σᵢ relu(wᵢ·x) − Σⱼ relu(vⱼ·x))²]
         = ½ Σᵢᵢ' K(wᵢ, wᵢ') − Σᵢⱼ K(wᵢ, vⱼ) + ½ Σⱼⱼ' K(vⱼ, vⱼ')

has a closed form through the arc-cosine kernel (Cho & Saul 2009; SS18 eq. (2)):

    K(u, v) = E[relu(u·x) relu(v·x)] = ‖u‖‖v‖ (sin θ + (π − θ) cos θ) / (2π),   θ = ∠(u, v).

Derivatives (derived here; checked against JAX autodiff, central differences and Monte Carlo in
the tests). With û = u/‖u‖, c = cos θ, s = sin θ:

    G(u, v) = ∂K/∂u = (‖v‖ s û + (π − θ) v) / (2π),                      G(u, u) = u/2,
    A(u, v) = ∂G/∂u = ‖v‖ s / (2π‖u‖) · (I − ûûᵀ) + ‖v‖/(2π‖u‖ s) · (v̂ − cû)(v̂ − cû)ᵀ,
    B(u, v) = ∂G/∂v = ((π − θ) I + s ûv̂ᵀ + (v̂ − cû)(û − cv̂)ᵀ / s) / (2π),

so ∇_{wᵢ}F = Σ_{i'} G(wᵢ, wᵢ') − Σⱼ G(wᵢ, vⱼ) and the Hessian has blocks
H_ii = ½I + Σ_{i'≠i} A(wᵢ, wᵢ') − Σⱼ A(wᵢ, vⱼ), H_ii' = B(wᵢ, wᵢ') (i ≠ i').

The non-differentiable set: F is not differentiable where a student neuron is zero (K is
positively homogeneous of degree 1 in u, a cone); there the gradient returned is the average of
G over directions û (û := 0, θ := π/2, the centre of the Clarke subdifferential) and the Hessian
does not exist (``hessian``/``hvp`` raise :class:`InputError`). Where two neurons are parallel or
antiparallel (s = 0) F is C² but not C³ (K − its smooth part behaves like |θ|³): the Hessian is
the continuous limit (the 1/s terms vanish), but no third-derivative bound holds near such a
point. :meth:`ReluPopulation.singularities` reports both.

Points may carry leading batch axes: W of shape (..., n, d) or flat (..., n·d).
"""

from __future__ import annotations

from dataclasses import dataclass

import flint
import numpy as np

from ..errors import InputError, as_float_array
from ..objective import MinValue
from .base import ParameterLayout

TWO_PI = 2.0 * np.pi
PARALLEL_SINE = 1e-12
"""|sin θ| below this counts as parallel (the 1/s terms of A and B, of size O(s), are dropped)."""
ZERO_NEURON = 1e-150
"""‖wᵢ‖ below this counts as a zero neuron (F is not differentiable there)."""


@dataclass(frozen=True)
class PairGeometry:
    """Norms, unit vectors and angles between the rows of U (..., n, d) and V (..., m, d)."""

    norm_u: np.ndarray      # (..., n)
    norm_v: np.ndarray      # (..., m)
    unit_u: np.ndarray      # (..., n, d); zero rows where ‖u‖ = 0
    unit_v: np.ndarray      # (..., m, d)
    cos: np.ndarray         # (..., n, m)
    sin: np.ndarray         # (..., n, m)
    theta: np.ndarray       # (..., n, m)


def _unit_rows(U: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    norms = np.linalg.norm(U, axis=-1)
    safe = np.where(norms > ZERO_NEURON, norms, 1.0)
    unit = np.where((norms > ZERO_NEURON)[..., None], U / safe[..., None], 0.0)
    return norms, unit


def pair_geometry(U: np.ndarray, V: np.ndarray, accurate: bool = True) -> PairGeometry:
    """Angles θ_ij = ∠(uᵢ, vⱼ) (θ := π/2 when either vector is zero).

    ``accurate``: θ = 2 atan2(‖û − v̂‖, ‖û + v̂‖) (Kahan), accurate to rounding also near θ = 0
    and π, at the cost of (…, n, m, d) temporaries; otherwise θ = arccos(û·v̂), which loses half
    the digits of θ there (the gradient keeps full accuracy to first order: ∂G/∂θ = 0 at θ = 0).
    """
    nu, uu = _unit_rows(U)
    nv, uv = _unit_rows(V)
    cos = np.clip(uu @ np.swapaxes(uv, -1, -2), -1.0, 1.0)
    if accurate:
        a = np.linalg.norm(uu[..., :, None, :] - uv[..., None, :, :], axis=-1)
        b = np.linalg.norm(uu[..., :, None, :] + uv[..., None, :, :], axis=-1)
        theta = 2.0 * np.arctan2(a, b)
    else:
        theta = np.arccos(cos)
    zero = (nu <= ZERO_NEURON)[..., :, None] | (nv <= ZERO_NEURON)[..., None, :]
    theta = np.where(zero, 0.5 * np.pi, theta)
    return PairGeometry(nu, nv, uu, uv, cos, np.sin(theta), theta)


def arccos_kernel(U: np.ndarray, V: np.ndarray, accurate: bool = True) -> np.ndarray:
    """K(uᵢ, vⱼ) = ‖uᵢ‖‖vⱼ‖(sin θ + (π − θ) cos θ)/(2π) for all pairs: (..., n, m)."""
    g = pair_geometry(U, V, accurate)
    return g.norm_u[..., :, None] * g.norm_v[..., None, :] * (g.sin + (np.pi - g.theta) * g.cos) / TWO_PI


def kernel_gradient_sum(U: np.ndarray, V: np.ndarray, g: PairGeometry | None = None) -> np.ndarray:
    """Σⱼ G(uᵢ, vⱼ) = (Σⱼ ‖vⱼ‖ sin θᵢⱼ ûᵢ + Σⱼ (π − θᵢⱼ) vⱼ)/(2π): (..., n, d)."""
    g = pair_geometry(U, V) if g is None else g
    radial = np.sum(g.norm_v[..., None, :] * g.sin, axis=-1)[..., None] * g.unit_u
    return (radial + (np.pi - g.theta) @ V) / TWO_PI


def _inv_sin(sin: np.ndarray) -> np.ndarray:
    return np.where(sin > PARALLEL_SINE, 1.0 / np.where(sin > PARALLEL_SINE, sin, 1.0), 0.0)


def _a_blocks(U: np.ndarray, V: np.ndarray, g: PairGeometry) -> np.ndarray:
    """Σⱼ A(uᵢ, vⱼ) (..., n, d, d); see the module docstring."""
    d = U.shape[-1]
    scale = g.norm_v[..., None, :] / (TWO_PI * np.where(g.norm_u > 0, g.norm_u, 1.0)[..., :, None])  # (..., n, m)
    eye = np.eye(d)
    proj = eye - g.unit_u[..., :, None] * g.unit_u[..., None, :]                       # (..., n, d, d)
    perp = g.unit_v[..., None, :, :] - g.cos[..., None] * g.unit_u[..., :, None, :]      # (..., n, m, d)
    tangential = np.sum(scale * g.sin, axis=-1)[..., None, None] * proj
    normal = np.einsum("...ij,...ija,...ijb->...iab", scale * _inv_sin(g.sin), perp, perp)
    return tangential + normal


def _b_blocks(g: PairGeometry) -> np.ndarray:
    """B(uᵢ, vⱼ) (..., n, m, d, d); see the module docstring."""
    d = g.unit_u.shape[-1]
    uu = g.unit_u[..., :, None, :]
    vv = g.unit_v[..., None, :, :]
    c = g.cos[..., None]
    perp_v = vv - c * uu
    perp_u = uu - c * vv
    out = (np.pi - g.theta)[..., None, None] * np.eye(d)
    out = out + g.sin[..., None, None] * uu[..., :, None] * vv[..., None, :]
    out = out + _inv_sin(g.sin)[..., None, None] * perp_v[..., :, None] * perp_u[..., None, :]
    return out / TWO_PI


class ReluPopulation(ParameterLayout):
    """``ReluPopulation(k, n, d, teacher=V)``: n student ReLU neurons fitting k teacher neurons in ℝᵈ.

    Parameters: W ∈ ℝ^{n×d} (one neuron per row), flattened row-major. The teacher V ∈ ℝ^{k×d}
    defaults to the first k rows of I_d (orthonormal, d = k as in SS18 §4). Loss, gradient,
    Hessian and HVP in closed form (module docstring), batched over leading axes.
    """

    kind = "relu-population"

    def __init__(self, k: int, n: int | None = None, d: int | None = None, teacher: object = None):
        self.k = _positive_int(k, "k")
        self.n = self.k if n is None else _positive_int(n, "n")
        self.d = self.k if d is None else _positive_int(d, "d")
        if teacher is None:
            if self.d < self.k:
                raise InputError("d", f"the default orthonormal teacher needs d ≥ k = {self.k}, got {self.d}")
            V = np.eye(self.d)[: self.k]
        else:
            V = as_float_array(teacher, "teacher", ndim=2)
            if V.shape != (self.k, self.d):
                raise InputError("teacher", f"expected shape (k, d) = {(self.k, self.d)}, got {V.shape}")
        self.teacher = V
        super().__init__([(self.n, self.d)])
        self._teacher_energy = 0.5 * float(np.sum(arccos_kernel(V, V)))
        self._teacher_norms = np.linalg.norm(V, axis=1)

    def __repr__(self) -> str:
        return f"ReluPopulation(k={self.k}, n={self.n}, d={self.d})"

    # ------------------------------------------------------------------ points
    def weights(self, theta: object, argument: str = "point") -> np.ndarray:
        """W (..., n, d) from a flat point (..., n·d) or an array (..., n, d)."""
        arr = np.asarray(theta, dtype=np.float64)
        if arr.shape[-2:] == (self.n, self.d):
            W = arr
        elif arr.shape[-1:] == (self.n_params,):
            W = arr.reshape(*arr.shape[:-1], self.n, self.d)
        else:
            raise InputError(argument, f"expected shape (..., {self.n_params}) or (..., {self.n}, {self.d}), "
                             f"got {arr.shape}")
        if not np.all(np.isfinite(W)):
            raise InputError(argument, "contains NaN/Inf; expected finite weights")
        return W

    def initial_points(self, count: int, seed: int = 0) -> np.ndarray:
        """SS18 §4 initialisation: every entry N(0, 1/d) (W = randn/√d); shape (count, n, d)."""
        rng = np.random.default_rng(seed)
        return rng.standard_normal((int(count), self.n, self.d)) / np.sqrt(self.d)

    def random_point(self, seed: int = 0, scale: float | None = None) -> np.ndarray:
        """A flat start: entries N(0, scale²), scale = 1/√d by default (SS18 §4)."""
        std = 1.0 / np.sqrt(self.d) if scale is None else float(scale)
        return np.random.default_rng(seed).standard_normal(self.n_params) * std

    def global_minimum(self) -> np.ndarray:
        """A global minimiser (F = 0) when n ≥ k: the teacher's rows, the last one split into
        n − k + 1 equal positive parts (relu is positively homogeneous; no neuron is zero)."""
        if self.n < self.k:
            raise InputError("n", f"F = 0 needs n ≥ k = {self.k}, got n = {self.n}")
        W = np.zeros((self.n, self.d))
        W[: self.k] = self.teacher
        extra = self.n - self.k
        if extra:
            W[self.k - 1 :] = self.teacher[-1] / (extra + 1)
        return W

    # ------------------------------------------------------------------ closed forms
    def value(self, theta: object, accurate: bool = True) -> np.ndarray | float:
        """F(W) (batched: shape (...)); ``accurate=False``: arccos angles (see :func:`pair_geometry`)."""
        W = self.weights(theta)
        student = 0.5 * np.sum(arccos_kernel(W, W, accurate), axis=(-1, -2))
        cross = np.sum(arccos_kernel(W, self.teacher, accurate), axis=(-1, -2))
        out = student - cross + self._teacher_energy
        return float(out) if np.ndim(out) == 0 else out

    def gradient(self, theta: object, accurate: bool = True) -> np.ndarray:
        """∇F as (..., n, d): Σ_{i'} G(wᵢ, wᵢ') − Σⱼ G(wᵢ, vⱼ); ``accurate`` as in :meth:`value`."""
        W = self.weights(theta)
        own = kernel_gradient_sum(W, W, pair_geometry(W, W, accurate))
        return own - kernel_gradient_sum(W, self.teacher, pair_geometry(W, self.teacher, accurate))

    def fast_gradient(self, W: np.ndarray) -> np.ndarray:
        """∇F for a batch W (B, n, d) of nonzero neurons, fused for gradient descent.

        With Z = [W; V] and signs ε = (+1,…, −1,…): ∇_{wᵢ}F = (Σ_q ε_q‖z_q‖ sin θ_iq ŵᵢ +
        Σ_q ε_q(π − θ_iq) z_q)/(2π), angles by arccos (θ_ii := 0 exactly). No validation.
        """
        norms = np.sqrt(np.einsum("...nd,...nd->...n", W, W))
        unit = W / norms[..., None]
        n, k = self.n, self.k
        Z = np.concatenate([W, np.broadcast_to(self.teacher, (*W.shape[:-2], k, self.d))], axis=-2)
        zn = np.concatenate([norms, np.broadcast_to(self._teacher_norms, (*W.shape[:-2], k))], axis=-1)
        cos = unit @ np.swapaxes(Z, -1, -2) / zn[..., None, :]
        np.clip(cos, -1.0, 1.0, out=cos)
        diag = np.arange(n)
        cos[..., diag, diag] = 1.0
        theta = np.arccos(cos)
        sin = np.sqrt(1.0 - cos * cos)
        sign = np.concatenate([np.ones(n), -np.ones(k)])
        radial = sin @ (zn * sign)[..., None]
        return (radial * unit + (np.pi - theta) @ (Z * sign[:, None])) / TWO_PI

    def value_and_gradient(self, theta: object) -> tuple[np.ndarray | float, np.ndarray]:
        return self.value(theta), self.gradient(theta)

    def hessian_blocks(self, theta: object) -> np.ndarray:
        """∇²F as blocks (..., n, n, d, d) (block (i, i') = ∂²F/∂wᵢ∂wᵢ')."""
        W = self._differentiable_weights(theta)
        gw = pair_geometry(W, W)
        H = _b_blocks(gw)
        n = self.n
        diag = 0.5 * np.eye(self.d) + _a_blocks(W, W, gw) - _a_blocks(W, self.teacher, pair_geometry(W, self.teacher))
        # the i' = i term of Σ A(wᵢ, wᵢ') is zero (s = 0 and v̂ − cû = 0), so the full sum is right
        H[..., np.arange(n), np.arange(n), :, :] = diag
        return H

    def hessian(self, theta: object) -> np.ndarray:
        """Dense ∇²F (..., n·d, n·d)."""
        H = self.hessian_blocks(theta)
        lead = H.shape[:-4]
        P = self.n_params
        return np.swapaxes(H, -3, -2).reshape(*lead, P, P)

    def hvp(self, theta: object, direction: object) -> np.ndarray:
        """∇²F[Δ] without forming ∇²F; Δ of shape (..., n·d) or (..., n, d) (broadcast against W).

        (HΔ)ᵢ = ½Δᵢ + Σ_{i'} A(wᵢ, wᵢ')Δᵢ − Σⱼ A(wᵢ, vⱼ)Δᵢ + Σ_{i'≠i} B(wᵢ, wᵢ')Δᵢ'.
        Returns the shape of ``direction``.
        """
        W = self._differentiable_weights(theta)
        D_in = np.asarray(direction, dtype=np.float64)
        flat = D_in.shape[-1:] == (self.n_params,) and D_in.shape[-2:] != (self.n, self.d)
        D = D_in.reshape(*D_in.shape[:-1], self.n, self.d) if flat else D_in
        out = 0.5 * D + self._a_action(W, W, D) - self._a_action(W, self.teacher, D) + self._b_action(W, D)
        return out.reshape(D_in.shape)

    @staticmethod
    def _a_action(W: np.ndarray, V: np.ndarray, D: np.ndarray) -> np.ndarray:
        """Σⱼ A(wᵢ, vⱼ) Δᵢ for all i: (..., n, d)."""
        g = pair_geometry(W, V)
        scale = g.norm_v[..., None, :] / (TWO_PI * g.norm_u[..., :, None])          # (..., n, m)
        u_dot = np.sum(g.unit_u * D, axis=-1)                                          # (..., n)
        tangential = np.sum(scale * g.sin, axis=-1)[..., None] * (D - g.unit_u * u_dot[..., None])
        v_dot = np.einsum("...md,...nd->...nm", g.unit_v, D)                           # v̂ⱼ·Δᵢ
        q = scale * _inv_sin(g.sin) * (v_dot - g.cos * u_dot[..., None])              # (..., n, m)
        normal = q @ g.unit_v - np.sum(q * g.cos, axis=-1)[..., None] * g.unit_u
        return tangential + normal

    @staticmethod
    def _b_action(W: np.ndarray, D: np.ndarray) -> np.ndarray:
        """Σ_{i'≠i} B(wᵢ, wᵢ') Δᵢ': (..., n, d)."""
        g = pair_geometry(W, W)
        n = W.shape[-2]
        off = 1.0 - np.eye(n)
        angle = (np.pi - g.theta) * off
        sin = g.sin * off
        inv = _inv_sin(g.sin) * off
        own = np.sum(g.unit_v * D, axis=-1)                                            # v̂ⱼ·Δⱼ (..., n)
        cross = np.einsum("...id,...jd->...ij", g.unit_u, D)                           # ŵᵢ·Δⱼ
        r = inv * (cross - g.cos * own[..., None, :])                                  # (..., n, n)
        out = angle @ D + np.sum(sin * own[..., None, :], axis=-1)[..., None] * g.unit_u
        out = out + r @ g.unit_v - np.sum(r * g.cos, axis=-1)[..., None] * g.unit_u
        return out / TWO_PI

    # ------------------------------------------------------------------ the non-differentiable set
    def singularities(self, theta: object, tol: float = 1e-10) -> list[str]:
        """Where W is (near) the non-differentiable set, in words ([] when F is smooth near W).

        ``tol``: relative size below which a neuron counts as zero (‖wᵢ‖ ≤ tol·max‖w‖) and
        sin θ below which two neurons (student–student or student–teacher) count as parallel.
        """
        W = self.weights(theta)
        if W.ndim != 2:
            raise InputError("point", "singularities takes one point, not a batch")
        norms = np.linalg.norm(W, axis=1)
        big = max(float(norms.max()), 1e-300)
        out = [f"neuron {i} is zero: F is not differentiable there" for i in np.flatnonzero(norms <= tol * big)]
        live = norms > tol * big
        gw = pair_geometry(W, W)
        for i, j in zip(*np.nonzero(np.triu(gw.sin <= tol, 1)), strict=True):
            if live[i] and live[j]:
                out.append(f"neurons {i} and {j} are parallel: F is C² but not C³ there")
        gt = pair_geometry(W, self.teacher)
        for i, j in zip(*np.nonzero(gt.sin <= tol), strict=True):
            if live[i]:
                out.append(f"neuron {i} is parallel to teacher neuron {j}: F is C² but not C³ there")
        return out

    def _differentiable_weights(self, theta: object) -> np.ndarray:
        W = self.weights(theta)
        zero = np.linalg.norm(W, axis=-1) <= ZERO_NEURON
        if np.any(zero):
            idx = np.argwhere(zero)[0]
            raise InputError("point", f"neuron {int(idx[-1])} is zero: the Hessian of F does not exist there "
                             "(F is a cone in that neuron)")
        return W

    # ------------------------------------------------------------------ landscape interface
    def bind(self, loss=None, data=None) -> ReluPopulationObjective:
        """The objective (the squared loss and the Gaussian population are built in; ``loss`` and
        ``data`` are ignored). A landscape: ``Landscape.from_objective(model.bind(), repr(model))``."""
        return ReluPopulationObjective(self)


class ReluPopulationObjective:
    """Flat-vector adapter of :class:`ReluPopulation` for :class:`~spurious.landscape.Landscape`."""

    def __init__(self, model: ReluPopulation):
        self.model = model
        self.layout = model

    def value(self, theta: np.ndarray) -> float:
        return float(self.model.value(theta))

    def value_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        return float(self.model.value(theta)), self.model.gradient(theta).reshape(-1)

    def hvp(self, theta: np.ndarray, V: np.ndarray) -> np.ndarray:
        W = self.model.weights(theta)
        return self.model.hvp(W, V)

    def on_kink(self, theta: np.ndarray) -> bool:
        """θ has a zero neuron (F is not differentiable there)."""
        return bool(np.any(np.linalg.norm(self.model.weights(theta), axis=-1) <= ZERO_NEURON))

    def interval_enclosure(self, theta: np.ndarray, radius: float) -> tuple:
        """arb enclosures of (F, ∇F, ∇²F) over ∏[θᵢ ± radius] (see :func:`interval_enclosure`)."""
        return interval_enclosure(self.model, np.asarray(theta, dtype=np.float64).ravel(), float(radius))

    def min_value(self) -> MinValue | None:
        if self.model.n >= self.model.k:
            return MinValue(0.0, "closed form (n ≥ k: the student can copy the teacher)")
        return None


def interval_enclosure(model: ReluPopulation, x0: np.ndarray, radius: float) -> tuple:
    """Enclosures (arb, [arb], arb_mat) of F, ∇F, ∇²F over the box ∏[x0ᵢ ± radius] (python-flint).

    The formulas K, G, A, B of the module docstring, evaluated in ball arithmetic with the
    teacher exact; at a zero or parallel neuron in the box the enclosures are not finite (no
    bound exists there), which :func:`spurious.critical.rigorous.certify_minimum` reports.
    """
    arb, arb_mat = flint.arb, flint.arb_mat
    n, d = model.n, model.d
    V = model.teacher
    pi = arb.pi()

    def vec(values) -> object:
        return arb_mat([[v] for v in values])

    W = [[arb(float(x0[i * d + a]), radius) for a in range(d)] for i in range(n)]
    T = [[arb(float(V[j, a])) for a in range(d)] for j in range(V.shape[0])]
    rows = W + T
    norms = [sum((x * x for x in row), arb(0)).sqrt() for row in rows]
    units = [[x / nr for x in row] for row, nr in zip(rows, norms, strict=True)]
    N = len(rows)
    geo: dict[tuple[int, int], tuple] = {}

    def pair(p: int, q: int):
        if (p, q) not in geo:
            c = sum((a * b for a, b in zip(units[p], units[q], strict=True)), arb(0))
            s = (1 - c * c).sqrt()
            geo[(p, q)] = (c, s, c.acos())
        return geo[(p, q)]

    def kernel(p: int, q: int):
        if p == q:
            return norms[p] * norms[p] / 2
        c, s, t = pair(p, q)
        return norms[p] * norms[q] * (s + (pi - t) * c) / (2 * pi)

    F = sum((kernel(i, ip) for i in range(n) for ip in range(n)), arb(0)) / 2
    F -= sum((kernel(i, n + j) for i in range(n) for j in range(N - n)), arb(0))
    F += sum((kernel(n + j, n + jp) for j in range(N - n) for jp in range(N - n)), arb(0)) / 2

    grad = []
    for i in range(n):
        gi = [w / 2 for w in W[i]]
        for q in range(N):
            if q == i:
                continue
            sign = 1 if q < n else -1
            c, s, t = pair(i, q)
            coef_u = norms[q] * s / (2 * pi)
            coef_v = (pi - t) / (2 * pi)
            gi = [g + sign * (coef_u * u + coef_v * v) for g, u, v in zip(gi, units[i], rows[q], strict=True)]
        grad.extend(gi)

    P = n * d
    H = arb_mat(P, P)
    eye = arb_mat([[1 if a == b else 0 for b in range(d)] for a in range(d)])
    for i in range(n):
        ui = vec(units[i])
        proj = eye - ui * ui.transpose()
        block = eye * arb(0.5)
        for q in range(N):
            if q == i:
                continue
            sign = 1 if q < n else -1
            c, s, _ = pair(i, q)
            perp = vec([b - c * a for a, b in zip(units[i], units[q], strict=True)])
            scale = norms[q] / (2 * pi * norms[i])
            block += (proj * (scale * s) + perp * perp.transpose() * (scale / s)) * sign
        _put(H, block, i, i, d)
        for ip in range(n):
            if ip == i:
                continue
            c, s, t = pair(i, ip)
            uj = vec(units[ip])
            perp_v = vec([b - c * a for a, b in zip(units[i], units[ip], strict=True)])
            perp_u = vec([a - c * b for a, b in zip(units[i], units[ip], strict=True)])
            B = (eye * (pi - t) + ui * uj.transpose() * s + perp_v * perp_u.transpose() / s) / (2 * pi)
            _put(H, B, i, ip, d)
    return F, grad, H


def _put(H, block, i: int, j: int, d: int) -> None:
    for a in range(d):
        for b in range(d):
            H[i * d + a, j * d + b] = block[a, b]


def _positive_int(value: object, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) < 1:
        raise InputError(argument, f"expected a positive integer, got {value!r}")
    return int(value)
