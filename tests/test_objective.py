"""The objective's optional capabilities: asked for by name, present where a model can, each
agreeing with the generic route it replaces (src/spurious/objective.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spurious import Dataset, DeepLinear, Landscape, LogisticLoss, SquaredLoss, gaussian_teacher, logistic_teacher
from spurious.models import MLP, LinearResNet
from spurious.objective import OPTIONAL_CAPABILITIES, capability
from spurious.tolerances import EPS


def _deep_linear(widths=(3, 2, 4), loss=None, seed=0) -> Landscape:
    data = gaussian_teacher(widths[0], widths[-1], 12, seed=seed)
    return Landscape(DeepLinear(widths), loss or SquaredLoss(), data)


def test_an_unknown_capability_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="not an objective capability"):
        capability(_deep_linear().objective, "factors")


def test_absent_capabilities_are_none() -> None:
    data = Dataset(np.random.default_rng(0).standard_normal((2, 6)), np.random.default_rng(1).standard_normal((1, 6)))
    mlp = Landscape(MLP((2, 3, 1), "tanh"), SquaredLoss(), data).objective
    for name in ("dense_hessian", "descent_direction", "linear_network", "end_to_end", "end_to_end_loss"):
        assert capability(mlp, name) is None, name
    assert capability(mlp, "symmetry_dimension") is not None


def test_every_capability_has_an_implementer() -> None:
    objectives = [_deep_linear().objective,
                  Landscape(LinearResNet(2, 2), SquaredLoss(), gaussian_teacher(2, 2, 8, seed=0)).objective,
                  Landscape(MLP((2, 3, 1), "relu"), SquaredLoss(), gaussian_teacher(2, 1, 8, seed=0)).objective]
    missing = [n for n in OPTIONAL_CAPABILITIES if n not in ("interval_enclosure", "minibatch_gradient", "n_samples")
               and all(capability(o, n) is None for o in objectives)]
    assert not missing


@given(seed=st.integers(0, 2**16), widths=st.sampled_from([(3, 2, 4), (2, 3, 3, 2), (4, 1, 2)]))
def test_kronecker_dense_hessian_equals_the_hessian_from_hvps(seed: int, widths: tuple[int, ...]) -> None:
    L = _deep_linear(widths, seed=seed)
    theta = L.model.random_point(seed)
    H = capability(L.objective, "dense_hessian")(theta)
    ref = L.hessian(theta)
    assert np.max(np.abs(H - ref)) <= 1e3 * EPS * max(1.0, float(np.max(np.abs(ref))))


def test_dense_hessian_has_no_closed_form_off_the_squared_loss() -> None:
    L = Landscape(DeepLinear((2, 2, 1)), LogisticLoss(), logistic_teacher(2, 8, seed=0))
    assert capability(L.objective, "dense_hessian")(L.model.random_point(0)) is None
    assert capability(L.objective, "linear_network")() is None


def test_rank_one_chain_descends_at_order_depth_at_the_origin() -> None:
    L = _deep_linear((2, 2, 2, 2))
    theta = np.zeros(L.n_params)
    d = capability(L.objective, "descent_direction")(theta)
    assert np.linalg.norm(d) == pytest.approx(1.0)
    f0 = L.value(theta)
    drops = [L.value(theta + t * d) - f0 for t in (1e-1, 5e-2)]
    assert drops[0] < 0 and drops[1] < 0
    assert drops[0] / drops[1] == pytest.approx(8.0, rel=0.05)  # c t³: depth 3


def test_symmetry_dimension_of_a_deep_linear_net_at_a_generic_point() -> None:
    L = _deep_linear((3, 2, 4))
    assert capability(L.objective, "symmetry_dimension")(L.model.random_point(0)) == 2 * 2  # GL(d₁), d₁ = 2


def test_linear_network_names_the_model_and_its_squared_loss() -> None:
    L = _deep_linear()
    net = capability(L.objective, "linear_network")()
    assert net.model is L.model
    assert net.loss is capability(L.objective, "end_to_end_loss")()
