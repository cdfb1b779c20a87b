"""`spurious find --widths 32,8,32`: seconds to the first result line, against eager enumeration.

The peer is what `find` did before matching lazily: build every analytic critical point
(Σ_{r≤8} C(32, r) ≈ 1.5·10⁷ index sets) before the first start. Its cost is measured on a
sample of index sets and multiplied by their number (running it in full takes hours).

    python benchmarks/bench_find_first_result.py [SEED ...]   (default seeds 0 1 2 3 4)

Each seed is one `find --seed SEED` process; its first row is start 0 (random start seed + 1000).
The row's status is printed too: a first result that is "max-iterations" is not a result.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from itertools import combinations, islice
from pathlib import Path

from spurious.critical import count_index_sets, critical_point_for, sigma_eigensystem
from spurious.spec import build_landscape, make_spec

WIDTHS = "32,8,32"


def first_result_seconds(out: Path, seed: int = 0) -> tuple[float, str]:
    """Wall time from launch to the first streamed result row of `spurious find --seed SEED`."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "spurious", "find", "--widths", WIDTHS, "--starts", "1",
                             "--seed", str(seed), "--out", str(out)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.split() and line.split()[0] == "0":
            seconds = time.perf_counter() - start
            proc.wait()
            return seconds, line.strip()
    proc.wait()
    raise RuntimeError("find printed no result row")


def eager_enumeration_seconds(sample: int = 300) -> tuple[float, int]:
    """Estimated seconds to build every analytic point (sampled per-point cost × count)."""
    L = build_landscape(make_spec(model={"widths": [int(w) for w in WIDTHS.split(",")]}))
    eig = sigma_eigensystem(L)
    p = L.objective.model.max_rank
    total = count_index_sets(len(eig.positive), p)
    subsets = islice((s for r in range(p, -1, -1) for s in combinations(eig.positive, r)), sample)
    start = time.perf_counter()
    for k, subset in enumerate(subsets):
        critical_point_for(L, subset, seed=k)
    per_point = (time.perf_counter() - start) / sample
    return per_point * total, total


def main() -> None:
    seeds = [int(s) for s in sys.argv[1:]] or [0, 1, 2, 3, 4]
    times = []
    for seed in seeds:
        with tempfile.TemporaryDirectory() as tmp:
            seconds, line = first_result_seconds(Path(tmp) / "find", seed)
        times.append(seconds)
        print(f"find --widths {WIDTHS} --seed {seed}: first result after {seconds:.2f} s (process start included)")
        print(f"  first row: {line}")
    lazy = max(times)
    eager, total = eager_enumeration_seconds()
    print(f"first result: median {sorted(times)[len(times) // 2]:.2f} s, worst {lazy:.2f} s over seeds {seeds}")
    print(f"eager enumeration of {total:,} analytic points before the first start: ≈ {eager:,.0f} s (sampled)")
    print(f"ratio eager / lazy ≈ {eager / lazy:,.0f}×")


if __name__ == "__main__":
    main()
