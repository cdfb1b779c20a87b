"""Fault injection for the critical-point claims (`spurious.claims.critical`).

Each test injects one realistic bug into library code a claim relies on and asserts that the
claim then stops saying its expected verdict (holds → not holds; S-CRIT-CLAIM: refuted → not refuted).
"""

from __future__ import annotations

import dataclasses
import importlib

import numpy as np
import pytest

import spurious.losses as losses_module
import spurious.models.chain as chain_module
from spurious.tolerances import DEFAULT

pytestmark = pytest.mark.honesty

classify_module = importlib.import_module("spurious.critical._classify")
analytic_module = importlib.import_module("spurious.critical.analytic")



def test_k_baldi_hornik_index_formula_off_by_one(monkeypatch, claim_status):
    original = analytic_module._baldi_hornik_index

    def off_by_one(*args):
        index = original(*args)
        return None if index is None else index + 1

    monkeypatch.setattr(analytic_module, "_baldi_hornik_index", off_by_one)
    assert claim_status("K-BALDI-HORNIK") != "holds"


def test_k_kawaguchi_classifier_skips_higher_order_test(monkeypatch, claim_status):
    monkeypatch.setattr(classify_module, "find_descent_curve", lambda *args, **kwargs: None)
    assert claim_status("K-KAWAGUCHI") != "holds"


def test_l_depth2_strict_eigenvalue_tolerance_inflated_1e8(monkeypatch, claim_status):
    """τ = 1e-8·‖H‖ read as 1e0·‖H‖ (a relative tolerance used as absolute on a unit-scale Hessian):
    every eigenvalue counts as zero. (At 1e6× the saddles here still clear τ by 6×: the check is
    robust to that, so the fault must be large enough to hide them.)"""
    original = classify_module.hessian_spectrum

    def inflated(landscape, theta, tolerances=DEFAULT, **kwargs):
        loose = dataclasses.replace(tolerances, eigenvalue=1e8 * tolerances.eigenvalue)
        return original(landscape, theta, loose, **kwargs)

    monkeypatch.setattr(classify_module, "hessian_spectrum", inflated)
    assert claim_status("L-DEPTH2-STRICT") != "holds"


def test_l_no_bad_min_numerical_optimum_biased_low(monkeypatch, claim_status):
    original = chain_module.convex_minimum

    def biased(ell):
        found = original(ell)
        return None if found is None else dataclasses.replace(found, value=found.value - 0.01 * (1 + abs(found.value)))

    monkeypatch.setattr(chain_module, "convex_minimum", biased)
    assert claim_status("L-NO-BAD-MIN") != "holds"


def test_d_fullrank_classifier_takes_null_directions_for_symmetries(monkeypatch, claim_status):
    """The higher-order test skipped: no descent-curve search, every null direction called a symmetry."""

    def all_null_directions(landscape, theta):
        eig = np.linalg.eigvalsh(landscape.hessian(theta))
        return int(np.sum(np.abs(eig) <= 1e-8 * np.max(np.abs(eig))))

    monkeypatch.setattr(classify_module, "find_descent_curve", lambda *args, **kwargs: None)
    monkeypatch.setattr(classify_module, "symmetry_orbit_dimension", all_null_directions)
    assert claim_status("D-FULLRANK") != "holds"


def test_d_quadratic_eckart_young_rank_off_by_one(monkeypatch, claim_status):
    original = losses_module.SquaredFromStats.min_value
    monkeypatch.setattr(losses_module.SquaredFromStats, "min_value", lambda self, rank: original(self, rank + 1))
    assert claim_status("D-QUADRATIC") != "holds"


def test_s_crit_claim_loss_gradient_biased(monkeypatch, claim_status):
    """A constant slipped into ∇ℓ: the report's point is no longer critical on the main route,
    and nothing the polish finds survives the 50-digit re-verification."""
    original = losses_module.SquaredFromStats.gradient
    monkeypatch.setattr(losses_module.SquaredFromStats, "gradient", lambda self, W: original(self, W) + 1e-3)
    assert claim_status("S-CRIT-CLAIM") != "refuted"
