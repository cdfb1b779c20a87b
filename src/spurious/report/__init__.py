"""Reports of ``spurious check``: results in, files out (no numerics here but the loss slice of a saved
counterexample, recomputed from its ``.npz``).

``write_report(verdicts, out, meta)`` writes into the folder ``out``: ``index.html`` (self-contained:
figures and counterexample files as data URIs), ``report.md`` (+ ``figures/*.png``), ``results.json``
and ``results.parquet`` (one row per claim and seed, :mod:`spurious.report.table`). Every claim gets a
figure (:mod:`spurious.report.figures`); ``rerender(results_json)`` rebuilds the pages from
``results.json`` alone (``spurious report``), ``merge_results`` merges a partial run into an existing
``results.json`` by claim.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..claims import DOCUMENTS
from ..errors import InputError
from .figures import ClaimFigure, claim_figures
from .html import render_html
from .markdown import render_markdown
from .merge import merge_results
from .plots import PlotError, plot_specs, render_series, render_specs
from .records import as_records, status_counts
from .table import SCHEMA, claims_table, write_parquet

__all__ = ["write_report", "draw_figures", "as_records", "status_counts", "render_html", "render_markdown",
           "render_series", "render_specs", "plot_specs", "PlotError", "claims_table", "write_parquet", "SCHEMA",
           "rerender", "merge_results", "ClaimFigure"]


def draw_figures(records: Iterable[Mapping[str, Any]], folder: Path | None = None
                 ) -> tuple[dict[str, list[ClaimFigure]], dict[str, list[str]]]:
    """Figures per claim id (every implemented claim gets at least one) and notes on what did not draw."""
    figures: dict[str, list[ClaimFigure]] = {}
    notes: dict[str, list[str]] = {}
    for r in records:
        figures[r["id"]], notes[r["id"]] = claim_figures(r, folder)
    return figures, notes


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
    meta : run information shown on top (seeds, quick, generated, total_seconds, tolerances,
        environment, documents).
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
    figure_files: dict[str, list[tuple[str, str]]] = {}
    if html:
        figures, notes = draw_figures(records, out)
        fig_dir = out / "figures"
        fig_dir.mkdir(exist_ok=True)
        for stale in fig_dir.glob("*.png"):
            stale.unlink()
        for claim_id, figs in figures.items():
            figure_files[claim_id] = []
            for k, fig in enumerate(figs):
                name = f"{claim_id}-{k + 1}.png"
                _write_atomic(fig_dir / name, fig.png)
                figure_files[claim_id].append((f"figures/{name}", fig.caption))
        _write_atomic(out / "index.html", render_html(records, figures, notes, meta, out))
        written["html"] = out / "index.html"
    _write_atomic(out / "report.md", render_markdown(records, figure_files, meta, out))
    written["markdown"] = out / "report.md"
    return written


def rerender(results_json: Path | str, out: Path | str | None = None, html: bool = True) -> dict[str, Path]:
    """Rebuild the report from a ``results.json`` without rerunning any check.

    out : the folder to write (default: the folder of ``results_json``, where its counterexamples are).
    """
    path = Path(results_json)
    if not path.is_file():
        raise InputError("RESULTS", f"{path} does not exist (expected a results.json written by spurious check)")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        verdicts = payload["verdicts"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError("RESULTS", f"{path} is not a results.json of spurious check ({exc})") from None
    target = Path(out) if out is not None else path.parent
    if target.resolve() != path.parent.resolve() and (path.parent / "counterexamples").is_dir():
        shutil.copytree(path.parent / "counterexamples", target / "counterexamples", dirs_exist_ok=True)
    meta = {**{k: v for k, v in payload.items() if k != "verdicts"}, "documents": DOCUMENTS}
    return write_report(verdicts, target, meta, html=html, payload=payload)
