"""The result contract of every iterative method (finder or optimiser): ``Result`` and ``RunLog``.

Modelled on pymanopt's ``run(problem, x0) -> OptimizerResult`` and SciPy's ``OptimizeResult``,
but frozen and keyword-only. A run never raises on divergence: non-finite values end it with
``status = RunStatus.DIVERGED`` and the last finite point is kept.

Every finder (:data:`spurious.critical.FINDERS`) and optimiser (:mod:`spurious.optim`) returns a
:class:`Result` whose ``log`` is a :class:`RunLog` with the same fixed columns, so a plot, a
parquet file or a test reads any method's run the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from .errors import InputError
from .reprs import result_html
from .vocabulary import RunStatus

__all__ = ["Result", "RunLog", "Evaluations", "RunStatus", "Status"]

#: The status of a run (the one definition is :class:`spurious.vocabulary.RunStatus`).
Status = RunStatus


@dataclass(frozen=True)
class Evaluations:
    """How many times each oracle was called in a run.

    value, gradient : evaluations of Φ and of ∇Φ on the full objective (one
        ``value_and_gradient`` call counts one of each).
    hvp : Hessian–vector products (k for a batch of k vectors).
    minibatch_gradient : stochastic gradients on a mini-batch (SGD).
    """

    value: int = 0
    gradient: int = 0
    hvp: int = 0
    minibatch_gradient: int = 0

    @classmethod
    def counted(cls, *, value_and_gradient: int = 0, hvp: int = 0, minibatch_gradient: int = 0) -> Evaluations:
        """The counts of a run that called ``value_and_gradient`` (value and gradient together)."""
        return cls(value=int(value_and_gradient), gradient=int(value_and_gradient), hvp=int(hvp),
                   minibatch_gradient=int(minibatch_gradient))

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class RunLog:
    """Per-iteration records of a run, one row per logged iteration, in fixed columns.

    iteration : the iteration (step) number of the row, increasing.
    loss : Φ at that iterate.
    grad_norm : ‖∇Φ‖ at that iterate (the full gradient, for SGD too).
    step_size : ‖θ_t − θ_{t−1}‖, the Euclidean length of the last step taken to reach the
        iterate (0 on the first row, and on a row reached by a rejected step).
    extras : further columns the method declares when it creates the log (e.g. ``dist_crit``,
        ``lambda_min``, ``inner_iterations``); an extra not given for a row is NaN there.

    ``log[name]`` is a read-only NumPy array (``iteration``: int64; the rest float64);
    ``log.to_dict()`` gives all columns in order.
    A log is appended to while its run goes on and sealed once a :class:`Result` holds it.
    """

    COLUMNS: tuple[str, ...] = ("iteration", "loss", "grad_norm", "step_size")

    def __init__(self, extras: Sequence[str] = ()):
        extras = tuple(extras)
        clash = [e for e in extras if e in self.COLUMNS or extras.count(e) > 1]
        if clash:
            raise InputError("extras", f"extra columns must be new and distinct, got {clash}")
        self._columns: dict[str, list[float]] = {name: [] for name in (*self.COLUMNS, *extras)}
        self._extras = extras
        self._sealed = False

    @property
    def columns(self) -> tuple[str, ...]:
        """All column names: the fixed ones, then the extras."""
        return (*self.COLUMNS, *self._extras)

    @property
    def extras(self) -> tuple[str, ...]:
        return self._extras

    @property
    def rows(self) -> int:
        return len(self._columns["iteration"])

    def append(self, *, iteration: int, loss: float, grad_norm: float, step_size: float,
               **extras: float) -> None:
        """Add one row; ``extras`` must be among the declared extra columns (missing ones are NaN)."""
        if self._sealed:
            raise ValueError("this RunLog belongs to a finished Result and is read-only")
        unknown = set(extras) - set(self._extras)
        if unknown:
            raise InputError("extras", f"undeclared log column(s) {sorted(unknown)}; declared: {list(self._extras)}")
        cols = self._columns
        cols["iteration"].append(int(iteration))
        cols["loss"].append(float(loss))
        cols["grad_norm"].append(float(grad_norm))
        cols["step_size"].append(float(step_size))
        for name in self._extras:
            cols[name].append(float(extras.get(name, np.nan)))

    def seal(self) -> None:
        """Forbid further rows (called by :class:`Result`)."""
        self._sealed = True

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._columns:
            raise KeyError(f"{name!r} is not a column of this log; columns: {list(self.columns)}")
        arr = np.array(self._columns[name], dtype=np.int64 if name == "iteration" else np.float64)
        arr.flags.writeable = False
        return arr

    def __contains__(self, name: object) -> bool:
        return name in self._columns

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        """The number of rows."""
        return self.rows

    def last(self, name: str) -> float:
        """The last value of a column (NaN on an empty log)."""
        col = self._columns[name]
        return col[-1] if col else float("nan")

    def to_dict(self) -> dict[str, np.ndarray]:
        """Column name → array, in column order."""
        return {name: self[name] for name in self.columns}

    def to_arrow(self) -> Any:
        """The log as a ``pyarrow.Table`` (the columns in order; what ``trajectory.parquet`` holds)."""
        return pa.table({name: pa.array(values) for name, values in self.to_dict().items()})

    def __repr__(self) -> str:
        return f"RunLog({self.rows} rows; columns {list(self.columns)})"


@dataclass(frozen=True, kw_only=True)
class Result:
    """Outcome of ``run(landscape, x0, ...)``, built once at the end of the run.

    point : final (last finite) point, flat (P,).
    loss : Φ(point).
    grad_norm_sq : ‖∇Φ(point)‖².
    iterations : steps taken.
    status : a :class:`~spurious.vocabulary.RunStatus` (converged, max-iterations, diverged,
        stalled, gradient-flat, escaping); compares equal to its string.
    method : the method's name and its key settings in one line (e.g. ``gd(lr=0.01)``).
    message : which stopping rule fired, in words (e.g. "‖∇Φ‖ ≤ gtol = 1e-08 at iteration 12").
    evaluations : :class:`Evaluations` — oracle calls (value, gradient, HVP, mini-batch gradient).
    settings : the method's key settings, name → value (JSON-able).
    log : the :class:`RunLog` (iteration, loss, grad_norm, step_size and the method's extras).
    info : anything else the method measured (bounds, thresholds, escapes), JSON-able.
    warnings : what went wrong along the way without ending the run.
    iterates : (n, P) points recorded every ``record_every`` iterations (None when not asked).
    iterate_steps : the iteration numbers of the rows of ``iterates``.
    """

    point: np.ndarray
    loss: float
    grad_norm_sq: float
    iterations: int
    status: RunStatus
    method: str
    message: str
    evaluations: Evaluations
    settings: Mapping[str, Any] = field(default_factory=dict)
    log: RunLog = field(default_factory=RunLog)
    info: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    iterates: np.ndarray | None = field(default=None, repr=False)
    iterate_steps: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", RunStatus(self.status))
        object.__setattr__(self, "warnings", tuple(self.warnings))
        object.__setattr__(self, "iterate_steps", tuple(int(s) for s in self.iterate_steps))
        if not isinstance(self.log, RunLog):
            raise TypeError(f"Result.log must be a RunLog, got {type(self.log).__name__}")
        if not isinstance(self.evaluations, Evaluations):
            raise TypeError(f"Result.evaluations must be Evaluations, got {type(self.evaluations).__name__}")
        self.log.seal()

    @property
    def grad_norm(self) -> float:
        return float(np.sqrt(self.grad_norm_sq))

    @property
    def converged(self) -> bool:
        return self.status is RunStatus.CONVERGED

    def summary(self) -> str:
        text = (f"{self.method}: {self.status} after {self.iterations} iterations, "
                f"loss {self.loss:.6g}, ‖∇f‖ {self.grad_norm:.3g}")
        return f"{text} ({self.message})" if self.message else text

    def _repr_html_(self) -> str:
        """A compact table in Jupyter (:func:`spurious.reprs.result_html`)."""
        return result_html(self)
