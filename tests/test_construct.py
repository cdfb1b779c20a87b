"""Constructions of global minima: targets reproduced to 1e-10, hypotheses enforced."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spurious.construct import (
    balanced_factorization,
    deep_to_two_layer,
    hardt_ma_factorization,
    is_balanced,
    lift_two_layer,
    orthogonal_power,
    psd_root_split,
    svd_split,
)
from spurious.errors import HypothesisError, InputError
from spurious.models import DeepLinear
from spurious.tolerances import relative_error


def product(weights):
    P = weights[0]
    for W in weights[1:]:
        P = W @ P
    return P


def residual_product(weights):
    d = weights[0].shape[0]
    P = np.eye(d)
    for W in weights:
        P = (np.eye(d) + W) @ P
    return P


def positive_det(rng, d):
    R = rng.standard_normal((d, d))
    if np.linalg.det(R) < 0:
        R[0] *= -1
    return R


@given(st.integers(0, 10_000), st.integers(1, 5), st.integers(1, 12))
def test_svd_split_any_depth(seed, d, depth):
    R = np.random.default_rng(seed).standard_normal((d, d))
    assert relative_error(product(svd_split(R, depth)), R) <= 1e-10


@given(st.integers(0, 10_000), st.integers(1, 5), st.integers(1, 12))
def test_psd_root_split(seed, d, depth):
    G = np.random.default_rng(seed).standard_normal((d, d))
    R = G @ G.T
    weights = psd_root_split(R, depth)
    assert relative_error(product(weights), R) <= 1e-10
    assert all(np.allclose(W, W.T) for W in weights)


def test_psd_root_rejects_indefinite_and_asymmetric():
    with pytest.raises(HypothesisError, match="semi-definite"):
        psd_root_split(np.diag([1.0, -1.0]))
    with pytest.raises(HypothesisError, match="symmetric"):
        psd_root_split(np.array([[1.0, 2.0], [0.0, 1.0]]))


@given(st.integers(0, 10_000), st.lists(st.integers(1, 5), min_size=2, max_size=6),
       st.sampled_from([None, 3]))
def test_balanced_factorization(seed, widths, qseed):
    rng = np.random.default_rng(seed)
    r = min(widths)
    T = rng.standard_normal((widths[-1], r)) @ rng.standard_normal((r, widths[0]))
    weights = balanced_factorization(T, widths, seed=qseed)
    assert [W.shape for W in weights] == [(widths[j + 1], widths[j]) for j in range(len(widths) - 1)]
    assert relative_error(product(weights), T) <= 1e-10
    assert is_balanced(weights)


def test_balanced_rank_too_high():
    T = np.random.default_rng(0).standard_normal((3, 3))
    with pytest.raises(HypothesisError, match="rank 3 exceeds"):
        balanced_factorization(T, (3, 2, 3))
    with pytest.raises(InputError, match="target"):
        balanced_factorization(T, (2, 2, 3))


@pytest.mark.parametrize("H", [1, 2, 3, 7, 48, 384])
def test_hardt_ma_product_and_norm_decay(H):
    R = positive_det(np.random.default_rng(1), 4)
    weights = hardt_ma_factorization(R, H)
    assert len(weights) == H
    assert relative_error(residual_product(weights), R) <= 1e-10
    if H >= 3:
        assert H * max(np.linalg.norm(W, 2) for W in weights) < 10.0


@pytest.mark.parametrize("R", [-np.eye(2), np.diag([-1.0, -1.0, 3.0]), np.diag([-2.0, -0.5, 1.0, 1.0]),
                               np.array([[0.0, -1.0], [1.0, 0.0]]), np.eye(3), np.diag([2.0, 3.0])])
def test_hardt_ma_special_cases(R):
    """Angle π (eigenvalues −1 in pairs), a pure rotation, the identity, a pure stretch."""
    for H in (2, 5, 64):
        weights = hardt_ma_factorization(R, H)
        assert relative_error(residual_product(weights), R) <= 1e-10
        assert max(np.linalg.norm(W, 2) for W in weights) <= 2 * np.pi / H + 2 * np.log(3.0) / (H // 2)


def test_orthogonal_power_tends_to_identity():
    rng = np.random.default_rng(2)
    Q = np.linalg.qr(rng.standard_normal((5, 5)))[0]
    if np.linalg.det(Q) < 0:
        Q[:, 0] *= -1
    gaps = [np.linalg.norm(orthogonal_power(Q, a)[0] - np.eye(5), 2) for a in (0.5, 0.1, 0.01)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 0.04
    U3, _ = orthogonal_power(Q, 1 / 3)
    assert relative_error(U3 @ U3 @ U3, Q) <= 1e-12


@pytest.mark.parametrize("R", [np.diag([-1.0, 1.0]), np.zeros((2, 2)), np.diag([1.0, 0.0, 2.0])])
def test_hardt_ma_rejects_nonpositive_det(R):
    with pytest.raises(HypothesisError, match="det R"):
        hardt_ma_factorization(R, 4)


def test_hardt_ma_bad_input():
    with pytest.raises(InputError, match="R"):
        hardt_ma_factorization(np.ones((2, 3)), 3)
    with pytest.raises(InputError, match="depth"):
        hardt_ma_factorization(np.eye(2), 0)


@given(st.integers(0, 10_000))
def test_lift_two_layer_round_trip(seed):
    rng = np.random.default_rng(seed)
    hidden = [int(x) for x in rng.integers(2, 6, rng.integers(1, 5))]
    dk = min(hidden)
    widths = (int(rng.integers(1, 5)), *hidden, int(rng.integers(1, 5)))
    B, A = rng.standard_normal((dk, widths[0])), rng.standard_normal((widths[-1], dk))
    weights = lift_two_layer(B, A, widths)
    model = DeepLinear(widths)
    b, a = deep_to_two_layer(model, model.flatten(weights))
    assert np.allclose(b, B, atol=1e-14) and np.allclose(a, A, atol=1e-14)
    assert relative_error(product(weights), A @ B) <= 1e-12


def test_lift_bad_input():
    with pytest.raises(HypothesisError, match="narrowest"):
        lift_two_layer(np.ones((3, 2)), np.ones((2, 3)), (2, 3, 2, 2), k=1)
    with pytest.raises(InputError, match="B"):
        lift_two_layer(np.ones((3, 2)), np.ones((2, 2)), (2, 2, 2))
