"""Models: parameter layouts and the maps from parameters to what the loss sees.

``JaxModel`` (a user's own JAX loss) lives in ``spurious.models.custom`` and is exported
lazily so that ``import spurious`` never imports JAX.
"""

from .base import ParameterLayout
from .deep_linear import DeepLinear, check_widths
from .exp_neuron import ExpNeuron
from .mlp import ACTIVATIONS, MLP
from .relu_population import ReluPopulation
from .resnet import LinearResNet, hardt_ma_constant
from .towers import MultiTower

__all__ = [
    "ACTIVATIONS",
    "DeepLinear",
    "ExpNeuron",
    "JaxModel",
    "LinearResNet",
    "MLP",
    "MultiTower",
    "ParameterLayout",
    "ReluPopulation",
    "check_widths",
    "hardt_ma_constant",
]


def __getattr__(name: str):
    if name == "JaxModel":
        from .custom import JaxModel

        return JaxModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
