"""Benchmark: the four critical-point finders on Frye et al.'s 16-4-16 linear autoencoder, four start protocols.

Problem (Frye, Mei, Baum, Monroe 2019, "Numerically recovering the critical points of a deep
linear autoencoder"): X is 16 × 10 000 Gaussian with variances linspace(1, 16), rows centred;
L(W₁, W₂) = mean of the squared entries of X − W₂W₁X (= ℓ/8 with ℓ = SquaredLoss(mean=True)).

Start protocols (``--protocols``):

- ``frye-var``: points spread uniformly in loss along a GD trajectory from a small random
  init, Gaussian noise of **variance** 1e-2 (std 0.1) added to every other one (Frye et al.);
- ``frye-std``: the same with noise std 1e-2 (the other reading of "1e-2 noise");
- ``gauss-1``: Gaussian starts, entries N(0, 1/d_{j−1}) (``DeepLinear.random_point``);
- ``gauss-3``: the same, three times larger (entries N(0, 9/d_{j−1})).

Each finder runs ≤ 500 iterations. Success = ‖∇L‖² < 1e-10, measured here from the returned
point (not the finder's own stopping rule), *and* (loss, index) equal to one of the 2 517
Baldi–Hornik critical points (index from the certified dense spectrum with zero tolerance
1e-6·‖H‖). Success rates come with exact (Clopper–Pearson) 95 % binomial intervals. Published
(Frye et al. 2019, Newton-MR): 80 ± 4 %.

Run:  python benchmarks/bench_frye_finders.py [--runs 50] [--finders newton-mr,…] [--protocols …]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.stats import binomtest

from spurious.critical import FINDERS, enumerate_critical_points, hessian_spectrum
from spurious.data import Dataset
from spurious.landscape import Landscape
from spurious.linalg import blas_threads
from spurious.losses import SquaredLoss
from spurious.models import DeepLinear
from spurious.tolerances import Tolerances

SCALE = 1.0 / 8.0  # L = ℓ/8: mean over 16·m entries of the square vs ½·(1/m)·‖·‖²
SUCCESS_GRAD_SQ = 1e-10
PROTOCOLS = ("frye-var", "frye-std", "gauss-1", "gauss-3")


def autoencoder(m: int = 10_000, seed: int = 0) -> Landscape:
    rng = np.random.default_rng(seed)
    X = np.sqrt(np.linspace(1.0, 16.0, 16))[:, None] * rng.standard_normal((16, m))
    X -= X.mean(axis=1, keepdims=True)
    return Landscape(DeepLinear((16, 4, 16)), SquaredLoss(mean=True), Dataset(X, X))


def gd_trajectory_points(L: Landscape, n: int, seed: int = 0, lr: float = 0.02, steps: int = 6000) -> list[np.ndarray]:
    """n points spread evenly in loss along a GD trajectory from a small random init."""
    theta = L.model.random_point(seed, scale=1e-2)
    points, losses = [], []
    for _ in range(steps):
        f, g = L.value_and_gradient(theta)
        points.append(theta.copy())
        losses.append(f)
        theta = theta - lr * g
    losses_arr = np.asarray(losses)
    targets = np.linspace(losses_arr.min(), losses_arr.max(), n + 2)[1:-1]
    return [points[int(np.argmin(np.abs(losses_arr - t)))] for t in targets]


def starts(L: Landscape, protocol: str, n: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed + 17)
    if protocol in ("frye-var", "frye-std"):
        std = 0.1 if protocol == "frye-var" else 0.01
        pts = gd_trajectory_points(L, n, seed)
        return [p + std * rng.standard_normal(p.size) if i % 2 else p for i, p in enumerate(pts)]
    scale = 1.0 if protocol == "gauss-1" else 3.0
    out = []
    for i in range(n):
        base = L.model.random_point(seed + 1000 + i)
        out.append(scale * base)
    return out


def classes(L: Landscape) -> np.ndarray:
    """(loss, index) of every Baldi–Hornik critical point."""
    return np.array([(pt.loss, pt.predicted_index) for pt in enumerate_critical_points(L)])


def success(L: Landscape, point: np.ndarray, table: np.ndarray, loose: Tolerances) -> tuple[bool, bool]:
    """(‖∇L‖² < 1e-10 measured here, and (loss, index) matches a Baldi–Hornik class)."""
    f, g = L.value_and_gradient(point)
    gsq = float(g @ g) * SCALE**2
    if not np.isfinite(gsq) or gsq >= SUCCESS_GRAD_SQ:
        return False, False
    index = hessian_spectrum(L, point, loose).index
    hit = (np.abs(table[:, 0] - f) <= 1e-8 * max(1.0, abs(f))) & (table[:, 1] == index)
    return True, bool(hit.any())


def interval(k: int, n: int) -> tuple[float, float]:
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    return float(ci.low), float(ci.high)


def run(finders: list[str], protocols: list[str], runs: int, iterations: int) -> list[dict]:
    L = autoencoder()
    table = classes(L)
    loose = Tolerances(eigenvalue=1e-6)
    rows = []
    for protocol in protocols:
        xs = starts(L, protocol, runs)
        for name in finders:
            finder = FINDERS[name]
            small = matched = 0
            its, secs, statuses, escapes = [], [], {}, 0
            for x0 in xs:
                t0 = time.perf_counter()
                res = finder(L, x0, max_iterations=iterations)
                secs.append(time.perf_counter() - t0)
                its.append(res.iterations)
                statuses[res.status] = statuses.get(res.status, 0) + 1
                escapes += bool(res.info.get("escapes"))
                ok_grad, ok_class = success(L, res.point, table, loose)
                small += ok_grad
                matched += ok_grad and ok_class
            lo, hi = interval(matched, runs)
            row = {"protocol": protocol, "finder": name, "runs": runs, "grad_ok": small, "success": matched,
                   "rate": matched / runs, "ci": (lo, hi), "median_iterations": float(np.median(its)),
                   "median_s": float(np.median(secs)), "total_s": float(np.sum(secs)), "statuses": statuses,
                   "runs_with_escape": escapes}
            rows.append(row)
            print(_line(row), flush=True)
    return rows


def _line(r: dict) -> str:
    lo, hi = r["ci"]
    return (f"| {r['protocol']:<9} | {r['finder']:<20} | {r['success']:>3}/{r['runs']:<3} | {100 * r['rate']:5.1f} % "
            f"| [{100 * lo:5.1f}, {100 * hi:5.1f}] | {r['grad_ok']:>3} | {r['median_iterations']:>6.0f} | "
            f"{r['median_s']:6.2f} | {r['runs_with_escape']:>3} | {r['statuses']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--finders", default=",".join(FINDERS))
    parser.add_argument("--protocols", default=",".join(PROTOCOLS))
    args = parser.parse_args()
    print("| protocol | finder | successes | rate | 95 % CI (exact) | ‖∇L‖²<1e-10 | median its | median s "
          "| escaped | statuses |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with blas_threads(1):
        run(args.finders.split(","), args.protocols.split(","), args.runs, args.iterations)
    print("published (Frye et al. 2019, Newton-MR, frye protocol): 80 ± 4 %")


if __name__ == "__main__":
    main()
