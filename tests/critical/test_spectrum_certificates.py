"""Certified spectra: inertia counts (LDLᵀ, Sylvester) on dense Hessians, probabilistic block Lanczos.

The counts are checked against eigvalsh on matrices with a known spectrum (hypothesis), with a
negative control (one eigenvalue moved just below −τ flips "PSD"), and classify says which kind
each number is ("= k" vs "≥ k").
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import ortho_group

from spurious.critical import classify, enumerate_critical_points, hessian_spectrum
from spurious.data import gaussian_teacher
from spurious.landscape import Landscape
from spurious.linalg import block_lanczos, certified_counts, inertia, lanczos_failure_probability
from spurious.losses import SquaredLoss
from spurious.models import DeepLinear
from spurious.optim.functions import quadratic_landscape


def _with_spectrum(lam: np.ndarray, seed: int) -> np.ndarray:
    Q = ortho_group.rvs(lam.size, random_state=seed)
    H = (Q * lam) @ Q.T
    return 0.5 * (H + H.T)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(n_neg=st.integers(0, 6), n_zero=st.integers(0, 6), n_pos=st.integers(1, 12), seed=st.integers(0, 10_000))
def test_inertia_counts_match_a_known_spectrum(n_neg, n_zero, n_pos, seed):
    rng = np.random.default_rng(seed)
    lam = np.concatenate([-rng.uniform(0.1, 10, n_neg), 1e-12 * rng.standard_normal(n_zero),
                          rng.uniform(0.1, 10, n_pos)])
    H = _with_spectrum(lam, seed)
    tau = 1e-8 * float(np.max(np.abs(lam)))
    counts = certified_counts(H, tau)
    assert counts.certified
    assert (counts.index, counts.nullity) == (n_neg, n_zero)
    assert inertia(H).negative + inertia(H).zero + inertia(H).positive == lam.size


def test_negative_control_one_eigenvalue_just_below_minus_tau_is_counted():
    lam = np.array([0.0, 0.0, 1.0, 2.0, 5.0])
    tau = 1e-8 * 5.0
    psd = certified_counts(_with_spectrum(lam, 0), tau)
    assert (psd.index, psd.nullity) == (0, 2)
    lam[0] = -3 * tau  # a tiny negative eigenvalue, far above the backward error
    control = certified_counts(_with_spectrum(lam, 0), tau)
    assert control.certified and (control.index, control.nullity) == (1, 1)
    L = quadratic_landscape(_with_spectrum(lam, 0))
    spec = hessian_spectrum(L, np.zeros(5))
    assert spec.certified and spec.index == 1 and not spec.certainly_psd


def _net() -> Landscape:
    return Landscape(DeepLinear((4, 2, 4)), SquaredLoss(mean=True), gaussian_teacher(4, 4, 50, seed=0))


def test_classify_states_certified_counts_on_the_dense_path():
    L = _net()
    for pt in enumerate_critical_points(L)[:6]:
        cl = classify(L, pt.point)
        spec = cl.spectrum
        assert spec.certified and spec.index_exact
        assert spec.index == pt.predicted_index
        assert f"index = {spec.index}" in cl.summary() and "certified (LDLᵀ inertia)" in cl.summary()
        assert np.sum(spec.eigenvalues < -spec.zero_tol) == spec.index  # eigh agrees


def test_iterative_path_is_labelled_probabilistic_lower_bound():
    L = Landscape(DeepLinear((12, 8, 12)), SquaredLoss(mean=True), gaussian_teacher(12, 12, 60, seed=1))
    theta = L.model.random_point(3)
    dense = hessian_spectrum(L, theta)
    spec = hessian_spectrum(L, theta, dense_limit=0)
    assert spec.kind == "probabilistic (block Lanczos)" and not spec.index_exact
    assert spec.index <= dense.index  # interlacing: a lower bound
    assert f"≥ {spec.index}" in spec.describe()
    assert abs(spec.lam_min - dense.lam_min) <= spec.err_min + dense.err_min
    assert abs(spec.lam_max - dense.lam_max) <= spec.err_max + dense.err_max
    assert 0.0 < spec.failure_probability <= 1.01e-6 and spec.lam_min_lower <= dense.lam_min
    cl = classify(L, np.zeros(L.n_params), dense_limit=0)  # the origin: a critical point
    assert cl.label == "strict saddle" and "index ≥" in cl.summary()


def test_block_lanczos_deflates_on_a_low_rank_operator_and_finds_its_extremes():
    rng = np.random.default_rng(0)
    U = np.linalg.qr(rng.standard_normal((300, 5)))[0]
    H = (U * np.array([-2.0, -1.0, 1.0, 3.0, 4.0])) @ U.T
    from scipy.sparse.linalg import aslinearoperator

    res = block_lanczos(aslinearoperator(H), block=3, steps=10, seed=1)
    assert res.deflated > 0
    assert np.isclose(res.ritz_values[0], -2.0) and np.isclose(res.ritz_values[-1], 4.0)
    assert np.all(res.residuals <= 1e-10)


def test_failure_probability_shrinks_with_steps_and_starts():
    one = lanczos_failure_probability(10_000, 50, 1e-2, 1)
    assert lanczos_failure_probability(10_000, 100, 1e-2, 1) < one
    assert lanczos_failure_probability(10_000, 50, 1e-2, 4) == one**4


def test_dense_hessian_from_kronecker_products_matches_hvp_assembly():
    from spurious.critical.spectrum import dense_hessian
    from spurious.models.resnet import LinearResNet

    cases = [Landscape(DeepLinear(w), SquaredLoss(mean=True), gaussian_teacher(w[0], w[-1], 30, seed=2))
             for w in [(3, 2, 4), (3, 2, 4, 5), (4, 3, 2, 3, 4)]]
    cases.append(Landscape(LinearResNet(3, 3), SquaredLoss(), gaussian_teacher(3, 3, 20, seed=1)))
    for L in cases:
        theta = L.model.random_point(5)
        H = L.hessian(theta)
        assert np.abs(dense_hessian(L, theta) - H).max() <= 1e3 * np.finfo(float).eps * np.abs(H).max()
