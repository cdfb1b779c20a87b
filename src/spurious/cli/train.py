"""``spurious train``: run GD, SGD or perturbed GD on any problem and save where it ends.

Writes ``final.npy`` (the last point: reopen it with ``spurious classify --problem
OUT/problem.toml --point OUT/final.npy``), ``trajectory.parquet`` (the run log: iteration, loss, grad_norm, step_size),
``trajectory.png`` (loss − f* and ‖∇f‖ against the step, with ε and the Thm 6.7 step bound
2(f(w₀) − f*)/(ηε²)), ``summary.json`` and ``problem.toml``. ``--lr 1/beta`` (the default) takes
the step η = 1/β of Thm 6.7 (Optimization 1 notes §6.2), β = max ‖∇²f‖₂ estimated on a ball around w₀ and printed.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click
import numpy as np
import pyarrow.parquet as pq
from rich.console import Console

from ..errors import InputError
from ..landscape import Landscape
from ..optim import estimate_beta, estimate_rho, gd, gd_step_bound, pgd, sgd
from ..result import Result
from ..spec import build_landscape, start_point, write_problem
from ..tolerances import DEFAULT
from .options import emit_json, json_option, out_option, problem_options, progress, spec_from_flags

BETA_SAFETY = 1.25  # η = 1/(1.25 β̂): the sampled β̂ is a lower estimate of the sup over the ball


def parse_lr(text: str) -> float | None:
    """"1/beta" → None (η = 1/β estimated); a number > 0 otherwise."""
    if str(text).strip().lower() in ("1/beta", "1/β"):
        return None
    try:
        lr = float(text)
    except ValueError:
        raise InputError("--lr", f"expected a step size > 0 or 1/beta, got {text!r}") from None
    if not np.isfinite(lr) or lr <= 0:
        raise InputError("--lr", f"expected a step size > 0 or 1/beta, got {text}")
    return lr


def estimate_step(landscape: Landscape, x0: np.ndarray, seed: int) -> tuple[float, float, str]:
    """(η, β, region): η = 1/β with β estimated (safety factor BETA_SAFETY) on B(x0, max(1, ‖x0‖/2))."""
    radius = max(1.0, 0.5 * float(np.linalg.norm(x0)))
    est = estimate_beta(landscape, x0, radius, seed=seed, safety=BETA_SAFETY)
    beta = max(est.value, 1e-300)
    return 1.0 / beta, beta, est.region


def check_inputs(eps: float | None, delta: float, steps: int) -> None:
    if eps is not None and (not np.isfinite(eps) or eps <= 0):
        raise InputError("--eps", f"expected ε > 0, got {eps}")
    if not 0 < delta < 1:
        raise InputError("--pgd-delta", f"expected δ in the open interval (0, 1), got {delta}")
    if steps < 0:
        raise InputError("--steps", f"expected an integer >= 0, got {steps}")


def plot_trajectory(result: Result, path: Path, f_star: float | None, eps: float, bound: float | None) -> None:
    """Loss − f* (or loss) and ‖∇f‖ against the step, with ε and the Thm 6.7 bound."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    step = np.asarray(result.log["iteration"])
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
    """The run's :class:`~spurious.result.RunLog` as one parquet table (its columns in order)."""
    pq.write_table(result.log.to_arrow(), path)


@click.command("train")
@problem_options
@click.option("--algorithm", type=click.Choice(("gd", "sgd", "pgd")), default="gd", show_default=True)
@click.option("--steps", type=int, default=1000, show_default=True, help="Steps (PGD: the most steps).")
@click.option("--lr", default="1/beta", show_default=True,
              help="Step size η (GD, SGD): a number, or 1/beta (β estimated around the start and printed).")
@click.option("--batch-size", type=int, default=1, show_default=True, help="SGD mini-batch size.")
@click.option("--eps", type=float, default=None, help="ε of Thm 6.7 / PGD: GD stops at the first ‖∇f‖ ≤ ε "
              "[default: 1e-6·max(1, |f(w₀)|)].")
