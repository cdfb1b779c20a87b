"""``index.html``: one self-contained page (inline CSS, figures as base64 PNG, no script).

Layout: a verdict summary on top (counts per status, the claims in an unexpected state,
one table row per claim linking to its section), then one section per claim with its
statement and source, verdict, expected verdict, key figure, tolerance, the instances
checked, the figure drawn from its series, and the evidence (folded).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from .records import status_counts

__all__ = ["render_html"]

COLOURS = {"holds": "#1a7f37", "refuted": "#cf222e", "inconclusive": "#9a6700",
           "not implemented": "#6e7781", "error": "#a40e26"}

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;
max-width:1100px;padding:1.5em;color:#1f2328;line-height:1.45}
h1{margin-bottom:.2em} h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:2em}
.meta{color:#57606a;font-size:.9em}
.badge{display:inline-block;padding:.1em .55em;border-radius:1em;color:#fff;font-weight:600;
font-size:.85em;white-space:nowrap}
.summary{background:#f6f8fa;border:1px solid #d0d7de;border-radius:8px;padding:1em 1.2em}
.counts span{margin-right:1em;font-size:1.05em}
.alert{color:#cf222e;font-weight:600} .ok{color:#1a7f37;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:.88em;margin:.6em 0}
th,td{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f6f8fa} tr.unexpected td{background:#ffebe9}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25em 1em;margin:.6em 0}
dl.facts dt{font-weight:600;color:#57606a} dl.facts dd{margin:0}
figure{margin:1em 0} figure img{max-width:100%;border:1px solid #d0d7de;border-radius:4px}
figcaption{font-size:.85em;color:#57606a}
details{margin:.5em 0} summary{cursor:pointer;color:#0969da}
pre{background:#f6f8fa;padding:.6em;overflow-x:auto;font-size:.8em;max-height:28em}
.statement{font-size:1.05em;border-left:4px solid #d0d7de;padding-left:.8em;margin:.6em 0}
"""

MAX_INSTANCE_ROWS = 25
MAX_EVIDENCE_CHARS = 6000


def badge(status: str, unexpected: bool = False) -> str:
    colour = COLOURS.get(status, "#6e7781")
    mark = " ⚠ unexpected" if unexpected else ""
    return f'<span class="badge" style="background:{colour}">{escape(status)}{mark}</span>'


def _summary(records: Sequence[Mapping[str, Any]], meta: Mapping[str, Any]) -> str:
    counts = status_counts(records)
    count_html = "".join(f"<span>{badge(s)} {n}</span>" for s, n in counts.items())
    bad = [r["id"] for r in records if r["unexpected"]]
    bad_text = escape(", ".join(bad))
    verdict_line = (f'<p class="alert">Unexpected verdicts ({len(bad)}): {bad_text}</p>'
                    if bad else '<p class="ok">No claim is in an unexpected state.</p>')
    rows = []
    for r in records:
        cls = ' class="unexpected"' if r["unexpected"] else ""
        rows.append(
            f"<tr{cls}><td><a href=\"#{escape(r['id'])}\">{escape(r['id'])}</a></td>"
            f"<td>{escape(_source(r, meta))}</td><td>{escape(r['expected'])}</td>"
            f"<td>{badge(r['status'], r['unexpected'])}</td><td>{escape(str(r['figure']))}</td>"
            f"<td>{float(r['seconds']):.2f}</td></tr>")
    return (f'<section class="summary" id="summary"><h2 style="margin-top:0">Verdict summary</h2>'
            f'<div class="counts">{count_html}</div>{verdict_line}'
            "<table><thead><tr><th>claim</th><th>source</th><th>expected</th><th>verdict</th>"
            f"<th>key figure</th><th>s</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            "</section>")


def _source(r: Mapping[str, Any], meta: Mapping[str, Any]) -> str:
    return f"{r.get('document', '')} {r.get('where', '')}".strip()


def _document_name(r: Mapping[str, Any], meta: Mapping[str, Any]) -> str:
    docs = meta.get("documents") or {}
    return str(docs.get(r.get("document"), r.get("document", "")))


def _instances_table(instances: Sequence[Any]) -> str:
    if not instances:
        return ""
    dicts = [i if isinstance(i, Mapping) else {"value": i} for i in instances[:MAX_INSTANCE_ROWS]]
    columns: list[str] = []
    for d in dicts:
        columns.extend(k for k in d if k not in columns)
    head = "".join(f"<th>{escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(d.get(c, '')))}</td>" for c in columns) + "</tr>"
        for d in dicts)
    more = (f"<p class=\"meta\">… {len(instances) - MAX_INSTANCE_ROWS} more in results.json</p>"
            if len(instances) > MAX_INSTANCE_ROWS else "")
    return (f"<details><summary>{len(instances)} instance(s) checked</summary>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}</details>")


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list | dict):
        text = json.dumps(value, ensure_ascii=False, default=str)
        return text if len(text) <= 80 else text[:77] + "…"
    return str(value)


