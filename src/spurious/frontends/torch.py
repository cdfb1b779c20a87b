"""A PyTorch network as a landscape: ``from_torch(module, loss_fn, data)``.

The landscape is Φ(θ) = full-batch loss of ``module`` with its selected parameters set to θ
(float64, ``eval()`` semantics), on data given as tensors ``(X, Y)`` or a ``DataLoader``:

    Φ(θ) = Σ_b w_b · loss_fn(module_θ(X_b), Y_b),

with w_b = 1 for a loss that sums over its batch (``reduction="sum"``) and w_b the batch's
share of the samples (``"mean"``) or of the output entries (``"mean-all"``, as ``MSELoss``
does) for a loss that averages: Φ is then the user's own ``loss_fn`` on the whole data set
in one batch, whatever the batch sizes.

Derivatives (PyTorch autograd; ``torch.func``):

- value and gradient by reverse mode (one backward pass per batch);
- Hessian–vector products H v = ∇(∇Φᵀv): by default double backward through the graph of
  ∇Φ, built once per point and reused by every product there (Lanczos, dense Hessians and
  block products at one θ pay one backward pass per vector); or forward-over-reverse
  (``torch.func.jvp`` of ``torch.func.grad``) batched over k directions with
  ``torch.func.vmap`` (``hvp_mode="forward"``);
- the dense Hessian (small P) and the ``LinearOperator`` come from
  :class:`~spurious.landscape.Landscape` over those products.

Semantics: the user's module is deep-copied, cast with ``.double()`` and put in ``eval()``
mode (dropout off, batch-norm running statistics frozen and used); the original is never
mutated. Parameters not selected by ``params`` and all buffers stay fixed at their values.
A ``DataLoader`` is read once, in order, when the landscape is built (shuffling raises
:class:`~spurious.errors.InputError`): the landscape is that fixed data set.

PyTorch is an optional extra: ``pip install 'spurious[torch]'`` (``torch==2.13.0``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..errors import InputError, MissingDependencyError
from ..landscape import Landscape
from ..models.base import ParameterLayout

__all__ = ["from_torch", "TorchLandscape", "TorchObjective", "Reduction", "import_torch"]

Reduction = Literal["sum", "mean", "mean-all"]
REDUCTIONS: tuple[str, ...] = ("sum", "mean", "mean-all")
HVP_MODES: tuple[str, ...] = ("reverse", "forward")


def import_torch() -> Any:
    """Import torch, or raise a one-line :class:`MissingDependencyError` saying how to install it."""
    try:
        import torch
        import torch.func  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(
            "PyTorch models need torch, an optional extra: pip install 'spurious[torch]'") from exc
    return torch


def block_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    """A parameter tensor as a matrix: (first axis, product of the rest); filters are its rows."""
    if len(shape) == 0:
        return (1, 1)
    if len(shape) == 1:
        return (int(shape[0]), 1)
    return (int(shape[0]), int(np.prod(shape[1:])))


@dataclass(frozen=True)
class Batch:
    """One batch of the data set and its weight w_b in Φ."""

    X: Any
    Y: Any
    weight: float


def _as_tensor(torch: Any, value: object, argument: str) -> Any:
    if isinstance(value, torch.Tensor):
        t = value.detach()
    else:
        try:
            t = torch.as_tensor(np.asarray(value))
        except (TypeError, ValueError, RuntimeError) as exc:
            raise InputError(argument, f"expected a tensor or array, got {type(value).__name__}") from exc
    if t.is_floating_point():
        t = t.to(torch.float64)
        if not bool(torch.isfinite(t).all()):
            raise InputError(argument, "contains NaN/Inf; expected finite numbers")
    return t


def _raw_batches(torch: Any, data: object) -> list[tuple[Any, Any]]:
    """The data as a list of (X_b, Y_b): one batch for tensors, the loader's batches in order."""
    from torch.utils.data import DataLoader, SequentialSampler

    if isinstance(data, DataLoader):
        if not isinstance(data.sampler, SequentialSampler):
            raise InputError("data", f"the DataLoader draws with {type(data.sampler).__name__} (shuffle=True?); "
                             "the full-batch loss needs a deterministic order: use shuffle=False")
        out = []
        for i, batch in enumerate(data):
            if not isinstance(batch, list | tuple) or len(batch) != 2:
                raise InputError("data", f"batch {i} of the DataLoader is not a pair (X, Y)")
            out.append((_as_tensor(torch, batch[0], "data X"), _as_tensor(torch, batch[1], "data Y")))
        if not out:
            raise InputError("data", "the DataLoader yields no batches")
        return out
    if not isinstance(data, list | tuple) or len(data) != 2:
        raise InputError("data", f"expected a pair (X, Y) of tensors or a DataLoader, got {type(data).__name__}")
    X, Y = _as_tensor(torch, data[0], "data X"), _as_tensor(torch, data[1], "data Y")
    if X.ndim == 0 or Y.ndim == 0 or X.shape[0] != Y.shape[0]:
        raise InputError("data", f"X and Y need the same number of samples (first axis); got shapes "
                         f"{tuple(X.shape)} and {tuple(Y.shape)}")
    return [(X, Y)]


