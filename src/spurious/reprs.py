"""Compact HTML tables for Jupyter (``_repr_html_``) of verdicts, classifications, spectra and run results.

Each function takes the object and returns one small ``<table>`` of its key facts in words and
rounded numbers (:func:`spurious.text.human`), the same wording as the report; the classes call
them from their ``_repr_html_``. This module sits below every class it renders and below
:mod:`spurious.report` (it imports neither them nor matplotlib), so the classes import it at the
top and no import runs back up; the figure of a verdict (:func:`spurious.report.notebook.plot_verdict`)
needs matplotlib and stays in the report layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from .prose import closest_text, control_text, instances_text, source_text, tally_text
from .text import human, human_number
from .vocabulary import Label, RunStatus, VerdictStatus

__all__ = ["facts_table", "verdict_html", "classification_html", "spectrum_html", "result_html",
           "LABEL_COLOURS", "STATUS_COLOURS"]

#: One colour per kind of critical point, the same in every figure (the labels of
#: :mod:`spurious.critical.classify`).
LABEL_COLOURS: dict[str, str] = {
    Label.GLOBAL_MINIMUM: "#1a7f37",
    Label.SPURIOUS_LOCAL_MINIMUM: "#cf222e",
    Label.STRICT_SADDLE: "#0969da",
    Label.NON_STRICT_SADDLE: "#8250df",
    "local maximum": "#bc4c00",  # drawn on slices; not a label classify gives
    Label.NOT_CRITICAL: "#6e7781",
    Label.INCONCLUSIVE: "#9a6700",
}

#: Verdict colours (badges, the seeds grid, tallies).
STATUS_COLOURS: dict[str, str] = {VerdictStatus.HOLDS: "#1a7f37", VerdictStatus.REFUTED: "#cf222e",
                                  VerdictStatus.INCONCLUSIVE: "#9a6700", VerdictStatus.NOT_IMPLEMENTED: "#6e7781",
                                  VerdictStatus.ERROR: "#a40e26"}

STYLE = "border-collapse:collapse;font-size:0.9em"
CELL = "border:1px solid #d0d7de;padding:2px 8px;text-align:left;vertical-align:top"


def facts_table(title: str, rows: Sequence[tuple[str, Any]], colour: str | None = None) -> str:
    """A two-column table: ``title`` on top (coloured when ``colour``), then name / value rows."""
    head_style = f"background:{colour};color:#fff" if colour else "background:#f6f8fa"
    body = "".join(f'<tr><th style="{CELL};background:#f6f8fa">{escape(k)}</th>'
                   f'<td style="{CELL}">{escape(v if isinstance(v, str) else human(v, 200))}</td></tr>'
                   for k, v in rows if v not in (None, "", [], {}))
    return (f'<table style="{STYLE}"><thead><tr><th colspan="2" style="{CELL};{head_style}">{escape(title)}'
            f"</th></tr></thead><tbody>{body}</tbody></table>")


def verdict_html(v: Any) -> str:
    """A :class:`~spurious.claims.Verdict` as a table (statement, verdict, reason, figure, control…)."""
    r = v.to_dict() if hasattr(v, "to_dict") else dict(v)
    control, control_status = control_text(r)
    rows = [("statement", str(r.get("statement", ""))), ("source", source_text(r)),
            ("verdict", f"{r['status']} (expected {r.get('expected')})"), ("reason", str(r.get("reason") or "")),
            ("key figure", str(r.get("figure", ""))), ("tolerance", str(r.get("tolerance", ""))),
            ("instances", instances_text(r)), ("settled", tally_text(r)), ("closest call", closest_text(r)),
            ("negative control", f"{control_status}: {control}" if control_status else control),
            ("counterexamples", str(sum(bool(c.get("accepted")) for c in r.get("counterexamples") or []) or "")),
            ("time", f"{float(r.get('seconds', 0.0)):.2f} s")]
    return facts_table(f"{r['id']}: {r['status']}", rows, STATUS_COLOURS.get(str(r["status"])))


def classification_html(c: Any) -> str:
    """A :class:`~spurious.critical.Classification` as a table (label, loss, gradient, curvature)."""
    rows: list[tuple[str, Any]] = [("reason", c.reason), ("loss Φ", c.loss),
                                   ("‖∇Φ‖", f"{human_number(c.grad_norm)} (tolerance {human_number(c.grad_tol)})")]
    if c.optimum is not None:
        rows.append(("Φ − Φ*", f"{human_number(c.gap)} (tolerance {human_number(c.gap_tol)}; "
                               f"Φ* {human_number(c.optimum)}, {c.optimum_source})"))
    if c.spectrum is not None:
        s = c.spectrum
        rows += [("λ_min, λ_max", f"{human_number(s.lam_min)}, {human_number(s.lam_max)} ({s.method})"),
                 ("index, nullity", f"{s.index}{'' if s.index_exact else '+'}, {s.nullity}")]
    if c.symmetry_dim is not None:
        rows.append(("symmetry orbit dimension", c.symmetry_dim))
    if c.descent is not None:
        rows.append(("descent curve", f"order t^{c.descent.order}, coefficient {human_number(c.descent.coefficient)}"))
    return facts_table(str(c.label), rows, LABEL_COLOURS.get(str(c.label)))


def spectrum_html(s: Any) -> str:
    """A :class:`~spurious.critical.Spectrum` as a table (extremes with error bounds, index, nullity)."""
    rows = [("λ_min", f"{human_number(s.lam_min, 6)} ± {human_number(s.err_min)}"),
            ("λ_max", f"{human_number(s.lam_max, 6)} ± {human_number(s.err_max)}"),
            ("‖∇²Φ‖₂", s.hess_norm), ("zero tolerance", s.zero_tol),
            ("index", f"{s.index}{'' if s.index_exact else ' (at least)'}"), ("nullity", s.nullity),
            ("method", s.method)]
    return facts_table("Hessian spectrum", rows)


def result_html(r: Any) -> str:
    """A finder or optimiser :class:`~spurious.result.Result` as a table."""
    colour = {RunStatus.CONVERGED: STATUS_COLOURS[VerdictStatus.HOLDS],
              RunStatus.DIVERGED: STATUS_COLOURS[VerdictStatus.REFUTED]}.get(r.status,
                                                                             STATUS_COLOURS[VerdictStatus.INCONCLUSIVE])
    counts = {name: n for name, n in r.evaluations.to_dict().items() if n}
    rows = [("method", r.method), ("iterations", r.iterations), ("loss Φ", r.loss), ("‖∇Φ‖", r.grad_norm),
            ("stopped because", r.message), ("evaluations", counts), ("settings", dict(r.settings)),
            ("warnings", "; ".join(r.warnings))]
    return facts_table(f"run: {r.status}", rows, colour)