def _figure(claim_id: str, png: bytes | None, error: str | None) -> str:
    if png is not None:
        data = base64.b64encode(png).decode("ascii")
        return (f'<figure><img alt="figure for {escape(claim_id)}" '
                f'src="data:image/png;base64,{data}"><figcaption>Figure: {escape(claim_id)}, '
                "drawn from the check's data series.</figcaption></figure>")
    if error:
        return f'<p class="meta">No figure: {escape(error)}</p>'
    return ""


def _section(r: Mapping[str, Any], meta: Mapping[str, Any], png: bytes | None,
             error: str | None) -> str:
    if r["status"] == "not implemented":
        return (f'<section id="{escape(r["id"])}"><h2>{escape(r["id"])} {badge(r["status"])}</h2>'
                f'<p class="statement">{escape(str(r["statement"]))}</p>'
                f'<p class="meta">source: {escape(_document_name(r, meta))}, {escape(str(r["where"]))}'
                " · no check yet: this claim is not counted as passing.</p></section>")
    evidence = json.dumps(r.get("evidence") or {}, indent=1, ensure_ascii=False, default=str)
    if len(evidence) > MAX_EVIDENCE_CHARS:
        evidence = evidence[:MAX_EVIDENCE_CHARS] + "\n… (truncated; full text in results.json)"
    evidence_html = (f"<details><summary>evidence</summary><pre>{escape(evidence)}</pre></details>"
                     if r.get("evidence") else "")
    n_inst = len(r.get("instances") or [])
    return (
        f'<section id="{escape(r["id"])}">'
        f'<h2>{escape(r["id"])} {badge(r["status"], r["unexpected"])}</h2>'
        f'<p class="statement">{escape(str(r["statement"]))}</p>'
        '<dl class="facts">'
        f"<dt>source</dt><dd>{escape(_document_name(r, meta))}, {escape(str(r['where']))}</dd>"
        f"<dt>verdict</dt><dd>{badge(r['status'], r['unexpected'])}</dd>"
        f"<dt>expected</dt><dd>{escape(str(r['expected']))}</dd>"
        f"<dt>key figure</dt><dd>{escape(str(r['figure']))}</dd>"
        f"<dt>tolerance</dt><dd>{escape(str(r['tolerance']))}</dd>"
        f"<dt>instances</dt><dd>{n_inst}</dd>"
        f"<dt>time</dt><dd>{float(r['seconds']):.2f} s</dd></dl>"
        f"{_figure(r['id'], png, error)}{_instances_table(r.get('instances') or [])}{evidence_html}"
        '<p class="meta"><a href="#summary">↑ summary</a></p></section>')


def render_html(records: Sequence[Mapping[str, Any]], figures: Mapping[str, bytes | None],
                figure_errors: Mapping[str, str], meta: Mapping[str, Any]) -> str:
    """The report page as one string.

    records : normalised verdict records (:func:`~spurious.report.records.as_records`).
    figures : claim id → PNG bytes (or None); figure_errors : claim id → why no figure.
    meta : seed, quick, total_seconds, generated, tolerances, documents (id → name).
    """
    run_line = " · ".join(f"{k} {escape(str(meta[k]))}" for k in ("seed", "quick", "generated")
                          if k in meta)
    if "total_seconds" in meta:
        run_line += f" · {float(meta['total_seconds']):.1f} s in all"
    tol = meta.get("tolerances")
    tol_html = ""
    if isinstance(tol, Mapping):
        tol_text = escape(", ".join(f"{k} {v:g}" for k, v in tol.items()))
        tol_html = f'<p class="meta">relative tolerances: {tol_text}</p>'
    sections = "".join(_section(r, meta, figures.get(r["id"]), figure_errors.get(r["id"]))
                       for r in records)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>spurious check report</title><style>{CSS}</style></head><body>"
            f"<h1>spurious check</h1><p class=\"meta\">{run_line}</p>{tol_html}"
            f"{_summary(records, meta)}{sections}</body></html>\n")
