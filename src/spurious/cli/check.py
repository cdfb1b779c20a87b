"""``spurious check``: run the claims of CLAIMS.md and report their verdicts (one seed or many)."""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..claims import (
    CATALOGUE,
    CONTROLS,
    DOCUMENTS,
    CheckContext,
    Verdict,
    combine_seeds,
    implemented,
    parse_seeds,
    run_claims,
    run_seeds,
    select,
)
from ..vocabulary import VerdictStatus

STYLE = {VerdictStatus.HOLDS: "green", VerdictStatus.REFUTED: "red", VerdictStatus.INCONCLUSIVE: "yellow",
         VerdictStatus.NOT_IMPLEMENTED: "dim", VerdictStatus.ERROR: "bold red"}


def verdict_rows(verdicts: list[Verdict]) -> list[dict[str, str]]:
    """One plain row per claim: id, verdict (with '!' when unexpected), expected, figure, margin, control, s."""
    rows = []
    for v in verdicts:
        tally = v.seed_tally
        verdict = (", ".join(f"{k} {n}/{sum(tally.values())}" for k, n in sorted(tally.items()))
                   if tally else str(v.status))
        margins = [p["margin"] for p in v.per_seed if p.get("margin") is not None]
        margin = min(margins) if margins else (v.closest_call.margin if v.closest_call else None)
        rows.append({"id": v.id, "verdict": verdict + (" !" if v.unexpected else ""),
                     "expected": str(v.expected), "figure": v.figure,
                     "margin": "—" if margin is None else f"{margin:.3g}×",
                     "control": str(v.control.status) if v.control else "—",
                     "s": f"{v.seconds:.2f}"})
    return rows


def plain_table(rows: list[dict[str, str]], width: int = 100) -> str:
    """A fixed-width table for pipes and logs (at most ``width`` columns, figure cut to fit)."""
    cols = ("id", "verdict", "expected", "margin", "control", "s")
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in cols} if rows else {c: len(c) for c in cols}
    used = sum(widths.values()) + 2 * len(cols)
    fig_width = max(width - used, 0)
    lines = ["  ".join(c.ljust(widths[c]) for c in cols) + ("  figure" if fig_width >= 8 else "")]
    for r in rows:
        line = "  ".join(r[c].ljust(widths[c]) for c in cols)
        if fig_width >= 8:
            fig = r["figure"] if len(r["figure"]) <= fig_width else r["figure"][: fig_width - 1] + "…"
            line += "  " + fig
        lines.append(line.rstrip()[:width])
    return "\n".join(lines)


def rich_table(rows: list[dict[str, str]]) -> Table:
    table = Table(title="spurious check", show_lines=False)
    for col in ("id", "verdict", "expected", "margin", "control", "figure", "s"):
        table.add_column(col, overflow="fold")
    for r in rows:
        status = r["verdict"].split()[0].rstrip(",")
        table.add_row(r["id"], f"[{STYLE.get(status, 'white')}]{r['verdict']}[/]", r["expected"], r["margin"],
                      r["control"], r["figure"], r["s"])
    return table


@click.command("check")
@click.option("--list", "list_only", is_flag=True,
              help="List the claims, their controls and whether each has a check.")
@click.option("--markdown", "as_markdown", is_flag=True,
              help="With --list: print docs/CLAIMS.md (every claim, its source, check, tolerances, control).")
@click.option("--only", multiple=True, metavar="ID",
              help="Run only this claim (repeatable, or comma-separated).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("spurious-report"), show_default=True,
              help="Report folder: index.html, report.md, results.json, results.parquet, counterexamples/.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed for every random instance.")
@click.option("--seeds", "seeds_text", default=None, metavar="A:B|S,S,…",
              help="Run every selected claim on each seed (e.g. 0:50 or 3,9,42); overrides --seed.")
@click.option("--n-jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes across seeds (default: the number of cores).")
@click.option("--quick", is_flag=True, help="Smaller instances (for smoke tests).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of a table.")
@click.option("--no-report", is_flag=True,
              help="Skip index.html and the figures (still writes report.md, json, parquet).")
@click.option("--replace", is_flag=True,
              help="Overwrite an existing results.json in --out instead of merging this run into it by claim.")
