"""``spurious check``: run the claims of CLAIMS.md and report their verdicts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..claims import CATALOGUE, CheckContext, implemented, run_claims

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
@click.option("--list", "list_only", is_flag=True, help="List the claims and whether each has a check.")
@click.option("--only", multiple=True, metavar="ID", help="Run only this claim (repeatable, or comma-separated).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("spurious-report"),
              show_default=True, help="Folder for results.json (and the report).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for every random instance.")
@click.option("--quick", is_flag=True, help="Smaller instances (for smoke tests).")
def check(list_only: bool, only: tuple[str, ...], out: Path, seed: int, quick: bool) -> None:
    """Run every claim of the source documents and print a verdict for each.

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
    with console.status("checking claims…") as status:
        verdicts = run_claims(ids or None, ctx,
                              on_done=lambda v: status.update(f"checked {v.id}: {v.status}"))
    console.print(verdict_table(verdicts))
    out.mkdir(parents=True, exist_ok=True)
    payload = {"seed": seed, "quick": quick, "tolerances": ctx.tolerances.__dict__,
               "verdicts": [v.to_dict() for v in verdicts]}
    (out / "results.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    bad = [v.id for v in verdicts if v.unexpected]
    console.print(f"wrote {out / 'results.json'}; "
                  + (f"[red]unexpected: {', '.join(bad)}[/]" if bad else "[green]no unexpected verdicts[/]"))
    if bad:
        sys.exit(1)


commands = [check]
