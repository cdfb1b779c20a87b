"""Fault injection for the architecture claims (`spurious.claims.architectures`).

Each test injects one realistic bug into library code a claim relies on and asserts that the
claim then stops saying *holds* (it says refuted, inconclusive or error).
"""

from __future__ import annotations

import dataclasses
import importlib

import numpy as np
import pytest

import spurious.construct as construct_module
import spurious.losses as losses_module
import spurious.models.chain as chain_module
from spurious.claims import architectures as arch
from spurious.models import DeepLinear, ExpNeuron, MultiTower
from spurious.tolerances import DEFAULT

pytestmark = pytest.mark.honesty

mlp_module = importlib.import_module("spurious.models.mlp")
exp_module = importlib.import_module("spurious.models.exp_neuron")



def test_a_resnet_crit_backward_pass_forgets_skip_connection(monkeypatch, claim_status):
    """The gradient's pull-back through W_k instead of I + W_k (the value is still right)."""
    original = chain_module.chain_pullback

    def no_skip(F, G):
        return original([f - np.eye(f.shape[0]) for f in F], G)

    monkeypatch.setattr(chain_module, "chain_pullback", no_skip)
    assert claim_status("A-RESNET-CRIT") != "holds"


def test_a_resnet_crit_optimum_biased_low(monkeypatch, claim_status):
    original = losses_module.SquaredFromStats.min_value
    monkeypatch.setattr(losses_module.SquaredFromStats, "min_value",
                        lambda self, rank: original(self, rank) - 1e-3 * (1 + abs(original(self, rank))))
    assert claim_status("A-RESNET-CRIT") != "holds"


def test_a_resnet_construct_factorisation_scaled_0999(monkeypatch, claim_status):
    real = arch.hardt_ma_factorization
    monkeypatch.setattr(arch, "hardt_ma_factorization", lambda R, H: [0.999 * W for W in real(R, H)])
    assert claim_status("A-RESNET-CONSTRUCT") != "holds"


def test_a_resnet_construct_positive_root_exponent_off_by_one(monkeypatch, claim_status):
    """P^{1/(h_P + 1)} instead of P^{1/h_P} in the positive part of the factorisation."""
    original = construct_module.spd_power
    monkeypatch.setattr(construct_module, "spd_power", lambda P, alpha: original(P, alpha / (1 + alpha)))
    assert claim_status("A-RESNET-CONSTRUCT") != "holds"


def test_a_relu_rank_rank_tolerance_inflated_1e6(claim_status):
    tol = dataclasses.replace(DEFAULT, rank=1e6 * DEFAULT.rank)
    assert claim_status("A-RELU-RANK", tolerances=tol) != "holds"


def test_a_relu_rank_sigmoid_replaced_by_hard_sigmoid(monkeypatch, claim_status):
    """A piecewise-linear 'sigmoid' that saturates exactly: its F loses rank on a set of positive measure."""
    hard = dataclasses.replace(mlp_module.ACTIVATIONS["sigmoid"], f=lambda s: np.clip(0.25 * s + 0.5, 0.0, 1.0))
    monkeypatch.setitem(mlp_module.ACTIVATIONS, "sigmoid", hard)
    assert claim_status("A-RELU-RANK") != "holds"


def test_a_exp_neuron_regulariser_dropped(monkeypatch, claim_status):
    """λa² missing from L̃ (value, gradient and HVP) while λ is still reported."""
    obj = exp_module.ExpNeuronObjective
    value, value_and_gradient, hvp = obj.value, obj.value_and_gradient, obj.hvp

    def a_of(self, theta):
        return float(self.model.split(theta)[2][0, 0])

    def no_reg_value(self, theta):
        return value(self, theta) - self.model.lam * a_of(self, theta) ** 2

    def no_reg_value_and_gradient(self, theta):
        f, g = value_and_gradient(self, theta)
        g = g.copy()
        g[-2] -= 2 * self.model.lam * a_of(self, theta)
        return f - self.model.lam * a_of(self, theta) ** 2, g

    def no_reg_hvp(self, theta, V):
        out = hvp(self, theta, V).copy()
        out[..., -2] -= 2 * self.model.lam * np.asarray(V)[..., -2]
        return out

    monkeypatch.setattr(obj, "value", no_reg_value)
    monkeypatch.setattr(obj, "value_and_gradient", no_reg_value_and_gradient)
    monkeypatch.setattr(obj, "hvp", no_reg_hvp)
    assert claim_status("A-EXP-NEURON") != "holds"


