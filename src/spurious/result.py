"""The result of any iterative method (finder or optimiser): one dataclass for all.

Modelled on pymanopt's ``run(problem, x0) -> Result``. A run never raises on divergence:
non-finite values end it with ``status = "diverged"`` and the last finite point is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Status = Literal["converged", "max-iterations", "diverged", "stalled", "gradient-flat"]


@dataclass
class Result:
    """Outcome of ``run(landscape, x0, ...)``.

    point : final (last finite) point, flat (P,).
    loss : Φ(point).
    grad_norm_sq : ‖∇Φ(point)‖².
    iterations : steps taken.
    status : converged / max-iterations / diverged / stalled / gradient-flat.
    method : name of the method and its key settings.
    log : per-iteration records, column name → list (e.g. "loss", "grad_norm").
    info : anything else (bounds, thresholds, warnings), JSON-able.
    warnings : what went wrong along the way without ending the run.
    message : which stopping rule fired, in words (e.g. "‖∇Φ‖ ≤ gtol = 1e-08 at iteration 12").
    evaluations : how many times each oracle was called: "value_and_gradient", "hvp" (one
        per Hessian–vector product, k for a batch of k), …
    iterates : (n, P) points recorded every ``record_every`` iterations (None when not asked).
    iterate_steps : the iteration numbers of the rows of ``iterates``.
    """

    point: np.ndarray
    loss: float
    grad_norm_sq: float
    iterations: int
    status: Status
    method: str
    log: dict[str, list[float]] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    message: str = ""
    evaluations: dict[str, int] = field(default_factory=dict)
    iterates: np.ndarray | None = field(default=None, repr=False)
    iterate_steps: list[int] = field(default_factory=list)

    @property
    def grad_norm(self) -> float:
        return float(np.sqrt(self.grad_norm_sq))

    @property
    def converged(self) -> bool:
        return self.status == "converged"

    def summary(self) -> str:
        text = (f"{self.method}: {self.status} after {self.iterations} iterations, "
                f"loss {self.loss:.6g}, ‖∇f‖ {self.grad_norm:.3g}")
        return f"{text} ({self.message})" if self.message else text

    def _repr_html_(self) -> str:
        """A compact table in Jupyter (:func:`spurious.report.notebook.result_html`)."""
        from .report.notebook import result_html

        return result_html(self)
