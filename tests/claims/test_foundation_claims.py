"""The foundation claims (`spurious.claims.foundation`) under the verdict discipline: expected
verdicts, negative controls, tallies, closest calls, margins series, and the verifiers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spurious.claims.counterexample import describe_deep_linear
from spurious.claims.foundation import (
    _report_instance,
    gaussian_expectation,
    population_formula,
    verify_derivatives,
    verify_gradient_at_zero,
    verify_nonconvex,
    verify_origin,
    verify_population_loss,
)
from spurious.claims.runner import run_seeds
from spurious.data import gaussian_teacher
from spurious.landscape import Landscape
from spurious.losses import SquaredLoss
from spurious.models import DeepLinear

CLAIMS = ["L-GRAD-HESS", "L-NONCONVEX", "L-NONCONVEX-0", "L-DEEP-NONSTRICT", "S-POP-LOSS", "S-GRADIENT"]


def _linear_landscape(widths, seed=0):
    return Landscape(DeepLinear(widths), SquaredLoss(), gaussian_teacher(widths[0], widths[-1], 30, seed=seed))


def test_derivative_verifier_confirms_only_the_perturbed_formula():
    L = _linear_landscape((3, 4, 2))
    problem, arrays = describe_deep_linear(L)
    arrays |= {"theta": L.model.random_point(1), "V": np.random.default_rng(2).standard_normal((2, L.n_params))}
    assert not verify_derivatives(problem | {"cross_sign": 1.0}, arrays).confirmed
    assert verify_derivatives(problem | {"cross_sign": -1.0}, arrays).confirmed


def test_origin_verifier_confirms_strict_saddle_at_depth_2_only():
    for widths, strict in (((3, 3, 3), True), ((3, 3, 3, 3), False)):
        problem, arrays = describe_deep_linear(_linear_landscape(widths))
        got = verify_origin(problem | {"kind": "strict"}, arrays | {"delta": np.zeros(1)})
        assert got.confirmed is strict, got.route


def test_gradient_at_zero_verifier_sees_the_exact_zero():
    data = gaussian_teacher(3, 2, 10, seed=0)
    for act, widths in (("linear", [3, 3, 2]), ("tanh", [3, 4, 2]), ("linear", [3, 2])):
        got = verify_gradient_at_zero({"widths": widths, "activation": act}, {"X": data.X, "Y": data.Y})
        assert got.confirmed is (len(widths) == 2), (act, widths, got.measured)


def test_nonconvex_verifier_rejects_a_true_minimiser():
    from spurious.claims.foundation import _linear_minimiser

    L, a = _linear_minimiser((3, 3, 3), 0)
    problem, arrays = describe_deep_linear(L)
    assert not verify_nonconvex(problem, arrays | {"a": a}).confirmed


def test_population_formula_equals_the_cubature_expectation_only_for_centred_inputs():
    pop, model, land, theta = _report_instance(4)
    W = model.end_to_end(theta)
    exact = gaussian_expectation(W, pop.R, pop.Sigma, pop.noise_var)
    assert population_formula(W, pop.R, pop.Sigma) == pytest.approx(exact, rel=1e-12)
    assert land.value(theta) == pytest.approx(exact, rel=1e-12)
    arrays = {"W": W, "R": pop.R, "Sigma": pop.Sigma}
    assert not verify_population_loss({}, arrays | {"mean": np.zeros(3)}).confirmed
    assert verify_population_loss({}, arrays | {"mean": np.ones(3)}).confirmed


def test_quick_multi_seed_run_keeps_every_claim_in_its_expected_state(tmp_path: Path):
    results = run_seeds(CLAIMS, [1, 2], quick=True, artifacts=tmp_path)
    for verdicts in results.values():
        assert all(v.status == v.expected for v in verdicts), [(v.id, v.status, v.notes) for v in verdicts]
