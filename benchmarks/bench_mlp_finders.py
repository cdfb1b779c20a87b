"""Benchmark: the four critical-point finders on small tanh / softplus MLPs, random vs GD-trajectory starts.

Problem: ``spurious find --model mlp --widths W --activation A`` (gaussian teacher data, m = 100
(``--samples``), squared loss summed over samples; P = 58 for 4,8,2, 21 for 3,4,1, 49 for 4,8,1).
Each finder runs ≤ ``--iterations`` iterations from ``--starts`` starts of each kind:

- ``random``: ``start_point(L, 1000 + k)`` (entries N(0, 1/fan-in)), as ``find --starts-from random``;
- ``trajectory``: a point of a GD run from a small random init (std 1e-2) at fraction (k + ½)/n of its
  loss decrease (Frye et al. 2021), as ``find --starts-from trajectory``.

``--data teacher`` replaces the targets by those of a random teacher of the same architecture
(Y = net_θ*(X) + 0.1·noise, θ* = ``random_point(7)``): realisable data, whose global minima lie at
finite distance. The default gaussian data are a *linear* teacher (Y = RX + noise), which a tanh or
softplus net approaches only as weights run to infinity (tanh(εz)/ε → z).

Per row: how many runs end converged (and, of those, the certified labels), escaping, max-iterations,
gradient-flat, stalled, diverged; medians over the *unconverged* runs of the final ‖θ‖ (and its growth
‖θ_T‖/‖θ_0‖), loss and ‖∇Φ‖ — where the runs that find nothing go.

Run:  python benchmarks/bench_mlp_finders.py [--starts 20] [--finders newton-mr,…] [--nets 4,8,2,3,4,1]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import numpy as np

from spurious.critical import FINDERS, classify
from spurious.critical.starts import TRAJECTORY_INIT_SCALE, trajectory_start
from spurious.data import Dataset
from spurious.linalg import blas_threads
from spurious.spec import build_landscape, make_spec, start_point

NETS = ("4,8,2", "3,4,1", "4,8,1")
ACTIVATIONS = ("tanh", "softplus")
SHORT = {"converged": "conv", "escaping": "esc", "max-iterations": "maxit", "gradient-flat": "flat",
         "stalled": "stall", "diverged": "div"}


def landscape(widths: str, activation: str, data: str = "gaussian", samples: int = 100):
    spec = make_spec({"model": {"kind": "mlp", "widths": [int(w) for w in widths.split(",")],
                                "activation": activation}, "data": {"samples": samples}})
    L = build_landscape(spec)
    if data == "gaussian":
        return L
    X = L.data.X
    teacher = start_point(L, 7)
    noise = 0.1 * np.random.default_rng(8).standard_normal((L.model.d_out, X.shape[1]))
    return build_landscape(spec, data=Dataset(X, L.model.outputs(teacher, X) + noise))


def starts(L, kind: str, n: int) -> list[np.ndarray]:
    if kind == "random":
        return [start_point(L, 1000 + k) for k in range(n)]
    return [trajectory_start(L, start_point(L, 1000 + k, TRAJECTORY_INIT_SCALE), (k + 0.5) / n, seed=k)
            for k in range(n)]


def run_row(L, finder: str, xs: list[np.ndarray], iterations: int) -> dict:
    statuses, labels, unconverged, secs = Counter(), Counter(), [], []
    for x0 in xs:
        t0 = time.perf_counter()
        res = FINDERS[finder](L, x0, max_iterations=iterations)
        secs.append(time.perf_counter() - t0)
        statuses[str(res.status)] += 1
        if res.converged:
            labels[str(classify(L, res.point).label)] += 1
        else:
            norm = float(np.linalg.norm(res.point))
            unconverged.append((norm, norm / max(float(np.linalg.norm(x0)), 1e-300), res.loss,
                                float(np.sqrt(res.grad_norm_sq))))
    med = np.median(np.array(unconverged), axis=0) if unconverged else [np.nan] * 4
    return {"statuses": statuses, "labels": labels, "median_unconverged": med, "median_s": float(np.median(secs))}


def line(net: str, act: str, data: str, kind: str, finder: str, n: int, row: dict) -> str:
    st = row["statuses"]
    counts = " ".join(f"{SHORT[s]} {st[s]}" for s in SHORT if st.get(s))
    labels = ", ".join(f"{lab} {k}" for lab, k in row["labels"].most_common()) or "-"
    norm, growth, loss, grad = row["median_unconverged"]
    return (f"| {net} | {act} | {data} | {kind} | {finder} | {st.get('converged', 0)}/{n} | {st.get('escaping', 0)} "
            f"| {counts} | {labels} | {norm:.3g} (×{growth:.3g}) | {loss:.4g} | {grad:.2e} | {row['median_s']:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--finders", default=",".join(FINDERS))
    parser.add_argument("--nets", default="/".join(NETS), help="nets separated by '/', e.g. 4,8,2/3,4,1")
    parser.add_argument("--activations", default=",".join(ACTIVATIONS))
    parser.add_argument("--kinds", default="random,trajectory")
    parser.add_argument("--data", default="gaussian", help="gaussian | teacher | gaussian,teacher")
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    print("| net | activation | data | starts | finder | converged | escaping | statuses | labels (converged) "
          "| median ‖θ_T‖ (×‖θ_0‖), unconverged | median loss | median ‖∇Φ‖ | median s/run |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    with blas_threads(1):
        for net in args.nets.split("/"):
            for act in args.activations.split(","):
                for data in args.data.split(","):
                    L = landscape(net, act, data, args.samples)
                    for kind in args.kinds.split(","):
                        xs = starts(L, kind, args.starts)
                        for finder in args.finders.split(","):
                            row = run_row(L, finder, xs, args.iterations)
                            print(line(net, act, data, kind, finder, args.starts, row), flush=True)


if __name__ == "__main__":
    main()
