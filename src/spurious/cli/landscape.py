"""``spurious landscape``: 1-D and 2-D slices of a loss landscape through a chosen point."""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np
from rich.console import Console

from ..errors import InputError
from ..landscape import Landscape
from ..slices import given_directions, hessian_directions, random_directions, slice_1d, slice_2d
from ..sweep import GENERATORS, LOSSES, MODELS, build_landscape


def parse_widths(text: str) -> tuple[int, ...]:
    try:
        widths = tuple(int(w) for w in text.replace(" ", "").split(",") if w)
    except ValueError:
        raise InputError("--widths", f"expected comma-separated integers, got {text!r}") from None
    if len(widths) < 2 or min(widths) < 1:
        raise InputError("--widths", f"expected at least 2 integers >= 1, got {text!r}")
    return widths


def global_point(landscape: Landscape) -> np.ndarray:
    """A global minimum of a deep linear net under the squared loss, balanced across layers.

    The rank-r optimum (r = min width) is W_r = [W* C^½]_r C^{½+} (Eckart–Young in whitened
    coordinates, C = X Xᵀ); with W_r = U S Vᵀ, W_1 = E₁ S^{1/N} Vᵀ, W_j = E_j S^{1/N} E_{j−1}ᵀ,
    W_N = U S^{1/N} E_{N−1}ᵀ (E_j: the first r coordinate vectors of ℝ^{d_j}).
    """
    ell = getattr(landscape.objective, "ell", None)
    if ell is None or not hasattr(ell, "W_star"):
        raise InputError("--at", "global needs the squared loss on a deep linear net; give --point")
    model = landscape.model
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
        return landscape.point(np.load(point_file), "--point")
    if at == "origin":
        return np.zeros(landscape.n_params)
    if at == "random":
        return landscape.model.random_point(seed)
    return global_point(landscape)


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
@click.option("--widths", required=True, help="Widths d0,d1,...,dN, e.g. 3,3,3,3.")
@click.option("--model", type=click.Choice(sorted(MODELS)), default="deep-linear", show_default=True)
@click.option("--loss", type=click.Choice(sorted(LOSSES)), default="squared", show_default=True)
@click.option("--generator", type=click.Choice(sorted(GENERATORS)), default="gaussian",
              show_default=True, help="Data generator.")
@click.option("--samples", type=int, default=64, show_default=True, help="Samples m.")
@click.option("--data-seed", type=int, default=0, show_default=True)
@click.option("--point", "point_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Centre of the slice: a .npy flat parameter vector.")
@click.option("--at", type=click.Choice(["origin", "random", "global"]), default="random",
              show_default=True, help="Centre when no --point is given.")
@click.option("--directions", default="random", show_default=True,
              help="random | hessian (λ_min, λ_max eigenvectors) | FILE.npy ((k, P) array).")
@click.option("--normalisation", type=click.Choice(["filter", "layer", "none"]), default="filter",
              show_default=True, help="Normalisation of random directions.")
@click.option("--dims", type=click.IntRange(1, 2), default=2, show_default=True)
@click.option("--span", type=float, default=1.0, show_default=True, help="Grid covers [-span, span].")
@click.option("--n", "n_points", type=int, default=31, show_default=True, help="Grid points per axis.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("landscape-slice"),
              show_default=True, help="Folder for slice.png and slice.npz.")
def landscape(widths: str, model: str, loss: str, generator: str, samples: int, data_seed: int,
              point_file: Path | None, at: str, directions: str, normalisation: str, dims: int,
              span: float, n_points: int, seed: int, out: Path) -> None:
    """A 1-D or 2-D slice of the loss through a point: a PNG and the grid (npz)."""
    land = build_landscape(model, parse_widths(widths), loss, generator, samples, 0.1, data_seed)
    center = choose_point(land, point_file, at, seed)
    D, info = choose_directions(land, center, directions, dims, normalisation, seed)
    info |= {"at": str(point_file) if point_file else at, "landscape": repr(land)}
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
    spec = sl.to_series(title=title)
    (out / "slice.png").write_bytes(render_specs([spec]))
    sl.save(out / "slice.npz")
    (out / "slice.json").write_text(json.dumps(sl.info, indent=1, default=float))
    Console().print(f"Φ(centre) = {sl.center_value:.6g}; grid min {np.min(sl.values):.6g}, "
                    f"max {np.max(sl.values):.6g}; wrote {out / 'slice.png'}, {out / 'slice.npz'}")


commands = [landscape]
