"""A verdict's figure from Python (``Verdict.plot``), drawn as in the report; it shows itself in Jupyter.

The HTML tables of ``_repr_html_`` need no matplotlib and live below the report layer, in
:mod:`spurious.reprs`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from ..vocabulary import VerdictStatus
from .figures import ClaimFigure, claim_figures

__all__ = ["plot_verdict"]


def plot_verdict(v: Any, folder: Path | str | None = None, which: int = 0) -> ClaimFigure:
    """Figure ``which`` of a verdict (0: its main figure; 1: the counterexample's loss slice when
    ``folder`` holds the saved counterexample files). Displays itself in Jupyter."""
    r = v.to_dict() if hasattr(v, "to_dict") else dict(v)
    r.setdefault("status", VerdictStatus.HOLDS.value)
    figures, _ = claim_figures(r, Path(folder) if folder is not None else None)
    if not figures:
        raise InputError("verdict", f"{r.get('id')} has no figure (status {r.get('status')})")
    return figures[min(which, len(figures) - 1)]
