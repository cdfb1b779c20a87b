"""Seeded generators and the population statistics of the project report."""

from __future__ import annotations

import numpy as np
import pytest

import spurious as sp


def test_generators_are_seeded():
    a = sp.gaussian_teacher(3, 2, 10, seed=5)
    b = sp.gaussian_teacher(3, 2, 10, seed=5)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.Y, b.Y)
    assert not np.array_equal(a.X, sp.gaussian_teacher(3, 2, 10, seed=6).X)


def test_whitened_inputs_have_identity_covariance():
    data = sp.whitened_teacher(4, 2, 50, seed=1)
    np.testing.assert_allclose(data.X @ data.X.T, 50 * np.eye(4), atol=1e-10)


def test_rank_deficient_inputs_are_singular():
    data = sp.rank_deficient_teacher(5, 2, 30, rank=2, seed=1)
    assert np.linalg.matrix_rank(data.X @ data.X.T) == 2


def test_repeated_eigenvalues_of_sigma():
    data = sp.repeated_eigenvalue_teacher(4, 4, 40, spectrum=(3.0, 3.0, 1.0, 1.0), seed=2)
    ell = sp.SquaredLoss().on(data)
    np.testing.assert_allclose(ell.sigma_eigenvalues, [3.0, 3.0, 1.0, 1.0], atol=1e-10)


def test_labels_for_classification_losses():
    y = sp.logistic_teacher(3, 40, seed=0).Y
    assert set(np.unique(y)) <= {-1.0, 1.0}
    Y = sp.softmax_teacher(3, 4, 40, seed=0).Y
    np.testing.assert_array_equal(Y.sum(axis=0), np.ones(40))


def test_population_statistics_match_the_report():
    R = np.array([[1.0, 2.0], [0.0, -1.0]])
    pop = sp.population(R, np.diag([2.0, 0.5]), noise_var=1.0)
    stats = pop.stats()
    np.testing.assert_allclose(stats.YXt, R @ np.diag([2.0, 0.5]))
    assert stats.trYYt == pytest.approx(np.trace(R @ np.diag([2.0, 0.5]) @ R.T) + 2)
    land = sp.Landscape(sp.DeepLinear((2, 2, 2, 2)), sp.SquaredLoss(), pop)
    assert land.min_value == pytest.approx(1.0)  # C = d/2 with d = 2
