"""Reports of ``spurious check``: results in, files out (no numerics here).

``write_report(verdicts, out, meta)`` writes into the folder ``out``:
``index.html`` (self-contained: figures as base64 PNG), ``report.md`` (+ ``figures/*.png``),
``results.json`` and ``results.parquet`` (one row per claim). Figures are drawn from each
claim's ``series`` following the convention documented in :mod:`spurious.report.plots`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .html import render_html
from .markdown import render_markdown
from .plots import PlotError, plot_specs, render_series, render_specs
from .records import as_records, status_counts
from .table import claims_table, write_parquet

__all__ = ["write_report", "draw_figures", "as_records", "status_counts", "render_html",
           "render_markdown", "render_series", "render_specs", "plot_specs", "PlotError",
           "claims_table", "write_parquet"]


def draw_figures(records: Iterable[Mapping[str, Any]]) -> tuple[dict[str, bytes], dict[str, str]]:
    """PNG bytes per claim id (claims whose series draws), and why others failed to draw."""
    figures: dict[str, bytes] = {}
    errors: dict[str, str] = {}
    for r in records:
        try:
            png = render_series(r.get("series"))
        except (PlotError, TypeError, ValueError, KeyError, IndexError) as exc:
            errors[r["id"]] = f"series could not be drawn ({exc})"
            continue
        if png is not None:
            figures[r["id"]] = png
    return figures, errors


def _write_atomic(path: Path, data: bytes | str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    if isinstance(data, str):
        tmp.write_text(data, encoding="utf-8")
    else:
        tmp.write_bytes(data)
    os.replace(tmp, path)


def write_report(verdicts: Iterable[Any], out: Path | str, meta: Mapping[str, Any] | None = None,
                 html: bool = True, payload: Mapping[str, Any] | None = None) -> dict[str, Path]:
    """Write the report folder and return {kind: path} of what was written.

    verdicts : :class:`~spurious.claims.Verdict` objects or their dicts.
    meta : run information shown on top (seed, quick, generated, total_seconds,
        tolerances, documents).
    html : False skips ``index.html`` and the figures (``--no-report``).
    payload : the JSON payload for ``results.json`` (default: meta plus the verdicts).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    meta = dict(meta or {})
    records = as_records(verdicts)
    written: dict[str, Path] = {}
    body = dict(payload) if payload is not None else {
        **{k: v for k, v in meta.items() if k != "documents"}, "verdicts": records}
    _write_atomic(out / "results.json", json.dumps(body, indent=2, ensure_ascii=False, default=str))
    written["json"] = out / "results.json"
    written["parquet"] = write_parquet(records, out / "results.parquet")
    figure_files: dict[str, str] = {}
    figures: dict[str, bytes] = {}
    errors: dict[str, str] = {}
    if html:
        figures, errors = draw_figures(records)
        fig_dir = out / "figures"
        fig_dir.mkdir(exist_ok=True)
        for claim_id, png in figures.items():
            _write_atomic(fig_dir / f"{claim_id}.png", png)
            figure_files[claim_id] = f"figures/{claim_id}.png"
        _write_atomic(out / "index.html", render_html(records, figures, errors, meta))
        written["html"] = out / "index.html"
    _write_atomic(out / "report.md", render_markdown(records, figure_files, meta))
    written["markdown"] = out / "report.md"
    return written
