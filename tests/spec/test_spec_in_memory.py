"""The spec holds in-memory problems too: data as arrays X, Y or as a population (R, Σ, noise),
the tilted double-well loss; such a spec round-trips through problem.toml to the same numbers."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spurious import InputError
from spurious.data import Dataset, gaussian_teacher, population
from spurious.landscape import Landscape
from spurious.losses import HuberLoss, SquaredLoss, TiltedDoubleWell
from spurious.models import DeepLinear
from spurious.spec import (
    build_landscape,
    data_section,
    loss_section,
    make_spec,
    read_problem,
    to_toml,
    write_problem,
)


def _same_numbers(a: Landscape, b: Landscape, seed: int = 0) -> None:
    theta = a.model.random_point(seed)
    assert a.value(theta) == b.value(theta)
    assert np.array_equal(a.gradient(theta), b.gradient(theta))


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 9), st.integers(0, 2**16))
def test_arrays_in_the_spec_give_the_same_landscape_after_problem_toml(d_in: int, d_out: int, m: int,
                                                                        seed: int) -> None:
    data = gaussian_teacher(d_in, d_out, m, seed=seed)
    direct = Landscape(DeepLinear((d_in, 2, d_out)), SquaredLoss(), data)
    spec = make_spec(model={"widths": (d_in, 2, d_out)}, data=data_section(data))
    _same_numbers(direct, build_landscape(spec), seed)
    again = make_spec(tomllib.loads(to_toml(spec)))
    assert again == spec
    _same_numbers(direct, build_landscape(again), seed)


def test_rows_layout_is_the_transpose_of_columns() -> None:
    data = gaussian_teacher(3, 2, 5, seed=1)
    rows = make_spec(model={"widths": (3, 2)}, data={"X": data.X.T.tolist(), "Y": data.Y.T.tolist()})
    assert rows.data.layout == "rows"
    _same_numbers(build_landscape(rows), Landscape(DeepLinear((3, 2)), SquaredLoss(), data))


def test_population_spec_gives_the_population_landscape(tmp_path: Path) -> None:
    R, Sigma = np.array([[1.0, 0.5], [0.0, 2.0]]), np.array([[2.0, 0.3], [0.3, 1.0]])
    direct = Landscape(DeepLinear((2, 2, 2)), SquaredLoss(), population(R, Sigma, noise_var=0.5))
    spec = make_spec(model={"widths": (2, 2, 2)}, data=data_section(direct.data))
    built = build_landscape(spec)
    _same_numbers(direct, built)
    assert built.min_value == direct.min_value
    _same_numbers(direct, build_landscape(read_problem(write_problem(spec, tmp_path))))


def test_tilted_double_well_and_huber_through_the_spec() -> None:
    data = Dataset(np.ones((1, 1)), np.zeros((1, 1)))
    for loss in (TiltedDoubleWell(tilt=0.3), HuberLoss(delta=0.5, reduction="mean")):
        spec = make_spec(model={"widths": (1, 1, 1)}, loss=loss_section(loss), data=data_section(data))
        assert build_landscape(spec).loss == loss
        _same_numbers(Landscape(DeepLinear((1, 1, 1)), loss, data), build_landscape(spec))


@pytest.mark.parametrize(("data", "loss", "field"), [
    ({"X": [[1.0, 2.0]]}, {}, "data.Y"),
    ({"Y": [[1.0, 2.0]]}, {}, "data.X"),
    ({"X": [[1.0, 2.0], [1.0]], "Y": [[1.0, 2.0]]}, {}, "data.X"),
    ({"X": [[1.0, 2.0]], "Y": [[1.0, 2.0, 3.0]], "layout": "columns"}, {}, "data.Y"),
    ({"X": [[float("nan")]], "Y": [[1.0]]}, {}, "data.X.0.0"),
    ({"X": [[1.0]], "Y": [[1.0]], "samples": 3}, {}, "data.samples"),
    ({"X": [[1.0]], "Y": [[1.0]], "target": ["y"]}, {}, "data.target"),
    ({"X": [[1.0]], "Y": [[1.0]], "file": "a.csv"}, {}, "data.X"),
    ({"population": {"R": [[1.0]]}, "layout": "rows"}, {}, "data.layout"),
    ({"population": {"R": [[1.0]]}}, {"name": "huber"}, "loss.name"),
    ({"population": {"R": [[1.0]], "Sigma": [[1.0, 0.0]]}}, {}, "data.population.Sigma"),
    ({"population": {"R": [[1.0]], "Sigma": [[-1.0]]}}, {}, "data.population.Sigma"),
    ({"population": {"R": [[1.0]], "noise_var": -1.0}}, {}, "data.population.noise_var"),
    ({}, {"tilt": 0.3}, "loss.tilt"),
])
def test_bad_in_memory_fields_name_the_field(data: dict, loss: dict, field: str) -> None:
    with pytest.raises(InputError) as info:
        build_landscape(make_spec(model={"widths": (1, 1)}, loss=loss, data=data))
    assert info.value.argument == field, str(info.value)


def test_sections_refuse_objects_that_are_not_data_or_losses() -> None:
    with pytest.raises(InputError, match="data"):
        data_section(np.ones((2, 2)))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="loss"):
        loss_section("squared")  # type: ignore[arg-type]
