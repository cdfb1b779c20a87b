"""``spurious sweep CONFIG.toml``: a grid of problems × methods × seeds, resumable."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from ..sweep import load_config, load_results, run_sweep, summarise


@click.command("sweep")
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Result folder (Parquet dataset); default: `out` of the config, "
                   "else <config stem>-results.")
@click.option("--n-jobs", type=int, default=1, show_default=True,
              help="Local worker processes (joblib); -1 for all cores.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run on a running Dask cluster, e.g. tcp://127.0.0.1:8786.")
def sweep(config: Path, out: Path | None, n_jobs: int, scheduler: str | None) -> None:
    """Run every task of the grid in CONFIG and classify where each run ends.

    Finished tasks are written one Parquet file each; rerunning the same command after an
    interruption resumes: done tasks are skipped, none is run twice.
    """
    cfg = load_config(config, out)
    console = Console(stderr=True)
    columns = (TextColumn("[bold]sweep[/]"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("tasks", total=None)

        def start(total: int, pending: int) -> None:
            progress.update(bar, total=total, completed=total - pending)
            if pending < total:
                console.print(f"resuming: {total - pending} of {total} tasks already done")

        result = run_sweep(cfg, n_jobs=n_jobs, scheduler=scheduler, on_start=start,
                           on_done=lambda rows: progress.advance(bar))
    table = load_results(cfg.out)
    by = list(cfg.swept) or ["model", "widths"]
    out_console = Console()
    out_console.print(summary_table(summarise(table, by), by))
    out_console.print(f"{result.ran} task(s) run in {result.seconds:.1f} s, {result.skipped} "
                      f"already done; {table.num_rows} rows in {cfg.out}")


def summary_table(summary: list[dict], by: list[str]) -> Table:
    t = Table(title="fraction of runs ending at a global minimum")
    for col in (*by, "runs", "global min.", "endings"):
        t.add_column(col)
    for s in summary:
        endings = ", ".join(f"{k} {v}" for k, v in sorted(s["endings"].items()))
        t.add_row(*(str(s[k]) for k in by), str(s["runs"]), f"{s['global_fraction']:.2f}", endings)
    return t


commands = [sweep]