def test_a_exp_neuron_finder_reports_converged_too_early(monkeypatch, claim_status):
    """L-BFGS stopped after 5 iterations and no Newton polish: the check must not take its points for minima."""
    original = arch._lbfgs
    monkeypatch.setattr(arch, "_lbfgs", lambda land, x0, gtol=1e-12, maxiter=3000: original(land, x0, gtol, 5))
    monkeypatch.setattr(arch, "_newton_polish", lambda land, theta, steps=20: theta)
    assert claim_status("A-EXP-NEURON") != "holds"


def test_k_relu_path_path_sum_drops_q(monkeypatch, claim_status):
    original = arch.path_sum
    monkeypatch.setattr(arch, "path_sum", lambda Ws, X, q=1.0, activations=None: original(Ws, X, 1.0, activations))
    assert claim_status("K-RELU-PATH") != "holds"


def test_k_relu_path_expected_output_uses_rho_squared(monkeypatch, claim_status):
    original = arch.expected_bernoulli_output
    monkeypatch.setattr(arch, "expected_bernoulli_output", lambda Ws, X, rho, q=1.0: original(Ws, X, rho * rho, q))
    assert claim_status("K-RELU-PATH") != "holds"


def test_k_backprop_output_delta_scaled_1001(monkeypatch, claim_status):
    real = arch.MLP.backward
    monkeypatch.setattr(arch.MLP, "backward", lambda self, cache, delta: real(self, cache, 1.001 * delta))
    assert claim_status("K-BACKPROP") != "holds"


def test_k_backprop_tanh_derivative_missing_square(monkeypatch, claim_status):
    """tanh'(s) = 1 − tanh(s) instead of 1 − tanh(s)²."""
    wrong = dataclasses.replace(mlp_module.ACTIVATIONS["tanh"], df=lambda s: 1 - np.tanh(s))
    monkeypatch.setitem(mlp_module.ACTIVATIONS, "tanh", wrong)
    assert claim_status("K-BACKPROP") != "holds"


def test_d_reduction_lift_padding_not_isometric(monkeypatch, claim_status):
    original = arch.lift_two_layer
    monkeypatch.setattr(arch, "lift_two_layer",
                        lambda B, A, widths, k=None: [W * (1.001 if j == 1 else 1.0)
                                                      for j, W in enumerate(original(B, A, widths, k))])
    assert claim_status("D-REDUCTION") != "holds"


def test_d_multitower_reduction_bottleneck_off_by_one(monkeypatch, claim_status):
    monkeypatch.setattr(MultiTower, "reduction", lambda self: DeepLinear((self.d_in, self.bottleneck - 1, self.d_out)))
    assert claim_status("D-MULTITOWER") != "holds"


@pytest.mark.parametrize("claim_id", ["D-REDUCTION", "D-MULTITOWER"])
def test_finder_reports_converged_too_early(monkeypatch, claim_status, claim_id):
    """A minimiser that stops after 3 L-BFGS iterations and calls that converged: classify must catch it."""
    def early(L, x0, seed):
        return arch._lbfgs(L, x0, maxiter=3), "converged", False

    monkeypatch.setattr(arch, "_settle_minimum", early)
    assert claim_status(claim_id) != "holds"


def test_s_construct_svd_split_ignores_singular_values(monkeypatch, claim_status):
    monkeypatch.setattr(arch, "svd_split", lambda R, depth: [np.eye(R.shape[0])] * depth)
    assert claim_status("S-CONSTRUCT") != "holds"


def test_s_construct_psd_root_exponent_off_by_one(monkeypatch, claim_status):
    """Z^{1/(N+1)} instead of Z^{1/N}: the product is R^{N/(N+1)}."""
    original = arch.psd_root_split
    monkeypatch.setattr(arch, "psd_root_split", lambda R, depth: original(R, depth + 1)[:depth])
    assert claim_status("S-CONSTRUCT") != "holds"


def test_exp_neuron_fault_helpers_leave_lambda_positive():
    """Sanity of the fault above: the model itself still requires λ > 0."""
    from spurious.errors import InputError
    from spurious.models import MLP

    with pytest.raises(InputError):
        ExpNeuron(MLP((1, 2, 1), "tanh", bias=False), lam=0.0)
