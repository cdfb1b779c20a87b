"""The network-teacher generator: targets of a network of the student's own architecture, so a
nonlinear student has a finite global minimum (the gaussian generator is a linear teacher, whose
fit by a tanh net lies at infinity)."""

from __future__ import annotations

import numpy as np
import pytest

from spurious import InputError
from spurious.data import network_teacher
from spurious.spec import TEACHER_SEED_OFFSET, build_landscape, make_spec, read_problem, write_problem


def _spec(kind: str = "mlp", widths=(3, 4, 2), noise: float | None = 0.0, **data):
    section = {"generator": "network-teacher", "samples": 50, "seed": 3, **data}
    if noise is not None:
        section["noise"] = noise
    model = {"kind": kind, "widths": list(widths)} | ({"activation": "tanh"} if kind in ("mlp", "exp-neuron") else {})
    return make_spec({"model": model, "data": section})


def test_noiseless_teacher_targets_are_fitted_exactly_by_the_teacher_point():
    L = build_landscape(_spec())
    teacher = L.model.random_point(3 + TEACHER_SEED_OFFSET)
    np.testing.assert_allclose(L.model.outputs(teacher, L.data.X), L.data.Y, rtol=0, atol=1e-14)
    assert L.value(teacher) == pytest.approx(0.0, abs=1e-24)
    assert np.linalg.norm(L.gradient(teacher)) < 1e-12  # a finite global minimum
    assert L.value(L.model.random_point(0)) > 1e-3


def test_noise_default_and_reproducibility():
    a, b = build_landscape(_spec(noise=None)), build_landscape(_spec(noise=None))
    np.testing.assert_array_equal(a.data.Y, b.data.Y)
    clean = build_landscape(_spec(noise=0.0)).data.Y
    assert 0.05 < np.std(a.data.Y - clean) < 0.2  # DEFAULT_NOISE = 0.1


def test_exp_neuron_uses_its_mlp_as_teacher_and_problem_toml_round_trips(tmp_path):
    spec = _spec("exp-neuron", widths=(3, 4, 1))
    L = build_landscape(spec)
    again = build_landscape(read_problem(write_problem(spec, tmp_path)))
    np.testing.assert_array_equal(L.data.Y, again.data.Y)
    assert L.data.Y.shape == (1, 50)


@pytest.mark.parametrize("kind, widths", [("deep-linear", (3, 2, 3)), ("linear-resnet", (3, 3, 3))])
def test_models_without_a_nonlinear_network_are_refused_naming_the_generator(kind, widths):
    with pytest.raises(InputError, match="data.generator") as info:
        build_landscape(_spec(kind, widths))
    assert "network-teacher" in str(info.value)


def test_network_teacher_function_checks_its_teacher():
    with pytest.raises(InputError, match="teacher"):
        network_teacher(lambda X: X[:1], d_in=3, d_out=2, m=10)
    with pytest.raises(InputError, match="noise"):
        network_teacher(lambda X: X, d_in=2, d_out=2, m=10, noise=-1.0)
