"""``spurious sweep CONFIG.toml``: a grid of problems × methods × seeds, resumable; a summary table and plot."""

from __future__ import annotations

from pathlib import Path

import click

from ..sweep import load_config, load_results, plot_summary, run_sweep, summarise, summary_columns
from .options import emit_json, json_option, print_table, progress


@click.command("sweep")
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Result folder (Parquet dataset); default: `out` of the config, else <config stem>-results.")
@click.option("--n-jobs", type=int, default=1, show_default=True,
              help="Local worker processes (joblib); -1 for all cores.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run on a running Dask cluster, e.g. tcp://127.0.0.1:8786.")
@click.option("--force-new", is_flag=True,
              help="If the folder holds results of an edited config, write to a new folder <out>-2, … "
                   "instead of refusing.")
@json_option
def sweep(config: Path, out: Path | None, n_jobs: int, scheduler: str | None, force_new: bool,
          as_json: bool) -> None:
    """Run every task of the grid in CONFIG and label where each run ends (see examples/).

    Finished tasks are written one Parquet file each; rerunning the same command after an
    interruption resumes: done tasks are skipped, none is run twice. Each task folder OUT/<id>/
    holds problem.toml and final.npy (reopen with `spurious classify --problem ... --point ...`).
    A folder holding results of an edited config is refused (or --force-new writes a new one).
    """
    cfg = load_config(config, out)
    with progress("sweep", None) as advance:
        notes: list[str] = []

        def start(total: int, pending: int) -> None:
            if pending < total:
                notes.append(f"resuming: {total - pending} of {total} tasks already done")
                click.echo(notes[-1], err=True)

        result = run_sweep(cfg, n_jobs=n_jobs, scheduler=scheduler, on_start=start,
                           on_done=lambda rows: advance(1), force_new=force_new)
    table = load_results(result.out)
    by = summary_columns(cfg)
    summary = summarise(table, by)
    plot = plot_summary(summary, by, result.out / "summary.png") if summary else None
    if as_json:
        emit_json({"out": str(result.out), "config_hash": cfg.hash, "tasks": result.total, "ran": result.ran,
                   "skipped": result.skipped, "seconds": result.seconds, "summary": summary,
                   "plot": None if plot is None else str(plot)})
        return
    rows = [(*(s[k] for k in by), s["runs"], f"{s['global_fraction']:.2f}",
             ", ".join(f"{k} {v}" for k, v in sorted(s["endings"].items()))) for s in summary]
    print_table((*by, "runs", "global min.", "endings"), rows, title="fraction of runs ending at a global minimum")
    click.echo(f"{result.ran} task(s) run in {result.seconds:.1f} s, {result.skipped} already done; "
               f"{table.num_rows} rows in {result.out}" + (f"; plot {plot}" if plot else ""))


commands = [sweep]