def _infer_reduction(loss_fn: object, reduction: str | None, n_batches: int) -> str:
    if reduction is not None:
        if reduction not in REDUCTIONS:
            raise InputError("reduction", f"expected one of {list(REDUCTIONS)}, got {reduction!r}")
        return reduction
    own = getattr(loss_fn, "reduction", None)
    if own == "sum":
        return "sum"
    if own == "mean":
        return "mean-all"
    if n_batches == 1:
        return "mean"  # one batch: the weight is 1 whatever the reduction
    raise InputError("reduction", "cannot tell how loss_fn reduces a batch; pass reduction='sum', 'mean' "
                     "(over samples) or 'mean-all' (over all output entries)")


def _weights(batches: list[tuple[Any, Any]], outputs: list[Any], reduction: str) -> list[float]:
    if reduction == "sum":
        return [1.0] * len(batches)
    sizes = [float(X.shape[0]) if reduction == "mean" else float(out.numel())
             for (X, _), out in zip(batches, outputs, strict=True)]
    total = sum(sizes)
    return [s / total for s in sizes]


def _select(module: Any, params: object) -> list[str]:
    """Names of the parameters Φ depends on (all trainable ones by default), in module order."""
    named = dict(module.named_parameters())
    if params is None:
        names = [n for n, p in named.items() if p.requires_grad]
        if not names:
            raise InputError("module", "has no parameter with requires_grad=True")
        return names
    if isinstance(params, str) or not isinstance(params, Iterable):
        raise InputError("params", "expected an iterable of parameter names or Parameters of the module")
    by_id = {id(p): n for n, p in named.items()}
    names = []
    for item in params:
        name = item if isinstance(item, str) else by_id.get(id(item))
        if name is None or name not in named:
            raise InputError("params", f"{item if isinstance(item, str) else type(item).__name__} is not a "
                             f"parameter of the module; known: {list(named)[:8]}")
        if not named[name].requires_grad:
            raise InputError("params", f"parameter {name!r} has requires_grad=False: it is not differentiable")
        names.append(name)
    if not names:
        raise InputError("params", "expected at least one parameter")
    order = list(named)
    return sorted(dict.fromkeys(names), key=order.index)


def _float64_copy(module: Any, names: list[str]) -> Any:
    """A float64, eval-mode deep copy of ``module`` (the user's module is left as it is).

    Every parameter must be real floating point (float16/32/64, bfloat16): an integer or
    complex one would not survive the cast to float64 unchanged."""
    torch = import_torch()
    for name, p in module.named_parameters():
        if not p.is_floating_point():
            raise InputError("module", f"parameter {name!r} has dtype {p.dtype}; expected a real floating-point "
                             "model (float16/32/64)")
    model = copy.deepcopy(module).to(torch.float64)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


