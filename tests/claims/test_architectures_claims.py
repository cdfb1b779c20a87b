"""The architecture claims (`spurious.claims.architectures`) under the verdict discipline:
expected verdicts, negative controls, tallies, closest calls and the report's margins series;
and the pieces the checks rest on (constructions, the certified spurious minimum, the
stationarity bound behind A-EXP-NEURON's convergence test, the unit-gated path model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spurious.claims import CheckContext
from spurious.claims import architectures as arch
from spurious.claims.counterexample import reverify, save
from spurious.claims.runner import run_seeds
from spurious.models.relu_paths import path_sum

IDS = ["A-RESNET-CRIT", "A-RESNET-CONSTRUCT", "A-RELU-RANK", "A-EXP-NEURON", "K-RELU-PATH",
       "K-BACKPROP", "D-REDUCTION", "D-MULTITOWER", "S-CONSTRUCT"]


def test_hardt_ma_table_bounded():
    R = np.array([[2.0, 1.0, 0.0], [0.0, 1.0, -1.0], [1.0, 0.0, 1.0]])
    table = arch.hardt_ma_table(R, (3, 24, 384))
    assert all(r["error"] <= 1e-10 for r in table)
    assert table[-1]["H_max_norm"] < 2 * table[0]["H_max_norm"]


def test_reflected_factorisation_reproduces_a_negative_determinant_target_with_a_large_layer():
    R = np.diag([2.0, 1.0, 0.5]) @ np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert np.linalg.det(R) < 0
    table = arch.hardt_ma_table(R, (4, 64), arch._reflected_factorisation)
    assert all(r["error"] <= 1e-10 and r["max_norm"] >= 1 for r in table)


def test_certified_spurious_minimum():
    cert = arch.certified_spurious_minimum()
    assert cert["certified"]
    bad, better = cert["spurious"], cert["better"]
    assert bad["grad_norm"] <= 1e-12 and bad["eigenvalues"][0] > 0
    assert bad["loss"] > better["loss"] + 1.0


@settings(max_examples=60, deadline=None)
@given(lam=st.floats(1e-3, 10.0), a_tol=st.floats(1e-9, 1e-2), excess=st.floats(1.0 + 1e-6, 1e6))
def test_exp_gradient_tolerance_certifies_a(lam, a_tol, excess):
    """If |a| > a_tol, stationarity 2λa² ≤ (|a| + 1)‖∇‖ forces ‖∇‖ above the tolerance."""
    a = excess * a_tol
    assert 2 * lam * a * a / (a + 1) > arch.exp_gradient_tolerance(lam, a_tol)


def test_exp_neuron_stationarity_identity_behind_the_tolerance():
    """2λa² = a·∂L̃/∂a − ∂L̃/∂b at any point (the identity the convergence test relies on)."""
    land = arch._exp_landscape(arch.SQUARED)
    rng = np.random.default_rng(3)
    for _ in range(5):
        theta = rng.standard_normal(land.n_params)
        g = land.gradient(theta)
        a = theta[-2]
        assert 2 * arch.EXP_LAMBDA * a * a == pytest.approx(a * g[-2] - g[-1], rel=1e-10, abs=1e-12)


def _drifting_start() -> np.ndarray:
    """The start of run 6 on seed 3 in the first version of the check: L-BFGS stops on it with
    ‖∇L̃‖ ≈ 7e-9, a ≈ 3.9e-5, L(θ) ≈ 0.16, drifting to infinity along b (that was read as a bad minimum)."""
    land = arch._exp_landscape(arch.SQUARED)
    model = land.model
    rng = np.random.default_rng(3 + 41)
    for k in range(7):
        x0 = model.join(model.model.random_point(3 + k, scale=1.0), rng.standard_normal(1), rng.standard_normal(),
                        rng.standard_normal())
    return x0


def test_exp_neuron_drifting_run_is_excluded_not_a_violation_and_a_retry_settles_it():
    land = arch._exp_landscape(arch.SQUARED)
    tol = CheckContext().tolerances
    drifting = _drifting_start()
    ev = arch.Evidence()
    rows = arch._measure_exp_minima(ev, arch.Margins("|a|", "below"), land, [[drifting]], "drift", tol)
    assert not ev.failures and ev.unconverged == 1, rows
    assert rows[0]["grad"] > arch.exp_gradient_tolerance(arch.EXP_LAMBDA)
    fresh = arch._exp_runs(land, 0, 1)[0][0]
    retried = arch.Evidence()
    rows = arch._measure_exp_minima(retried, arch.Margins("|a|", "below"), land, [[drifting, fresh]], "drift", tol)
    assert not retried.failures and retried.converged == 1 and retried.retried == 1, rows
    assert rows[0]["status"] == "converged after 1 retry" and abs(rows[0]["a"]) <= arch.EXP_A_TOL


def test_unit_gated_paths_equal_the_path_sum_with_products_of_unit_gates():
    rng = np.random.default_rng(0)
    Ws = [rng.standard_normal((3, 2)), rng.standard_normal((3, 3)), rng.standard_normal((1, 3))]
    X = rng.standard_normal((2, 4))
    out = arch.unit_gated_paths(Ws, X, 1.0, 2, q=0.7)          # ρ = 1: every unit on
    A = np.ones((4, 1, 3, 3, 1))
    assert np.allclose(out[0], path_sum(Ws, X, 0.7, activations=A), rtol=1e-12)
    assert np.allclose(out[1], 0.7 * Ws[2] @ Ws[1] @ Ws[0] @ X, rtol=1e-12)


def test_z_limit_is_a_bonferroni_bound():
    assert arch.z_limit(1, 0.05) == pytest.approx(1.959964, rel=1e-5)
    assert arch.z_limit(4) > arch.z_limit(1)


def test_quick_multi_seed_run_keeps_every_claim_in_its_expected_state(tmp_path: Path):
    ids = ["A-RESNET-CRIT", "A-EXP-NEURON", "D-REDUCTION", "D-MULTITOWER", "S-CONSTRUCT"]
    results = run_seeds(ids, [3, 9], quick=True, artifacts=tmp_path)
    for verdicts in results.values():
        assert all(v.status == v.expected for v in verdicts), [(v.id, v.status, v.notes) for v in verdicts]


def test_product_verifier_confirms_a_scaled_factorisation_and_rejects_the_exact_one(tmp_path: Path):
    R = np.array([[2.0, 1.0, 0.0], [0.0, 1.0, -1.0], [1.0, 0.0, 1.0]])
    exact = arch.hardt_ma_factorization(R, 8)
    for factors, confirmed in ((exact, False), ([0.999 * W for W in exact], True)):
        cx = arch._product_counterexample("A-RESNET-CONSTRUCT", "test", R, factors, True, 1.0, 1e-10)
        again = reverify(save(cx, tmp_path, f"cx-{confirmed}"))
        assert again.confirmed is confirmed, again
    split = arch.svd_split(R, 3)
    assert not arch.verify_product({"residual": False, "n_factors": 3, "threshold": 1e-10},
                                   {"target": R, **{f"factor_{j}": W for j, W in enumerate(split)}}).confirmed


def test_resnet_point_verifier_confirms_a_non_global_critical_point_only_where_the_region_allows_it():
    land = arch._resnet_landscape(np.random.default_rng(11))
    d = arch.RESNET_D
    W = np.ones((d, d)) / d
    theta = land.model.flatten([-np.eye(d), -np.eye(d), 1.5 * W, 1.5 * W])
    cx = arch._resnet_counterexample(land, theta, "critical", "test", 1.0, 1e-9, region=np.inf, loss_tol=1e-9)
    assert arch.verify_resnet_point(cx.problem, cx.arrays).confirmed
    inside = {**cx.problem, "region": 1.0}
    assert not arch.verify_resnet_point(inside, cx.arrays).confirmed
    point = land.model.random_point(seed=1, tau=0.5)
    bound = arch._resnet_counterexample(land, point, "bound", "test", 1.0, 1.0, tau=0.5)
    assert not arch.verify_resnet_point(bound.problem, bound.arrays).confirmed   # the bound holds there


def test_exp_minimum_verifier_confirms_the_double_well_minimum_and_rejects_a_global_one():
    control = arch._exp_landscape(arch.DOUBLE_WELL)
    x = float(control.data.X[0, 0])
    hidden = np.tanh(np.array([-0.6, 0.9]) * x)
    v = (float(control.data.Y[0, 0]) + 0.96) * hidden / float(hidden @ hidden)
    theta = control.model.join(control.model.model.flatten([np.array([[-0.6], [0.9]]), v.reshape(1, 2)]), [0.6], 0, 0)
    theta = arch._newton_polish(control, arch._lbfgs(control, theta))
    problem = {"kind": "L", "loss": arch.DOUBLE_WELL, "loss_tol": 1e-9, "eigenvalue_tol": 1e-8}
    assert arch.verify_exp_minimum(problem, {"theta": theta}).confirmed
    land = arch._exp_landscape(arch.SQUARED)
    runs = arch._exp_runs(land, 0, 1)[0]
    theta, status, _ = arch._exp_settle(land, runs, arch.exp_gradient_tolerance(arch.EXP_LAMBDA))
    assert status.startswith("converged")
    for kind in ("a", "L"):
        assert not arch.verify_exp_minimum({**problem, "kind": kind, "loss": arch.SQUARED}, {"theta": theta}).confirmed
