"""Gradient and HVP of a deep linear net: spurious (closed form) vs JAX (jitted) vs PyTorch autograd.

Problem: d = 32, N = 4 (widths 32-32-32-32-32), squared loss ½‖W₄W₃W₂W₁X − Y‖², float64.
Also: value+gradient time at m = 10³ vs m = 10⁶ after the one pass that builds the statistics.
Targets (issue 2): gradient ≥ 10× faster than the PyTorch loop at m = 10⁴; time ratio
m = 10⁶ / m = 10³ ≤ 1.2; HVP time ≤ 3× gradient time.

Run: python benchmarks/bench_landscape.py [--quick]   (prints a table; BLAS pinned to 1 thread)
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

import spurious as sp


def best_time(fn, repeat: int = 7, number: int = 20) -> float:
    """Best over ``repeat`` of the mean time of ``number`` calls (seconds per call)."""
    fn()
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def spurious_timings(land: sp.Landscape, theta: np.ndarray, v: np.ndarray, number: int) -> dict[str, float]:
    return {"gradient": best_time(lambda: land.value_and_gradient(theta), number=number),
            "hvp": best_time(lambda: land.hvp(theta, v), number=number)}


def jax_timings(model, data, theta, v, number):
    from spurious.autodiff import jax_deep_linear_objective, require_jax

    jax = require_jax()
    f = jax_deep_linear_objective(model, sp.SquaredLoss(), data)
    vg = jax.jit(jax.value_and_grad(f))
    hvp = jax.jit(lambda t, u: jax.jvp(jax.grad(f), (t,), (u,))[1])
    tj, vj = jax.numpy.asarray(theta), jax.numpy.asarray(v)
    g = vg(tj)[1].block_until_ready()
    h = hvp(tj, vj).block_until_ready()
    return ({"gradient": best_time(lambda: vg(tj)[1].block_until_ready(), number=number),
             "hvp": best_time(lambda: hvp(tj, vj).block_until_ready(), number=number)},
            np.asarray(g), np.asarray(h))


def torch_timings(model, data, theta, v, number):
    import torch

    torch.set_num_threads(1)
    X = torch.from_numpy(data.X)
    Y = torch.from_numpy(data.Y)
    shapes = model.shapes

    def loss_of(flat):
        W, offset = None, 0
        for a, b in shapes:
            Wj = flat[offset: offset + a * b].reshape(a, b)
            offset += a * b
            W = Wj if W is None else Wj @ W
        return 0.5 * ((W @ X - Y) ** 2).sum()

    def grad_step():
        flat = torch.from_numpy(theta.copy()).requires_grad_(True)
        loss = loss_of(flat)
        loss.backward()
        return flat.grad

    vt = torch.from_numpy(v)

    def hvp_step():
        flat = torch.from_numpy(theta.copy()).requires_grad_(True)
        (g,) = torch.autograd.grad(loss_of(flat), flat, create_graph=True)
        (h,) = torch.autograd.grad(g, flat, grad_outputs=vt)
        return h

    g, h = grad_step().numpy(), hvp_step().numpy()
    return ({"gradient": best_time(grad_step, number=number), "hvp": best_time(hvp_step, number=number)}, g, h)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="m = 10⁴ and 10⁵ only, fewer repeats")
    args = parser.parse_args()
    d, N = 32, 4
    model = sp.DeepLinear((d,) * (N + 1))
    theta = model.random_point(0)
    v = np.random.default_rng(1).standard_normal(model.n_params)
    sizes = (10**4, 10**5) if args.quick else (10**4, 10**6)
    rows = []
    with threadpool_limits(1):
        for m in sizes:
            data = sp.gaussian_teacher(d, d, m, seed=0)
            t0 = time.perf_counter()
            land = sp.Landscape(model, sp.SquaredLoss(), data)
            prep = time.perf_counter() - t0
            number = 200 if m <= 10**4 else 100
            ours = spurious_timings(land, theta, v, number)
            slow_number = 5 if m > 10**5 else 20
            row = {"m": m, "prep s": prep, "spurious grad": ours["gradient"], "spurious hvp": ours["hvp"]}
            for name, timer in (("jax", jax_timings), ("torch", torch_timings)):
                try:
                    t, g, h = timer(model, data, theta, v, slow_number)
                except ImportError as exc:
                    print(f"skipping {name}: {exc}")
                    continue
                row |= {f"{name} grad": t["gradient"], f"{name} hvp": t["hvp"],
                        f"{name} grad rel.err": float(np.linalg.norm(g - land.gradient(theta)) / np.linalg.norm(g)),
                        f"{name} hvp rel.err": float(np.linalg.norm(h - land.hvp(theta, v)) / np.linalg.norm(h))}
            rows.append(row)
        small = sp.Landscape(model, sp.SquaredLoss(), sp.gaussian_teacher(d, d, 10**3, seed=0))
        t_small = best_time(lambda: small.value_and_gradient(theta), number=200)
        t_large = rows[-1]["spurious grad"]

    print(f"\nDeep linear net d = {d}, N = {N}, P = {model.n_params}, float64, BLAS 1 thread\n")
    header = "| m | spurious grad (µs) | spurious HVP (µs) | HVP/grad | JAX grad (µs) | JAX HVP (µs) | " \
             "torch grad (µs) | torch HVP (µs) | torch/spurious grad | torch/spurious HVP | JAX/spurious grad |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for r in rows:
        def us(key: str, r: dict = r) -> str:
            return f"{1e6 * r[key]:.1f}" if key in r else "n/a"

        def ratio(a: str, b: str, r: dict = r) -> str:
            return f"{r[a] / r[b]:.1f}×" if a in r and b in r else "n/a"

        print(f"| {r['m']:.0e} | {us('spurious grad')} | {us('spurious hvp')} | "
              f"{r['spurious hvp'] / r['spurious grad']:.2f} | {us('jax grad')} | {us('jax hvp')} | "
              f"{us('torch grad')} | {us('torch hvp')} | {ratio('torch grad', 'spurious grad')} | "
              f"{ratio('torch hvp', 'spurious hvp')} | {ratio('jax grad', 'spurious grad')} |")
    for r in rows:
        errs = {k: f"{v:.1e}" for k, v in r.items() if "rel.err" in k}
        print(f"m = {r['m']:.0e}: one-pass statistics {r['prep s']:.3f} s; agreement {errs}")
    print(f"\nvalue+gradient after preprocessing: m = 1e3 {1e6 * t_small:.1f} µs, "
          f"m = {sizes[-1]:.0e} {1e6 * t_large:.1f} µs, ratio {t_large / t_small:.2f} (target ≤ 1.2)")


if __name__ == "__main__":
    main()
