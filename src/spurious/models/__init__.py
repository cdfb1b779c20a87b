"""Models: parameter layouts and the maps from parameters to what the loss sees.

``JaxModel`` (a user's own JAX loss) lives in ``spurious.models.custom``; it imports JAX only
when one is built, so that ``import spurious`` never imports JAX.
"""

from .base import ParameterLayout
from .custom import JaxModel
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

