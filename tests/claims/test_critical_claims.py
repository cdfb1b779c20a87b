"""The critical-point claims (`spurious.claims.critical`) under the verdict discipline:
expected verdicts, negative controls, tallies, closest calls, and re-verified counterexamples."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from spurious.autodiff import finite_difference_gradient
from spurious.claims.critical import (
    _double_well_landscape,
    _point_counterexample,
    verify_crit_claim,
    verify_critical_point,
)
from spurious.claims.runner import run_seeds
from spurious.critical import classify
from spurious.losses import TiltedDoubleWell

CLAIMS = ["K-BALDI-HORNIK", "K-KAWAGUCHI", "L-DEPTH2-STRICT", "L-NO-BAD-MIN", "D-FULLRANK", "D-QUADRATIC",
          "S-CRIT-CLAIM"]


def test_s_crit_claim_verifier_rejects_global_point_and_zero_layer():
    R = np.diag([2.0, 1.0])
    root = np.diag([2.0 ** (1 / 3), 1.0])
    arrays = {"R": R, "Sigma": np.eye(2), "A1": root, "A2": root, "A3": root}
    assert not verify_crit_claim({}, arrays).confirmed  # E = 0: global
    zero_layer = {**arrays, "A1": np.zeros((2, 2))}
    assert not verify_crit_claim({}, zero_layer).confirmed  # the claim's hypothesis A_i ≠ 0 fails


def test_point_verifier_confirms_a_spurious_minimum_and_rejects_the_global_one():
    L = _double_well_landscape((1, 1, 1))
    a = np.sqrt(0.96)
    for start, confirmed in ((np.array([a, a]), True), (np.array([-a, a]), False)):
        theta = start
        cl = classify(L, theta)
        cx = _point_counterexample("L-NO-BAD-MIN", L, theta, "spurious local minimum", 1.0, 1e-9, "test")
        verify_point = verify_critical_point(cx.problem, cx.arrays)
        assert verify_point.confirmed is confirmed, (cl.label, verify_point.route)


def test_tilted_double_well_derivatives_match_finite_differences():
    L = _double_well_landscape((1, 2, 1))
    theta = np.array([0.3, -0.7, 1.1, 0.4])
    assert np.allclose(L.gradient(theta), finite_difference_gradient(L.value, theta), rtol=1e-6, atol=1e-8)
    v = np.array([1.0, 0.5, -0.3, 0.2])
    fd = (L.gradient(theta + 1e-6 * v) - L.gradient(theta - 1e-6 * v)) / 2e-6
    assert np.allclose(L.hvp(theta, v), fd, rtol=1e-5, atol=1e-7)
    assert TiltedDoubleWell().convex is False


def test_quick_multi_seed_run_keeps_every_claim_in_its_expected_state(tmp_path: Path):
    results = run_seeds(CLAIMS, [1, 2], quick=True, artifacts=tmp_path)
    for verdicts in results.values():
        assert all(v.status == v.expected for v in verdicts), [(v.id, v.status, v.notes) for v in verdicts]
