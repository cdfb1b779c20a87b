"""Sweeps: a grid of problems × methods × seeds, each run classified where it ends.

A sweep is read from a TOML file (see :func:`load_config`)::

    out = "sweep-results"             # optional; default <config stem>-results beside it
    [grid]                            # a list sweeps a key; a scalar fixes it
    model = "deep-linear"             # required
    widths = [[8, 8, 8, 8], [8, 2, 8]]  # required; one list of ints = one architecture
    loss = "squared"                  # required: squared | logistic | cross-entropy | huber
    data = "gaussian"                 # required: gaussian | whitened | rank-deficient | ...
    seeds = 5                         # runs per task: an int n (seeds 0..n-1) or a list
    method = "gd"                     # a key of METHODS
    data_seed = [0, 1]
    steps = 2000

A *task* is one point of the grid (all keys but ``seeds``); its id is a hash of its
parameters and seeds. Each task runs its method from one random start per seed and
classifies the end point (``end = "quick"``: loss gap and gradient norm; ``"certified"``:
:func:`spurious.critical.classify`). Results go to ``<out>/task-<id>.parquet``, one file per
finished task with one tidy row per (task, run), written by the parent process atomically
(temporary file + rename): a sweep killed at any moment and restarted skips exactly the
tasks whose file exists, so no task is lost and none is duplicated.

Execution: sequential for ``n_jobs = 1``; joblib processes otherwise (BLAS pinned to one
thread per worker with threadpoolctl); a running Dask cluster with ``scheduler`` (joblib's
Dask backend over a ``distributed.Client``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import data as datagen
from .errors import InputError, MissingDependencyError
from .landscape import Landscape
from .losses import CrossEntropyLoss, HuberLoss, LogisticLoss, Loss, SquaredLoss
from .models.deep_linear import DeepLinear

__all__ = ["SweepConfig", "Task", "load_config", "parse_config", "expand", "run_task",
           "run_sweep", "load_results", "summarise", "build_landscape", "METHODS", "ENDS",
           "MODELS", "LOSSES", "GENERATORS"]

# ---------------------------------------------------------------- building blocks by name

MODELS: dict[str, Callable[[tuple[int, ...]], Any]] = {"deep-linear": DeepLinear}

LOSSES: dict[str, Callable[[], Loss]] = {
    "squared": lambda: SquaredLoss(mean=True),
    "logistic": lambda: LogisticLoss(mean=True),
    "cross-entropy": lambda: CrossEntropyLoss(mean=True),
    "huber": lambda: HuberLoss(mean=True),
}


def _gen(name: str) -> Callable[..., datagen.Dataset]:
    def make(d_in: int, d_out: int, m: int, noise: float, seed: int) -> datagen.Dataset:
        if name == "gaussian":
            return datagen.gaussian_teacher(d_in, d_out, m, noise=noise, seed=seed)
        if name == "whitened":
            return datagen.whitened_teacher(d_in, d_out, m, noise=noise, seed=seed)
        if name == "rank-deficient":
            return datagen.rank_deficient_teacher(d_in, d_out, m, max(1, d_in // 2), noise, seed)
        if name == "repeated-eigenvalue":
            return datagen.repeated_eigenvalue_teacher(d_in, d_out, m, seed=seed)
        if name == "logistic":
            if d_out != 1:
                raise InputError("widths", f"logistic data has 1 output, the widths end in {d_out}")
            return datagen.logistic_teacher(d_in, m, seed=seed)
        return datagen.softmax_teacher(d_in, d_out, m, seed=seed)
    return make


GENERATORS: dict[str, Callable[..., datagen.Dataset]] = {
    n: _gen(n) for n in ("gaussian", "whitened", "rank-deficient", "repeated-eigenvalue",
                         "logistic", "softmax")}


def build_landscape(model: str, widths: Iterable[int], loss: str, data: str, m: int = 64,
                    noise: float = 0.1, data_seed: int = 0) -> Landscape:
    """The landscape named by a task's parameters (model, widths, loss, data generator)."""
    net = _choice(MODELS, model, "model")(tuple(widths))
    ds = _choice(GENERATORS, data, "data")(net.d_in, net.d_out, int(m), float(noise), int(data_seed))
    return Landscape(net, _choice(LOSSES, loss, "loss")(), ds)


