"""spurious: exact optimisation landscapes of neural-network losses.

The public API is re-exported here; implementation modules are private details.
"""

from .data import (
    Dataset,
    Population,
    SufficientStats,
    gaussian_teacher,
    logistic_teacher,
    population,
    rank_deficient_teacher,
    repeated_eigenvalue_teacher,
    softmax_teacher,
    whitened_teacher,
)
from .errors import HypothesisError, InputError, MissingDependencyError, SpuriousError
from .frontends import from_jax, from_torch
from .io import load_data
from .landscape import Landscape, MinValue
from .losses import CrossEntropyLoss, HuberLoss, LogisticLoss, Loss, SquaredLoss, make_loss
from .models import DeepLinear
from .result import Evaluations, Result, RunLog
from .spec import ProblemSpec, build_landscape, make_spec, read_problem, write_problem
from .tolerances import DEFAULT as DEFAULT_TOLERANCES
from .tolerances import Tolerances
from .vocabulary import Ending, Label, RunStatus, VerdictStatus

__version__ = "0.1.0"

__all__ = [
    "CrossEntropyLoss",
    "DEFAULT_TOLERANCES",
    "Dataset",
    "DeepLinear",
    "Ending",
    "Evaluations",
    "HuberLoss",
    "HypothesisError",
    "InputError",
    "Label",
    "Landscape",
    "LogisticLoss",
    "Loss",
    "MinValue",
    "MissingDependencyError",
    "Population",
    "ProblemSpec",
    "Result",
    "RunLog",
    "RunStatus",
    "SpuriousError",
    "SquaredLoss",
    "SufficientStats",
    "Tolerances",
    "VerdictStatus",
    "build_landscape",
    "from_jax",
    "from_torch",
    "gaussian_teacher",
    "load_data",
    "logistic_teacher",
    "make_loss",
    "make_spec",
    "population",
    "rank_deficient_teacher",
    "read_problem",
    "repeated_eigenvalue_teacher",
    "softmax_teacher",
    "whitened_teacher",
    "write_problem",
]
