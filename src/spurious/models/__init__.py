"""Models: parameter layouts and the maps from parameters to what the loss sees."""

from .base import ParameterLayout
from .deep_linear import DeepLinear, check_widths

__all__ = ["DeepLinear", "ParameterLayout", "check_widths"]