def _choice(table: Mapping[str, Any], name: str, key: str) -> Any:
    if name not in table:
        raise InputError(key, f"unknown {key} {name!r}; expected one of {sorted(table)}")
    return table[name]


# ---------------------------------------------------------------- methods and end labels

def _gd(landscape: Landscape, x0: np.ndarray, params: Mapping[str, Any]):
    """Gradient descent (spurious.optim.gd: fixed η = lr, or 1/β estimated when lr is unset)."""
    from .optim import gd

    gtol = float(params["gtol"]) * max(1.0, abs(landscape.value(x0)))
    return gd(landscape, x0, lr=params["lr"], steps=int(params["steps"]), gtol=gtol,
              log_every=max(int(params["steps"]), 1), seed=int(params.get("_seed", 0)))


METHODS: dict[str, Callable[..., Any]] = {"gd": _gd}
"""Method registry: name → run(landscape, x0, params) -> :class:`~spurious.result.Result`."""


def _quick_end(landscape: Landscape, point: np.ndarray, loss: float, grad_norm: float,
               params: Mapping[str, Any]) -> tuple[str, float | None]:
    """"global minimum" if Φ − Φ* ≤ ftol·(1 + |Φ*|); else "not global" if ‖∇Φ‖ ≤ gtol·max(1,|Φ|);
    else "not critical" ("optimum unknown" when no Φ* is known). Returns (label, gap)."""
    fstar = landscape.min_value
    critical = grad_norm <= float(params["gtol"]) * max(1.0, abs(loss))
    if fstar is None:
        return ("optimum unknown" if critical else "not critical"), None
    gap = loss - fstar
    if gap <= float(params["ftol"]) * (1.0 + abs(fstar)):
        return "global minimum", gap
    return ("not global" if critical else "not critical"), gap


def _certified_end(landscape: Landscape, point: np.ndarray, loss: float, grad_norm: float,
                   params: Mapping[str, Any]) -> tuple[str, float | None]:
    """The certified label of :func:`spurious.critical.classify` (strict saddle, …)."""
    from .critical import classify

    c = classify(landscape, point)
    fstar = landscape.min_value
    return c.label, (None if fstar is None else loss - fstar)


ENDS: dict[str, Callable[..., tuple[str, float | None]]] = {
    "quick": _quick_end, "certified": _certified_end}

# ---------------------------------------------------------------- configuration

REQUIRED = ("model", "widths", "loss", "data")
DEFAULTS: dict[str, Any] = {"method": "gd", "m": 64, "noise": 0.1, "data_seed": 0,
                            "init_scale": None, "lr": None, "steps": 2000, "gtol": 1e-6,
                            "ftol": 1e-6, "end": "quick"}
KINDS: dict[str, tuple[type, ...]] = {
    "model": (str,), "loss": (str,), "data": (str,), "method": (str,), "end": (str,),
    "m": (int,), "data_seed": (int,), "steps": (int,), "noise": (int, float),
    "init_scale": (int, float), "lr": (int, float), "gtol": (int, float), "ftol": (int, float)}
POSITIVE = ("m", "steps", "init_scale", "lr", "gtol", "ftol")
PARAM_KEYS = (*REQUIRED, *DEFAULTS)