def check(list_only: bool, as_markdown: bool, only: tuple[str, ...], out: Path, seed: int, seeds_text: str | None,
          n_jobs: int | None, quick: bool, as_json: bool, no_report: bool, replace: bool) -> None:
    """Run every claim of the source documents and print a verdict for each.

    A verdict is a statement about mathematics: *refuted* only with a saved counterexample
    that re-verifies (`spurious verify FILE`), *holds* only beside a negative control on which
    the same check says *refuted*. Unconverged numerics are excluded and counted, never read
    as a violation.

    A run into a folder that already holds a results.json (an --only or --seeds run, say) is merged
    into it by claim: the claims run now replace their old results, the others are kept and marked
    with the run they came from (--replace overwrites instead).

    Exit code 0 when every claim is in its expected state (on every seed), 1 otherwise.
    """
    console = Console()
    if list_only:
        if as_markdown:
            from ..report.catalogue import claims_markdown

            click.echo(claims_markdown(), nl=False)
        else:
            _print_list(console)
        return
    ids = [part.strip() for item in only for part in item.split(",") if part.strip()]
    select(ids or None)  # validates the ids before any work
    seeds = parse_seeds(seeds_text) if seeds_text is not None else [seed]
    start = time.perf_counter()
    if len(seeds) == 1:
        verdicts = _run_with_progress(console, ids, CheckContext(seed=seeds[0], quick=quick), out, as_json)
    else:
        verdicts = _run_seeds_with_progress(console, ids, seeds, quick, n_jobs, out, as_json)
    seconds = time.perf_counter() - start
    payload = _payload(verdicts, seeds, quick, seconds)
    merged_note = ""
    if not replace and (out / "results.json").is_file():
        payload, merged_note = _merge_into(out / "results.json", payload)
    rows = verdict_rows(verdicts)
    if as_json:
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    elif sys.stdout.isatty():
        console.print(rich_table(rows))
    else:
        click.echo(plain_table(rows))
    from ..report import write_report  # matplotlib is imported only when a report is written

    meta = {**{k: v for k, v in payload.items() if k != "verdicts"}, "documents": DOCUMENTS}
    written = write_report(payload["verdicts"], out, meta, html=not no_report, payload=payload)
    bad = [v.id for v in verdicts if v.unexpected]
    main_file = written.get("html", written["markdown"])
    state = f"unexpected: {', '.join(bad)}" if bad else "every claim in its expected state"
    if not as_json:
        for line in (f"{len(seeds)} seed(s), {seconds:.1f} s; {state}", merged_note, f"wrote {main_file}"):
            if line:
                click.echo(textwrap.fill(line, 100, subsequent_indent="  "))
    if bad:
        sys.exit(1)


def _merge_into(path: Path, payload: dict) -> tuple[dict, str]:
    """Merge this run into the results.json at ``path`` by claim (an unreadable file is replaced, and said so)."""
    from ..report.merge import merge_results

    try:
        old = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(old, dict) or not isinstance(old.get("verdicts"), list):
            raise ValueError("no verdicts list")
    except (ValueError, OSError) as exc:
        return payload, f"replaced {path} (not a results.json: {exc})"
    merged = merge_results(old, payload, [e.id for e in CATALOGUE])
    return merged, merged.get("merged", "")


def _payload(verdicts: list[Verdict], seeds: list[int], quick: bool, seconds: float) -> dict:
    from ..report.environment import environment

    tol = CheckContext().tolerances
    return {"seed": seeds[0], "seeds": seeds, "quick": quick, "tolerances": tol.__dict__,
            "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "total_seconds": round(seconds, 3), "environment": environment(),
            "verdicts": [v.to_dict() for v in verdicts]}


def _print_list(console: Console) -> None:
    have = set(implemented())
    table = Table(title="claims")
    for col in ("id", "source", "expected", "check", "negative control"):
        table.add_column(col, overflow="fold")
    for e in CATALOGUE:
        table.add_row(e.id, f"{e.document} {e.where}", str(e.expected),
                      "yes" if e.id in have else "not yet implemented", CONTROLS.get(e.id, "—"))
    console.print(table)


def _progress(console: Console, quiet: bool) -> Progress:
    columns = (TextColumn("[bold]checking[/]"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.description}"))
    return Progress(*columns, console=Console(stderr=True), transient=True, disable=quiet)


def _run_with_progress(console: Console, ids: list[str], ctx: CheckContext, out: Path, quiet: bool):
    """Run the claims of one seed under a progress bar."""
    with _progress(console, quiet) as progress:
        task = progress.add_task("", total=len(select(ids or None)))

        def done(v: Verdict) -> None:
            progress.update(task, advance=1, description=f"{v.id}: {v.status}")

        return run_claims(ids or None, ctx, on_done=done, artifacts=out)


def _run_seeds_with_progress(console: Console, ids: list[str], seeds: list[int], quick: bool,
                             n_jobs: int | None, out: Path, quiet: bool) -> list[Verdict]:
    """Run the claims on every seed (joblib across seeds) under a progress bar; combine per claim."""
    jobs = n_jobs or min(len(seeds), os.cpu_count() or 1)
    with _progress(console, quiet) as progress:
        task = progress.add_task("", total=len(seeds))

        def done(seed: int, verdicts: list[Verdict]) -> None:
            bad = sum(v.unexpected for v in verdicts)
            progress.update(task, advance=1, description=f"seed {seed}: {bad} unexpected")

        results = run_seeds(ids or None, seeds, quick=quick, n_jobs=jobs, artifacts=out, on_seed=done)
    return combine_seeds(results)


commands = [check]
