"""``spurious classify``, ``find`` and ``enumerate``: label a point, find critical points, list the analytic ones.

All three take the shared problem flags (``spurious.cli.options``) and build the landscape from
the problem spec. ``find`` streams one line per start as it ends and matches each point found to
its analytic class lazily (``spurious.critical.match``); ``enumerate`` streams the analytic
critical points with a count first and stops at ``--limit``.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

import click
import numpy as np

from ..critical import FINDERS, classify, count_index_sets, critical_point_for, named_point, sigma_eigensystem
from ..critical.analytic import linear_network
from ..critical.match import analytic_class
from ..critical.starts import STARTS_FROM, TRAJECTORY_INIT_SCALE, trajectory_start
from ..errors import InputError
from ..landscape import Landscape
from ..spec import ProblemSpec, build_landscape, start_point, write_problem
from ..tolerances import DENSE_HESSIAN_LIMIT
from ..vocabulary import RunStatus
from .model_file import (
    landscape_from,
    load_point,
    model_file_option,
    own_point,
    problem_or_model_file,
)
from .options import (
    CountingObjective,
    emit_json,
    json_option,
    out_option,
    print_table,
    problem_options,
    progress,
    spec_from_flags,
    status,
)

ITERATIVE_FROM = DENSE_HESSIAN_LIMIT  # parameters above which classify uses Lanczos


class HvpProgress:
    """A progress line for the iterative path: Hessian-vector products done and time spent.

    On a terminal one line is rewritten in place; otherwise a line is printed every
    ``every`` seconds (stderr either way, so --json output stays clean).
    """

    def __init__(self, every: float = 10.0) -> None:
        self.start = time.perf_counter()
        self.last = self.start
        self.every = every
        self.tty = sys.stderr.isatty()
        self.count = 0

    def __call__(self, count: int) -> None:
        self.count = count
        now = time.perf_counter()
        if self.tty and now - self.last > 0.2:
            click.echo(f"\r  {count} Hessian-vector products, {now - self.start:.0f} s", err=True, nl=False)
            self.last = now
        elif not self.tty and now - self.last > self.every:
            status(f"  {count} Hessian-vector products, {now - self.start:.0f} s")
            self.last = now

    def done(self) -> None:
        if self.tty:
            click.echo("", err=True)
        status(f"  done: {self.count} Hessian-vector products in {time.perf_counter() - self.start:.1f} s")


def analytic_available(spec: ProblemSpec) -> bool:
    """Closed-form critical points exist for deep linear networks under the squared loss."""
    return spec.model.kind == "deep-linear" and spec.loss.name == "squared"


@click.command("classify")
@problem_options
@model_file_option
@click.option("--point", "point_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A .npy flat parameter vector (e.g. final.npy written by train, find or sweep), or a "
                   "state_dict .pt with --model-file.")
@click.option("--analytic", help="A named analytic critical point: global, origin, zero-layers, gamma:0,2.")
@json_option
def classify_command(point_path: Path | None, analytic: str | None, as_json: bool, model_file: str | None = None,
                     **flags) -> None:
    """Classify a point: global / spurious local minimum, strict / non-strict saddle, not critical, inconclusive."""
    spec, _ = problem_or_model_file(flags, model_file)
    if (point_path is None) == (analytic is None) and model_file is None:
        raise InputError("--point", "give exactly one of --point FILE.npy or --analytic NAME")
    L = landscape_from(spec, model_file)
    predicted = None
    if model_file is not None and analytic is not None:
        raise InputError("--analytic", "analytic points exist for built-in deep-linear models, not --model-file")
    if model_file is not None and point_path is None:
        theta = own_point(L)
    elif point_path is not None:
        theta = load_point(L, point_path)
    else:
        if not analytic_available(spec):
            raise InputError("--analytic", "analytic points are known for deep-linear under the squared loss only")
        predicted = named_point(L, analytic, seed=spec.seed)
        theta = predicted.point
    if L.n_params > ITERATIVE_FROM:
        status(f"classifying {L.n_params} parameters: Lanczos on Hessian-vector products (iterative path)…")
        if model_file is None:
            L.objective = CountingObjective(L.objective, HvpProgress())
    result = classify(L, theta) if model_file is None else classify(L, theta, optimum=None)
    if isinstance(L.objective, CountingObjective):
        L.objective.report.done()
    if as_json:
        problem = spec.to_dict() if model_file is None else {"model_file": model_file}
        payload = {"problem": problem, "optimum": L.min_value, **result.as_dict()}
        if predicted is not None:
            payload["analytic"] = {"name": predicted.name, "predicted_label": predicted.predicted_label,
                                   "predicted_loss": predicted.loss, "predicted_index": predicted.predicted_index,
                                   "degenerate": predicted.degenerate, "notes": predicted.notes}
        emit_json(payload)
        return
    click.echo(f"problem: {spec.describe() if model_file is None else model_file}; {L!r}")
    if predicted is not None:
        extra = f", predicted index {predicted.predicted_index}" if predicted.predicted_index is not None else ""
        click.echo(f"analytic point {predicted.name}: predicted {predicted.predicted_label}, "
                   f"loss {predicted.loss:.10g}{extra}" + (" (degenerate family)" if predicted.degenerate else ""))
    click.echo(result.summary())


@click.command("find")
@problem_options
@model_file_option
@click.option("--point", "point_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Start 0 at this point (.npy; with --model-file also a .pt state_dict), the others near it "
                   "(e.g. final.npy of train). Default: random starts.")
@click.option("--finder", type=click.Choice(sorted(FINDERS)), default="newton-mr", show_default=True)
@click.option("--starts", type=click.IntRange(min=1), default=10, show_default=True, help="Number of random starts.")
@click.option("--iterations", type=click.IntRange(min=1), default=500, show_default=True,
              help="Most iterations per start (the finders' own default). Newton-type finders often converge in "
                   "tens, but a start that ends near a degenerate saddle can need a few hundred.")
@click.option("--scale", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Std of the random starts (default 1/√fan-in; with --starts-from trajectory, of the "
                   f"trajectories' initial points, default {TRAJECTORY_INIT_SCALE:g}).")
@click.option("--starts-from", "starts_from", type=click.Choice(STARTS_FROM), default=None,
              help="random: seeded random points. trajectory: start k is a point of a gradient-descent run "
                   "from a small random init, at fraction (k+½)/starts of its loss decrease (Frye et al. 2021). "
                   "[default: trajectory for mlp and exp-neuron, whose random starts mostly escape to infinity; "
                   "random otherwise]")
@out_option("spurious-find")
@json_option
def find_command(finder: str, starts: int, iterations: int, scale: float | None, out: Path, as_json: bool,
                 model_file: str | None = None, point_path: Path | None = None, starts_from: str | None = None,
                 **flags) -> None:
    """Run a critical-point finder from several starts; one line per start (loss, index, label, analytic class).

    A run ends converged (then classified), escaping (its iterates run off to a critical point at
    infinity), gradient-flat, stalled, max-iterations or diverged. Writes OUT/problem.toml,
    OUT/final.npy (the lowest converged point), OUT/points.npy (every converged point, one per row)
    and OUT/found.json.
    """
    spec, seed = problem_or_model_file(flags, model_file)
    L = landscape_from(spec, model_file)
    eig = sigma_eigensystem(L) if model_file is None and analytic_available(spec) else None
    if starts_from == "trajectory" and (point_path is not None or model_file is not None):
        raise InputError("--starts-from", "trajectory starts begin at random points of a built-in model; leave it "
                                          "out with --point or --model-file (their starts are near the given point)")
    if point_path is not None:
        base = load_point(L, point_path)
    else:
        base = None if model_file is None else own_point(L)
    starts_from = starts_from or default_starts_from(spec, base)
    run = FINDERS[finder]
    columns = ("start", "status", "loss", "index", "label", "analytic class", "seconds")
    if not as_json:
        origin = "near the given point" if base is not None else f"{starts_from} starts"
        click.echo(f"problem: {spec.describe() if spec else model_file}; {L!r}; finder {finder}, {starts} "
                   f"{origin} × ≤ {iterations} iterations")
        click.echo(_line(columns))
    rows, points = [], []
    started = time.perf_counter()
    with progress("find", starts) as advance:
        for k in range(starts):
            t0 = time.perf_counter()
            x0 = finder_start(L, k, starts, seed, scale, base, starts_from)
            result = run(L, x0, max_iterations=iterations)
            row = {"start": k, "status": result.status, "loss": float(result.loss), "index": None,
                   "label": None, "class": None, "seconds": None,
                   "param_norm": float(np.linalg.norm(result.point)), "message": result.message}
            if result.converged:
                c = classify(L, result.point) if model_file is None else classify(L, result.point, optimum=None)
                row["label"] = c.label
                row["index"] = None if c.spectrum is None else int(c.spectrum.index)
                match = analytic_class(L, result.point, eig, seed=seed) if eig is not None else None
                row["class"] = None if match is None else match.name
                points.append(result.point)
            row["seconds"] = round(time.perf_counter() - t0, 3)
            rows.append(row)
            advance(1)
            if not as_json:
                click.echo(_line([_cell(row[c]) for c in ("start", "status", "loss", "index", "label", "class",
                                                          "seconds")]))
    written = _write_found(out, spec, L, rows, points)
    summary = {"problem": spec.to_dict() if spec else {"model_file": model_file}, "optimum": L.min_value,
               "finder": finder, "starts_from": "point" if base is not None else starts_from,
               "statuses": dict(Counter(str(r["status"]) for r in rows)), "runs": rows,
               "best_loss": min((r["loss"] for r in rows if r["status"] == "converged"), default=None),
               "seconds": time.perf_counter() - started, "written": [str(p) for p in written]}
    if as_json:
        emit_json(summary)
        return
    statuses = Counter(r["status"] for r in rows)
    found = Counter((round(r["loss"], 10), r["index"], r["label"], r["class"]) for r in rows if r["label"])
    click.echo("status: " + ", ".join(f"{s} {n}" for s, n in statuses.most_common()))
    if statuses.get(RunStatus.ESCAPING):
        click.echo(f"{statuses[RunStatus.ESCAPING]} run(s) escaping: ‖θ‖ kept growing while ‖∇Φ‖ shrank, towards a "
                   "critical point at infinity (found.json has each run's message)"
                   + ("; try --starts-from trajectory" if starts_from == "random" and base is None else ""))
    print_table(("loss", "index", "count", "label", "analytic class"),
                [(lo, ix, n, lab, cls) for (lo, ix, lab, cls), n in sorted(found.items(), key=lambda kv: kv[0][0])])
    optimum = L.min_value
    click.echo(f"optimum {optimum:.10g}" if optimum is not None else "optimum unknown for this landscape")
    click.echo("wrote " + ", ".join(str(p) for p in written))


FIND_WIDTHS = (5, 14, 16, 5, 22, 24, 7)
NONLINEAR_KINDS = ("mlp", "exp-neuron")


def default_starts_from(spec: ProblemSpec | None, base: np.ndarray | None) -> str:
    """trajectory for the nonlinear nets (mlp, exp-neuron), random otherwise.

    Measured (docs/finders_and_spectra.md, "Small nonlinear nets"): from random starts Newton-MR on
    mlp 4,8,2 / 3,4,1 mostly runs off towards critical points at infinity; from GD-trajectory
    starts it mostly lands on saddles. Deep linear nets converge from random starts (Frye 16-4-16:
    100 % from N(0, 1/d)), so they keep them.
    """
    if base is None and spec is not None and spec.model.kind in NONLINEAR_KINDS:
        return "trajectory"
    return "random"


def finder_start(L: Landscape, k: int, starts: int, seed: int, scale: float | None, base: np.ndarray | None,
                 starts_from: str) -> np.ndarray:
    """Start k of ``starts``: near the given point, a seeded random point, or a GD-trajectory point at
    fraction (k + ½)/starts of the loss decrease of a GD run from a small seeded random point."""
    if base is not None:
        return near(base, k, seed, scale)
    if starts_from == "trajectory":
        x0 = start_point(L, seed + 1000 + k, TRAJECTORY_INIT_SCALE if scale is None else scale)
        return trajectory_start(L, x0, (k + 0.5) / starts, seed=seed + k)
    return start_point(L, seed + 1000 + k, scale)


def near(base: np.ndarray, k: int, seed: int, scale: float | None) -> np.ndarray:
    """Start k of a run from a given point: the point itself (k = 0), else it plus seeded Gaussian noise of
    std ``scale`` (default 1e-2 · RMS of the point)."""
    if k == 0:
        return base.copy()
    std = scale if scale is not None else 1e-2 * float(np.sqrt(np.mean(base**2)) or 1.0)
    return base + std * np.random.default_rng(seed + 1000 + k).standard_normal(base.size)


def _line(cells) -> str:
    """One streamed row in fixed columns (stable for scripts and pipes)."""
    return "  ".join(str(c).ljust(w) for c, w in zip(cells, FIND_WIDTHS, strict=False)).rstrip()


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.10g}"
    return "-" if value is None else str(value)


def _write_found(out: Path, spec: ProblemSpec | None, L: Landscape, rows: list[dict],
                 points: list[np.ndarray]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = [write_problem(spec, out)] if spec is not None else []
    if points:
        losses = [L.value(p) for p in points]
        np.save(out / "final.npy", points[int(np.argmin(losses))])
        np.save(out / "points.npy", np.vstack(points))
        written += [out / "final.npy", out / "points.npy"]
    (out / "found.json").write_text(json.dumps(rows, indent=1))
    written.append(out / "found.json")
    return written


@click.command("enumerate")
@problem_options
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="The most analytic points listed (the count of all of them is printed first).")
@json_option
def enumerate_command(limit: int, as_json: bool, **flags) -> None:
    """Stream the analytic critical points (index sets S of Σ's eigenvectors) with their predicted kinds."""
    spec = spec_from_flags(flags)
    if not analytic_available(spec):
        raise InputError("--model", "analytic critical points are known for deep-linear under the squared loss only")
    L = build_landscape(spec)
    eig = sigma_eigensystem(L)
    model = linear_network(L).model
    p = model.max_rank
    total = count_index_sets(len(eig.positive), p) + (1 if model.depth >= 3 else 0)
    if not as_json:
        click.echo(f"problem: {spec.describe()}; {total} analytic critical point class(es) "
                   f"(Σ_(r≤{p}) C({len(eig.positive)}, r)); listing at most {limit}")
        click.echo("  ".join(("class", "loss", "predicted", "index")))
    listed = []
    for subset in _index_sets(eig.positive, p):
        if len(listed) >= limit:
            break
        pt = critical_point_for(L, subset, seed=spec.seed)
        listed.append({"class": pt.name, "loss": pt.loss, "predicted": pt.predicted_label,
                       "index": pt.predicted_index, "degenerate": pt.degenerate})
        if not as_json:
            click.echo("  ".join(_cell(listed[-1][c]) for c in ("class", "loss", "predicted", "index")))
    if as_json:
        emit_json({"problem": spec.to_dict(), "optimum": L.min_value, "total": total, "points": listed})
        return
    if total > len(listed):
        click.echo(f"… {total - len(listed)} more (raise --limit to list them)")


def _index_sets(positive: tuple[int, ...], p: int):
    for r in range(min(p, len(positive)) + 1):
        yield from combinations(positive, r)


commands = [classify_command, find_command, enumerate_command]
