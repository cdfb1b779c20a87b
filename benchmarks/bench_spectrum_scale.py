"""Benchmark: how the cost of Hessian spectra grows with P, from 10³ to 10⁶ parameters.

Deep linear nets with widths (a, a, a) (P = 2a²: a = 22, 71, 224, 707 → P ≈ 10³, 10⁴, 10⁵, 10⁶),
squared loss on a Gaussian teacher (m = 1000), at a random point. Per size:

- one Hessian–vector product (closed form, matrix-free), and the per-vector cost of a batch of
  8 (matrix–matrix work: the products that do not depend on the direction are shared);
- λ_min and λ_max with residual bounds by block Lanczos (b = 4 Gaussian starts, full
  reorthogonalisation, deflation; basis capped at 5·10⁷ numbers, ≈ 50 vectors at P = 10⁶),
  through :func:`spurious.critical.hessian_spectrum` (the probabilistic path);
- for P ≤ 10⁴: the dense Hessian assembled from P HVPs vs block by block from Kronecker
  products (:func:`spurious.linalg.chain_hessian_squared`), and at P ≈ 10³ eigh + the two LDLᵀ
  inertia counts of the certified path;
- at the largest size, ``classify`` at the origin (a critical point: a strict saddle) with its
  progress lines.

The table ends with the log-log slope of each cost against P (cost ∝ P^slope).

Run:  python benchmarks/bench_spectrum_scale.py [--sizes 22,71,224,707] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from spurious.critical import classify, hessian_spectrum
from spurious.critical.spectrum import dense_hessian
from spurious.data import gaussian_teacher
from spurious.landscape import Landscape
from spurious.linalg import blas_threads, certified_counts
from spurious.losses import SquaredLoss
from spurious.models import DeepLinear


def net(a: int) -> Landscape:
    return Landscape(DeepLinear((a, a, a)), SquaredLoss(mean=True), gaussian_teacher(a, a, 1000, seed=0))


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def measure(a: int) -> dict:
    L = net(a)
    P = L.n_params
    theta = L.model.random_point(1)
    rng = np.random.default_rng(0)
    v, V = rng.standard_normal(P), rng.standard_normal((8, P))
    row: dict = {"a": a, "P": P}
    row["hvp_s"], _ = timed(lambda: L.objective.hvp(theta, v), repeat=3)
    t8, _ = timed(lambda: L.objective.hvp(theta, V), repeat=2)
    row["hvp_batched_s"] = t8 / 8
    row["spectrum_s"], spec = timed(lambda: hessian_spectrum(L, theta, dense_limit=0, lanczos_tol=1e-10))
    row.update(lam_min=spec.lam_min, err_min=spec.err_min, lam_max=spec.lam_max, err_max=spec.err_max,
               method=spec.method)
    if P <= 12_000:
        row["assembly_hvp_s"], H = timed(lambda: L.hessian(theta))
        row["assembly_kron_s"], K = timed(lambda: dense_hessian(L, theta))
        row["kron_vs_hvp_rel_diff"] = float(np.abs(H - K).max() / np.abs(H).max())
        del H
        if P <= 2_000:
            row["eigh_s"], lam = timed(lambda: np.linalg.eigvalsh(K))
            tau = 1e-8 * float(np.max(np.abs(lam)))
            row["inertia_s"], counts = timed(lambda: certified_counts(K, tau))
            row["dense_lam_min"] = float(lam[0])
            row["index_inertia"], row["index_eigh"] = counts.index, int(np.sum(lam < -tau))
        del K
    return row


def slope(rows: list[dict], key: str) -> str:
    pts = [(r["P"], r[key]) for r in rows if key in r and r[key] > 0]
    if len(pts) < 2:
        return "—"
    x, y = np.log10([p for p, _ in pts]), np.log10([t for _, t in pts])
    return f"{np.polyfit(x, y, 1)[0]:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="22,71,224,707")
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads (default: the library policy)")
    parser.add_argument("--skip-classify", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.threads is not None:  # the library's policy reads it inside hessian_spectrum too
        os.environ["SPURIOUS_BLAS_THREADS"] = str(args.threads)
    rows = []
    with blas_threads(args.threads) as threads:
        print(f"BLAS threads: {threads}")
        print("| P | HVP s | batched HVP s/vector | spectrum s (block Lanczos) | λ_min ± r | λ_max ± r "
              "| dense: HVP assembly s | Kronecker assembly s | eigh s | inertia s |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for a in sizes:
            r = measure(a)
            rows.append(r)
            print(f"| {r['P']:,} | {r['hvp_s']:.2e} | {r['hvp_batched_s']:.2e} | {r['spectrum_s']:.2f} | "
                  f"{r['lam_min']:.6g} ± {r['err_min']:.1e} | {r['lam_max']:.6g} ± {r['err_max']:.1e} | "
                  f"{r.get('assembly_hvp_s', float('nan')):.3f} | {r.get('assembly_kron_s', float('nan')):.3f} | "
                  f"{r.get('eigh_s', float('nan')):.3f} | {r.get('inertia_s', float('nan')):.3f} |", flush=True)
        print(f"| log-log slope | {slope(rows, 'hvp_s')} | {slope(rows, 'hvp_batched_s')} | "
              f"{slope(rows, 'spectrum_s')} | | | {slope(rows, 'assembly_hvp_s')} | {slope(rows, 'assembly_kron_s')} "
              f"| | |")
        for r in rows:
            extra = {k: r[k] for k in ("method", "kron_vs_hvp_rel_diff", "index_inertia", "index_eigh",
                                       "dense_lam_min") if k in r}
            print(f"P = {r['P']:,}: {extra}")
        if not args.skip_classify:
            L = net(sizes[-1])
            t0 = time.perf_counter()
            cl = classify(L, np.zeros(L.n_params), search_descent=False,
                          progress=lambda line: print(f"  [{time.perf_counter() - t0:6.1f} s] {line}",
                                                      file=sys.stderr, flush=True))
            print(f"classify at the origin, P = {L.n_params:,}: {cl.label} in {time.perf_counter() - t0:.1f} s; "
                  f"{cl.spectrum.describe()}")


if __name__ == "__main__":
    main()
