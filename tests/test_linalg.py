"""spurious.linalg against dense LAPACK (numpy ``eigvalsh`` / ``solve``) on random symmetric matrices.

Each routine is checked on what it promises: inertia counts equal the eigenvalue counts,
extreme eigenpairs carry residuals that bracket a true eigenvalue, the damped solves equal
their closed forms, and the Lanczos quadrature reproduces qᵀ f(H) q exactly for polynomials
of degree < 2·steps.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.linalg import aslinearoperator

from spurious.linalg import (
    block_lanczos,
    certified_counts,
    damped_least_squares,
    extreme_eigenpairs,
    inertia,
    krylov_pinv_solve,
    lanczos_extremes,
    lanczos_failure_probability,
    lanczos_quadrature,
    lanczos_relative_error_at,
    minres_solve,
    normal_equations_solve,
    smallest_eigenvalue,
    spectral_norm,
)

SEEDS = st.integers(0, 2**31 - 1)


def symmetric(seed: int, P: int, *, rank: int | None = None, spread: float = 1.0) -> np.ndarray:
    """A random symmetric P×P matrix with Gaussian eigenvalues (``rank`` nonzero ones if given)."""
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.standard_normal((P, P)))[0]
    lam = spread * rng.standard_normal(P)
    if rank is not None:
        lam[rank:] = 0.0
    return (Q * lam) @ Q.T


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS, P=st.integers(2, 40), shift=st.floats(-1.0, 1.0))
def test_inertia_counts_the_eigenvalues_below_the_shift(seed, P, shift):
    H = symmetric(seed, P)
    lam = np.linalg.eigvalsh(H)
    if np.min(np.abs(lam - shift)) < 1e-8:  # a shift on an eigenvalue: the count is then ambiguous
        return
    counts = inertia(H, shift)
    assert counts.negative == int(np.sum(lam < shift))
    assert counts.negative + counts.zero + counts.positive == P
    assert 0 < counts.backward_error < 1e-10 * max(1.0, np.abs(lam).max()) * P


@settings(max_examples=25, deadline=None)
@given(seed=SEEDS, P=st.integers(3, 30), rank=st.integers(0, 30))
def test_certified_counts_give_index_and_nullity_of_singular_matrices(seed, P, rank):
    rank = min(rank, P)
    H = symmetric(seed, P, rank=rank)
    lam = np.linalg.eigvalsh(H)
    tau = 1e-8 * max(1.0, float(np.abs(lam).max()))
    c = certified_counts(H, tau)
    assert c.certified
    assert c.index == int(np.sum(lam < -tau))
    assert c.nullity == int(np.sum(np.abs(lam) <= tau))
    assert c.nullity >= P - rank


@settings(max_examples=15, deadline=None)
@given(seed=SEEDS, which=st.sampled_from(["SA", "LA"]))
def test_extreme_eigenpairs_residuals_bracket_true_eigenvalues(seed, which):
    P = 60
    H = symmetric(seed, P, spread=3.0)
    exact = np.linalg.eigvalsh(H)
    lam, V, res = extreme_eigenpairs(aslinearoperator(H), which, k=3, tol=1e-12, seed=seed % 1000)
    assert lam.shape == (3,) and V.shape == (P, 3) and res.shape == (3,)
    target = exact[:3] if which == "SA" else exact[-3:]
    np.testing.assert_allclose(lam, target, atol=1e-9 * np.abs(exact).max())
    for value, r in zip(lam, res, strict=True):  # Parlett Thm 4.5.1: an eigenvalue within r
        assert np.min(np.abs(exact - value)) <= r + 1e-12 * np.abs(exact).max()


@pytest.mark.parametrize("as_operator", [False, True])
def test_smallest_eigenvalue_dense_and_iterative_agree_with_eigvalsh(as_operator):
    H = symmetric(7, 50, spread=2.0)
    arg = aslinearoperator(H) if as_operator else H
    assert smallest_eigenvalue(arg) == pytest.approx(np.linalg.eigvalsh(H)[0], abs=1e-8)


@pytest.mark.parametrize("P", [20, 80])
def test_spectral_norm_matches_the_largest_absolute_eigenvalue(P):
    H = symmetric(3, P, spread=5.0)
    expected = float(np.max(np.abs(np.linalg.eigvalsh(H))))
    assert spectral_norm(aslinearoperator(H), tol=1e-10) == pytest.approx(expected, rel=1e-8)
    assert spectral_norm(H) == pytest.approx(expected, rel=1e-12)


def test_block_lanczos_finds_both_extremes_with_residuals_and_a_failure_bound():
    P = 120
    H = symmetric(11, P)
    exact = np.linalg.eigvalsh(H)
    out = block_lanczos(aslinearoperator(H), block=4, steps=40, seed=1, residual_tol=1e-10)
    assert out.ritz_values[0] == pytest.approx(exact[0], abs=1e-8)
    assert out.ritz_values[-1] == pytest.approx(exact[-1], abs=1e-8)
    assert np.all(out.residuals <= 1e-8)
    assert out.products <= P + 4
    assert 0.0 <= out.failure_probability(1e-2, P) <= 1.0


def test_lanczos_failure_bound_and_its_inverse_are_consistent():
    for dim, steps, starts in [(100, 20, 1), (10**6, 60, 4), (50, 5, 2)]:
        e = lanczos_relative_error_at(1e-6, dim, steps, starts)
        if e < 1.0:
            assert lanczos_failure_probability(dim, steps, e, starts) == pytest.approx(1e-6, rel=1e-9)
    assert lanczos_failure_probability(100, 1, 1e-8) == 1.0  # one step proves nothing


def test_lanczos_extremes_converges_to_both_ends():
    H = symmetric(5, 90, spread=4.0)
    exact = np.linalg.eigvalsh(H)
    T = lanczos_extremes(lambda v: H @ v, np.random.default_rng(0).standard_normal(90), rtol=1e-10, max_steps=90)
    theta, _ = T.ritz()
    assert theta[0] == pytest.approx(exact[0], rel=1e-8)
    assert theta[-1] == pytest.approx(exact[-1], rel=1e-8)
    assert T.n_hvp <= 90


@settings(max_examples=15, deadline=None)
@given(seed=SEEDS, power=st.integers(0, 7))
def test_lanczos_quadrature_is_exact_for_low_degree_polynomials(seed, power):
    # Gauss quadrature with k nodes integrates polynomials of degree ≤ 2k − 1 exactly (Golub & Meurant §6).
    H = symmetric(seed, 40)
    q = np.random.default_rng(seed + 1).standard_normal(40)
    nodes, weights, n_hvp = lanczos_quadrature(lambda v: H @ v, [q], steps=4)
    exact = q @ np.linalg.matrix_power(H, power) @ q / (q @ q)
    assert float(np.sum(weights[0] * nodes[0] ** power)) == pytest.approx(exact, rel=1e-9, abs=1e-9)
    assert n_hvp == 4


@settings(max_examples=25, deadline=None)
@given(seed=SEEDS, P=st.integers(2, 30), mu=st.floats(1e-6, 10.0))
def test_damped_least_squares_dense_and_lsmr_equal_the_closed_form(seed, P, mu):
    H = symmetric(seed, P, rank=max(1, P // 2))
    g = np.random.default_rng(seed + 2).standard_normal(P)
    expected = -np.linalg.solve(H @ H + mu * np.eye(P), H @ g)
    dense, _ = damped_least_squares(H, g, mu)
    iterative, _ = damped_least_squares(aslinearoperator(H), g, mu, maxiter=20 * P)
    scale = max(1.0, float(np.linalg.norm(expected)))
    assert np.linalg.norm(dense - expected) <= 1e-8 * scale
    assert np.linalg.norm(iterative - expected) <= 1e-6 * scale
    cg_solution = normal_equations_solve(aslinearoperator(H), H @ g, mu, rtol=1e-12, maxiter=50 * P)
    assert np.linalg.norm(-cg_solution - expected) <= 1e-5 * scale


def test_minres_solves_a_shifted_indefinite_system():
    H = symmetric(9, 50)
    b = np.random.default_rng(1).standard_normal(50)
    shift = 0.3 + float(np.abs(np.linalg.eigvalsh(H)).max())  # H + shift·I is SPD here
    x, iterations = minres_solve(aslinearoperator(H), b, shift=shift, rtol=1e-12)
    np.testing.assert_allclose((H + shift * np.eye(50)) @ x, b, atol=1e-9)
    assert 0 < iterations <= 100


def test_krylov_pinv_solve_returns_the_minimum_norm_solution_of_a_singular_system():
    P = 30
    H = symmetric(4, P, rank=12)
    b = H @ np.random.default_rng(2).standard_normal(P)  # b in range(H): the system is compatible
    x, _ = krylov_pinv_solve(aslinearoperator(H), b, maxiter=P)
    np.testing.assert_allclose(x, np.linalg.pinv(H, rcond=1e-10) @ b, atol=1e-8)