@dataclass(frozen=True)
class Task:
    """One grid point: its parameters and the seeds of its runs; ``id`` hashes both."""

    params: tuple[tuple[str, Any], ...]
    seeds: tuple[int, ...]

    @property
    def id(self) -> str:
        text = json.dumps([list(self.params), list(self.seeds)], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def as_dict(self) -> dict[str, Any]:
        return dict(self.params)


@dataclass
class SweepConfig:
    """A parsed sweep: the grid (key → list of values), the seeds, the output folder."""

    grid: dict[str, list[Any]]
    seeds: tuple[int, ...]
    out: Path
    source: Path | None = None
    swept: tuple[str, ...] = field(default=())


def load_config(path: Path | str, out: Path | str | None = None) -> SweepConfig:
    """Read and validate a sweep TOML file (errors name the offending key)."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("CONFIG", f"no such file {str(path)!r}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError("CONFIG", f"{path.name} is not valid TOML ({exc})") from None
    default_out = path.with_name(f"{path.stem}-results")
    return parse_config(raw, out=out, default_out=default_out, source=path)


def parse_config(raw: Mapping[str, Any], out: Path | str | None = None,
                 default_out: Path | str = "sweep-results", source: Path | None = None
                 ) -> SweepConfig:
    """Validate a config dict (the TOML structure) into a :class:`SweepConfig`."""
    unknown_top = sorted(set(raw) - {"grid", "out"})
    if unknown_top:
        raise InputError(unknown_top[0], "unknown top-level key; expected 'grid' and optionally 'out'")
    if "grid" not in raw or not isinstance(raw["grid"], Mapping):
        raise InputError("grid", "missing [grid] table")
    grid_raw = dict(raw["grid"])
    unknown = sorted(set(grid_raw) - set(PARAM_KEYS) - {"seeds"})
    if unknown:
        raise InputError(f"grid.{unknown[0]}", f"unknown key; expected one of {sorted((*PARAM_KEYS, 'seeds'))}")
    for key in REQUIRED:
        if key not in grid_raw:
            raise InputError(f"grid.{key}", "missing key (required: model, widths, loss, data)")
    grid: dict[str, list[Any]] = {}
    for key in PARAM_KEYS:
        value = grid_raw.get(key, DEFAULTS.get(key))
        grid[key] = _widths_values(value) if key == "widths" else _values(key, value)
    seeds = _seeds(grid_raw.get("seeds", 1))
    target = Path(out) if out is not None else Path(raw.get("out", default_out))
    if source is not None and out is None and "out" in raw and not target.is_absolute():
        target = source.parent / target
    swept = tuple(k for k in PARAM_KEYS if len(grid[k]) > 1)
    return SweepConfig(grid, seeds, target, source, swept)


def _values(key: str, value: Any) -> list[Any]:
    values = list(value) if isinstance(value, list) else [value]
    if not values:
        raise InputError(f"grid.{key}", "empty list")
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, KINDS[key]):
            raise InputError(f"grid.{key}", f"expected {' or '.join(t.__name__ for t in KINDS[key])}, got {v!r}")
        if key in POSITIVE and not v > 0:
            raise InputError(f"grid.{key}", f"expected a number > 0, got {v!r}")
    table = {"model": MODELS, "loss": LOSSES, "data": GENERATORS, "method": METHODS, "end": ENDS}
    if key in table:
        for v in values:
            if v not in table[key]:
                raise InputError(f"grid.{key}", f"unknown {key} {v!r}; expected one of {sorted(table[key])}")
    return [float(v) if key in ("noise", "init_scale", "lr", "gtol", "ftol") and v is not None else v
            for v in values]


def _widths_values(value: Any) -> list[tuple[int, ...]]:
    if not isinstance(value, list) or not value:
        raise InputError("grid.widths", f"expected a list of integers or a list of such lists, got {value!r}")
    archs = value if isinstance(value[0], list) else [value]
    out = []
    for arch in archs:
        if not isinstance(arch, list) or len(arch) < 2 or not all(
                isinstance(w, int) and not isinstance(w, bool) for w in arch):
            raise InputError("grid.widths", f"expected at least 2 integers per architecture, got {arch!r}")
        if min(arch) < 1:
            raise InputError("grid.widths", f"every width must be >= 1, got {arch}")
        out.append(tuple(arch))
    return out


def _seeds(value: Any) -> tuple[int, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 1:
            raise InputError("grid.seeds", f"expected a number of runs >= 1, got {value}")
        return tuple(range(value))
    if isinstance(value, list) and value and all(isinstance(s, int) and s >= 0 for s in value):
        if len(set(value)) != len(value):
            raise InputError("grid.seeds", f"repeated seeds in {value}")
        return tuple(value)
    raise InputError("grid.seeds", f"expected an int >= 1 or a list of distinct ints >= 0, got {value!r}")


def expand(config: SweepConfig) -> list[Task]:
    """The tasks of the grid (Cartesian product of the values of every key), in a fixed order."""
    keys = list(PARAM_KEYS)
    tasks = []
    for combo in itertools.product(*(config.grid[k] for k in keys)):
        params = dict(zip(keys, combo, strict=True))
        params["widths"] = tuple(int(w) for w in params["widths"])
        tasks.append(Task(tuple(sorted(params.items())), config.seeds))
    return tasks


# ---------------------------------------------------------------- running one task

SCHEMA = pa.schema([
    ("task_id", pa.string()), ("seed", pa.int64()),
    ("model", pa.string()), ("widths", pa.string()), ("loss", pa.string()), ("data", pa.string()),
    ("method", pa.string()), ("m", pa.int64()), ("noise", pa.float64()), ("data_seed", pa.int64()),
    ("init_scale", pa.float64()), ("lr", pa.float64()), ("steps", pa.int64()),
    ("gtol", pa.float64()), ("ftol", pa.float64()), ("end", pa.string()),
    ("final_loss", pa.float64()), ("grad_norm", pa.float64()), ("iterations", pa.int64()),
    ("status", pa.string()), ("ending", pa.string()), ("min_value", pa.float64()),
    ("gap", pa.float64()), ("seconds", pa.float64()),
])


def run_task(task: Task) -> list[dict[str, Any]]:
    """Run every seed of ``task`` (BLAS pinned to one thread) and return its tidy rows."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _run_task(task)


def _run_task(task: Task) -> list[dict[str, Any]]:
    p = task.as_dict
    landscape = build_landscape(p["model"], p["widths"], p["loss"], p["data"], p["m"], p["noise"],
                                p["data_seed"])
    fstar = landscape.min_value
    method = METHODS[p["method"]]
    end = ENDS[p["end"]]
    rows = []
    for seed in task.seeds:
        start = time.perf_counter()
        x0 = landscape.model.random_point(seed, p["init_scale"])
        result = method(landscape, x0, {**p, "_seed": seed})
        label, gap = end(landscape, result.point, result.loss, result.grad_norm, p)
        rows.append({**p, "widths": "-".join(map(str, p["widths"])), "task_id": task.id,
                     "seed": int(seed), "final_loss": float(result.loss),
                     "grad_norm": float(result.grad_norm), "iterations": int(result.iterations),
                     "status": str(result.status), "ending": label, "min_value": fstar,
                     "gap": gap, "seconds": time.perf_counter() - start})
    return rows


# ---------------------------------------------------------------- the store (resumable)

def _task_file(out: Path, task_id: str) -> Path:
    return out / f"task-{task_id}.parquet"


def done_ids(out: Path) -> set[str]:
    """Ids of the tasks whose result file exists (complete by construction: atomic writes)."""
    return {p.stem.removeprefix("task-") for p in Path(out).glob("task-*.parquet")}


def write_rows(out: Path, task_id: str, rows: list[dict[str, Any]]) -> Path:
    """Write a task's rows to a temporary file, then rename it into place (atomic)."""
    target = _task_file(out, task_id)
    tmp = out / f".task-{task_id}.{os.getpid()}.tmp"
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return target


def load_results(out: Path | str) -> pa.Table:
    """All rows written so far (one per (task, run)), as an Arrow table."""
    files = sorted(Path(out).glob("task-*.parquet"))
    if not files:
        return SCHEMA.empty_table()
    return pa.concat_tables(pq.read_table(f, schema=SCHEMA) for f in files)


# ---------------------------------------------------------------- running a sweep

@dataclass
class SweepRun:
    """What :func:`run_sweep` did: tasks in the grid, skipped (already done), run now, time."""

    total: int
    skipped: int
    ran: int
    seconds: float
    out: Path


def _results(tasks: list[Task], n_jobs: int, scheduler: str | None,
             connect_timeout: float = 10.0) -> Iterator[list[dict]]:
    if scheduler is None and n_jobs == 1:
        yield from (run_task(t) for t in tasks)
        return
    from joblib import Parallel, delayed, parallel_config

    jobs = (delayed(run_task)(t) for t in tasks)
    if scheduler is None:
        yield from Parallel(n_jobs=n_jobs, return_as="generator_unordered")(jobs)
        return
    try:
        from distributed import Client
    except ImportError:
        raise MissingDependencyError("--scheduler needs dask[distributed]: "
                                     "pip install 'spurious[dask]'") from None
    try:
        client = Client(scheduler, timeout=f"{connect_timeout}s")
    except OSError as exc:
        raise InputError("--scheduler", f"cannot reach a Dask scheduler at {scheduler} ({exc})") from None
    with client, parallel_config(backend="dask"):
        yield from Parallel(n_jobs=-1, return_as="generator_unordered")(jobs)


def run_sweep(config: SweepConfig, n_jobs: int = 1, scheduler: str | None = None,
              on_start: Callable[[int, int], None] | None = None,
              on_done: Callable[[list[dict[str, Any]]], None] | None = None,
              connect_timeout: float = 10.0) -> SweepRun:
    """Run the tasks of ``config`` not yet in ``config.out``; write each as it finishes.

    on_start(total, pending) is called once; on_done(rows) after each task is written.
    """
    if n_jobs == 0 or n_jobs < -1:
        raise InputError("--n-jobs", f"expected a positive number or -1 (all cores), got {n_jobs}")
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".task-*.tmp"):  # left by a killed run: never complete, never read
        stale.unlink(missing_ok=True)
    tasks = expand(config)
    done = done_ids(out)
    todo = [t for t in tasks if t.id not in done]
    _write_manifest(out, config, tasks)
    if on_start is not None:
        on_start(len(tasks), len(todo))
    start = time.perf_counter()
    for rows in _results(todo, n_jobs, scheduler, connect_timeout):
        write_rows(out, rows[0]["task_id"], rows)
        if on_done is not None:
            on_done(rows)
    return SweepRun(len(tasks), len(tasks) - len(todo), len(todo), time.perf_counter() - start, out)


def _write_manifest(out: Path, config: SweepConfig, tasks: list[Task]) -> None:
    manifest = {"seeds": list(config.seeds), "swept": list(config.swept),
                "tasks": {t.id: {k: list(v) if isinstance(v, tuple) else v for k, v in t.params}
                          for t in tasks}}
    tmp = out / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=1))
    os.replace(tmp, out / "manifest.json")


def summarise(table: pa.Table, by: Iterable[str]) -> list[dict[str, Any]]:
    """Per configuration (the keys ``by``): runs, fraction ending at a global minimum, labels."""
    by = list(by)
    rows = table.to_pylist()
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault(tuple(r[k] for k in by), []).append(r)
    summary = []
    for key, group in sorted(groups.items(), key=lambda kv: [str(x) for x in kv[0]]):
        labels: dict[str, int] = {}
        for r in group:
            labels[r["ending"]] = labels.get(r["ending"], 0) + 1
        summary.append({**dict(zip(by, key, strict=True)), "runs": len(group),
                        "global_fraction": labels.get("global minimum", 0) / len(group),
                        "endings": labels})
    return summary
