"""``spurious check``: run the claims of CLAIMS.md and report their verdicts."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..claims import CATALOGUE, DOCUMENTS, CheckContext, implemented, run_claims, select

STYLE = {"holds": "green", "refuted": "red", "inconclusive": "yellow",
         "not implemented": "dim", "error": "bold red"}


def verdict_table(verdicts) -> Table:
    table = Table(title="spurious check", show_lines=False)
    for col in ("id", "verdict", "expected", "key figure", "tolerance", "s"):
        table.add_column(col, overflow="fold")
    for v in verdicts:
        mark = "" if not v.unexpected else " (!)"
        table.add_row(v.id, f"[{STYLE[v.status]}]{v.status}{mark}[/]", v.expected,
                      v.figure, v.tolerance, f"{v.seconds:.2f}")
    return table


@click.command("check")
@click.option("--list", "list_only", is_flag=True,
              help="List the claims and whether each has a check.")
@click.option("--only", multiple=True, metavar="ID",
              help="Run only this claim (repeatable, or comma-separated).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("spurious-report"), show_default=True,
              help="Report folder: index.html, report.md, results.json, results.parquet.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for every random instance.")
@click.option("--quick", is_flag=True, help="Smaller instances (for smoke tests).")
@click.option("--no-report", is_flag=True,
              help="Skip index.html and the figures (still writes report.md, json, parquet).")
def check(list_only: bool, only: tuple[str, ...], out: Path, seed: int, quick: bool,
          no_report: bool) -> None:
    """Run every claim of the source documents and print a verdict for each.

    Writes a report folder (--out): index.html (one self-contained page, figures
    embedded), report.md, results.json and results.parquet (one row per claim).

    Exit code 0 when no claim is in an unexpected state (a claim the sources get wrong
    is expected to be *refuted*), 1 otherwise.
    """
    console = Console()
    if list_only:
        have = set(implemented())
        table = Table(title="claims")
        for col in ("id", "source", "expected", "check"):
            table.add_column(col)
        for e in CATALOGUE:
            table.add_row(e.id, f"{e.document} {e.where}", e.expected,
                          "yes" if e.id in have else "not yet implemented")
        console.print(table)
        return
    ids = [part for item in only for part in item.split(",") if part.strip()]
    ctx = CheckContext(seed=seed, quick=quick)
    verdicts, seconds = _run_with_progress(console, ids, ctx)
    console.print(verdict_table(verdicts))
    from ..report import write_report  # matplotlib is imported only when a report is written

    meta = {"seed": seed, "quick": quick, "tolerances": ctx.tolerances.__dict__,
            "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "total_seconds": round(seconds, 3), "documents": DOCUMENTS}
    payload = {"seed": seed, "quick": quick, "tolerances": ctx.tolerances.__dict__,
               "verdicts": [v.to_dict() for v in verdicts]}
    written = write_report(verdicts, out, meta, html=not no_report, payload=payload)
    bad = [v.id for v in verdicts if v.unexpected]
    main_file = written.get("html", written["markdown"])
    others = ", ".join(p.name for p in written.values() if p != main_file)
    state = f"[red]unexpected: {', '.join(bad)}[/]" if bad else "[green]no unexpected verdicts[/]"
    console.print(f"wrote {main_file} (and {others}); {state}")
    if bad:
        sys.exit(1)


def _run_with_progress(console: Console, ids: list[str], ctx: CheckContext):
    """Run the claims under a rich progress bar; return (verdicts, seconds)."""
    total = len(select(ids or None))
    columns = (TextColumn("[bold]checking[/]"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.description}"))
    start = time.perf_counter()
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=total)

        def done(v) -> None:
            progress.update(task, advance=1, description=f"{v.id}: {v.status}")

        verdicts = run_claims(ids or None, ctx, on_done=done)
    return verdicts, time.perf_counter() - start


commands = [check]
