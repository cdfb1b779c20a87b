"""Benchmark: critical-point finders on Frye et al.'s 16-4-16 autoencoder, and λ_min/λ_max at P ≈ 10 000.

Part A (Frye, Mei, Baum, Monroe 2019, "Numerically recovering the critical points of a deep
linear autoencoder"): X is 16 × 10 000 Gaussian with variances linspace(1, 16), rows centred;
L(W₁, W₂) = mean of the squared entries of X − W₂W₁X (= ℓ/8 with ℓ = SquaredLoss(mean=True)).
Starting points are spread in loss along a gradient-descent trajectory. Each finder runs ≤ 500
iterations; success = ‖∇L‖² < 1e-10 *and* (loss, index) matches one of the 2 517 analytic
critical points (index from the dense Hessian with a zero tolerance 1e-6·‖H‖). Published:
Newton-MR 80 ± 4 %, damped Newton 45 %, gradient-norm minimisation 35 %.

Part B: λ_min and λ_max of the Hessian of a deep linear net with P ≈ 10 000 parameters: spurious
(Lanczos on closed-form HVPs) vs PyHessian's power iteration and hessian-eigenthings' Lanczos on
the same network in PyTorch (optional: skipped when torch / the packages are missing), each
compared against a dense reference (np.linalg.eigvalsh).

Run:  python benchmarks/bench_critical.py [--quick] [--runs 100] [--iterations 500] [--skip-torch]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

# The 16-4-16 autoencoder, its loss scale and its GD-trajectory starts: one definition, shared with
# bench_frye_finders.py (run both from the repository root: `python benchmarks/<name>.py`).
from bench_frye_finders import SCALE, autoencoder  # noqa: E402
from bench_frye_finders import gd_trajectory_points as gd_starts  # noqa: E402
from threadpoolctl import threadpool_limits

from spurious.critical import (
    damped_newton,
    enumerate_critical_points,
    gradient_norm_minimisation,
    hessian_spectrum,
    levenberg_marquardt,
    newton_mr,
)
from spurious.data import gaussian_teacher
from spurious.landscape import Landscape
from spurious.losses import SquaredLoss
from spurious.models import DeepLinear
from spurious.tolerances import Tolerances


def run_finders(runs: int, iterations: int) -> None:
    L = autoencoder()
    analytic = enumerate_critical_points(L)
    table = np.array([(pt.loss, pt.predicted_index) for pt in analytic])
    starts = gd_starts(L, runs)
    loose = Tolerances(eigenvalue=1e-6)
    finders = {
        "newton-mr (MINRES rtol 1e-4)": lambda x: newton_mr(L, x, max_iterations=iterations),
        "damped newton (γ=1e-3)": lambda x: damped_newton(L, x, max_iterations=iterations),
        "gradient-norm minimisation": lambda x: gradient_norm_minimisation(L, x, max_iterations=iterations),
        "levenberg-marquardt (extra)": lambda x: levenberg_marquardt(L, x, max_iterations=iterations),
    }
    print(f"Part A: 16-4-16 autoencoder, m = 10 000, {len(analytic)} analytic critical points, "
          f"{runs} starts from a GD trajectory, ≤ {iterations} iterations")
    print(f"{'finder':<32} {'‖∇L‖²<1e-10':>12} {'matched':>8} {'success':>8} {'s/run':>7} {'s/success':>10}")
    for name, run in finders.items():
        small = matched = 0
        t0 = time.perf_counter()
        distinct = set()
        for x0 in starts:
            res = run(x0)
            gsq = res.grad_norm_sq * SCALE**2
            if not np.isfinite(gsq) or gsq >= 1e-10:
                continue
            small += 1
            index = hessian_spectrum(L, res.point, loose).index
            hit = np.flatnonzero((np.abs(table[:, 0] - res.loss) <= 1e-8 * max(1.0, res.loss))
                                 & (table[:, 1] == index))
            if hit.size:
                matched += 1
                distinct.add(int(hit[0]))
        elapsed = time.perf_counter() - t0
        per_success = elapsed / matched if matched else float("nan")
        print(f"{name:<32} {small:>12d} {matched:>8d} {100 * matched / runs:>7.0f}% {elapsed / runs:>7.3f} "
              f"{per_success:>10.3f}   ({len(distinct)} distinct critical points)")


def deep_linear_10k(seed: int = 0) -> tuple[Landscape, np.ndarray]:
    """Widths (50, 50, 50, 50, 50): P = 10 000, squared loss on a Gaussian teacher, m = 200."""
    widths = (50, 50, 50, 50, 50)
    L = Landscape(DeepLinear(widths), SquaredLoss(mean=True), gaussian_teacher(50, 50, 200, seed=seed))
    return L, L.model.random_point(seed + 1)


def torch_model(L: Landscape, theta: np.ndarray):
    import torch

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(
                torch.nn.Linear(b, a, bias=False).double() for a, b in L.model.shapes)
            with torch.no_grad():
                for layer, W in zip(self.layers, L.blocks(theta), strict=True):
                    layer.weight.copy_(torch.from_numpy(np.array(W)))

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    X = torch.from_numpy(L.data.X.T.copy())
    Y = torch.from_numpy(L.data.Y.T.copy())

    def criterion(out, target):  # ½ (1/m) ‖WX − Y‖², as SquaredLoss(mean=True)
        return 0.5 * ((out - target) ** 2).sum() / out.shape[0]

    return Net(), criterion, X, Y


def run_spectrum(skip_torch: bool, cache: str | None = None) -> None:
    L, theta = deep_linear_10k()
    print(f"\nPart B: λ_min, λ_max of ∇²Φ, deep linear (50,50,50,50,50), P = {L.n_params}")
    t0 = time.perf_counter()
    if cache and Path(cache).exists():
        ref = np.load(cache)
    else:
        ref = np.linalg.eigvalsh(L.hessian(theta))
        if cache:
            np.save(cache, ref)
    t_dense = time.perf_counter() - t0
    lo, hi = ref[0], ref[-1]
    print(f"dense reference (assemble + eigvalsh): {t_dense:.1f} s; λ_min {lo:.12e}, λ_max {hi:.12e}")
    print(f"{'method':<40} {'s':>8} {'rel.err λ_min':>14} {'rel.err λ_max':>14}")
    for label, lanczos_tol in (("spurious (eigsh SA/LA, tol 1e-12)", 1e-12),
                               ("spurious (eigsh SA/LA, tol 1e-8)", 1e-8)):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            spec = hessian_spectrum(L, theta, dense_limit=0, k=1, lanczos_tol=lanczos_tol)
            times.append(time.perf_counter() - t0)
        print(f"{label:<40} {min(times):>8.3f} {abs(spec.lam_min - lo) / abs(lo):>14.1e} "
              f"{abs(spec.lam_max - hi) / abs(hi):>14.1e}   (best of 3; residual bounds {spec.err_min:.1e}, "
              f"{spec.err_max:.1e})")
    if skip_torch:
        return
    try:
        import torch
    except ImportError:
        print("torch not installed: PyHessian / hessian-eigenthings skipped")
        return
    torch.set_num_threads(1)
    model, criterion, X, Y = torch_model(L, theta)
    try:
        from pyhessian import hessian as PyHessian

        t0 = time.perf_counter()
        hc = PyHessian(model, criterion, data=(X, Y), cuda=False)
        top, _ = hc.eigenvalues(maxIter=10_000, tol=1e-12, top_n=1)
        t = time.perf_counter() - t0
        lam = float(top[0])
        print(f"{'PyHessian eigenvalues (power, |λ|-top)':<40} {t:>8.2f} {'n/a':>14} "
              f"{abs(lam - hi) / abs(hi):>14.1e}   (cannot target λ_min)")
    except Exception as exc:  # report, do not crash the benchmark
        print(f"PyHessian failed: {type(exc).__name__}: {exc}")
    try:
        for steps in (30, 60, 120):
            run_eigenthings(model, criterion, X, Y, lo, hi, steps)
    except Exception as exc:
        print(f"hessian-eigenthings failed: {type(exc).__name__}: {exc}")


def run_eigenthings(model, criterion, X, Y, lo: float, hi: float, steps: int = 300) -> None:
    """hessian-eigenthings v1: ``lanczos(HessianOperator(...), which=...)`` with full reorthogonalisation."""
    import hessian_eigenthings as he
    import torch

    loader = [(X, Y)]
    op = he.HessianOperator(model, loader, he.supervised_loss(criterion))
    for which, ref, label in (("SA", lo, "λ_min"), ("LA", hi, "λ_max")):
        t0 = time.perf_counter()
        res = he.lanczos(op, k=1, which=which, max_iter=steps, tol=1e-12, reorthogonalize=True, seed=0)
        t = time.perf_counter() - t0
        val = float(torch.as_tensor(res.eigenvalues).reshape(-1)[0])
        print(f"{'hessian-eigenthings lanczos ' + which + f' ({steps} steps)':<40} {t:>8.2f} "
              f"{label} rel.err {abs(val - ref) / abs(ref):.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 runs × 200 iterations; no torch part")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--skip-torch", action="store_true")
    parser.add_argument("--only", choices=("finders", "spectrum"), default=None)
    parser.add_argument("--reference-cache", default=None, help="a .npy file for the dense reference spectrum")
    args = parser.parse_args()
    runs, iterations = (10, 200) if args.quick else (args.runs, args.iterations)
    with threadpool_limits(1):
        if args.only in (None, "finders"):
            run_finders(runs, iterations)
        if args.only in (None, "spectrum"):
            run_spectrum(args.skip_torch or args.quick, args.reference_cache)


if __name__ == "__main__":
    main()
