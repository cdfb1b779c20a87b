"""The problem spec: validation names the field, TOML round trip, one builder for every model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spurious import InputError
from spurious.spec import (
    MODEL_KINDS,
    ProblemSpec,
    build_landscape,
    make_spec,
    read_problem,
    start_point,
    write_problem,
)

SPECS = {
    "deep-linear": {"model": {"widths": [3, 4, 2]}},
    "linear-resnet": {"model": {"kind": "linear-resnet", "widths": [3, 3, 3]}},
    "multi-tower": {"model": {"kind": "multi-tower", "towers": [[3, 2, 2], [3, 1, 2]]}},
    "mlp": {"model": {"kind": "mlp", "widths": [3, 4, 2], "activation": "softplus"}},
    "exp-neuron": {"model": {"kind": "exp-neuron", "widths": [3, 4, 1]}},
    "relu-population": {"model": {"kind": "relu-population", "widths": [3, 4, 1]}},
}


def test_every_model_kind_has_a_spec_and_builds() -> None:
    assert set(SPECS) == set(MODEL_KINDS)
    for kind, raw in SPECS.items():
        spec = make_spec(raw)
        landscape = build_landscape(spec)
        theta = start_point(landscape, seed=0)
        assert theta.shape == (landscape.n_params,)
        assert np.isfinite(landscape.value(theta)), kind


def test_defaults_are_resolved_and_written() -> None:
    spec = make_spec(model={"widths": [2, 3, 2]})
    assert spec.loss.reduction == "sum" and spec.data.generator == "gaussian"
    assert spec.data.samples == 100 and spec.data.seed == 0
    assert make_spec(model={"widths": [2, 3, 1]}, loss={"name": "logistic"}).data.generator == "logistic"
    assert make_spec(model={"widths": [2, 3, 3]}, loss={"name": "cross-entropy"}).data.generator == "softmax"
    assert make_spec(model={"kind": "mlp", "widths": [2, 2]}).model.activation == "tanh"


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_toml_round_trip_rebuilds_the_same_landscape(tmp_path: Path, kind: str) -> None:
    spec = make_spec(SPECS[kind])
    path = write_problem(spec, tmp_path / "out")
    again = read_problem(path)
    assert again == spec and again.digest() == spec.digest()
    a, b = build_landscape(spec), build_landscape(again)
    theta = start_point(a, seed=3)
    assert a.value(theta) == b.value(theta)


def test_reduction_mean_divides_by_samples() -> None:
    total = build_landscape(make_spec(model={"widths": [3, 2]}, data={"samples": 40}))
    mean = build_landscape(make_spec(model={"widths": [3, 2]}, data={"samples": 40}, loss={"reduction": "mean"}))
    theta = start_point(total, 1)
    assert mean.value(theta) == pytest.approx(total.value(theta) / 40, rel=1e-12)


@pytest.mark.parametrize("kind", ["deep-linear", "mlp"])
def test_reduction_mean_all_divides_by_every_output_entry(kind: str) -> None:
    model = {"kind": kind, "widths": [3, 2]}
    total = build_landscape(make_spec(model=model, data={"samples": 40}))
    every = build_landscape(make_spec(model=model, data={"samples": 40}, loss={"reduction": "mean-all"}))
    theta = start_point(total, 1)
    assert every.value(theta) == pytest.approx(total.value(theta) / (40 * 2), rel=1e-12)
    assert every.min_value is None or every.min_value == pytest.approx(total.min_value / 80, rel=1e-12)


def test_data_file_path_is_absolute_in_problem_toml(tmp_path: Path) -> None:
    X = np.arange(12.0).reshape(6, 2)
    np.savez(tmp_path / "d.npz", X=X, Y=X[:, :1] * 2)
    spec = make_spec(model={"widths": [2, 1]}, data={"file": str(tmp_path / "d.npz")})
    path = write_problem(spec, tmp_path / "elsewhere")
    assert Path(read_problem(path).data.file).is_absolute()
    assert build_landscape(read_problem(path)).data.m == 6


widths = st.lists(st.integers(1, 6), min_size=2, max_size=5)


@given(widths, st.integers(0, 2**31), st.sampled_from(["sum", "mean"]))
def test_any_valid_deep_linear_spec_round_trips(w: list[int], seed: int, reduction: str) -> None:
    spec = make_spec(model={"widths": w}, loss={"reduction": reduction}, data={"seed": seed, "samples": 8})
    assert ProblemSpec.model_validate(spec.to_dict()) == spec


BAD = [
    ({"model": {"widths": [3, True, 2]}}, "model.widths.1"),
    ({"model": {"widths": [3]}}, "model.widths"),
    ({"model": {"widths": [3, 0]}}, "model.widths.1"),
    ({"model": {"kind": "transformer", "widths": [2, 2]}}, "model.kind"),
    ({"model": {"widths": [2, 2], "activation": "relu"}}, "model.activation"),
    ({"model": {"kind": "mlp", "widths": [2, 2], "activation": "gelu"}}, "model.activation"),
    ({"model": {"kind": "linear-resnet", "widths": [2, 3]}}, "model.widths"),
    ({"model": {"kind": "exp-neuron", "widths": [2, 3, 2]}}, "model.widths"),
    ({"model": {"kind": "multi-tower", "towers": [[2, 2], [3, 2]]}}, "model.towers"),
    ({"model": {"kind": "multi-tower", "widths": [2, 2]}}, "model.towers"),
    ({"model": {"widths": [2, 2]}, "data": {"samples": 0}}, "data.samples"),
    ({"model": {"widths": [2, 2]}, "data": {"seed": -1}}, "data.seed"),
    ({"model": {"widths": [2, 2]}, "data": {"seed": 1.5}}, "data.seed"),
    ({"model": {"widths": [2, 2]}, "data": {"noise": -0.1}}, "data.noise"),
    ({"model": {"widths": [2, 2]}, "data": {"noise": float("nan")}}, "data.noise"),
    ({"model": {"widths": [2, 2]}, "data": {"file": "x.csv", "samples": 5}}, "data.samples"),
    ({"model": {"widths": [2, 2]}, "data": {"generator": "mnist"}}, "data.generator"),
    ({"model": {"widths": [2, 2]}, "loss": {"name": "logistic"}}, "loss.name"),
    ({"model": {"widths": [2, 1]}, "loss": {"name": "cross-entropy"}}, "loss.name"),
    ({"model": {"widths": [2, 2]}, "loss": {"reduction": "avg"}}, "loss.reduction"),
    ({"model": {"widths": [2, 2]}, "loss": {"delta": 1.0}}, "loss.delta"),
    ({"model": {"widths": [2, 2]}, "seed": True}, "seed"),
    ({"model": {"widths": [2, 2]}, "colour": "red"}, "colour"),
    ({}, "model"),
]


@pytest.mark.parametrize(("raw", "field"), BAD)
def test_bad_fields_name_the_field(raw: dict, field: str) -> None:
    with pytest.raises(InputError) as exc:
        make_spec(raw)
    assert exc.value.argument == field and len(str(exc.value).splitlines()) == 1


def test_data_that_does_not_fit_the_widths_is_refused(tmp_path: Path) -> None:
    np.savez(tmp_path / "d.npz", X=np.ones((5, 3)), Y=np.ones((5, 1)))
    with pytest.raises(InputError, match="first width d0 is 2") as exc:
        build_landscape(make_spec(model={"widths": [2, 1]}, data={"file": str(tmp_path / "d.npz")}))
    assert exc.value.argument == "data"
