"""Slices of a landscape: direction normalisation, orthogonality, grids, Hessian directions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spurious.cli.landscape import global_point
from spurious.errors import InputError
from spurious.slices import given_directions, hessian_directions, random_directions, slice_1d, slice_2d
from spurious.spec import build_landscape, make_spec


def land(widths=(3, 2, 3)):
    return build_landscape(make_spec(model={"widths": list(widths)}, loss={"reduction": "mean"},
                                      data={"samples": 32, "seed": 1}))


@given(st.integers(0, 1000), st.sampled_from(["filter", "layer"]))
def test_normalised_then_orthogonal(seed, normalisation) -> None:
    L = land()
    theta = L.model.random_point(seed)
    D, info = random_directions(L, theta, 2, normalisation, seed)
    assert abs(D[0] @ D[1]) <= 1e-12 * np.linalg.norm(D[0]) * np.linalg.norm(D[1])
    # the first direction is exactly normalised piece by piece
    for piece_d, piece_t in zip(L.layout.unflatten(D[0]), L.layout.unflatten(theta), strict=True):
        if normalisation == "layer":
            assert np.isclose(np.linalg.norm(piece_d), np.linalg.norm(piece_t))
        else:
            assert np.allclose(np.linalg.norm(piece_d, axis=1), np.linalg.norm(piece_t, axis=1))
    assert info["unscaled_pieces"] == 0


def test_slice_grid_matches_pointwise_values() -> None:
    L = land()
    theta = L.model.random_point(3)
    D, _ = random_directions(L, theta, 2, "filter", 0)
    s = slice_2d(L, theta, D[0], D[1], span=0.5, n=6)  # even n is made odd: centre on the grid
    assert s.values.shape == (7, 7)
    a, b = s.coords[0][5], s.coords[1][1]
    assert s.values[1, 5] == pytest.approx(L.value(theta + a * D[0] + b * D[1]), rel=1e-14)
    assert s.values[3, 3] == pytest.approx(L.value(theta), rel=1e-14)


def test_global_point_is_global_and_hessian_slice_curves_up() -> None:
    L = land()
    theta = global_point(L)
    assert L.value(theta) == pytest.approx(L.min_value, rel=1e-10)
    D, info = hessian_directions(L, theta, 1)
    assert info["eigenvalues"][0] >= -1e-8
    s = slice_1d(L, theta, D[0], span=1.0, n=11)
    assert np.all(s.values >= L.min_value - 1e-12)


def test_hessian_direction_descends_at_a_strict_saddle() -> None:
    spec = make_spec(model={"widths": [3, 3]}, loss={"reduction": "mean"}, data={"samples": 32})
    L = build_landscape(spec)  # depth 1: convex
    D, info = hessian_directions(L, np.zeros(L.n_params), 2)
    assert info["eigenvalues"][0] <= info["eigenvalues"][1]
    L2 = land((3, 3, 3))
    D, info = hessian_directions(L2, np.zeros(L2.n_params), 1)  # 0 is a strict saddle (depth 2)
    assert info["eigenvalues"][0] < 0
    s = slice_1d(L2, np.zeros(L2.n_params), D[0], span=0.1, n=5)
    assert s.values[0] < s.center_value and s.values[-1] < s.center_value


def test_bad_directions_raise_input_error() -> None:
    L = land()
    with pytest.raises(InputError, match="directions"):
        given_directions(L, np.zeros((1, L.n_params)))
    with pytest.raises(InputError, match="directions"):
        given_directions(L, np.ones((3, L.n_params)))
    with pytest.raises(InputError, match="span"):
        slice_1d(L, np.zeros(L.n_params), np.ones(L.n_params), span=-1)
