"""classify() and hessian_spectrum(): labels agree with theory; bad input raises InputError."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spurious.critical import classify, enumerate_critical_points, hessian_spectrum
from spurious.critical.spectrum import _lanczos
from spurious.data import gaussian_teacher
from spurious.errors import InputError
from spurious.landscape import Landscape
from spurious.losses import SquaredLoss
from spurious.models import DeepLinear
from spurious.tolerances import DEFAULT


def squared(widths, seed=0, m=50):
    return Landscape(DeepLinear(widths), SquaredLoss(), gaussian_teacher(widths[0], widths[-1], m, seed=seed))


@pytest.mark.parametrize("widths", [(4, 3, 4), (5, 2, 3), (3, 3, 3, 3), (4, 3, 2, 4), (3, 4, 2, 3, 3)])
def test_classifier_agrees_with_analytic_labels(widths):
    L = squared(widths, seed=len(widths))
    for pt in enumerate_critical_points(L, seed=1):
        c = classify(L, pt.point)
        assert c.label == pt.predicted_label, (pt.name, c.reason)
        assert abs(c.loss - pt.loss) <= 1e-10 * max(1.0, pt.loss)
        if pt.predicted_index is not None:
            assert c.spectrum.index == pt.predicted_index


def test_origin_of_depth3_is_certified_non_strict():
    L = squared((3, 3, 3, 3))
    c = classify(L, np.zeros(L.n_params))
    assert c.label == "non-strict saddle"
    assert c.descent.order == 3 and c.descent.coefficient < 0
    assert c.spectrum.lam_min == 0.0 and c.spectrum.lam_max == 0.0


def test_depth_n_origin_descent_order_is_n():
    L = squared((2, 2, 2, 2, 2))
    c = classify(L, np.zeros(L.n_params))
    assert c.label == "non-strict saddle" and c.descent.order == 4


def test_strict_saddle_certificate_decreases_loss():
    L = squared((3, 3, 3))
    c = classify(L, np.zeros(L.n_params))
    assert c.label == "strict saddle"
    assert c.certificate["curvature"] < 0
    assert min(c.certificate["decrease"]) < 0


def test_not_critical_at_random_point():
    L = squared((3, 4, 2))
    c = classify(L, L.model.random_point(3))
    assert c.label == "not critical" and c.grad_norm > c.grad_tol


def test_nan_and_wrong_shape_points_raise_input_error():
    L = squared((3, 4, 2))
    bad = np.zeros(L.n_params)
    bad[2] = np.nan
    with pytest.raises(InputError, match="NaN"):
        classify(L, bad)
    with pytest.raises(InputError, match="parameters"):
        classify(L, np.zeros(L.n_params + 1))
    with pytest.raises(InputError):
        classify(L, [np.zeros((4, 3))])


def test_spurious_local_minimum_needs_pd_complement(monkeypatch):
    """Pretend the optimum is lower: a global minimum becomes a certified spurious local minimum
    (nullity = symmetry orbit dimension at a full-rank point), never a silent 'global'."""
    L = squared((3, 3, 3))
    top = [pt for pt in enumerate_critical_points(L) if pt.predicted_label == "global minimum"][0]
    from spurious.landscape import MinValue
    monkeypatch.setattr(type(L), "optimum", property(lambda self: MinValue(top.loss - 1.0, "fake")))
    c = classify(L, top.point)
    assert c.label == "spurious local minimum"
    assert c.symmetry_dim == 9 and c.spectrum.nullity == 9


@given(st.integers(0, 10_000))
def test_lanczos_matches_dense(seed):
    L = squared((4, 5, 3), seed=seed % 7)
    theta = L.model.random_point(seed)
    dense = hessian_spectrum(L, theta)
    lanc = _lanczos(L.hessian_operator(theta), DEFAULT, k=3, tol=1e-13, seed=seed)
    scale = dense.hess_norm
    assert abs(dense.lam_min - lanc.lam_min) <= 1e-8 * scale + lanc.err_min
    assert abs(dense.lam_max - lanc.lam_max) <= 1e-8 * scale + lanc.err_max
    assert lanc.err_min <= 1e-6 * scale
