"""``spurious report RESULTS.json``: re-render the report pages from saved results, without recomputing."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("report")
@click.argument("results", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write (default: the folder of RESULTS, where its counterexamples are).")
@click.option("--no-html", is_flag=True, help="Write report.md and results.parquet only.")
def report(results: Path, out: Path | None, no_html: bool) -> None:
    """Rebuild index.html, report.md and results.parquet from a results.json of `spurious check`.

    No check is rerun: the figures are drawn from the saved series, and each counterexample's
    loss slice is recomputed from its saved .npz.
    """
    from ..report import rerender

    written = rerender(results, out, html=not no_html)
    click.echo(f"wrote {written.get('html', written['markdown'])}")


commands = [report]
