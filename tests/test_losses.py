"""Loss reductions: sum, mean over samples, mean-all over every output entry (PyTorch's MSELoss)."""

from __future__ import annotations

import numpy as np
import pytest

from spurious import CrossEntropyLoss, DeepLinear, InputError, Landscape, SquaredLoss, gaussian_teacher
from spurious.models import MLP

REL = 1e-12


@pytest.mark.parametrize("model", [DeepLinear([3, 4, 2]), MLP([3, 4, 2], activation="tanh")])
def test_reductions_scale_value_gradient_and_hvp(model):
    data = gaussian_teacher(3, 2, 20, seed=0)
    theta = np.random.default_rng(0).standard_normal(model.n_params)
    v = np.ones(model.n_params)
    total = Landscape(model, SquaredLoss(), data)
    for loss, factor in ((SquaredLoss(reduction="mean"), 1 / 20), (SquaredLoss(mean=True), 1 / 20),
                         (SquaredLoss(reduction="mean-all"), 1 / 40)):
        land = Landscape(model, loss, data)
        assert land.value(theta) == pytest.approx(factor * total.value(theta), rel=REL)
        assert np.allclose(land.gradient(theta), factor * total.gradient(theta), rtol=REL, atol=0)
        assert np.allclose(land.hvp(theta, v), factor * total.hvp(theta, v), rtol=1e-10, atol=0)


def test_mean_all_squared_is_half_of_torch_style_mse():
    data = gaussian_teacher(3, 2, 20, seed=1)
    model = DeepLinear([3, 2])
    theta = np.random.default_rng(1).standard_normal(model.n_params)
    W = theta.reshape(2, 3)
    mse = float(np.mean((W @ data.X - data.Y) ** 2))  # what torch.nn.MSELoss() reports
    assert Landscape(model, SquaredLoss(reduction="mean-all"), data).value(theta) == pytest.approx(mse / 2, rel=REL)


def test_bad_reduction():
    with pytest.raises(InputError, match="reduction"):
        SquaredLoss(reduction="median")
    with pytest.raises(InputError, match="reduction"):
        CrossEntropyLoss(mean=True, reduction="sum")
    assert SquaredLoss(reduction="mean-all").describe() == "squared (mean-all)"
