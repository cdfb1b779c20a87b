"""The classifier says "spurious local minimum" when it is true, and refuses at ReLU kinks."""

from __future__ import annotations

import numpy as np

import spurious as sp
from spurious.claims.architectures import certified_spurious_minimum
from spurious.critical import classify
from spurious.models import MLP


def test_classifier_certifies_the_softplus_spurious_minimum():
    cert = certified_spurious_minimum()
    assert cert["certified"]
    assert cert["classifier_label"] == "spurious local minimum"
    assert cert["spurious"]["loss"] > cert["better"]["loss"]


def test_better_value_never_makes_a_point_global_and_is_needed_for_spurious():
    cert = certified_spurious_minimum()
    land = sp.Landscape(MLP((1, 1, 1), "softplus", bias=False), sp.SquaredLoss(),
                        sp.Dataset(cert["X"], cert["Y"]))
    bad, better = cert["spurious"], cert["better"]
    assert classify(land, bad["theta"]).label == "inconclusive"  # no optimum known, none exhibited
    assert classify(land, better["theta"], better_value=bad["loss"]).label == "inconclusive"


def test_relu_kink_is_reported_not_classified():
    model = MLP((2, 3, 1), "relu", bias=False)
    land = sp.Landscape(model, sp.SquaredLoss(), sp.gaussian_teacher(2, 1, 10, seed=0))
    result = classify(land, model.zeros())
    assert result.label == "inconclusive" and "non-differentiable" in result.reason
    assert np.isfinite(result.loss)
