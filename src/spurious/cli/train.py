"""``spurious train``: run GD, SGD or perturbed GD on a deep linear net and save the trajectory.

Writes ``trajectory.parquet`` (step, loss, grad_norm), ``summary.json`` and ``trajectory.png``
(loss − f* and ‖∇f‖ against the step, with ε and the Thm 6.7 step bound 2(f(w₀) − f*)/(ηε²)).
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..data import gaussian_teacher, logistic_teacher, softmax_teacher, whitened_teacher
from ..errors import InputError
from ..landscape import Landscape
from ..losses import LOSSES, make_loss
from ..models.deep_linear import DeepLinear, check_widths
from ..optim import estimate_beta, estimate_rho, gd, gd_step_bound, pgd, sgd
from ..result import Result

GENERATORS = ("gaussian", "whitened", "logistic", "softmax")


def parse_widths(text: str) -> tuple[int, ...]:
    try:
        widths = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise InputError("--widths", f"expected comma-separated integers like 8,8,8, got {text!r}") from None
    return check_widths(widths, "--widths")


def make_data(generator: str, widths: tuple[int, ...], m: int, seed: int):
    d0, dN = widths[0], widths[-1]
    if m < 1:
        raise InputError("--m", f"expected an integer >= 1, got {m}")
    if generator == "gaussian":
        return gaussian_teacher(d0, dN, m, seed=seed)
    if generator == "whitened":
        return whitened_teacher(d0, dN, m, seed=seed)
    if generator == "logistic":
        if dN != 1:
            raise InputError("--widths", "the logistic generator needs one output (last width 1)")
        return logistic_teacher(d0, m, seed=seed)
    if generator == "softmax":
        return softmax_teacher(d0, dN, m, seed=seed)
    raise InputError("--generator", f"unknown generator {generator!r}; expected one of {GENERATORS}")


def check_inputs(lr: float, eps: float | None, delta: float, steps: int) -> None:
    if not np.isfinite(lr) or lr <= 0:
        raise InputError("--lr", f"expected a step size > 0, got {lr}")
    if eps is not None and (not np.isfinite(eps) or eps <= 0):
        raise InputError("--eps", f"expected ε > 0, got {eps}")
    if not 0 < delta < 1:
        raise InputError("--delta", f"expected δ in the open interval (0, 1), got {delta}")
    if steps < 0:
        raise InputError("--steps", f"expected an integer >= 0, got {steps}")


def plot_trajectory(result: Result, path: Path, f_star: float | None, eps: float, bound: float | None) -> None:
    """Loss − f* (or loss) and ‖∇f‖ against the step, with ε and the Thm 6.7 bound."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    step = np.asarray(result.log["step"])
    loss = np.asarray(result.log["loss"])
    gn = np.asarray(result.log["grad_norm"])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    if f_star is not None:
        ax1.semilogy(step, np.maximum(loss - f_star, 1e-300), label="f(w_t) − f*")
    else:
        ax1.plot(step, loss, label="f(w_t)")
    ax1.set_xlabel("step")
    ax1.set_title("loss")
    ax2.semilogy(step, np.maximum(gn, 1e-300), label="‖∇f(w_t)‖")
    ax2.axhline(eps, color="gray", linestyle="--", label=f"ε = {eps:.3g}")
    ax2.set_xlabel("step")
    ax2.set_title("gradient norm")
    for ax in (ax1, ax2):
        if bound is not None and bound <= 10 * max(step.max(initial=1.0), 1.0):
            ax.axvline(bound, color="red", linestyle=":", label=f"Thm 6.7 bound {bound:.3g}")
        ax.legend(loc="best")
    if bound is not None:
        fig.suptitle(f"{result.method}: Thm 6.7 bound 2(f(w₀)−f*)/(ηε²) = {bound:.3g} steps")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def save_parquet(result: Result, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = {k: result.log[k] for k in ("step", "loss", "grad_norm", "dist_crit") if k in result.log}
    table = pa.table({k: pa.array(np.asarray(v, dtype=np.float64)) for k, v in cols.items()})
    pq.write_table(table, path)


@click.command("train")
@click.option("--widths", default="8,8,8", show_default=True, help="Layer widths d0,...,dN.")
@click.option("--loss", "loss_name", type=click.Choice(sorted(LOSSES)), default="squared", show_default=True)
@click.option("--mean/--sum", default=True, show_default=True, help="Average the loss over samples.")
@click.option("--generator", type=click.Choice(GENERATORS), default="gaussian", show_default=True)
@click.option("--m", type=int, default=200, show_default=True, help="Number of samples.")
@click.option("--algorithm", type=click.Choice(("gd", "sgd", "pgd")), default="gd", show_default=True)
@click.option("--steps", type=int, default=1000, show_default=True, help="Steps (PGD: the most steps).")
@click.option("--lr", type=float, default=0.01, show_default=True, help="Step size η (GD, SGD).")
@click.option("--batch-size", type=int, default=1, show_default=True, help="SGD mini-batch size.")
@click.option("--eps", type=float, default=None, help="ε of Thm 6.7 / PGD [default: 1e-3·‖∇f(w₀)‖].")
@click.option("--delta", type=float, default=0.1, show_default=True, help="PGD failure probability δ.")
@click.option("--c", "c_const", type=float, default=0.5, show_default=True, help="PGD constant c.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("spurious-train"),
              show_default=True)
def train(widths: str, loss_name: str, mean: bool, generator: str, m: int, algorithm: str, steps: int,
          lr: float, batch_size: int, eps: float | None, delta: float, c_const: float, seed: int,
          out: Path) -> None:
    """Train a deep linear network with GD, SGD or perturbed GD and save its trajectory."""
    check_inputs(lr, eps, delta, steps)
    w = parse_widths(widths)
    model = DeepLinear(w)
    data = make_data(generator, w, m, seed)
    landscape = Landscape(model, make_loss(loss_name, mean=mean), data)
    x0 = model.random_point(seed)
    f0, g0 = landscape.value_and_gradient(x0)
    eps = float(eps) if eps is not None else 1e-3 * max(float(np.linalg.norm(g0)), 1e-12)
    console = Console()
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(algorithm, total=steps)

        def progress(t: int) -> None:
            if t % 25 == 0 or t == steps:
                bar.update(task, completed=t)

        if algorithm == "gd":
            result = gd(landscape, x0, lr=lr, steps=steps, eps=eps, progress=progress)
        elif algorithm == "sgd":
            result = sgd(landscape, x0, lr=lr, steps=steps, batch_size=batch_size, seed=seed,
                         log_every=max(steps // 500, 1), progress=progress)
        else:
            radius = max(1.0, 0.5 * float(np.linalg.norm(x0)))
            beta = estimate_beta(landscape, x0, radius, seed=seed, safety=1.25)
            rho = estimate_rho(landscape, x0, radius, seed=seed, safety=1.25)
            f_star = landscape.min_value
            delta_f = max(f0 - (f_star if f_star is not None else 0.0), 1e-12)
            result = pgd(landscape, x0, beta=beta.value, rho=max(rho.value, 1e-12), eps=eps, c=c_const,
                         delta=delta, delta_f=delta_f, max_steps=steps, seed=seed, progress=progress)
            result.info["constants_region"] = beta.region
    f_star = landscape.min_value
    eta = float(result.info.get("lr", result.info.get("params", {}).get("lr", lr)))
    bound = gd_step_bound(f0, min(f_star, f0), eta, eps) if f_star is not None else None
    out.mkdir(parents=True, exist_ok=True)
    save_parquet(result, out / "trajectory.parquet")
    plot_trajectory(result, out / "trajectory.png", f_star, eps, bound)
    summary = {"widths": w, "loss": loss_name, "generator": generator, "m": m, "algorithm": algorithm,
               "seed": seed, "status": result.status, "iterations": result.iterations,
               "loss_final": result.loss, "grad_norm_final": result.grad_norm, "f_star": f_star,
               "eps": eps, "thm67_bound": bound, "warnings": result.warnings, "method": result.method}
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
    console.print(result.summary())
    if f_star is not None:
        console.print(f"f* = {f_star:.6g} (gap {result.loss - f_star:.3g}); ε = {eps:.3g}; "
                      f"Thm 6.7 bound {bound:.4g} steps (valid for η ≤ 1/β)")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    console.print(f"wrote {out / 'trajectory.parquet'}, {out / 'trajectory.png'}, {out / 'summary.json'}")


commands = [train]
