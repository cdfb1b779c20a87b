"""Optimisers with their guarantees (Optimization 1 notes §6.2, Kawaguchi slides SGD).

Every algorithm is ``run(landscape, x0, ...) -> Result`` (see :mod:`spurious.result`):

- :func:`gd` — gradient descent, fixed η or η = 1/β (β given or estimated);
- :func:`sgd` — SGD as in the slides (one sample per step) and mini-batch SGD;
- :func:`pgd` — perturbed GD of §6.2.3 (Jin et al. 2017);
- :func:`batched_gd` — many GD runs of one deep linear architecture at once.

Bounds: :func:`gd_step_bound` (Thm 6.7), :func:`escape_step_bound` (§6.2.2),
:func:`pgd_parameters` / :func:`pgd_step_bound` (§6.2.3, Thm 6.9). Constants on a region:
:func:`estimate_beta`, :func:`estimate_rho`.
"""

from ._gd import run as gd
from ._pgd import certify_second_order
from ._pgd import run as pgd
from ._sgd import run as sgd
from .batched import BatchedResult, batched_gd, batched_value
from .bounds import (
    PGDParameters,
    escape_step_bound,
    gd_step_bound,
    pgd_parameters,
    pgd_step_bound,
    sufficient_decrease,
)
from .escape import escape_step, saddle_quadratic
from .functions import CosineSaddle, Quadratic, cosine_saddle_landscape, quadratic_landscape
from .smoothness import SmoothnessEstimate, estimate_beta, estimate_rho

__all__ = [
    "BatchedResult",
    "CosineSaddle",
    "PGDParameters",
    "Quadratic",
    "SmoothnessEstimate",
    "batched_gd",
    "batched_value",
    "certify_second_order",
    "cosine_saddle_landscape",
    "escape_step",
    "escape_step_bound",
    "estimate_beta",
    "estimate_rho",
    "gd",
    "gd_step_bound",
    "pgd",
    "pgd_parameters",
    "pgd_step_bound",
    "quadratic_landscape",
    "saddle_quadratic",
    "sgd",
    "sufficient_decrease",
]
