"""``spurious verify FILE…``: re-verify saved counterexamples in a fresh process."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..claims.counterexample import MIN_MARGIN, load, reverify


@click.command("verify")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def verify(files: tuple[Path, ...]) -> None:
    """Reload each counterexample (.json or .npz written by `spurious check`) and recompute the
    violated quantity by its independent route. Exit 0 if every one is confirmed with a margin
    of at least 10× its tolerance, 1 otherwise."""
    failed = 0
    for path in files:
        cx = load(path)
        again = reverify(path)
        ok = again.confirmed
        failed += not ok
        click.echo(f"{'confirmed' if ok else 'NOT confirmed'}: {cx.claim} ({path.name}): {cx.quantity} = "
                   f"{again.measured:.3g} vs tolerance {again.threshold:.3g}, margin {again.margin:.3g}× "
                   f"(needs ≥ {MIN_MARGIN:g}); route: {again.route}")
    if failed:
        sys.exit(1)


commands = [verify]