@click.option("--pgd-delta", type=float, default=0.1, show_default=True, help="PGD failure probability δ.")
@click.option("--c", "c_const", type=float, default=0.5, show_default=True, help="PGD constant c.")
@out_option("spurious-train")
@json_option
def train(algorithm: str, steps: int, lr: str, batch_size: int, eps: float | None, pgd_delta: float,
          c_const: float, out: Path, as_json: bool, **flags) -> None:
    """Train any model with GD, SGD or perturbed GD; save final.npy, the trajectory, a plot and problem.toml."""
    spec = spec_from_flags(flags)
    check_inputs(eps, pgd_delta, steps)
    step = parse_lr(lr)
    landscape = build_landscape(spec)
    x0 = start_point(landscape, spec.seed)
    f0, g0 = landscape.value_and_gradient(x0)
    eps = float(eps) if eps is not None else DEFAULT.scaled("run_gradient", max(1.0, abs(f0)))
    beta, region = None, None
    if step is None and algorithm != "pgd":
        step, beta, region = estimate_step(landscape, x0, spec.seed)
    with progress(algorithm, steps) as advance:
        done = [0]

        def report(t: int) -> None:
            advance(t - done[0])
            done[0] = t

        if algorithm == "gd":
            result = gd(landscape, x0, lr=step, steps=steps, eps=eps, progress=report)
        elif algorithm == "sgd":
            result = sgd(landscape, x0, lr=step, steps=steps, batch_size=batch_size, seed=spec.seed,
                         log_every=max(steps // 500, 1), progress=report)
        else:
            radius = max(1.0, 0.5 * float(np.linalg.norm(x0)))
            est = estimate_beta(landscape, x0, radius, seed=spec.seed, safety=BETA_SAFETY)
            rho = estimate_rho(landscape, x0, radius, seed=spec.seed, safety=BETA_SAFETY)
            beta, region = est.value, est.region
            f_star = landscape.min_value
            delta_f = max(f0 - (f_star if f_star is not None else 0.0), 1e-12)
            result = pgd(landscape, x0, beta=beta, rho=max(rho.value, 1e-12), eps=eps, c=c_const,
                         delta=pgd_delta, delta_f=delta_f, max_steps=steps, seed=spec.seed, progress=report)
            result = replace(result, info={**result.info, "constants_region": region})
    f_star = landscape.min_value
    eta = float(result.info.get("lr", result.info.get("params", {}).get("lr", step or 0.0)))
    bound = gd_step_bound(f0, min(f_star, f0), eta, eps) if (f_star is not None and eta > 0) else None
    out.mkdir(parents=True, exist_ok=True)
    write_problem(spec, out)
    np.save(out / "final.npy", result.point)
    save_parquet(result, out / "trajectory.parquet")
    plot_trajectory(result, out / "trajectory.png", f_star, eps, bound)
    summary = {"problem": spec.to_dict(), "algorithm": algorithm, "status": result.status,
               "iterations": result.iterations, "loss_final": result.loss, "grad_norm_final": result.grad_norm,
               "optimum": f_star, "gap": None if f_star is None else result.loss - f_star, "lr": eta,
               "beta": beta, "beta_region": region, "eps": eps, "thm67_bound": bound,
               "warnings": result.warnings, "method": result.method,
               "files": [str(out / n) for n in ("problem.toml", "final.npy", "trajectory.parquet",
                                                "trajectory.png", "summary.json")]}
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
    if as_json:
        emit_json(summary)
        return
    console = Console(soft_wrap=True)
    console.print(f"problem: {spec.describe()}")
    if beta is not None:
        console.print(f"β ≈ {beta:.6g} (estimated on {region}); η = {eta:.6g}")
    console.print(result.summary())
    if f_star is not None:
        console.print(f"f* = {f_star:.10g} (gap {result.loss - f_star:.3g}); ε = {eps:.3g}"
                      + (f"; Thm 6.7 bound {bound:.4g} steps (valid for η ≤ 1/β)" if bound is not None else ""))
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    console.print("wrote " + ", ".join(summary["files"]))


commands = [train]
