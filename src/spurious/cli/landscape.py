"""``spurious landscape``: 1-D and 2-D slices of a loss landscape through a chosen point.

A request whose cost is absurd is refused up front with its estimate: the grid has n^dims points,
each one evaluation of Φ, timed on the centre before the slice starts.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
import numpy as np

from ..errors import InputError
from ..landscape import Landscape
from ..objective import capability
from ..slices import given_directions, hessian_directions, random_directions, slice_1d, slice_2d
from ..spec import start_point, write_problem
from .model_file import landscape_from, load_point, model_file_option, own_point, problem_or_model_file
from .options import CountingObjective, emit_json, json_option, out_option, problem_options, progress, status

MAX_GRID_POINTS = 10**6  # evaluations of Φ in one slice
MAX_SECONDS = 600.0  # estimated wall time of one slice


def global_point(landscape: Landscape) -> np.ndarray:
    """A global minimum of a deep linear net under the squared loss, balanced across layers.

    The rank-r optimum (r = min width) is W_r = [W* C^½]_r C^{½+} (Eckart–Young in whitened
    coordinates, C = X Xᵀ); with W_r = U S Vᵀ, W_1 = E₁ S^{1/N} Vᵀ, W_j = E_j S^{1/N} E_{j−1}ᵀ,
    W_N = U S^{1/N} E_{N−1}ᵀ (E_j: the first r coordinate vectors of ℝ^{d_j}).
    """
    own = capability(landscape.objective, "linear_network")
    net = own() if own is not None else None
    if net is None:
        raise InputError("--at", "global needs the squared loss on a deep linear net; give --point")
    model, ell = net.model, net.loss
    r = model.max_rank
    root = ell._C_root
    U, s, Vt = np.linalg.svd(ell.W_star @ root, full_matrices=False)
    W_r = (U[:, :r] * s[:r]) @ Vt[:r] @ np.linalg.pinv(root)
    U, s, Vt = np.linalg.svd(W_r, full_matrices=False)
    U, root_s, Vt = U[:, :r], s[:r] ** (1.0 / model.depth), Vt[:r]
    blocks = []
    for j, (rows, cols) in enumerate(model.shapes):
        left = U if j == model.depth - 1 else np.eye(rows, r)
        right = Vt if j == 0 else np.eye(r, cols)
        blocks.append((left * root_s) @ right)
    return model.flatten(blocks)


def choose_point(landscape: Landscape, point_file: Path | None, at: str, seed: int) -> np.ndarray:
    if point_file is not None:
        return load_point(landscape, point_file)
    if at == "origin":
        return np.zeros(landscape.n_params)
    if at == "random":
        return start_point(landscape, seed)
    if capability(landscape.objective, "linear_network") is None:
        raise InputError("--at", "global is built in closed form for deep-linear only; give --point FILE.npy "
                         "(e.g. final.npy from train or find)")
    return global_point(landscape)


def estimate_cost(landscape: Landscape, center: np.ndarray, n_points: int, dims: int) -> tuple[int, float]:
    """(grid points, estimated seconds): n^dims evaluations at the timed cost of one (best of 3)."""
    points = (n_points + (n_points + 1) % 2) ** dims
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        landscape.value(center)
        best = min(best, time.perf_counter() - t0)
    return points, points * best


def refuse_absurd(points: int, seconds: float, n_points: int, dims: int) -> None:
    if points > MAX_GRID_POINTS or seconds > MAX_SECONDS:
        raise InputError("--n", f"{n_points}^{dims} = {points:.3g} grid points, estimated {seconds:.3g} s; refused "
                         f"(limits {MAX_GRID_POINTS:.0e} points, {MAX_SECONDS:.0f} s): lower --n or --dims")


def choose_directions(landscape: Landscape, center: np.ndarray, directions: str, dims: int,
                      normalisation: str, seed: int):
    if directions == "random":
        return random_directions(landscape, center, dims, normalisation, seed)
    if directions == "hessian":
        return hessian_directions(landscape, center, dims)
    path = Path(directions)
    if not path.exists():
        raise InputError("--directions", f"expected random, hessian or a .npy file, got {directions!r}")
    D, info = given_directions(landscape, np.load(path))
    if D.shape[0] < dims:
        raise InputError("--directions", f"a {dims}-D slice needs {dims} directions, the file has {D.shape[0]}")
    return D[:dims], info | {"file": str(path)}


@click.command("landscape")
@problem_options
@model_file_option
@click.option("--point", "point_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Centre of the slice: a .npy flat parameter vector (e.g. final.npy of train or find).")
@click.option("--at", type=click.Choice(["origin", "random", "global"]), default="random",
              show_default=True, help="Centre when no --point is given (global: deep-linear only).")
@click.option("--directions", default="random", show_default=True,
              help="random | hessian (λ_min, λ_max eigenvectors) | FILE.npy ((k, P) array).")
@click.option("--normalisation", type=click.Choice(["filter", "layer", "none"]), default="filter",
              show_default=True, help="Normalisation of random directions.")
@click.option("--dims", type=click.IntRange(1, 2), default=2, show_default=True)
@click.option("--span", type=float, default=1.0, show_default=True, help="Grid covers [-span, span].")
@click.option("--n", "n_points", type=click.IntRange(min=3), default=31, show_default=True,
              help="Grid points per axis.")
@out_option("landscape-slice")
@json_option
def landscape(point_file: Path | None, at: str, directions: str, normalisation: str, dims: int,
              span: float, n_points: int, out: Path, as_json: bool, model_file: str | None = None, **flags) -> None:
    """A 1-D or 2-D slice of the loss through a point: slice.png, the grid (slice.npz) and problem.toml."""
    spec, seed = problem_or_model_file(flags, model_file)
    land = landscape_from(spec, model_file)
    if model_file is not None and point_file is None:
        center = own_point(land)
    else:
        center = choose_point(land, point_file, at, seed)
    points, seconds = estimate_cost(land, center, n_points, dims)
    refuse_absurd(points, seconds, n_points, dims)
    if seconds > 1.0 and not as_json:
        status(f"slicing: {points} evaluations of Φ, about {seconds:.0f} s…")
    D, info = choose_directions(land, center, directions, dims, normalisation, seed)
    info |= {"at": str(point_file) if point_file else ("model weights" if model_file else at), "landscape": repr(land)}
    with progress("slice", points) as advance:
        if model_file is None:  # count evaluations of Φ for the bar (a terminal only)
            land.objective = CountingObjective(land.objective, on_value=lambda: advance(1))
        if dims == 1:
            sl = slice_1d(land, center, D[0], span, n_points, info)
        else:
            sl = slice_2d(land, center, D[0], D[1], span, n_points, info)
    from ..report.plots import render_specs

    out.mkdir(parents=True, exist_ok=True)
    title = f"{info['kind']} directions at {info['at']}"
    if "eigenvalues" in info:
        pairs = zip(info["labels"], info["eigenvalues"], strict=True)
        title += " (" + ", ".join(f"{lab} = {v:.3g}" for lab, v in pairs) + ")"
    spec_plot = sl.to_series(title=title)
    if model_file is None:
        write_problem(spec, out)
    (out / "slice.png").write_bytes(render_specs([spec_plot]))
    sl.save(out / "slice.npz")
    (out / "slice.json").write_text(json.dumps(sl.info, indent=1, default=float))
    names = ("problem.toml", "slice.png", "slice.npz", "slice.json")[0 if model_file is None else 1:]
    files = [str(out / n) for n in names]
    problem = spec.to_dict() if spec is not None else {"model_file": model_file}
    summary = {"problem": problem, "optimum": land.min_value, "center_value": sl.center_value,
               "grid_min": float(np.min(sl.values)), "grid_max": float(np.max(sl.values)), "files": files}
    if as_json:
        emit_json(summary)
        return
    click.echo(f"problem: {spec.describe() if spec is not None else model_file}")
    optimum = "unknown" if land.min_value is None else f"{land.min_value:.10g}"
    click.echo(f"Φ(centre) = {sl.center_value:.10g}; grid min {np.min(sl.values):.6g}, max {np.max(sl.values):.6g}; "
               f"optimum {optimum}")
    click.echo("wrote " + ", ".join(files))


commands = [landscape]
