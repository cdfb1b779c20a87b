"""Fault injection for the foundation claims (`spurious.claims.foundation`).

Each test injects one realistic bug into code a claim relies on and asserts that the claim then
stops saying its expected verdict (holds → not holds; S-GRADIENT: refuted → not refuted).
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import scipy.optimize

import spurious.losses as losses_module
import spurious.models.chain as chain_module
from spurious.data import Population

pytestmark = pytest.mark.honesty

foundation = importlib.import_module("spurious.claims.foundation")



def test_l_grad_hess_hessian_cross_term_sign_flipped(monkeypatch, claim_status):
    original = chain_module.chain_hvp
    monkeypatch.setattr(chain_module, "chain_hvp",
                        lambda F, D, G, hess_action: original(F, D, -G, hess_action))
    assert claim_status("L-GRAD-HESS") != "holds"


def test_l_nonconvex_permutation_forgets_the_next_layer(monkeypatch, claim_status):
    """Hidden units permuted in W₁ only (W₂'s columns left in place): not the network's symmetry."""

    def rows_only(model, theta, perm):
        blocks = [b.copy() for b in model.unflatten(theta)]
        blocks[0] = blocks[0][perm]
        return model.flatten(blocks)

    monkeypatch.setattr(foundation, "_permute_hidden", rows_only)
    assert claim_status("L-NONCONVEX") != "holds"


def test_l_nonconvex_0_optimiser_reports_converged_at_its_start(monkeypatch, claim_status):
    monkeypatch.setattr(foundation, "minimize",  # the claim's L-BFGS, imported at the top of claims.foundation
                        lambda fun, x0, **kwargs: scipy.optimize.OptimizeResult(x=np.asarray(x0), success=True))
    assert claim_status("L-NONCONVEX-0") != "holds"


def test_l_deep_nonstrict_descent_certificate_sign_error(monkeypatch, claim_status):
    original = foundation.descent_direction_at_origin

    def wrong_sign(model, G0):
        blocks = model.unflatten(original(model, G0).copy())
        blocks[-1] *= -1.0  # Δ_N = +u e₁ᵀ: W_{1:N}(tΔ) = +t^N u vᵀ, an ascent curve
        return model.flatten(blocks)

    monkeypatch.setattr(foundation, "descent_direction_at_origin", wrong_sign)
    assert claim_status("L-DEEP-NONSTRICT") != "holds"


def test_s_pop_loss_noise_constant_missing_its_half(monkeypatch, claim_status):
    monkeypatch.setattr(Population, "noise_constant", property(lambda self: self.d_out * float(self.noise_var)))
    assert claim_status("S-POP-LOSS") != "holds"


def test_s_gradient_oracle_loss_drops_its_half(monkeypatch, claim_status):
    """Without JAX the oracle is finite differences of the landscape; a squared loss that lost its
    ½ makes the report's factor 2 look right."""
    original = losses_module.SquaredFromStats.value
    monkeypatch.setattr(losses_module.SquaredFromStats, "value", lambda self, W: 2.0 * original(self, W))
    monkeypatch.setattr(foundation, "jax_available", lambda: False)
    assert claim_status("S-GRADIENT") != "refuted"
