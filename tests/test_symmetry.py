"""Stabilisers in S_n × S_d and families merged up to permutation (synthetic points, exact structure)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spurious.errors import InputError
from spurious.symmetry import equivalent, families, stabiliser


def _arjevani_field_shape(k: int) -> np.ndarray:
    """A ΔS_{k−1}-invariant matrix: coordinate 0 distinguished, the rest permuted together."""
    W = np.full((k, k), -0.05)
    W[np.arange(1, k), np.arange(1, k)] = 0.98
    W[1:, 0] = 0.31
    W[0, 0] = -0.6
    W[0, 1:] = 0.22
    return W


def test_stabiliser_of_the_af_shape_is_delta_s_k_minus_1_even_after_relabelling():
    k = 6
    W = _arjevani_field_shape(k)
    rng = np.random.default_rng(0)
    shuffled = W[rng.permutation(k)][:, rng.permutation(k)]
    for point in (W, shuffled):
        s = stabiliser(point)
        assert s.label() == "ΔS_5"
        assert s.order == 120


def test_generic_point_has_trivial_stabiliser_and_equal_rows_are_counted():
    W = np.random.default_rng(1).standard_normal((4, 4))
    assert stabiliser(W).label() == "trivial"
    W[2] = W[0]
    s = stabiliser(W)
    assert s.order == 2 and s.equal_rows == ((0, 2),)


@given(st.integers(0, 1000))
def test_permuted_copies_form_one_family_and_a_different_point_another(seed):
    rng = np.random.default_rng(seed)
    W = _arjevani_field_shape(5)
    copies = [W[rng.permutation(5)][:, rng.permutation(5)] for _ in range(4)]
    other = W.copy()
    other[1, 1] = 0.9                                    # breaks the symmetry: not equivalent
    fams = families(np.array([*copies, other]), np.array([0.02] * 4 + [0.02]))
    assert sorted(f.count for f in fams) == [1, 4]
    assert not equivalent(W, other)


def test_families_check_their_input():
    with pytest.raises(InputError, match="losses"):
        families(np.zeros((2, 3, 3)), np.zeros(3))