class TorchObjective:
    """Φ(θ) for a torch module (the :class:`~spurious.landscape.Objective` protocol).

    Attributes: ``layout`` (one block per selected parameter, ``block_shape``), ``names``,
    ``theta0`` (the module's own weights, (P,)), ``model`` (the float64 eval-mode copy).
    """

    kind = "torch"

    def __init__(self, module: Any, loss_fn: Callable[..., Any], data: object, *, params: object = None,
                 reduction: str | None = None, hvp_mode: str = "reverse"):
        torch = import_torch()
        if not isinstance(module, torch.nn.Module):
            raise InputError("module", f"expected a torch.nn.Module, got {type(module).__name__}")
        if not callable(loss_fn):
            raise InputError("loss_fn", f"expected a callable loss_fn(output, target), got {type(loss_fn).__name__}")
        self.torch = torch
        self.names = _select(module, params)
        self.model = _float64_copy(module, self.names)
        own = dict(self.model.named_parameters())
        self.shapes = [tuple(own[n].shape) for n in self.names]
        self.sizes = [int(np.prod(s)) for s in self.shapes]
        self.fixed = {n: t for n, t in own.items() if n not in self.names}
        self.fixed.update(dict(self.model.named_buffers()))
        self.layout = ParameterLayout([block_shape(s) for s in self.shapes])
        self.theta0 = torch.cat([own[n].detach().reshape(-1) for n in self.names]).numpy().copy()
        self.loss_fn = loss_fn
        raw = _raw_batches(torch, data)
        outputs = [self._forward(self._tensor(self.theta0), X) for X, _ in raw]
        self.reduction = _infer_reduction(loss_fn, reduction, len(raw))
        self.batches = [Batch(X, Y, w) for (X, Y), w in zip(raw, _weights(raw, outputs, self.reduction), strict=True)]
        self._check_loss(outputs[0], raw[0][1])
        self.m = sum(int(b.X.shape[0]) for b in self.batches)
        if hvp_mode not in HVP_MODES:
            raise InputError("hvp_mode", f"expected one of {list(HVP_MODES)}, got {hvp_mode!r}")
        self.hvp_mode = hvp_mode
        self.hvp_count = 0
        self._graph: tuple[np.ndarray, Any, list[Any]] | None = None
        self._samples: tuple[Any, Any] | None = None

    # --- torch plumbing -------------------------------------------------------------------
    def _tensor(self, theta: np.ndarray) -> Any:
        return self.torch.from_numpy(np.ascontiguousarray(theta, dtype=np.float64))

    def params_of(self, flat: Any) -> dict[str, Any]:
        """The selected parameters as named tensors (views of ``flat``), plus the fixed ones."""
        pieces = self.torch.split(flat, self.sizes)
        out = {n: p.reshape(s) for n, p, s in zip(self.names, pieces, self.shapes, strict=True)}
        return {**self.fixed, **out}

    def _forward(self, flat: Any, X: Any) -> Any:
        try:
            return self.torch.func.functional_call(self.model, self.params_of(flat), (X,))
        except (RuntimeError, TypeError, ValueError) as exc:
            raise InputError("data", f"the module cannot take X of shape {tuple(X.shape)}: {exc}") from exc

    def _check_loss(self, output: Any, Y: Any) -> None:
        try:
            value = self.loss_fn(output, Y)
        except (RuntimeError, TypeError, ValueError, IndexError) as exc:
            raise InputError("data", f"loss_fn cannot compare the output {tuple(output.shape)} with Y "
                             f"{tuple(Y.shape)}: {exc}") from exc
        if not isinstance(value, self.torch.Tensor) or value.numel() != 1 or value.ndim != 0:
            shape = tuple(value.shape) if isinstance(value, self.torch.Tensor) else type(value).__name__
            raise InputError("loss_fn", f"expected a scalar tensor (a reduced loss), got {shape}")
        if not value.is_floating_point():
            raise InputError("loss_fn", f"expected a floating-point loss, got dtype {value.dtype}")

    def batch_loss(self, flat: Any, batch: Batch) -> Any:
        """w_b · loss_fn(module_θ(X_b), Y_b) as a 0-d tensor (differentiable in ``flat``)."""
        return batch.weight * self.loss_fn(self.torch.func.functional_call(
            self.model, self.params_of(flat), (batch.X,)), batch.Y)

    # --- the Objective protocol -----------------------------------------------------------
    def value(self, theta: np.ndarray) -> float:
        with self.torch.no_grad():
            flat = self._tensor(theta)
            return float(sum(float(self.batch_loss(flat, b)) for b in self.batches))

    def value_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        torch = self.torch
        flat = self._tensor(theta).clone().requires_grad_(True)
        total, grad = 0.0, torch.zeros_like(flat)
        for b in self.batches:
            loss = self.batch_loss(flat, b)
            (g,) = torch.autograd.grad(loss, flat, allow_unused=True)
            total += float(loss.detach())
            if g is not None:
                grad += g
        return total, grad.numpy().copy()

    def _gradient_graphs(self, theta: np.ndarray) -> tuple[Any, list[Any]]:
        """(θ as a leaf tensor, ∇(w_b·loss_b) with its autograd graph kept) at θ, cached for the last θ.

        Every HVP at the same θ reuses these graphs: one backward pass through ∇Φ per product.
        """
        if self._graph is not None and np.array_equal(self._graph[0], theta):
            return self._graph[1], self._graph[2]
        torch = self.torch
        self._graph = None
        flat = self._tensor(theta).clone().requires_grad_(True)
        grads = []
        for b in self.batches:
            (g,) = torch.autograd.grad(self.batch_loss(flat, b), flat, create_graph=True, allow_unused=True)
            if g is not None and g.requires_grad:
                grads.append(g)
        self._graph = (np.array(theta, dtype=np.float64), flat, grads)
        return flat, grads

    def _hvp_reverse(self, theta: np.ndarray, V: Any) -> Any:
        """Double backward: H v = ∇(∇Φᵀ v), reusing the cached gradient graphs; rows of V in turn."""
        flat, grads = self._gradient_graphs(theta)
        out = self.torch.zeros_like(V)
        rows = V if V.ndim == 2 else V[None, :]
        res = out if V.ndim == 2 else out[None, :]
        for g in grads:
            for i, v in enumerate(rows):
                (hv,) = self.torch.autograd.grad(g, flat, grad_outputs=v, retain_graph=True, allow_unused=True)
                if hv is not None:
                    res[i] += hv
        return out

    def _hvp_forward(self, theta: np.ndarray, V: Any) -> Any:
        """Forward over reverse: H v = d/dε ∇Φ(θ + εv) (``torch.func.jvp`` of ``grad``; ``vmap`` over rows)."""
        func = self.torch.func
        flat = self._tensor(theta)
        out = self.torch.zeros_like(V)
        for b in self.batches:
            grad = func.grad(lambda x, b=b: self.batch_loss(x, b))

            def hvp1(v: Any, grad: Any = grad) -> Any:
                return func.jvp(grad, (flat,), (v,))[1]

            out += hvp1(V) if V.ndim == 1 else func.vmap(hvp1)(V)
        return out

    def hvp(self, theta: np.ndarray, V: np.ndarray) -> np.ndarray:
        """∇²Φ(θ) v for v (P,), or for every row of V (k, P) in one call."""
        V = np.asarray(V, dtype=np.float64)
        vt = self._tensor(V)
        try:
            out = self._hvp_reverse(theta, vt) if self.hvp_mode == "reverse" else self._hvp_forward(theta, vt)
        except RuntimeError as exc:
            raise InputError("loss_fn", f"PyTorch could not differentiate the loss twice ({self.hvp_mode} "
                             f"mode): {exc}") from exc
        self.hvp_count += 1 if V.ndim == 1 else V.shape[0]
        return out.detach().numpy().copy()

    def min_value(self) -> None:
        return None

    # --- samples, for SGD ----------------------------------------------------------------------
    def n_samples(self) -> int:
        """m, the number of samples over all batches."""
        return self.m

    def minibatch_gradient(self, theta: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Mean over the samples ``idx`` (indices into the concatenated batches) of the per-sample
        gradients: ∇ loss_fn on those samples, divided by |idx| when loss_fn sums (as
        the minibatch gradient of :func:`spurious.optim.sgd` does for the built-in losses)."""
        torch = self.torch
        if self._samples is None:
            self._samples = (torch.cat([b.X for b in self.batches]), torch.cat([b.Y for b in self.batches]))
        index = torch.as_tensor(np.asarray(idx, dtype=np.int64))
        X, Y = self._samples[0][index], self._samples[1][index]
        flat = self._tensor(theta).clone().requires_grad_(True)
        loss = self.loss_fn(torch.func.functional_call(self.model, self.params_of(flat), (X,)), Y)
        (g,) = torch.autograd.grad(loss, flat, allow_unused=True)
        g = torch.zeros_like(flat) if g is None else g
        return (g / len(index) if self.reduction == "sum" else g).numpy().copy()

    # --- conversions ----------------------------------------------------------------------
    def state_dict(self, theta: np.ndarray) -> dict[str, Any]:
        """The selected parameters at θ as a ``state_dict`` fragment (float64 tensors, copies)."""
        return {n: t.clone() for n, t in self.params_of(self._tensor(np.asarray(theta))).items()
                if n in self.names}

    def point_from_state_dict(self, state: Mapping[str, Any], argument: str = "point") -> np.ndarray:
        """θ from a ``state_dict`` (or a mapping name → tensor) holding every selected parameter."""
        if not isinstance(state, Mapping):
            raise InputError(argument, f"expected a state_dict (names to tensors), got {type(state).__name__}")
        pieces = []
        for name, shape in zip(self.names, self.shapes, strict=True):
            if name not in state:
                raise InputError(argument, f"has no entry {name!r}")
            t = _as_tensor(self.torch, state[name], f"{argument}[{name!r}]")
            if tuple(t.shape) != shape:
                raise InputError(f"{argument}[{name!r}]", f"expected shape {shape}, got {tuple(t.shape)}")
            pieces.append(t.reshape(-1))
        return self.torch.cat(pieces).numpy().astype(np.float64)

    def module_at(self, theta: np.ndarray) -> Any:
        """A new float64 copy of the module with the selected parameters set to θ."""
        model = copy.deepcopy(self.model)
        model.load_state_dict(self.state_dict(theta), strict=False)
        return model


class TorchLandscape(Landscape):
    """A :class:`~spurious.landscape.Landscape` over a :class:`TorchObjective`, with conversions."""

    objective: TorchObjective

    @property
    def theta0(self) -> np.ndarray:
        """The module's own weights (the selected parameters), flat (P,)."""
        return self.objective.theta0.copy()

    @property
    def hvp_count(self) -> int:
        """Hessian–vector products computed so far (a batch of k counts k)."""
        return self.objective.hvp_count

    def state_dict(self, point: object) -> dict[str, Any]:
        return self.objective.state_dict(self.point(point))

    def point_from_state_dict(self, state: Mapping[str, Any]) -> np.ndarray:
        return self.objective.point_from_state_dict(state)

    def module_at(self, point: object) -> Any:
        return self.objective.module_at(self.point(point))


def from_torch(module: Any, loss_fn: Callable[..., Any], data: object, *, params: object = None,
               reduction: Reduction | None = None, hvp_mode: str = "reverse") -> TorchLandscape:
    """The landscape of a torch ``module`` under ``loss_fn`` on ``data`` (see the module docstring).

    Parameters
    ----------
    module : a ``torch.nn.Module``; copied, never mutated.
    loss_fn : ``loss_fn(output, target) -> 0-d tensor`` (e.g. ``nn.MSELoss()``).
    data : ``(X, Y)`` tensors/arrays with samples on the first axis, or a ``DataLoader``
        without shuffling yielding ``(X_b, Y_b)``.
    params : names (``"2.weight"``) or ``Parameter`` objects of ``module`` to vary; default all
        parameters with ``requires_grad``. The rest stay fixed.
    reduction : how ``loss_fn`` reduces a batch: ``"sum"``, ``"mean"`` (over samples) or
        ``"mean-all"`` (over output entries); read from ``loss_fn.reduction`` when omitted.
        It sets the batch weights w_b so that Φ equals ``loss_fn`` on the whole data set.
    hvp_mode : ``"reverse"`` (default): double backward through ∇Φ, whose graph is built once
        per point and reused by every product there (one backward pass per HVP);
        ``"forward"``: ``torch.func.jvp`` of ``torch.func.grad``, ``vmap``-batched. On CPU the
        first was 3× faster per product at P = 16 210, m = 1 000 (``benchmarks/bench_torch.py``),
        and PyTorch 2.13's forward-mode ``mse_loss`` fails ("ZeroTensors are immutable").

    Returns a :class:`TorchLandscape`; ``landscape.theta0`` is the module's current point.
    """
    objective = TorchObjective(module, loss_fn, data, params=params, reduction=reduction, hvp_mode=hvp_mode)
    return TorchLandscape.from_objective(objective, f"torch {type(module).__name__}")
