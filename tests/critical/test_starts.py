"""trajectory_start: a point of a GD run, chosen by its fraction of the loss decrease (Frye et al. 2021)."""

from __future__ import annotations

import numpy as np
import pytest

from spurious.critical import trajectory_start
from spurious.errors import InputError
from spurious.spec import build_landscape, make_spec, start_point


@pytest.fixture(scope="module")
def landscape():
    return build_landscape(make_spec({"model": {"kind": "mlp", "widths": [3, 4, 1]}}))


def test_positions_walk_down_the_trajectory(landscape):
    x0 = start_point(landscape, 1000, 1e-2)
    points = [trajectory_start(landscape, x0, p, steps=200) for p in (0.0, 0.5, 1.0)]
    losses = [landscape.value(p) for p in points]
    assert np.array_equal(points[0], x0)  # position 0: the start itself
    assert losses[0] >= losses[1] >= losses[2]
    assert np.array_equal(points[1], trajectory_start(landscape, x0, 0.5, steps=200))  # deterministic


@pytest.mark.parametrize("position", [-0.1, 1.5, True, "half", float("nan")])
def test_a_bad_position_is_refused(landscape, position):
    with pytest.raises(InputError, match="position"):
        trajectory_start(landscape, np.zeros(landscape.n_params), position)


def test_a_bad_step_count_is_refused(landscape):
    with pytest.raises(InputError, match="steps"):
        trajectory_start(landscape, np.zeros(landscape.n_params), 0.5, steps=0)
