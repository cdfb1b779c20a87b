"""Analytic enumeration: gradient zero, loss formula, index formula, counts, degenerate families."""

import numpy as np
import pytest

from spurious.critical import classify, count_index_sets, enumerate_critical_points, hessian_spectrum, named_point
from spurious.data import Dataset, gaussian_teacher, rank_deficient_teacher, repeated_eigenvalue_teacher
from spurious.errors import InputError
from spurious.landscape import Landscape
from spurious.losses import LogisticLoss, SquaredLoss
from spurious.models import DeepLinear


def autoencoder(m=2000, seed=0):
    rng = np.random.default_rng(seed)
    X = np.sqrt(np.linspace(1, 16, 16))[:, None] * rng.standard_normal((16, m))
    X -= X.mean(axis=1, keepdims=True)
    return Landscape(DeepLinear((16, 4, 16)), SquaredLoss(mean=True), Dataset(X, X))


def test_autoencoder_has_2517_index_sets_and_every_one_is_classified_as_predicted():
    """2 517 = Σ_{r≤4} C(16, r): every Γ ⊆ 16 eigenvectors with |Γ| ≤ p = 4 (Frye et al.'s count)."""
    L = autoencoder()
    assert count_index_sets(16, 4) == 2517
    pts = enumerate_critical_points(L)
    assert len(pts) == 2517
    labels = {"global minimum": 0, "strict saddle": 0}
    for pt in pts:
        c = classify(L, pt.point, search_descent=False)
        assert c.label == pt.predicted_label, pt.name
        assert c.spectrum.index == pt.predicted_index, pt.name
        assert abs(c.loss - pt.loss) <= 1e-10 * max(1.0, pt.loss)
        labels[c.label] += 1
    assert labels["global minimum"] == 1


@pytest.mark.parametrize("widths", [(5, 3, 5), (4, 2, 6), (3, 5, 3), (6, 4, 5)])
def test_two_layer_index_formula(widths):
    L = Landscape(DeepLinear(widths), SquaredLoss(), gaussian_teacher(widths[0], widths[-1], 80, seed=3))
    for pt in enumerate_critical_points(L):
        assert hessian_spectrum(L, pt.point).index == pt.predicted_index


@pytest.mark.parametrize("widths", [(3, 4, 2), (4, 2, 3, 4), (3, 3, 3, 3, 3)])
def test_points_are_critical_with_formula_loss(widths):
    L = Landscape(DeepLinear(widths), SquaredLoss(), gaussian_teacher(widths[0], widths[-1], 40, seed=1))
    for pt in enumerate_critical_points(L, seed=5):
        f, g = L.value_and_gradient(pt.point)
        assert np.linalg.norm(g) <= 1e-9 * max(1.0, f)
        assert abs(f - pt.loss) <= 1e-10 * max(1.0, f)


def test_singular_xxt_and_repeated_eigenvalues_are_degenerate_not_failures():
    L = Landscape(DeepLinear((5, 3, 4)), SquaredLoss(), rank_deficient_teacher(5, 4, 40, rank=2, seed=0))
    pts = enumerate_critical_points(L)
    assert pts and all(pt.degenerate for pt in pts)
    for pt in pts:
        assert np.linalg.norm(L.gradient(pt.point)) <= 1e-8 * max(1.0, pt.loss)
    L2 = Landscape(DeepLinear((4, 2, 4)), SquaredLoss(), repeated_eigenvalue_teacher(4, 4, 30, seed=0))
    pts2 = enumerate_critical_points(L2)
    assert any(pt.degenerate for pt in pts2)
    for pt in pts2:
        assert np.linalg.norm(L2.gradient(pt.point)) <= 1e-8 * max(1.0, pt.loss)
        assert classify(L2, pt.point).label in ("global minimum", "strict saddle")


def test_named_points_and_errors():
    L = Landscape(DeepLinear((3, 3, 2)), SquaredLoss(), gaussian_teacher(3, 2, 30, seed=0))
    assert named_point(L, "global").predicted_label == "global minimum"
    assert np.all(named_point(L, "origin").point == 0)
    assert named_point(L, "gamma:1").subset == (1,)
    for bad in ("gamma:0,0", "gamma:9", "gamma:0,1,2", "gamma:a", "nonsense"):
        with pytest.raises(InputError):
            named_point(L, bad)
    logistic = Landscape(DeepLinear((3, 2, 1)), LogisticLoss(),
                         Dataset(np.ones((3, 4)), np.array([[1.0, -1.0, 1.0, -1.0]])))
    with pytest.raises(InputError, match="squared"):
        enumerate_critical_points(logistic)
