"""Rigorous certificates for the spurious minima of the SS18 table (one per row, k = 6…10 by default).

    python benchmarks/certify_safran_shamir.py --minima /tmp/ss/bad_minima.npz
    python benchmarks/certify_safran_shamir.py --ks 6 7 --starts 300     # find the minima first

For each point: a few float Newton steps (``polish``; the distance moved is printed), its
isotropy in S_k × S_k, then the arb ball test of :func:`spurious.critical.rigorous.certify_minimum`
(radius, loss interval, λ_min lower bound, gradient upper bound, Hessian variation on the ball).
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from spurious.critical.rigorous import certify_minimum, relu_population_enclosure
from spurious.experiments.safran_shamir import polish, run_row
from spurious.models import ReluPopulation
from spurious.symmetry import stabiliser


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minima", type=Path, help="bad_minima.npz written by bench_safran_shamir.py")
    parser.add_argument("--ks", type=int, nargs="+", default=[6, 7, 8, 9, 10])
    parser.add_argument("--starts", type=int, default=300, help="GD starts per k when no --minima is given")
    args = parser.parse_args()
    stored = dict(np.load(args.minima)) if args.minima else {}
    print("| k | n | isotropy | F (float) | certified | radius r | ‖polished − GD point‖ | loss interval | "
          "λ_min ≥ (ball) | ‖∇F‖ ≤ | Hessian variation ≤ | time (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for k in args.ks:
        key = f"k{k}_n{k}"
        if key in stored:
            W = stored[key]
        else:
            row = run_row(k, k, args.starts, seed=k)
            if not row.bad:
                print(f"| {k} | {k} | — | — | no bad run in {args.starts} starts | | | | | | | |")
                continue
            W = row.bad_points[np.argmin(row.bad_losses)]
        model = ReluPopulation(k)
        t0 = time.perf_counter()
        polished = polish(model, W)
        moved = float(np.linalg.norm(polished - W))
        cert = certify_minimum(relu_population_enclosure(model), polished.ravel(), global_value=0.0)
        seconds = time.perf_counter() - t0
        iso = stabiliser(W).label()
        if cert.certified:
            print(f"| {k} | {k} | {iso} | {model.value(W):.10f} | yes{' (spurious)' if cert.spurious else ''} | "
                  f"{cert.radius:.2e} | {moved:.1e} | [{cert.loss_lower:.15f}, {cert.loss_upper:.15f}] | "
                  f"{cert.lambda_min_ball_lower:.6f} | {cert.gradient_upper:.1e} | "
                  f"{cert.hessian_variation_upper:.1e} | {seconds:.1f} |", flush=True)
        else:
            print(f"| {k} | {k} | {iso} | {model.value(W):.10f} | no: {cert.reason} | | | | | | | "
                  f"{seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
