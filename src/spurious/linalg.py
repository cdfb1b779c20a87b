"""The one place for the library's symmetric linear algebra on Hessians.

- :func:`extreme_eigenpairs` — the k smallest or largest eigenpairs of a symmetric operator
  (Lanczos, ``scipy.sparse.linalg.eigsh``), each with its residual r = ‖Hv − λv‖: an
  eigenvalue of H lies in [λ − r, λ + r] (Parlett, *The Symmetric Eigenvalue Problem*, Thm 4.5.1).
- :func:`spectral_norm` — ‖H‖₂ (dense ``eigvalsh`` for small P, Lanczos otherwise).
- :func:`inertia` / :func:`certified_counts` — Sylvester's law of inertia on the Bunch–Kaufman
  factorisation H − sI = L D Lᵀ (``scipy.linalg.ldl``): the number of eigenvalues of H below s
  is the number of negative eigenvalues of the block-diagonal D (1×1 and 2×2 blocks). The
  factorisation is backward stable, L D Lᵀ = H − sI + E with
  |E| ≤ p(P) ε (|H − sI| + |L||D||Lᵀ|) (Higham, *Accuracy and Stability of Numerical
  Algorithms*, 2nd ed., Thm 11.3); we bound ‖E‖₂ by 4P·ε·(‖H − sI‖_F + ‖L‖_F²‖D‖₂). By Weyl's
  inequality the count is then exact for every shift in [s − ‖E‖, s + ‖E‖]: a proof in floating
  point once the stated τ exceeds that bound.
- :func:`block_lanczos` — block Lanczos with full reorthogonalisation and deflation of
  converged/dependent directions, from b independent Gaussian starts. With the Kuczyński &
  Woźniakowski bound (SIAM J. Matrix Anal. Appl. 13(4), 1992, Thm 4.2(a)) for one random
  start after k steps on a PSD matrix, P(relative error > e) ≤ 1.648 √P exp(−√e (2k − 1)); the
  block space contains each single-start Krylov space, so b independent starts fail together
  with probability at most that bound to the power b (:func:`lanczos_failure_probability`).
- :func:`damped_least_squares` (min ‖Hp + g‖² + μ‖p‖²: dense complex-shifted LU or LSMR),
  :func:`normal_equations_solve` (CG on H² + μI), :func:`minres_solve` (shifted MINRES,
  (H + σI)x = b) and :func:`krylov_pinv_solve` (minimum-length Krylov least squares, as
  MINRES-QLP targets).
- :func:`blas_threads` — the library's BLAS-thread policy (``threadpoolctl``): ``SPURIOUS_BLAS_THREADS``
  when set, one thread in worker processes, else at most the cores not busy with other work.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy.linalg import eigh_tridiagonal
from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, LinearOperator, cg, eigsh, lsmr, minres
from threadpoolctl import threadpool_limits

from .tolerances import EPS

__all__ = ["Inertia", "inertia", "certified_counts", "extreme_eigenpairs", "spectral_norm", "arpack_eigsh",
           "smallest_eigenvalue",
           "block_lanczos", "BlockLanczosResult", "lanczos_failure_probability", "minres_solve",
           "krylov_pinv_solve", "damped_least_squares", "normal_equations_solve",
           "blas_threads", "blas_thread_count", "free_cores", "chain_hessian_squared",
           "Tridiagonal", "lanczos", "lanczos_extremes", "lanczos_quadrature", "lanczos_relative_error_at",
           "ritz_errors"]

# Kuczyński–Woźniakowski: P(relative error of the Lanczos estimate > e) ≤ KW_CONSTANT √P exp(−√e (2k−1)).
KW_CONSTANT = 1.648


# ---------------------------------------------------------------------------------------------
# BLAS-thread policy


def free_cores() -> int:
    """Cores not busy with other work: the cores this process may use minus the 1-minute load
    average of the others (at least 1)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except OSError:  # pragma: no cover
        busy = 0.0
    return max(1, min(cores, int(cores - busy + 1.0)))


