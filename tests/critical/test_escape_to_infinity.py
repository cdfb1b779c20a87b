"""Finder runs that run off to infinity end "escaping", not "max-iterations".

The constructed case: a logistic loss on linearly separable data has its infimum 0 at infinity
(no finite critical point), so every finder run that moves must escape; with flipped labels the
data are not separable and the same finder converges to the finite minimum (negative control).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from spurious.critical import damped_newton
from spurious.critical.finders import escape_to_infinity
from spurious.data import logistic_teacher
from spurious.landscape import Landscape
from spurious.losses import LogisticLoss
from spurious.models import DeepLinear
from spurious.tolerances import ESCAPE_GRADIENT_DECAY, ESCAPE_GROWTH
from spurious.vocabulary import RunStatus


def logistic_regression(flip: float) -> Landscape:
    return Landscape(DeepLinear((2, 1)), LogisticLoss(), logistic_teacher(2, 20, seed=0, flip=flip))


def test_separable_logistic_regression_escapes_to_infinity():
    L = logistic_regression(flip=0.0)
    res = damped_newton(L, L.model.random_point(0), max_iterations=200)
    assert res.status is RunStatus.ESCAPING, res.summary()
    escape = res.info["escape_to_infinity"]
    assert escape["growth"] >= ESCAPE_GROWTH
    assert escape["grad_norms"][-1] <= ESCAPE_GRADIENT_DECAY * escape["grad_norms"][0]
    assert "escaping to infinity" in res.message and "‖θ‖ grew" in res.message
    assert np.linalg.norm(res.point) == escape["norms"][-1]


def test_non_separable_logistic_regression_converges_instead():
    L = logistic_regression(flip=0.2)
    res = damped_newton(L, L.model.random_point(0), max_iterations=200)
    assert res.status is RunStatus.CONVERGED, res.summary()


def test_steady_growth_with_decaying_gradient_is_an_escape():
    t = np.arange(201.0)
    assert escape_to_infinity(3 + 0.1 * t, 10 * np.exp(-0.05 * t)) is not None
    assert escape_to_infinity(np.log1p(t) + 1, 1 / (1 + t) ** 2) is not None  # GD on separable data


@settings(max_examples=50, deadline=None)
@given(limit=st.floats(0.1, 1e3), gap=st.floats(1e-3, 10.0), rate=st.floats(0.5, 0.999))
def test_a_run_converging_to_a_finite_point_is_not_an_escape(limit, gap, rate):
    t = np.arange(301.0)
    if 0.40 <= rate**150 <= 0.5:  # the band tolerances.ESCAPE_STEADINESS documents as ambiguous
        rate = rate**2
    norms = limit + gap * rate**t  # ‖θ_t‖ → a finite limit
    assert escape_to_infinity(norms, rate**t) is None
    assert escape_to_infinity(limit - gap * rate**t / 2, rate**t) is None


def test_a_stagnating_gradient_is_not_an_escape():
    t = np.arange(201.0)
    assert escape_to_infinity(3 + 0.1 * t, np.full(t.size, 1e-2)) is None
    assert escape_to_infinity(np.full(10, 5.0), np.linspace(1, 0.1, 10)) is None  # too short a run
