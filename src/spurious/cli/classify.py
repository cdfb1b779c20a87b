"""``spurious classify`` and ``spurious find``: label a point, or find critical points from many starts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click
import numpy as np

from ..critical import FINDERS, classify, enumerate_critical_points, hessian_spectrum, named_point
from ..data import (
    Dataset,
    gaussian_teacher,
    logistic_teacher,
    rank_deficient_teacher,
    repeated_eigenvalue_teacher,
    softmax_teacher,
    whitened_teacher,
)
from ..errors import InputError
from ..landscape import Landscape
from ..losses import LOSSES, HuberLoss, make_loss
from ..models import DeepLinear

GENERATORS = ("gaussian", "whitened", "rank-deficient", "repeated", "logistic", "softmax")


def parse_widths(text: str) -> tuple[int, ...]:
    """"3,4,2" → (3, 4, 2); InputError naming --widths otherwise."""
    try:
        widths = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise InputError("--widths", f"expected comma-separated integers like 3,4,2, got {text!r}") from None
    if len(widths) < 2 or min(widths) < 1:
        raise InputError("--widths", f"expected at least two positive widths, got {text!r}")
    return widths


def _load_data(path: Path | None, generator: str | None, widths: tuple[int, ...], m: int, seed: int) -> Dataset:
    if path is not None:
        try:
            with np.load(path) as arrays:
                if "X" not in arrays or "Y" not in arrays:
                    raise InputError("--data", f"{path} must hold arrays named X and Y")
                return Dataset(arrays["X"], arrays["Y"])
        except (OSError, ValueError) as exc:
            if isinstance(exc, InputError):
                raise
            raise InputError("--data", f"cannot read {path}: {exc}") from None
    d_in, d_out = widths[0], widths[-1]
    name = generator or "gaussian"
    if name == "gaussian":
        return gaussian_teacher(d_in, d_out, m, seed=seed)
    if name == "whitened":
        return whitened_teacher(d_in, d_out, m, seed=seed)
    if name == "rank-deficient":
        return rank_deficient_teacher(d_in, d_out, m, rank=max(1, d_in // 2), seed=seed)
    if name == "repeated":
        return repeated_eigenvalue_teacher(d_in, d_out, m, seed=seed)
    if name == "logistic":
        if d_out != 1:
            raise InputError("--generator", f"logistic data has one output; the last width is {d_out}")
        return logistic_teacher(d_in, m, seed=seed)
    if name == "softmax":
        return softmax_teacher(d_in, d_out, m, seed=seed)
    raise InputError("--generator", f"unknown generator {name!r}; expected one of {GENERATORS}")


def _landscape(widths: str, loss: str, mean: bool, delta: float, data: Path | None, generator: str | None,
               m: int, seed: int) -> Landscape:
    w = parse_widths(widths)
    options: dict = {"mean": mean}
    if loss == "huber":
        options["delta"] = delta
    ell = make_loss(loss, **options)
    if data is not None and generator is not None:
        raise InputError("--data", "give either --data or --generator, not both")
    return Landscape(DeepLinear(w), ell, _load_data(data, generator, w, m, seed))


def landscape_options(func):
    for option in reversed([
        click.option("--widths", required=True, help="Layer widths d0,d1,…,dN, e.g. 3,4,2."),
        click.option("--loss", type=click.Choice(sorted(LOSSES)), default="squared", show_default=True),
        click.option("--mean", is_flag=True, help="Divide the loss by the number of samples."),
        click.option("--delta", type=float, default=HuberLoss().delta, show_default=True, help="Huber δ."),
        click.option("--data", type=click.Path(dir_okay=False, path_type=Path), help="An .npz with arrays X, Y."),
        click.option("--generator", type=click.Choice(GENERATORS), help="Synthetic data (default gaussian)."),
        click.option("--m", type=int, default=100, show_default=True, help="Samples for --generator."),
        click.option("--seed", type=int, default=0, show_default=True),
    ]):
        func = option(func)
    return func


@click.command("classify")
@landscape_options
@click.option("--point", "point_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A .npy flat parameter vector.")
@click.option("--analytic", help="A named analytic critical point: global, origin, zero-layers, gamma:0,2.")
@click.option("--json", "as_json", is_flag=True, help="Print the evidence as JSON.")
def classify_command(widths, loss, mean, delta, data, generator, m, seed, point_path, analytic, as_json) -> None:
    """Classify a point: global / spurious local minimum, strict / non-strict saddle, not critical, inconclusive."""
    L = _landscape(widths, loss, mean, delta, data, generator, m, seed)
    if (point_path is None) == (analytic is None):
        raise InputError("--point", "give exactly one of --point FILE.npy or --analytic NAME")
    if point_path is not None:
        try:
            point = np.load(point_path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise InputError("--point", f"cannot read {point_path}: {exc}") from None
        theta = L.point(np.ravel(point) if point.ndim > 1 else point, "--point")
        predicted = None
    else:
        pt = named_point(L, analytic, seed=seed)
        theta, predicted = pt.point, pt
    result = classify(L, theta)
    if as_json:
        payload = result.as_dict()
        if predicted is not None:
            payload["analytic"] = {"name": predicted.name, "predicted_label": predicted.predicted_label,
                                   "predicted_loss": predicted.loss, "predicted_index": predicted.predicted_index,
                                   "degenerate": predicted.degenerate, "notes": predicted.notes}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=float))
        return
    click.echo(f"landscape: {L!r}")
    if predicted is not None:
        extra = f", predicted index {predicted.predicted_index}" if predicted.predicted_index is not None else ""
        click.echo(f"analytic point {predicted.name}: predicted {predicted.predicted_label}, "
                   f"loss {predicted.loss:.10g}{extra}" + (" (degenerate family)" if predicted.degenerate else ""))
    click.echo(result.summary())


@click.command("find")
@landscape_options
@click.option("--finder", type=click.Choice(sorted(FINDERS)), default="newton-mr", show_default=True)
@click.option("--starts", type=int, default=10, show_default=True, help="Number of random starts.")
@click.option("--iterations", type=int, default=500, show_default=True)
@click.option("--scale", type=float, default=None, help="Std of the random starts (default 1/√fan-in).")
def find_command(widths, loss, mean, delta, data, generator, m, seed, finder, starts, iterations, scale) -> None:
    """Run a critical-point finder from random starts; summarise (loss, index, label) and match the analytic list."""
    if starts < 1 or iterations < 1:
        raise InputError("--starts", "--starts and --iterations must be >= 1")
    L = _landscape(widths, loss, mean, delta, data, generator, m, seed)
    run = FINDERS[finder]
    analytic = []
    if loss == "squared":
        analytic = [(pt.loss, pt.predicted_index, pt.name) for pt in enumerate_critical_points(L, seed=seed)]
    statuses: Counter = Counter()
    found: Counter = Counter()
    unmatched = 0
    for k in range(starts):
        result = run(L, L.model.random_point(seed + 1000 + k, scale), max_iterations=iterations)
        statuses[result.status] += 1
        if not result.converged:
            continue
        label = classify(L, result.point).label
        index = hessian_spectrum(L, result.point).index
        match = "-"
        for lo, ix, name in analytic:
            if abs(lo - result.loss) <= 1e-8 * max(1.0, abs(lo)) and (ix is None or ix == index):
                match = name
                break
        else:
            unmatched += bool(analytic)
        found[(round(result.loss, 10), index, label, match)] += 1
    click.echo(f"landscape: {L!r}; finder {finder}, {starts} starts × ≤ {iterations} iterations")
    click.echo("status: " + ", ".join(f"{s} {n}" for s, n in statuses.most_common()))
    click.echo(f"{'loss':>16}  {'index':>5}  {'count':>5}  {'label':<22} analytic match")
    for (lo, ix, lab, match), n in sorted(found.items()):
        click.echo(f"{lo:16.10g}  {ix:5d}  {n:5d}  {lab:<22} {match}")
    if analytic:
        click.echo(f"{len(analytic)} analytic critical points; {unmatched} converged run(s) matched none")


commands = [classify_command, find_command]