def blas_thread_count() -> int:
    """The library's BLAS-thread count: ``SPURIOUS_BLAS_THREADS`` when set (the CLI's
    :func:`spurious.cli.options.pin_blas` reads the same variable); 1 in a worker process; else
    the CLI rule (one thread per 2 cores, at most 4) capped by the cores that are free now."""
    text = os.environ.get("SPURIOUS_BLAS_THREADS")
    if text and text.strip().isdigit() and int(text) >= 1:
        return int(text)
    if _in_worker():
        return 1
    return max(1, min(4, (os.cpu_count() or 1) // 2, free_cores()))


@contextmanager
def blas_threads(n: int | None = None) -> Iterator[int]:
    """Limit BLAS/OpenMP threads to ``n`` (default :func:`blas_thread_count`) inside the block.

    A worker is a process whose parent is a ``multiprocessing``/``joblib`` pool (env
    ``SPURIOUS_WORKER=1`` or a non-main ``multiprocessing`` process).
    """
    if n is None:
        n = blas_thread_count()
    with threadpool_limits(limits=max(1, int(n))):
        yield max(1, int(n))


def _in_worker() -> bool:
    return os.environ.get("SPURIOUS_WORKER") == "1" or multiprocessing.parent_process() is not None


# ---------------------------------------------------------------------------------------------
# Inertia (Sylvester) on LDLᵀ


@dataclass(frozen=True)
class Inertia:
    """Counts of eigenvalues of H − sI below, at and above zero, with the backward error bound.

    negative, zero, positive : inertia of D (zero: exactly singular 1×1 pivots).
    shift : s.  backward_error : a bound on ‖E‖₂ (see the module docstring).
    """

    negative: int
    zero: int
    positive: int
    shift: float
    backward_error: float


def inertia(H: np.ndarray, shift: float = 0.0) -> Inertia:
    """Inertia of H − shift·I from its LDLᵀ factorisation (H symmetric, P×P)."""
    A = H - shift * np.eye(H.shape[0])
    lu, d, _ = scipy.linalg.ldl(A, lower=True, hermitian=True, check_finite=True)
    neg, zero, pos = _block_diagonal_inertia(d)
    P = H.shape[0]
    d_norm = float(np.max(np.abs(np.linalg.eigvalsh(d)))) if P <= 64 else _block_norm(d)
    bound = 4 * P * EPS * (float(np.linalg.norm(A)) + float(np.linalg.norm(lu)) ** 2 * d_norm)
    return Inertia(neg, zero, pos, float(shift), bound)


def _block_diagonal_inertia(d: np.ndarray) -> tuple[int, int, int]:
    """Signs of the eigenvalues of a block-diagonal D with 1×1 and 2×2 blocks."""
    diag, off = np.diag(d), np.diag(d, -1)
    neg = zero = pos = 0
    i, n = 0, d.shape[0]
    while i < n:
        if i + 1 < n and off[i] != 0.0:  # 2×2 block [[a, b], [b, c]]
            a, b, c = diag[i], off[i], diag[i + 1]
            det = a * c - b * b
            if det < 0:
                neg, pos = neg + 1, pos + 1
            elif a + c < 0:
                neg += 2
            else:
                pos += 2
            i += 2
            continue
        neg, zero, pos = neg + (diag[i] < 0), zero + (diag[i] == 0), pos + (diag[i] > 0)
        i += 1
    return int(neg), int(zero), int(pos)


def _block_norm(d: np.ndarray) -> float:
    """‖D‖₂ for block-diagonal D (1×1/2×2 blocks): max over blocks of |a| + |b| bounds it."""
    diag, off = np.abs(np.diag(d)), np.abs(np.diag(d, -1))
    right = np.concatenate([off, [0.0]])
    left = np.concatenate([[0.0], off])
    return float(np.max(diag + np.maximum(left, right))) if diag.size else 0.0


@dataclass(frozen=True)
class CertifiedCounts:
    """index = #{λ < −τ}, nullity = #{−τ ≤ λ < τ} from the inertia of H ± τI.

    backward_error : the larger bound on ‖E‖ of the two factorisations; the counts are exact
    for H at every threshold within it of ±τ. ``certified`` is True when τ > backward_error.
    """

    index: int
    nullity: int
    tau: float
    backward_error: float

    @property
    def certified(self) -> bool:
        return self.tau > self.backward_error


def certified_counts(H: np.ndarray, tau: float) -> CertifiedCounts:
    """Index and nullity of the symmetric H at zero tolerance τ by two LDLᵀ inertia counts."""
    below_minus = inertia(H, -tau)  # eigenvalues of H below −τ
    below_plus = inertia(H, tau)    # eigenvalues of H below +τ
    index = below_minus.negative
    nullity = below_plus.negative + below_plus.zero - index
    return CertifiedCounts(index, nullity, float(tau), max(below_minus.backward_error, below_plus.backward_error))


# ---------------------------------------------------------------------------------------------
# Extreme eigenpairs


def arpack_eigsh(op: LinearOperator, which: str, *, k: int = 1, tol: float = 1e-10, start: np.ndarray | None = None,
                 maxiter: int | None = None, ncv: int | None = None, vectors: bool = True
                 ) -> tuple[np.ndarray, np.ndarray]:
    """``scipy.sparse.linalg.eigsh`` (implicitly restarted Lanczos, ARPACK) that never raises on
    a stalled run: the converged pairs when ARPACK stops early, none ((0,), (P, 0)) on an
    ARPACK error. Returns (λ (k,), V (P, k)); V is (P, 0) when ``vectors`` is False."""
    P = op.shape[0]
    try:
        out = eigsh(op, k=k, which=which, tol=tol, ncv=ncv, v0=start, maxiter=maxiter,
                    return_eigenvectors=vectors)
    except ArpackNoConvergence as exc:
        out = (exc.eigenvalues, exc.eigenvectors) if vectors else exc.eigenvalues
    except ArpackError:
        out = (np.zeros(0), np.zeros((P, 0))) if vectors else np.zeros(0)
    return out if vectors else (np.asarray(out), np.zeros((P, 0)))


def extreme_eigenpairs(op: LinearOperator, which: str, k: int = 1, tol: float = 1e-10,
                       seed: int = 0, ncv: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The k smallest (which="SA") or largest ("LA") eigenpairs, ascending, with residuals.

    Returns (λ (k,), V (P, k), r (k,)) with r_i = ‖H v_i − λ_i v_i‖. Keeps the pairs that
    converged when ARPACK stops early (their residuals say how good they are); an empty
    result when none did.
    """
    P = op.shape[0]
    k = max(1, min(k, P - 2))
    ncv = ncv or min(P - 1, max(4 * k + 1, 20))
    v0 = np.random.default_rng(seed).standard_normal(P)
    lam, V = arpack_eigsh(op, which, k=k, tol=tol, start=v0, maxiter=max(50 * P, 1000), ncv=ncv)
    order = np.argsort(lam)
    lam, V = lam[order], V[:, order]
    res = np.linalg.norm(op.matmat(V) - V * lam, axis=0) if lam.size else np.zeros(0)
    return lam, V, res


def smallest_eigenvalue(H: np.ndarray | LinearOperator, tol: float = 1e-10, seed: int = 0) -> float:
    """λ_min of a symmetric H: dense ``eigvalsh`` for an array, ARPACK (which="SA", seeded
    Gaussian start, ≤ 20P restarts) for an operator; NaN when ARPACK converged on nothing."""
    if isinstance(H, np.ndarray):
        return float(np.linalg.eigvalsh(H)[0])
    P = H.shape[0]
    lam, _ = arpack_eigsh(H, "SA", tol=tol, start=np.random.default_rng(seed).standard_normal(P),
                          maxiter=20 * P, vectors=False)
    return float(np.min(lam)) if lam.size else float("nan")


def spectral_norm(op: LinearOperator | np.ndarray, tol: float = 1e-3, dense_limit: int = 50,
                  start: np.ndarray | None = None) -> float:
    """‖H‖₂ = max |λ(H)|: dense for P ≤ ``dense_limit`` (or an array), else Lanczos (which="LM")
    from ``start`` (default the ones vector), with a few power iterations (a lower estimate)
    when ARPACK converges on nothing."""
    if isinstance(op, np.ndarray):
        return float(np.max(np.abs(np.linalg.eigvalsh(op)))) if op.size else 0.0
    P = op.shape[0]
    if P <= dense_limit:
        return float(np.max(np.abs(np.linalg.eigvalsh(op.matmat(np.eye(P))))))
    lam, _ = arpack_eigsh(op, "LM", tol=tol, start=np.ones(P) if start is None else start, maxiter=20 * P,
                          vectors=False)
    if lam.size == 0:  # fall back on a few power iterations: a lower estimate
        v = np.random.default_rng(0).standard_normal(P)
        for _ in range(30):
            w = op.matvec(v)
            nw = float(np.linalg.norm(w))
            if nw == 0 or not np.isfinite(nw):
                return nw
            v = w / nw
        return nw
    return float(np.max(np.abs(lam)))


# ---------------------------------------------------------------------------------------------
# Block Lanczos


@dataclass
class BlockLanczosResult:
    """Ritz pairs of a block Krylov space, ascending, with residual norms and the probabilistic bound.

    ritz_values (m,) all Ritz values; ritz_vectors (P, c) the ``keep_low`` lowest and the
    highest Ritz vectors, residuals (c,) theirs: an eigenvalue of H lies within residuals[i]
    of the matching Ritz value. steps : block steps taken; block : b; products : HVPs used.
    failure_probability(e) : P(λ_min(H) < θ_min − e·(λ_up − θ_min)/(1 − e)), see
    :func:`lanczos_failure_probability`.
    """

    ritz_values: np.ndarray
    ritz_vectors: np.ndarray
    residuals: np.ndarray
    steps: int
    block: int
    products: int
    deflated: int
    basis_size: int = 0

    def failure_probability(self, relative_error: float, dim: int) -> float:
        return lanczos_failure_probability(dim, self.steps, relative_error, self.block)


def lanczos_failure_probability(dim: int, steps: int, relative_error: float, starts: int = 1) -> float:
    """Kuczyński–Woźniakowski (1992, Thm 4.2(a)) for ``starts`` independent Gaussian starts.

    min(1, 1.648 √dim exp(−√e (2k − 1)))^starts: the probability that the Lanczos estimate of
    the extreme eigenvalue of a PSD matrix, after k steps, has relative error above e.
    """
    single = KW_CONSTANT * np.sqrt(dim) * np.exp(-np.sqrt(relative_error) * (2 * steps - 1))
    return float(min(1.0, single) ** max(1, starts))


def lanczos_relative_error_at(delta: float, dim: int, steps: int, starts: int = 1) -> float:
    """The e with :func:`lanczos_failure_probability` (dim, steps, e, starts) = delta (1 when none ≤ 1 works)."""
    single = delta ** (1.0 / max(1, starts))
    root = np.log(KW_CONSTANT * np.sqrt(dim) / single) / max(2 * steps - 1, 1)
    return float(min(1.0, max(root, 0.0) ** 2))


def block_lanczos(op: LinearOperator, *, block: int = 4, steps: int = 40, seed: int = 0,
                  deflation_tol: float = 1e-10, residual_tol: float = 0.0, min_steps: int = 20,
                  keep_low: int = 1, check_every: int = 5, memory_floats: float = 5e7,
                  progress: Callable[[str], None] | None = None) -> BlockLanczosResult:
    """Block Lanczos with full reorthogonalisation (twice) and deflation; Rayleigh–Ritz on the basis.

    Start: b Gaussian vectors (seeded), orthonormalised. Each step multiplies the newest block
    (one batched HVP, ``op.matmat``: matrix–matrix work), orthogonalises against the whole
    basis, and deflates directions whose norm after orthogonalisation is below
    ``deflation_tol``·‖H‖-estimate (the Krylov space is invariant there). Every ``check_every``
    steps (after ``min_steps``) the extreme Ritz pairs are formed; the run stops when both
    residuals are ≤ ``residual_tol``·‖H‖-estimate, after ``steps`` blocks, when every
    direction deflated, or when the basis would exceed ``memory_floats`` numbers (P × size).

    Returns all Ritz values (ascending), the ``keep_low`` lowest Ritz vectors and the highest
    one (columns of ``ritz_vectors``: low ones first, the highest last) with their residuals.
    """
    P = op.shape[0]
    b = max(1, min(block, P))
    rng = np.random.default_rng(seed)
    cap = int(min(P, max(2 * b, memory_floats // max(P, 1)), b * (steps + 1)))
    # basis and H·basis stored as rows: every product below reads contiguous memory
    V, HV, T = np.empty((cap, P)), np.empty((cap, P)), np.zeros((cap, cap))
    V[:b] = np.linalg.qr(rng.standard_normal((P, b)))[0].T
    lo, n = 0, b  # V[lo:n] is the newest block, not yet multiplied
    products, deflated, scale, taken = 0, 0, 0.0, 0
    while True:
        W = np.ascontiguousarray(op.matmat(V[lo:n].T).T)  # one batched HVP for the block, (k, P)
        HV[lo:n] = W
        T[:n, lo:n] = V[:n] @ W.T  # T = VᵀHV, grown by one block column (and row)
        T[lo:n, :lo] = T[:lo, lo:n].T
        products += n - lo
        taken += 1
        scale = max(scale, float(np.linalg.norm(W, 2)) if W.size else 0.0)
        if progress is not None:
            progress(f"block Lanczos: step {taken}/{steps}, {products} HVPs, basis {n} of ≤ {cap}")
        done = taken >= steps or n + 1 > cap
        if not done and taken >= min_steps and residual_tol > 0 and taken % check_every == 0:
            done = _extremes_converged(V[:n], HV[:n], T[:n, :n], residual_tol * max(scale, 1e-300))
        if done:
            break
        for _ in range(2):
            W = W - (W @ V[:n].T) @ V[:n]
        _, sv, rows = np.linalg.svd(W, full_matrices=False)
        keep = sv > deflation_tol * max(scale, 1e-300)
        deflated += int(np.sum(~keep))
        if not np.any(keep):
            break
        new = rows[keep][: cap - n]
        for _ in range(2):
            new = new - (new @ V[:n].T) @ V[:n]
        new = np.linalg.qr(new.T)[0].T
        lo, n = n, n + new.shape[0]
        V[lo:n] = new
    theta, S = np.linalg.eigh(0.5 * (T[:n, :n] + T[:n, :n].T))
    cols = list(range(min(keep_low, theta.size)))
    if theta.size - 1 not in cols:
        cols.append(theta.size - 1)
    X = (S[:, cols].T @ V[:n]).T
    R = (S[:, cols].T @ HV[:n]).T - X * theta[cols]
    return BlockLanczosResult(theta, X, np.linalg.norm(R, axis=0), taken, b, products, deflated, n)


def _extremes_converged(V: np.ndarray, HV: np.ndarray, T: np.ndarray, tol: float) -> bool:
    """Both extreme Ritz pairs of the row-stored basis V (n, P) have residual ≤ tol."""
    theta, S = np.linalg.eigh(0.5 * (T + T.T))
    ends = S[:, [0, -1]].T
    R = ends @ HV - (ends @ V) * theta[[0, -1], None]
    return bool(np.all(np.linalg.norm(R, axis=1) <= tol))


# ---------------------------------------------------------------------------------------------
# Lanczos on one Krylov space (three-term recurrence): both ends, Gauss quadrature


@dataclass
class Tridiagonal:
    """k steps of Lanczos from q₁: Qᵀ H Q = T (tridiagonal, diagonal ``alpha``, off-diagonal ``beta``).

    ``Q`` is (k, P) with orthonormal rows (full reorthogonalisation); ``last_beta`` = β_k, the
    size of the residual H q_k − α_k q_k − β_{k−1} q_{k−1}; ``n_hvp`` the products used.
    """

    alpha: np.ndarray
    beta: np.ndarray
    Q: np.ndarray
    last_beta: float
    n_hvp: int

    def ritz(self) -> tuple[np.ndarray, np.ndarray]:
        """Ritz values (ascending) and the eigenvectors S of T (columns)."""
        return eigh_tridiagonal(self.alpha, self.beta)


def _reorthogonalise(w: np.ndarray, Q: np.ndarray) -> float:
    """w ← w − Qᵀ(Q w) in place (rows of Q orthonormal), repeated once if ‖w‖ fell below 1/√2 of
    its value (DGKS); returns the final ‖w‖."""
    before = float(np.linalg.norm(w))
    w -= Q.T @ (Q @ w)
    after = float(np.linalg.norm(w))
    if after < 0.7071 * before:
        w -= Q.T @ (Q @ w)
        after = float(np.linalg.norm(w))
    return after


def lanczos(matvec, q1: np.ndarray, steps: int, stop=None) -> Tridiagonal:
    """Lanczos with full reorthogonalisation (classical Gram–Schmidt, DGKS-corrected).

    Each new vector is orthogonalised against all previous ones once more after the three-term
    recurrence, and a second time only when that pass removed more than half of it (the
    Daniel–Gragg–Kaufman–Stewart test): one pass is the rule, so the cost is 2·k·P per step.
    Runs at most ``steps`` products; ``stop(alpha, beta, last_beta)`` is asked after each step
    and ends the run when it returns True. An invariant subspace (β ≈ 0) also ends it.
    Source: Golub & Van Loan, *Matrix Computations* (4th ed.), §10.1 (Algorithm 10.1.1) with
    complete reorthogonalisation (§10.3.1).
    """
    P = q1.size
    cap = min(steps, P)
    Q = np.empty((min(cap, 64), P))
    alpha, beta = [], []
    q = q1 / np.linalg.norm(q1)
    b = 0.0
    for j in range(cap):
        if j == Q.shape[0]:
            Q = np.concatenate([Q, np.empty((min(Q.shape[0], cap - j), P))])
        Q[j] = q
        w = np.array(matvec(q), dtype=np.float64)  # a copy: updated in place below
        alpha.append(float(q @ w))
        w -= alpha[-1] * q + (b * Q[j - 1] if j > 0 else 0.0)  # the three-term recurrence
        b = _reorthogonalise(w, Q[: j + 1])
        norm_t = max(abs(a) for a in alpha) + (max(beta) if beta else 0.0)
        if b <= 1e3 * EPS * max(norm_t, 1e-300) or j + 1 == cap or (stop is not None and stop(alpha, beta, b)):
            break
        beta.append(b)
        q = w / b
    k = len(alpha)
    return Tridiagonal(np.array(alpha), np.array(beta[: k - 1]), Q[:k], b, k)


def _extreme_error(value: float, neighbour: float, rho: float) -> float:
    """min(ρ, ρ²/gap) for an extreme Ritz value with residual ρ and its nearest neighbour."""
    gap = abs(neighbour - value)
    return min(rho, rho * rho / gap) if gap > 0 else rho


def _ritz_error(theta: np.ndarray, S: np.ndarray, last_beta: float, i: int) -> float:
    """Eigenvalue error estimate of Ritz value i: min(ρ, ρ²/gap), ρ = β_k |s_{k,i}| its residual
    (Parlett, *The Symmetric Eigenvalue Problem*, Thm 4.5.1 and the Kato–Temple bound §10.2,
    with the gap to the nearest other Ritz value standing in for the true gap)."""
    rho = last_beta * abs(S[-1, i])
    if theta.size < 2:
        return rho
    others = np.delete(theta, i)
    gap = float(np.min(np.abs(others - theta[i])))
    return min(rho, rho * rho / gap) if gap > 0 else rho


def ritz_errors(theta: np.ndarray, S: np.ndarray, last_beta: float) -> np.ndarray:
    """The error estimates min(ρ, ρ²/gap) of every Ritz value of a :class:`Tridiagonal` (k,)."""
    return np.array([_ritz_error(theta, S, last_beta, i) for i in range(theta.size)])


def lanczos_extremes(matvec: Callable[[np.ndarray], np.ndarray], v0: np.ndarray, rtol: float,
                     max_steps: int) -> Tridiagonal:
    """Lanczos (:func:`lanczos`) from ``v0`` until both extreme Ritz values have an error estimate
    min(ρ, ρ²/gap) ≤ ``rtol``·|θ| (floored at ε·max|θ|), or ``max_steps`` products.

    ρ = β_k |s_{k,i}| is the residual of Ritz pair i and gap the distance to its neighbour
    (Parlett, *The Symmetric Eigenvalue Problem*, Thm 4.5.1 and §10.2). The check needs only the
    two lowest and two highest eigenpairs of T (``eigh_tridiagonal`` with ``select="i"``).
    """
    def converged(alpha: list[float], beta: list[float], last_beta: float) -> bool:
        k = len(alpha)
        if k < 4:
            return False
        a, b = np.array(alpha), np.array(beta)
        low, S_low = eigh_tridiagonal(a, b, select="i", select_range=(0, 1))
        high, S_high = eigh_tridiagonal(a, b, select="i", select_range=(k - 2, k - 1))
        floor = EPS * max(abs(low[0]), abs(high[-1]))
        errors = (_extreme_error(low[0], low[1], last_beta * abs(S_low[-1, 0])),
                  _extreme_error(high[-1], high[-2], last_beta * abs(S_high[-1, -1])))
        return all(e <= max(rtol * abs(lam), floor) for e, lam in zip(errors, (low[0], high[-1]), strict=True))

    return lanczos(matvec, v0, max_steps, stop=converged)


def lanczos_quadrature(matvec: Callable[[np.ndarray], np.ndarray], starts: list[np.ndarray],
                       steps: int) -> tuple[list[np.ndarray], list[np.ndarray], int]:
    """Gauss quadrature nodes and weights of the spectral measure seen from each start vector.

    For each start q (normalised), ``steps`` Lanczos steps give T = S diag(θ) Sᵀ; the nodes are
    the Ritz values θ_i and the weights τ_i = S[0, i]², so qᵀ f(H) q / ‖q‖² ≈ Σ τ_i f(θ_i)
    (Golub & Meurant, *Matrices, Moments and Quadrature*, §6; stochastic Lanczos quadrature,
    Ubaru, Chen & Saad 2017). Returns (nodes per start, weights per start, HVPs used).
    """
    nodes, weights, n_hvp = [], [], 0
    for q in starts:
        T = lanczos(matvec, q, steps)
        lam, S = T.ritz()
        nodes.append(lam)
        weights.append(S[0] ** 2)
        n_hvp += T.n_hvp
    return nodes, weights, n_hvp


# ---------------------------------------------------------------------------------------------
# Dense Hessian of a chain (deep linear) model from Kronecker products


def chain_hessian_squared(F: list[np.ndarray], C: np.ndarray, G: np.ndarray, factor: float) -> np.ndarray:
    """∇²Φ of Φ(W_1, …, W_N) = ℓ(F_N⋯F_1) with dF_j = dW_j and ∇²ℓ[D] = factor·D·C, block by block.

    Row-major vectorisation, vec(A X B) = (A ⊗ Bᵀ) vec(X); with P_i = F_i⋯F_1, S_i = F_N⋯F_i
    (empty products = I) and G = ∇ℓ(F_N⋯F_1) (Optimization 1 notes §6.2.5, Gauss–Newton plus cross terms):

    - Gauss–Newton block (j, k): factor·(S_{j+1}ᵀ S_{k+1}) ⊗ (P_{j−1} C P_{k−1}ᵀ);
    - cross block (l, i), i < l: entry [(a, c), (e, b)] = A[a, b]·M[c, e] with
      A = S_{l+1}ᵀ G P_{i−1}ᵀ and M = F_{l−1}⋯F_{i+1} (⟨G, S_{l+1} Δ_l M Δ_i P_{i−1}⟩).

    Cost: O(N² P·max d) flops for the Kronecker blocks instead of P Hessian–vector products.
    F : factors, F[j] of shape (d_{j+1}, d_j).  C : (d_0, d_0) symmetric.  G : (d_N, d_0).
    Returns the (P, P) symmetric Hessian.
    """
    N = len(F)
    dims = [F[0].shape[1]] + [f.shape[0] for f in F]
    prefix = [np.eye(dims[0])]
    for f in F:
        prefix.append(f @ prefix[-1])
    suffix = [np.eye(dims[N])]
    for f in reversed(F):
        suffix.append(suffix[-1] @ f)
    suffix = suffix[::-1]  # suffix[j] = F_{N-1}⋯F_j (0-indexed), suffix[N] = I
    sizes = [f.size for f in F]
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    H = np.empty((offsets[-1], offsets[-1]))
    for j in range(N):
        Sj, Pj = suffix[j + 1], prefix[j]
        PjC = C @ Pj.T  # (d_0, d_j)
        for k in range(j, N):
            Sk, Pk = suffix[k + 1], prefix[k]
            block = factor * np.kron(Sj.T @ Sk, (Pk @ PjC).T)
            if k > j:
                M = np.eye(dims[j + 1])
                for f in F[j + 1:k]:
                    M = f @ M  # F_{k-1}⋯F_{j+1}: (d_k, d_{j+1})
                A = Sk.T @ G @ Pj.T  # (d_{k+1}, d_j)
                cross = np.einsum("ab,ce->aceb", A, M).reshape(sizes[k], sizes[j])
                block = block + cross.T
            H[offsets[j]:offsets[j + 1], offsets[k]:offsets[k + 1]] = block
            if k > j:
                H[offsets[k]:offsets[k + 1], offsets[j]:offsets[j + 1]] = block.T
    return H


# ---------------------------------------------------------------------------------------------
# Linear solves


def minres_solve(op: LinearOperator, rhs: np.ndarray, *, shift: float = 0.0, rtol: float = 1e-10,
                 maxiter: int | None = None) -> tuple[np.ndarray, int]:
    """Solve (H + shift·I) x = rhs by MINRES (scipy's ``shift`` solves (A − shift I) x = b).

    Returns (x, iterations). H may be indefinite and singular (MINRES then returns a
    least-squares iterate).
    """
    count = [0]

    def cb(_x: np.ndarray) -> None:
        count[0] += 1

    x, _ = minres(op, rhs, shift=-float(shift), rtol=rtol, maxiter=maxiter or 2 * rhs.size, callback=cb)
    return x, count[0]


def damped_least_squares(H: np.ndarray | LinearOperator, g: np.ndarray, mu: float, *,
                         maxiter: int | None = None) -> tuple[np.ndarray, int]:
    """p = argmin ‖Hp + g‖² + μ‖p‖² = −(H² + μI)⁻¹Hg for symmetric H (Yamashita & Fukushima 2001).

    Dense H (an array): one complex LU solve, p = −Re[(H − i√μ I)⁻¹] g (for symmetric H,
    Re (λ − i√μ)⁻¹ = λ/(λ² + μ) on each eigenvector: the same p as −V diag(λ/(λ² + μ)) Vᵀg from
    eigh, at about half the cost, and conditioned as ‖H‖/√μ, not ‖H‖²/μ as a Cholesky of
    H² + μI would be); returns (p, P). An operator: LSMR with damp = √μ (tolerances 1e-12, at
    most ``maxiter`` = 2P iterations by default); returns (p, iterations).
    """
    if isinstance(H, np.ndarray):
        shifted = (0.5 * (H + H.T)).astype(np.complex128)
        shifted[np.diag_indices_from(shifted)] -= 1j * np.sqrt(mu)
        return -np.linalg.solve(shifted, g.astype(np.complex128)).real, g.size
    out = lsmr(H, -g, damp=float(np.sqrt(mu)), atol=1e-12, btol=1e-12, maxiter=maxiter or 2 * g.size)
    return out[0], int(out[2])


def normal_equations_solve(H: LinearOperator, rhs: np.ndarray, mu: float, *, rtol: float,
                           maxiter: int | None = None) -> np.ndarray:
    """x with (H² + μI) x = rhs by conjugate gradients (H symmetric, μ > 0: H² + μI is SPD; two
    products with H per iteration, at most ``maxiter`` = 2P iterations by default)."""
    op = LinearOperator(H.shape, matvec=lambda v: H.matvec(H.matvec(v)) + mu * v, dtype=np.float64)
    return cg(op, rhs, rtol=rtol, maxiter=maxiter or 2 * rhs.size)[0]


def krylov_pinv_solve(op: LinearOperator, b: np.ndarray, *, maxiter: int, rtol: float = 1e-10,
                      rcond: float = 1e-10) -> tuple[np.ndarray, int]:
    """Minimum-length least-squares solution of H x = b in the Krylov space (what MINRES-QLP targets).

    Lanczos with full reorthogonalisation builds H V_k = V_{k+1} T̄_k; x = V_k y with y the
    truncated-SVD (``rcond``, relative) minimum-norm solution of min ‖T̄_k y − ‖b‖e₁‖. Stops at
    relative residual ``rtol``, on stagnation (incompatible system: b ∉ range H), at an
    invariant subspace, or after ``maxiter`` products. Cost: k HVPs + O(k² P).
    """
    beta0 = float(np.linalg.norm(b))
    P = b.size
    if beta0 == 0:
        return np.zeros(P), 0
    V = np.zeros((min(maxiter, P) + 1, P))
    V[0] = b / beta0
    T = np.zeros((V.shape[0], V.shape[0] - 1))
    last, x, k = np.inf, np.zeros(P), 0
    for k in range(V.shape[0] - 1):
        w = op.matvec(V[k])
        for _ in range(2):  # full reorthogonalisation, twice is enough
            c = V[: k + 1] @ w
            w = w - V[: k + 1].T @ c
            T[: k + 1, k] += c
        beta = float(np.linalg.norm(w))
        T[k + 1, k] = beta
        rhs = np.zeros(k + 2)
        rhs[0] = beta0
        y = np.linalg.lstsq(T[: k + 2, : k + 1], rhs, rcond=rcond)[0]
        res = float(np.linalg.norm(T[: k + 2, : k + 1] @ y - rhs))
        x = V[: k + 1].T @ y
        if res <= rtol * beta0 or beta <= 1e-13 * max(1.0, float(np.abs(T[: k + 2, : k + 1]).max())):
            break
        if abs(last - res) <= 1e-10 * res:
            break
        last = res
        V[k + 1] = w / beta
    return x, k + 1
