"""Sweep throughput: 2 000 GD runs (d = 8, N = 3; 5 seeds × 400 configurations).

Configurations: 100 data seeds × 4 initial scales on widths (8, 8, 8, 8), squared loss,
fixed step. Compares sequential, ``--n-jobs 2`` and a local Dask cluster (2 single-threaded
workers), then times ``spurious check``. Rerun on a quiet machine:

    /tmp/venv/bin/python benchmarks/bench_sweep.py            # full size
    /tmp/venv/bin/python benchmarks/bench_sweep.py --configs 40 --skip-check   # quick look
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from spurious.sweep import load_results, parse_config, run_sweep


def config(out: Path, n_configs: int, steps: int):
    data_seeds = list(range(max(1, n_configs // 4)))
    return parse_config({"grid": {
        "model": "deep-linear", "widths": [8, 8, 8, 8], "loss": "squared", "reduction": "mean",
        "generator": "gaussian",
        "data_seed": data_seeds, "init_scale": [0.01, 0.1, 0.5, 1.0], "seeds": 5,
        "lr": 0.05, "steps": steps}}, out=out)


def timed(label: str, out: Path, n_configs: int, steps: int, **kw) -> tuple[str, int, float]:
    shutil.rmtree(out, ignore_errors=True)
    cfg = config(out, n_configs, steps)
    start = time.perf_counter()
    run_sweep(cfg, **kw)
    seconds = time.perf_counter() - start
    runs = load_results(out).num_rows
    return label, runs, seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--configs", type=int, default=400)
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--skip-check", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    rows = [timed("sequential", tmp / "seq", args.configs, args.steps),
            timed("joblib --n-jobs 2", tmp / "par", args.configs, args.steps, n_jobs=2)]
    if not args.skip_dask:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            print("dask[distributed] not installed: skipping the Dask row")
        else:
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster):
                rows.append(timed("Dask LocalCluster (2×1)", tmp / "dask", args.configs,
                                  args.steps, scheduler=cluster.scheduler_address))
    print(f"\nsweep: {args.configs} configurations × 5 seeds, {args.steps} GD steps per run")
    print(f"{'backend':<26}{'runs':>7}{'seconds':>10}{'runs/s':>10}")
    for label, runs, seconds in rows:
        print(f"{label:<26}{runs:>7}{seconds:>10.2f}{runs / seconds:>10.1f}")
    if not args.skip_check:
        spurious = str(Path(sys.executable).with_name("spurious"))
        start = time.perf_counter()
        done = subprocess.run([spurious, "check", "--out", str(tmp / "report")],
                              capture_output=True, text=True)
        print(f"\nspurious check (full report): {time.perf_counter() - start:.1f} s wall, "
              f"exit code {done.returncode}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
