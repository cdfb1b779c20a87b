"""Errors raised on bad input, and the small checks that raise them.

Every check names the offending argument and what was expected, so that the CLI
can print one line (``error: <message>``) and exit non-zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class SpuriousError(Exception):
    """Base class of every error this library raises on purpose."""


class InputError(SpuriousError, ValueError):
    """An argument has the wrong shape, type or value.

    ``argument`` is the name of the argument, as the user wrote it.
    """

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        super().__init__(f"{argument}: {message}")


class HypothesisError(InputError):
    """An input violates the hypothesis of a theorem or construction (e.g. det R <= 0)."""


class MissingDependencyError(SpuriousError, ImportError):
    """An optional dependency is needed and not installed."""


def as_float_array(value: object, argument: str, ndim: int | None = None) -> np.ndarray:
    """Return ``value`` as a float64 array, checking dimension and finiteness.

    Raises :class:`InputError` naming ``argument`` when the value is not numeric,
    has the wrong number of dimensions, or holds NaN/Inf.
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(argument, f"expected a numeric array, got {type(value).__name__}") from exc
    if ndim is not None and array.ndim != ndim:
        raise InputError(argument, f"expected a {ndim}-D array, got shape {array.shape}")
    require_finite(array, argument)
    return array


def require_finite(array: np.ndarray, argument: str) -> None:
    """Raise :class:`InputError` if ``array`` holds NaN or Inf."""
    if not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise InputError(argument, f"contains {bad} NaN/Inf value(s); expected finite numbers")


def require_shape(array: np.ndarray, shape: Sequence[int], argument: str) -> None:
    """Raise :class:`InputError` unless ``array.shape == shape``."""
    if tuple(array.shape) != tuple(shape):
        raise InputError(argument, f"expected shape {tuple(shape)}, got {tuple(array.shape)}")


def require_positive(value: object, argument: str, what: str = "number") -> float:
    """Return ``value`` as a float, or raise :class:`InputError` unless it is a finite ``what`` > 0."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(argument, f"expected a {what} > 0, got {value!r}") from None
    if not np.isfinite(number) or number <= 0:
        raise InputError(argument, f"expected a finite {what} > 0, got {value}")
    return number


def require_int(value: object, argument: str, minimum: int = 0) -> int:
    """Return ``value`` as an int, or raise :class:`InputError` unless it is an integer ≥ ``minimum``
    (``True``/``False`` are refused: a flag is not a count)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InputError(argument, f"expected an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise InputError(argument, f"expected an integer >= {minimum}, got {value}")
    return int(value)


def require_landscape(value: object, argument: str = "landscape") -> None:
    """Raise :class:`InputError` unless ``value`` offers a landscape's interface (``point``,
    ``value_and_gradient``, ``hvp``), e.g. a :class:`~spurious.landscape.Landscape`."""
    if not all(callable(getattr(value, name, None)) for name in ("point", "value_and_gradient", "hvp")):
        raise InputError(argument, f"expected a Landscape (e.g. Landscape(DeepLinear(...), SquaredLoss(), data)), "
                         f"got {type(value).__name__}")
