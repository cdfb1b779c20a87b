"""The full Safran–Shamir table (SS18 Table 1): k = 6…20, n = k and k + 1, 1000 GD runs per row.

    OMP_NUM_THREADS=1 python benchmarks/bench_safran_shamir.py --out results/safran_shamir
    python benchmarks/bench_safran_shamir.py --ks 6 7 8 --starts 200 --out /tmp/ss   # a quick look

Writes, after every row (so a partial run leaves its rows): ``table.md`` (ours beside the paper,
95 % Clopper–Pearson intervals, 99 % two-sample bands), ``rows.json``, ``bad_minima.npz`` (one
representative bad end point per row, lowest loss first) and, at the end, ``rates.png``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from spurious.experiments.safran_shamir import PUBLISHED, format_table, run_row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ks", type=int, nargs="+", default=list(range(6, 21)))
    parser.add_argument("--extra", type=int, nargs="+", default=[0, 1], help="n = k + extra")
    parser.add_argument("--starts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=200_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows, minima = [], {}
    t0 = time.perf_counter()
    for e in args.extra:
        for k in args.ks:
            row = run_row(k, k + e, args.starts, seed=args.seed + 1000 * k + e, max_steps=args.max_steps)
            rows.append(row)
            if row.bad:
                order = np.argsort(row.bad_losses)
                minima[f"k{k}_n{k + e}"] = row.bad_points[order[0]]
            _write(args.out, rows, minima, time.perf_counter() - t0)
            print(f"k={k} n={k + e}: {row.bad}/{row.bad + row.good} bad, {row.unconverged} unconverged, "
                  f"{row.seconds:.0f} s", flush=True)
    _plot(args.out, rows)


def _write(out: Path, rows, minima, wall: float) -> None:
    (out / "table.md").write_text(format_table(rows) + f"\n\nWall time: {wall:.0f} s (one process, "
                                  "OMP_NUM_THREADS=1).\n")
    keys = ("k", "n", "starts", "bad", "good", "unconverged", "newton_finished", "stopped_good", "restarts",
            "steps_max", "seconds", "interval", "published", "band")
    data = [{key: getattr(r, key) for key in keys} | {"rate": r.rate, "agrees": r.agrees, "families": r.families,
            "distinct_bad_losses": sorted({round(float(v), 8) for v in r.bad_losses})} for r in rows]
    (out / "rows.json").write_text(json.dumps({"wall_seconds": wall, "rows": data}, indent=1))
    if minima:
        np.savez(out / "bad_minima.npz", **minima)


def _plot(out: Path, rows) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for e, marker in ((0, "o"), (1, "s")):
        sel = [r for r in rows if r.n - r.k == e]
        if not sel:
            continue
        ks = [r.k for r in sel]
        rate = np.array([r.rate for r in sel])
        lo = rate - np.array([r.interval[0] for r in sel])
        hi = np.array([r.interval[1] for r in sel]) - rate
        ax.errorbar(ks, 100 * rate, yerr=100 * np.vstack([lo, hi]), fmt=marker + "-", capsize=3,
                    label=f"this reproduction, n = k{'' if e == 0 else ' + 1'}")
    pk = sorted(k for k, n in PUBLISHED if n == k)
    ax.plot(pk, [100 * PUBLISHED[(k, k)] for k in pk], "kx", ms=9, label="SS18 Table 1 (n = k)")
    ax.set_xlabel("k (teacher neurons)")
    ax.set_ylabel("runs ending at a spurious minimum (%)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "rates.png", dpi=120)


if __name__ == "__main__":
    main()
