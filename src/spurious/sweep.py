"""Sweeps: a grid of problems × methods × seeds, each run labelled where it ends.

A sweep is read from a TOML file (see ``examples/`` and :func:`load_config`)::

    out = "sweep-results"               # optional; default <config stem>-results beside it
    [grid]                              # a list sweeps a key; a scalar fixes it
    model = "deep-linear"               # deep-linear | linear-resnet | multi-tower | mlp | exp-neuron
    widths = [[8, 8, 8, 8], [8, 2, 8]]  # one list of ints = one architecture (multi-tower: towers = ...)
    activation = "tanh"                 # mlp / exp-neuron only
    loss = "squared"                    # squared | logistic | cross-entropy | huber
    reduction = "mean"                  # sum | mean | mean-all
    generator = "gaussian"              # or data = "file.csv" (with target, layout)
    samples = 64
    data_seed = [0, 1]
    method = ["gd", "newton-mr"]        # gd | sgd | pgd | newton-mr | damped-newton | gnm | levenberg-marquardt
    seeds = 5                           # runs per task: an int n (seeds 0..n-1) or a list
    steps = 2000                        # steps (optimisers) or iterations (finders)

The problem keys (model … noise) of every grid point make one :class:`~spurious.spec.ProblemSpec`,
validated when the config is read (errors name ``grid.<key>``) and built by
:func:`spurious.spec.build_landscape`. A *task* is one grid point; its id hashes its
parameters and seeds. Each run is labelled (:data:`ENDINGS`): ``diverged`` (non-finite values),
``unconverged`` (stopped with ‖∇Φ‖ above tolerance), ``global minimum``, ``critical, not global``,
``critical (optimum unknown)``; with ``end = "certified"`` a critical point gets the certified
label of :func:`spurious.critical.classify` instead.

Store: ``<out>/task-<id>.parquet`` (one tidy row per run, written atomically: temporary file +
rename, so a killed sweep restarts skipping exactly the finished tasks) and ``<out>/<id>/``
with ``problem.toml``, ``final.npy`` (the lowest end point) and ``points.npy`` (one row per
seed). ``manifest.json`` records the config hash; a restart against an edited config is refused
(:class:`~spurious.errors.InputError`) unless a new folder is asked for (``force_new``).

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
from joblib import Parallel, delayed, parallel_config
from threadpoolctl import threadpool_limits

from .critical import FINDERS, classify
from .errors import InputError, MissingDependencyError
from .landscape import Landscape
from .optim import estimate_beta, estimate_rho, gd, pgd, sgd
from .spec import (
    GENERATORS,
    ProblemSpec,
    build_data,
    build_landscape,
    check_data_fits,
    make_spec,
    start_point,
    write_problem,
)
from .tolerances import DEFAULT
from .vocabulary import Ending, Label, RunStatus

__all__ = ["SweepConfig", "Task", "load_config", "parse_config", "expand", "run_task", "run_sweep",
           "load_results", "summarise", "plot_summary", "config_hash", "task_spec", "METHODS", "ENDS",
           "ENDINGS", "PROBLEM_KEYS", "RUN_KEYS"]

# ---------------------------------------------------------------- methods

OPTIMISERS = ("gd", "sgd", "pgd")


def _finite_or(value: Any, default: float) -> float:
    return default if value is None else float(value)


def _gd(landscape: Landscape, x0: np.ndarray, p: Mapping[str, Any]):
    """Gradient descent: fixed η = lr, or η = 1/β estimated around x0 when lr is unset."""
    gtol = float(p["gtol"]) * max(1.0, abs(landscape.value(x0)))
    return gd(landscape, x0, lr=p["lr"], steps=int(p["steps"]), gtol=gtol,
              log_every=max(int(p["steps"]), 1), seed=int(p.get("_seed", 0)))


def _beta(landscape: Landscape, x0: np.ndarray, seed: int) -> float:
    est = estimate_beta(landscape, x0, max(1.0, 0.5 * float(np.linalg.norm(x0))), seed=seed, safety=1.25)
    return max(est.value, 1e-300)


def _sgd(landscape: Landscape, x0: np.ndarray, p: Mapping[str, Any]):
    """(Mini-batch) SGD with step lr (1/β estimated when unset) and batch_size."""
    seed = int(p.get("_seed", 0))
    lr = p["lr"] if p["lr"] is not None else 1.0 / _beta(landscape, x0, seed)
    batch = min(int(p["batch_size"]), landscape.data.m)
    return sgd(landscape, x0, lr=lr, steps=int(p["steps"]), batch_size=batch, seed=seed,
               log_every=max(int(p["steps"]), 1))


def _pgd(landscape: Landscape, x0: np.ndarray, p: Mapping[str, Any]):
    """Perturbed GD (Optimization 1 notes §6.2.3) with β, ρ estimated around x0 and ε = gtol·max(1, |Φ(x0)|)."""
    seed = int(p.get("_seed", 0))
    radius = max(1.0, 0.5 * float(np.linalg.norm(x0)))
    beta = _beta(landscape, x0, seed)
    rho = max(estimate_rho(landscape, x0, radius, seed=seed, safety=1.25).value, 1e-12)
    f0 = landscape.value(x0)
    fstar = landscape.min_value
    eps = float(p["gtol"]) * max(1.0, abs(f0))
    return pgd(landscape, x0, beta=beta, rho=rho, eps=eps, delta_f=max(f0 - _finite_or(fstar, 0.0), 1e-12),
               max_steps=int(p["steps"]), seed=seed, log_every=max(int(p["steps"]), 1))


def _finder(name: str) -> Callable[..., Any]:
    def run(landscape: Landscape, x0: np.ndarray, p: Mapping[str, Any]):
        return FINDERS[name](landscape, x0, max_iterations=int(p["steps"]))
    run.__doc__ = f"The critical-point finder {name} (spurious.critical.FINDERS) for `steps` iterations."
    return run


METHODS: dict[str, Callable[..., Any]] = {"gd": _gd, "sgd": _sgd, "pgd": _pgd} | {
    name: _finder(name) for name in ("newton-mr", "damped-newton", "gnm", "levenberg-marquardt")}
"""Method registry: name → run(landscape, x0, params) -> :class:`~spurious.result.Result`."""

# ---------------------------------------------------------------- end labels

ENDINGS: tuple[Ending, ...] = tuple(Ending)


def _gap(landscape: Landscape, loss: float) -> float | None:
    fstar = landscape.min_value
    return None if fstar is None else loss - fstar


def _quick_end(landscape: Landscape, point: np.ndarray, loss: float, grad_norm: float, status: str,
               params: Mapping[str, Any]) -> tuple[Ending, float | None]:
    """diverged (non-finite) / unconverged (not converged by the method's own rule and ‖∇Φ‖ > gtol·max(1, |Φ|))
    / global minimum (Φ − Φ* ≤ ftol·(1 + |Φ*|)) / critical, not global / critical (optimum unknown).

    Returns (label, gap)."""
    if status == RunStatus.DIVERGED or not (np.isfinite(loss) and np.isfinite(grad_norm)):
        return Ending.DIVERGED, None
    gap = _gap(landscape, loss)
    if status != RunStatus.CONVERGED and grad_norm > float(params["gtol"]) * max(1.0, abs(loss)):
        return Ending.UNCONVERGED, gap
    if gap is None:
        return Ending.CRITICAL_OPTIMUM_UNKNOWN, None
    fstar = loss - gap
    if gap <= float(params["ftol"]) * (1.0 + abs(fstar)):
        return Ending.GLOBAL_MINIMUM, gap
    return Ending.CRITICAL_NOT_GLOBAL, gap


def _certified_end(landscape: Landscape, point: np.ndarray, loss: float, grad_norm: float, status: str,
                   params: Mapping[str, Any]) -> tuple[str, float | None]:
    """diverged / unconverged as in the quick end; otherwise the certified label of classify."""
    if status == RunStatus.DIVERGED or not (np.isfinite(loss) and np.isfinite(grad_norm)):
        return Ending.DIVERGED, None
    c = classify(landscape, point)
    label = Ending.UNCONVERGED if c.label == Label.NOT_CRITICAL else c.label
    return label, _gap(landscape, loss)


ENDS: dict[str, Callable[..., tuple[str, float | None]]] = {"quick": _quick_end, "certified": _certified_end}

# ---------------------------------------------------------------- configuration

PROBLEM_KEYS = ("model", "widths", "towers", "activation", "loss", "reduction", "generator", "data", "target",
                "layout", "samples", "data_seed", "noise")
RUN_KEYS = ("method", "init_scale", "lr", "batch_size", "steps", "gtol", "ftol", "end")
PARAM_KEYS = (*PROBLEM_KEYS, *RUN_KEYS)
DEFAULTS: dict[str, Any] = {"model": "deep-linear", "method": "gd", "init_scale": None, "lr": None,
                            "batch_size": 1, "steps": 2000, "gtol": DEFAULT.run_gradient,
                            "ftol": DEFAULT.run_loss, "end": "quick"}
RUN_KINDS: dict[str, tuple[type, ...]] = {"method": (str,), "end": (str,), "steps": (int,), "batch_size": (int,),
                                          "init_scale": (int, float), "lr": (int, float), "gtol": (int, float),
                                          "ftol": (int, float)}
SPEC_FIELD_TO_KEY = {"model.kind": "model", "model.widths": "widths", "model.towers": "towers",
                     "model.activation": "activation", "loss.name": "loss", "loss.reduction": "reduction",
                     "data.generator": "generator", "data.file": "data", "data.target": "target",
                     "data.layout": "layout", "data.samples": "samples", "data.seed": "data_seed",
                     "data.noise": "noise", "data": "data"}


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
    """A parsed sweep: the grid (key → list of values), the seeds, the output folder, the config hash."""

    grid: dict[str, list[Any]]
    seeds: tuple[int, ...]
    out: Path
    source: Path | None = None
    swept: tuple[str, ...] = field(default=())
    hash: str = ""


def load_config(path: Path | str, out: Path | str | None = None) -> SweepConfig:
    """Read and validate a sweep TOML file (errors name the offending key)."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("CONFIG", f"no such file {str(path)!r}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("CONFIG", f"cannot read {str(path)!r} ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError("CONFIG", f"{path.name} is not valid TOML ({exc})") from None
    default_out = path.with_name(f"{path.stem}-results")
    return parse_config(raw, out=out, default_out=default_out, source=path)


def parse_config(raw: Mapping[str, Any], out: Path | str | None = None,
                 default_out: Path | str = "sweep-results", source: Path | None = None) -> SweepConfig:
    """Validate a config dict (the TOML structure) into a :class:`SweepConfig`; every task's spec is checked."""
    if not isinstance(raw, Mapping):
        raise InputError("CONFIG", f"expected a table, got {type(raw).__name__}")
    unknown_top = sorted(set(raw) - {"grid", "out"})
    if unknown_top:
        raise InputError(unknown_top[0], "unknown top-level key; expected [grid] and optionally out")
    if "grid" not in raw or not isinstance(raw["grid"], Mapping):
        raise InputError("grid", "missing [grid] table")
    grid_raw = dict(raw["grid"])
    unknown = sorted(set(grid_raw) - set(PARAM_KEYS) - {"seeds"})
    if unknown:
        raise InputError(f"grid.{unknown[0]}", f"unknown key; expected one of {sorted((*PARAM_KEYS, 'seeds'))}")
    if "widths" not in grid_raw and "towers" not in grid_raw:
        raise InputError("grid.widths", "missing key (widths, or towers for multi-tower)")
    if "out" in raw and not isinstance(raw["out"], str):
        raise InputError("out", f"expected a folder name, got {raw['out']!r}")
    base = source.parent if source is not None else Path.cwd()
    grid: dict[str, list[Any]] = {}
    for key in PARAM_KEYS:
        value = grid_raw.get(key, DEFAULTS.get(key))
        grid[key] = _problem_values(key, value, base) if key in PROBLEM_KEYS else _run_values(key, value)
    seeds = _seeds(grid_raw.get("seeds", 1))
    target = Path(out) if out is not None else Path(raw.get("out", default_out))
    if source is not None and out is None and "out" in raw and not target.is_absolute():
        target = source.parent / target
    swept = tuple(k for k in PARAM_KEYS if len(grid[k]) > 1)
    config = SweepConfig(grid, seeds, target, source, swept, config_hash(grid, seeds))
    _check_problems(expand(config))
    return config


def _check_problems(tasks: list[Task]) -> None:
    """Every grid point must be a valid problem; every data file must read and fit the widths."""
    loaded: dict[tuple, Any] = {}
    for task in tasks:
        spec = task_spec(task)
        if spec.data.file is None:
            continue
        key = (spec.data.file, spec.data.target, spec.data.layout)
        try:
            if key not in loaded:
                loaded[key] = build_data(spec)
            check_data_fits(spec, loaded[key])
        except InputError as exc:
            raise InputError("grid.data", str(exc).split(": ", 1)[1]) from None


def config_hash(grid: Mapping[str, list[Any]], seeds: Iterable[int]) -> str:
    """16 hex digits of SHA-256 of the normalised grid and seeds (what the results depend on)."""
    text = json.dumps({"grid": {k: list(v) for k, v in sorted(grid.items())}, "seeds": list(seeds)},
                      sort_keys=True, default=list)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _listed(key: str, value: Any) -> list[Any]:
    if value is None:
        return [None]
    values = list(value) if isinstance(value, list) else [value]
    if not values:
        raise InputError(f"grid.{key}", "empty list")
    return values


def _problem_values(key: str, value: Any, base: Path) -> list[Any]:
    if key in ("widths", "towers"):
        return _architectures(key, value)
    if key == "target" and value is not None:
        return [tuple(v) if isinstance(v, list) else (v,) for v in (value if _list_of_lists(value) else [value])]
    values = _listed(key, value)
    if key == "data":
        out = []
        for v in values:
            if v is None:
                out.append(None)
                continue
            if not isinstance(v, str) or not v:
                raise InputError("grid.data", f"expected a data file path, got {v!r}")
            if v in GENERATORS and not (base / v).exists():
                raise InputError("grid.data", f"{v!r} is a generator: write generator = {v!r} (data is a file)")
            path = Path(v) if Path(v).is_absolute() else (base / v).resolve()
            if not path.is_file():
                raise InputError("grid.data", f"no such file {str(path)!r}")
            out.append(str(path))
        return out
    return values


def _list_of_lists(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, list) for v in value)


def _architectures(key: str, value: Any) -> list[Any]:
    """widths: [ints] or [[ints], ...]; towers: [[ints], ...] (one model) or [[[ints], ...], ...]."""
    if value is None:
        return [None]
    if not isinstance(value, list) or not value:
        raise InputError(f"grid.{key}", f"expected a list of integers or a list of such lists, got {value!r}")
    depth = 0
    probe: Any = value
    while isinstance(probe, list) and probe:
        depth += 1
        probe = probe[0]
    one = 1 if key == "widths" else 2
    if depth == one:
        return [_as_tuple(value)]
    if depth == one + 1:
        return [_as_tuple(v) for v in value]
    raise InputError(f"grid.{key}", f"expected {'a list of integers' if one == 1 else 'a list of towers'} "
                     f"or a list of them, got {value!r}")


def _as_tuple(value: Any) -> Any:
    return tuple(_as_tuple(v) for v in value) if isinstance(value, list) else value


def _run_values(key: str, value: Any) -> list[Any]:
    values = _listed(key, value)
    kinds = RUN_KINDS[key]
    for v in values:
        if v is None:
            continue
        if key == "lr" and isinstance(v, str) and v.strip().lower() in ("1/beta", "1/β"):
            continue
        if isinstance(v, bool) or not isinstance(v, kinds):
            raise InputError(f"grid.{key}", f"expected {' or '.join(t.__name__ for t in kinds)}, got {v!r}")
        if key not in ("method", "end") and not (np.isfinite(v) and v > 0):
            raise InputError(f"grid.{key}", f"expected a number > 0, got {v!r}")
    table = {"method": METHODS, "end": ENDS}
    if key in table:
        for v in values:
            if v not in table[key]:
                raise InputError(f"grid.{key}", f"unknown {key} {v!r}; expected one of {sorted(table[key])}")
    floats = ("init_scale", "lr", "gtol", "ftol")
    return [None if (key == "lr" and isinstance(v, str)) else float(v) if key in floats and v is not None else v
            for v in values]


def _seeds(value: Any) -> tuple[int, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 1:
            raise InputError("grid.seeds", f"expected a number of runs >= 1, got {value}")
        return tuple(range(value))
    if isinstance(value, list) and value and all(isinstance(s, int) and not isinstance(s, bool) and s >= 0
                                                 for s in value):
        if len(set(value)) != len(value):
            raise InputError("grid.seeds", f"repeated seeds in {value}")
        return tuple(value)
    raise InputError("grid.seeds", f"expected an int >= 1 or a list of distinct ints >= 0, got {value!r}")


def expand(config: SweepConfig) -> list[Task]:
    """The tasks of the grid (Cartesian product of the values of every key), in a fixed order."""
    keys = list(PARAM_KEYS)
    tasks = []
    for combo in itertools.product(*(config.grid[k] for k in keys)):
        params = {k: v for k, v in zip(keys, combo, strict=True) if v is not None or k in RUN_KEYS}
        tasks.append(Task(tuple(sorted(params.items())), config.seeds))
    return tasks


def task_spec(task: Task) -> ProblemSpec:
    """The problem spec of a task (InputError names the grid key)."""
    p = task.as_dict
    model: dict[str, Any] = {"kind": p["model"]}
    for key in ("widths", "towers", "activation"):
        if key in p:
            model[key] = [list(t) for t in p[key]] if key == "towers" else list(p[key]) if key == "widths" else p[key]
    loss = {k2: p[k] for k, k2 in (("loss", "name"), ("reduction", "reduction")) if k in p}
    data = {k2: p[k] for k, k2 in (("generator", "generator"), ("data", "file"), ("layout", "layout"),
                                   ("samples", "samples"), ("data_seed", "seed"), ("noise", "noise")) if k in p}
    if "target" in p:
        data["target"] = list(p["target"])
    try:
        return make_spec(model=model, loss=loss, data=data)
    except InputError as exc:
        key = SPEC_FIELD_TO_KEY.get(exc.argument, SPEC_FIELD_TO_KEY.get(exc.argument.rsplit(".", 1)[0], "grid"))
        raise InputError(f"grid.{key}", str(exc).split(": ", 1)[1]) from None


# ---------------------------------------------------------------- running one task

SCHEMA = pa.schema([
    ("task_id", pa.string()), ("config_hash", pa.string()), ("seed", pa.int64()),
    ("model", pa.string()), ("widths", pa.string()), ("activation", pa.string()), ("loss", pa.string()),
    ("reduction", pa.string()), ("data", pa.string()), ("samples", pa.int64()), ("data_seed", pa.int64()),
    ("method", pa.string()), ("init_scale", pa.float64()), ("lr", pa.float64()), ("steps", pa.int64()),
    ("gtol", pa.float64()), ("ftol", pa.float64()), ("end", pa.string()),
    ("final_loss", pa.float64()), ("grad_norm", pa.float64()), ("iterations", pa.int64()),
    ("status", pa.string()), ("ending", pa.string()), ("min_value", pa.float64()),
    ("gap", pa.float64()), ("seconds", pa.float64()),
])


def run_task(task: Task, out: Path | None = None, config_hash: str = "") -> list[dict[str, Any]]:
    """Run every seed of ``task`` (BLAS pinned to one thread) and return its tidy rows.

    With ``out``, the task's folder ``out/<id>/`` receives problem.toml, final.npy and points.npy.
    """
    with threadpool_limits(limits=1):
        return _run_task(task, out, config_hash)


def _describe_data(spec: ProblemSpec) -> str:
    d = spec.data
    return Path(d.file).name if d.file else str(d.generator)


def _architecture(spec: ProblemSpec) -> str:
    m = spec.model
    return "+".join("-".join(map(str, t)) for t in m.towers) if m.towers else "-".join(map(str, m.widths or ()))


def _run_task(task: Task, out: Path | None, config_hash: str) -> list[dict[str, Any]]:
    p = task.as_dict
    spec = task_spec(task)
    landscape = build_landscape(spec)
    fstar = landscape.min_value
    method = METHODS[p["method"]]
    end = ENDS[p["end"]]
    rows, points = [], []
    common = {"task_id": task.id, "config_hash": config_hash, "model": spec.model.kind,
              "widths": _architecture(spec), "activation": spec.model.activation, "loss": spec.loss.name,
              "reduction": spec.loss.reduction, "data": _describe_data(spec), "samples": landscape.data.m,
              "data_seed": spec.data.seed, **{k: p[k] for k in RUN_KEYS}}
    for seed in task.seeds:
        start = time.perf_counter()
        x0 = start_point(landscape, seed, p["init_scale"])
        with np.errstate(all="ignore"):
            result = method(landscape, x0, {**p, "_seed": seed})
            label, gap = end(landscape, result.point, float(result.loss), float(result.grad_norm),
                             str(result.status), p)
        points.append(np.asarray(result.point, dtype=np.float64))
        rows.append({**common, "seed": int(seed), "final_loss": float(result.loss),
                     "grad_norm": float(result.grad_norm), "iterations": int(result.iterations),
                     "status": str(result.status), "ending": str(label), "min_value": fstar,
                     "gap": gap, "seconds": time.perf_counter() - start})
    if out is not None:
        _write_points(Path(out) / task.id, spec, points, [r["final_loss"] for r in rows])
    return rows


def _write_points(folder: Path, spec: ProblemSpec, points: list[np.ndarray], losses: list[float]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_problem(spec, folder)
    finite = [i for i, f in enumerate(losses) if np.isfinite(f)]
    best = min(finite, key=lambda i: losses[i]) if finite else 0
    np.save(folder / "final.npy", points[best])
    np.save(folder / "points.npy", np.vstack(points))


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
    """What :func:`run_sweep` did: tasks in the grid, skipped (already done), run now, time, folder."""

    total: int
    skipped: int
    ran: int
    seconds: float
    out: Path


def _results(tasks: list[Task], out: Path, chash: str, n_jobs: int, scheduler: str | None,
             connect_timeout: float = 10.0) -> Iterator[list[dict]]:
    if scheduler is None and n_jobs == 1:
        yield from (run_task(t, out, chash) for t in tasks)
        return
    jobs = (delayed(run_task)(t, out, chash) for t in tasks)
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


def stored_hash(out: Path) -> str | None:
    """The config hash recorded in ``out/manifest.json`` (None when there is none)."""
    try:
        return json.loads((Path(out) / "manifest.json").read_text()).get("config_hash")
    except (OSError, ValueError):
        return None


def resolve_out(config: SweepConfig, force_new: bool = False) -> Path:
    """The folder to write to: ``config.out`` unless it holds results of another config.

    Such a folder is refused (InputError, one line) or, with ``force_new``, replaced by the first
    ``<out>-2``, ``<out>-3``, … that is empty or holds this same config.
    """
    out = Path(config.out)

    def clash(folder: Path) -> bool:
        if not folder.exists():
            return False
        old = stored_hash(folder)
        has_results = any(folder.glob("task-*.parquet"))
        return (old is not None and old != config.hash) or (old is None and has_results)

    if not clash(out):
        return out
    if not force_new:
        old = stored_hash(out) or "unknown"
        raise InputError("CONFIG", f"{out} holds results of another config (hash {old}, this config {config.hash}); "
                         "restore the config, pass --out elsewhere, or --force-new for a new folder")
    k = 2
    while clash(out.with_name(f"{out.name}-{k}")):
        k += 1
    return out.with_name(f"{out.name}-{k}")


def run_sweep(config: SweepConfig, n_jobs: int = 1, scheduler: str | None = None,
              on_start: Callable[[int, int], None] | None = None,
              on_done: Callable[[list[dict[str, Any]]], None] | None = None,
              connect_timeout: float = 10.0, force_new: bool = False) -> SweepRun:
    """Run the tasks of ``config`` not yet in its folder; write each as it finishes.

    on_start(total, pending) is called once; on_done(rows) after each task is written. A folder
    holding results of an edited config is refused (or, with ``force_new``, a new one is used).
    """
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise InputError("--n-jobs", f"expected a positive number or -1 (all cores), got {n_jobs}")
    out = resolve_out(config, force_new)
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
    for rows in _results(todo, out, config.hash, n_jobs, scheduler, connect_timeout):
        write_rows(out, rows[0]["task_id"], rows)
        if on_done is not None:
            on_done(rows)
    return SweepRun(len(tasks), len(tasks) - len(todo), len(todo), time.perf_counter() - start, out)


def _write_manifest(out: Path, config: SweepConfig, tasks: list[Task]) -> None:
    manifest = {"config_hash": config.hash, "source": None if config.source is None else str(config.source),
                "seeds": list(config.seeds), "swept": list(config.swept),
                "tasks": {t.id: {k: list(v) if isinstance(v, tuple) else v for k, v in t.params} for t in tasks}}
    tmp = out / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=1, default=list))
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
                        "global_fraction": labels.get(Ending.GLOBAL_MINIMUM, 0) / len(group),
                        "endings": labels})
    return summary


def summary_columns(config: SweepConfig) -> list[str]:
    """The columns that tell configurations apart: the swept keys mapped to result columns."""
    column = {"towers": "widths", "generator": "data", "target": "data", "layout": "data"}
    cols = []
    for key in config.swept or ("model", "widths"):
        name = column.get(key, key)
        if name in SCHEMA.names and name not in cols:
            cols.append(name)
    return cols or ["model", "widths"]


def plot_summary(summary: list[dict[str, Any]], by: list[str], path: Path) -> Path:
    """A bar chart: fraction of runs ending at a global minimum, one bar per configuration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [", ".join(f"{k}={s[k]}" for k in by) for s in summary]
    values = [s["global_fraction"] for s in summary]
    fig, ax = plt.subplots(figsize=(8, max(2.0, 0.35 * len(summary) + 1.0)))
    ax.barh(range(len(values)), values, color="tab:blue")
    ax.set_yticks(range(len(values)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("fraction of runs ending at a global minimum")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
