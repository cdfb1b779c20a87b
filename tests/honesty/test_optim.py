"""Fault injection for the optimisation claims (`spurious.claims.optim`).

Each test injects one realistic bug into the optimisers or bounds a claim relies on and asserts
that the claim then stops saying *holds*.
"""

from __future__ import annotations

import importlib
import math

import numpy as np
import pytest

from spurious.optim.functions import Quadratic

pytestmark = pytest.mark.honesty

optim_claims = importlib.import_module("spurious.claims.optim")
pgd_module = importlib.import_module("spurious.optim._pgd")



def test_l_smooth_quadratic_hessian_doubled(monkeypatch, claim_status):
    """The quadratic's HVP returns 2·A·v (a factor error in the curvature)."""
    monkeypatch.setattr(Quadratic, "hvp", lambda self, w, V: 2.0 * (V @ self.A))
    assert claim_status("L-SMOOTH") != "holds"


def test_l_gd_rate_gradient_step_doubled(monkeypatch, claim_status):
    """GD takes w − 2η∇f (a factor error in the update): steps no longer decrease f by (η/2)‖∇f‖²."""
    gd_module = importlib.import_module("spurious.optim._gd")
    original = gd_module.run

    def doubled(landscape, x0, lr=None, *args, **kwargs):
        return original(landscape, x0, None if lr is None else 2.2 * lr, *args, **kwargs)

    monkeypatch.setattr(optim_claims, "gd", doubled)
    assert claim_status("L-GD-RATE") != "holds"


def test_l_escape_bound_off_by_a_factor_of_two(monkeypatch, claim_status):
    """The ceiling formula without its ½ (log of θ instead of θ²): a bound half as large."""
    original = optim_claims.escape_step_bound
    monkeypatch.setattr(optim_claims, "escape_step_bound",
                        lambda lam, theta0, lr, eps: max(math.ceil(original(lam, theta0, lr, eps) / 2) - 1, 0))
    assert claim_status("L-ESCAPE") != "holds"


def test_l_pgd_perturbation_skipped(monkeypatch, claim_status):
    """PGD's perturbation draws from a ball of radius 0 (a sampler bug): the runs stay at the saddle."""
    monkeypatch.setattr(pgd_module, "sample_ball", lambda rng, dim, radius, size=None: np.zeros(dim))
    assert claim_status("L-PGD") != "holds"
