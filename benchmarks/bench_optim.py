"""Benchmarks of the optimisers (issue 4). Run: /tmp/venv/bin/python benchmarks/bench_optim.py

(a) GD steps/s on a deep linear net (d = 32, N = 4, m = 10⁴, mean squared loss): spurious'
    GD (sufficient statistics, closed-form chain rule) vs a plain PyTorch float64 loop (same
    initialisation, same step); the trajectories must agree to 1e-10 (relative).
(b) 1 000 runs × 1 000 steps of GD on d = 8, N = 3: batched runs vs one-by-one runs
    (the latter timed on a subset and extrapolated).

BLAS (and torch) are pinned to ``--threads`` threads (default 1) with threadpoolctl.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

import spurious as sp
from spurious.optim import batched_gd, gd


def bench_torch_vs_spurious(steps: int, threads: int) -> dict:
    import torch

    torch.set_num_threads(threads)
    d, N, m, lr = 32, 4, 10_000, 0.05
    model = sp.DeepLinear((d,) * (N + 1))
    data = sp.gaussian_teacher(d, d, m, seed=0)
    L = sp.Landscape(model, sp.SquaredLoss(mean=True), data)
    x0 = model.random_point(1)
    L.value(x0)  # sufficient statistics computed once, before timing (one pass over the data)

    t0 = time.perf_counter()
    res = gd(L, x0, lr=lr, steps=steps)
    t_ours = time.perf_counter() - t0

    X = torch.tensor(data.X, dtype=torch.float64)
    Y = torch.tensor(data.Y, dtype=torch.float64)
    Ws = [torch.tensor(B.copy(), dtype=torch.float64, requires_grad=True) for B in model.unflatten(x0)]
    t0 = time.perf_counter()
    for _ in range(steps):
        out = X
        for W in Ws:
            out = W @ out
        loss = 0.5 * ((out - Y) ** 2).sum() / m
        loss.backward()
        with torch.no_grad():
            for W in Ws:
                W -= lr * W.grad
                W.grad = None
    t_torch = time.perf_counter() - t0
    theta_torch = np.concatenate([W.detach().numpy().ravel() for W in Ws])
    agree = float(np.linalg.norm(theta_torch - res.point) / np.linalg.norm(res.point))
    return {"steps": steps, "ours_steps_per_s": steps / t_ours, "torch_steps_per_s": steps / t_torch,
            "speedup": t_torch / t_ours, "rel_diff": agree, "loss_final": res.loss}


def bench_batched(runs: int, steps: int, subset: int) -> dict:
    model = sp.DeepLinear((8, 8, 8, 8))
    data = sp.gaussian_teacher(8, 8, 500, seed=0)
    L = sp.Landscape(model, sp.SquaredLoss(mean=True), data)
    X0 = np.stack([model.random_point(s) for s in range(runs)])
    lr = 0.05
    t0 = time.perf_counter()
    res = batched_gd(model, data, X0, lr, steps, loss=sp.SquaredLoss(mean=True))
    t_batched = time.perf_counter() - t0
    t0 = time.perf_counter()
    ones = [gd(L, X0[i], lr=lr, steps=steps) for i in range(subset)]
    t_sub = time.perf_counter() - t0
    diff = max(float(np.abs(o.point - res.points[i]).max()) for i, o in enumerate(ones))
    t_one_by_one = t_sub * runs / subset
    return {"runs": runs, "steps": steps, "batched_s": t_batched, "one_by_one_s_extrapolated": t_one_by_one,
            "ratio": t_one_by_one / t_batched, "max_abs_diff_subset": diff,
            "statuses": {s: int(np.sum(res.status == s)) for s in set(res.status)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=200, help="steps for (a)")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--batched-steps", type=int, default=1000)
    parser.add_argument("--subset", type=int, default=20, help="one-by-one runs timed for (b)")
    args = parser.parse_args()
    with threadpool_limits(limits=args.threads):
        a = bench_torch_vs_spurious(args.steps, args.threads)
        b = bench_batched(args.runs, args.batched_steps, args.subset)
    print(f"threads = {args.threads}")
    print("| benchmark | spurious | baseline | ratio | target | agreement |")
    print("|---|---|---|---|---|---|")
    print(f"| (a) GD d=32 N=4 m=1e4, {a['steps']} steps | {a['ours_steps_per_s']:.0f} steps/s "
          f"| torch {a['torch_steps_per_s']:.1f} steps/s | {a['speedup']:.0f}× | ≥ 50× "
          f"| rel. diff {a['rel_diff']:.1e} (≤ 1e-10) |")
    print(f"| (b) {b['runs']} runs × {b['steps']} steps, d=8 N=3 | batched {b['batched_s']:.2f} s "
          f"| one-by-one {b['one_by_one_s_extrapolated']:.1f} s (from {args.subset} runs) "
          f"| {b['ratio']:.0f}× | ≤ 10 s | max |Δθ| {b['max_abs_diff_subset']:.1e} |")
    print(f"statuses (b): {b['statuses']}")


if __name__ == "__main__":
    main()
