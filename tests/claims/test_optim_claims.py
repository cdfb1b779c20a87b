"""The optimisation claims (`spurious.claims.optim`) under the verdict discipline: expected
verdicts, negative controls, tallies, closest calls, margins series, and the verifiers."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from spurious.claims.optim import (
    least_successes,
    verify_escape,
    verify_gd_decrease,
    verify_pgd,
    verify_smooth,
)
from spurious.claims.runner import run_seeds
from spurious.optim import escape_step_bound

CLAIMS = ["L-SMOOTH", "L-GD-RATE", "L-ESCAPE", "L-PGD"]


def _quadratic(P=4, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((P, P))
    return {"function": "quadratic"}, {"A": A + A.T, "b": rng.standard_normal(P)}


def test_smooth_verifier_confirms_only_an_understated_beta():
    problem, arrays = {"function": "quadratic"}, {"A": np.diag([3.0, -1.0, 2.0, 0.5]), "b": np.ones(4)}
    rng = np.random.default_rng(1)
    point = {"w": rng.standard_normal(4), "v": np.eye(4)[0], "w2": rng.standard_normal(4)}
    assert not verify_smooth(problem | {"beta": 3.0}, arrays | point).confirmed
    assert verify_smooth(problem | {"beta": 1.5}, arrays | point).confirmed


def test_gd_decrease_verifier_confirms_only_a_step_beyond_two_over_beta():
    problem, arrays = _quadratic()
    A = arrays["A"] @ arrays["A"]  # positive definite
    beta = float(np.linalg.eigvalsh(A)[-1])
    arrays = {"A": A, "b": arrays["b"], "w": np.random.default_rng(2).standard_normal(4)}
    assert not verify_gd_decrease(problem | {"lr": 1.0 / beta}, arrays).confirmed
    assert verify_gd_decrease(problem | {"lr": 2.5 / beta}, arrays).confirmed


def test_escape_verifier_agrees_with_the_bound_and_flags_a_too_large_step():
    lam, theta0 = np.array([-0.5, 1.0, 2.0]), np.array([1e-3, 2e-3, -1e-3])
    bound = escape_step_bound(lam, theta0, 0.4, 1e-2)
    assert not verify_escape({"lr": 0.4, "eps": 1e-2, "bound": bound}, {"lam": lam, "theta0": theta0}).confirmed
    lam = np.array([-0.2, 1.0, 2.0])
    bound = escape_step_bound(lam, theta0, 1.25, 1e-2)
    assert verify_escape({"lr": 1.25, "eps": 1e-2, "bound": bound}, {"lam": lam, "theta0": theta0}).confirmed


def test_pgd_verifier_rejects_a_theorem_abiding_configuration():
    assert not verify_pgd({"a": [0.9], "b": [0.8], "c": 0.5}, {}).confirmed


def test_binomial_threshold():
    assert least_successes(10) == 5  # P(Bin(10, 0.9) ≤ 4) = 1.6e-4 < 1e-3 ≤ P(… ≤ 5)


def test_quick_multi_seed_run_keeps_every_claim_in_its_expected_state(tmp_path: Path):
    results = run_seeds(CLAIMS, [1, 2], quick=True, artifacts=tmp_path)
    for verdicts in results.values():
        assert all(v.status == v.expected for v in verdicts), [(v.id, v.status, v.notes) for v in verdicts]
