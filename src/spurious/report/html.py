"""``index.html``: one self-contained page (inline CSS, figures and counterexample files as data URIs, no script).

Top of page: counts by verdict, the claims × seeds grid, total time, versions and machine, the
tolerances, filters by source document and status (pure CSS: ``:has()`` on checkboxes), and a
table of contents with status badges. On a phone (≤ 600 px) a figure keeps 600 px and pans inside its
own box, so that its labels stay legible. Then one section per claim: the statement quoted with its
source; the verdict and a one-sentence reason; its figures; the facts (tolerance, instances,
closest call, negative control, seeds); the counterexample in full for a refuted claim; the
corrected statement; the instance table and the evidence in words. Layout stays inside the
viewport from 390 px to 1920 px (wide tables and matrices scroll inside their own box).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from ..prose import (
    closest_text,
    control_text,
    corrected_text,
    document_title,
    instances_text,
    seeds_text,
    source_text,
    tally_text,
    verdict_sentence,
)
from ..text import human, human_key, human_number, instance_rows, matrix_text
from ..vocabulary import VerdictStatus
from .counterexample import load_counterexample, matrices
from .figures import ClaimFigure
from .records import STATUS_ORDER, status_counts
from .style import STATUS_COLOURS

__all__ = ["render_html"]

COLOURS = STATUS_COLOURS
MAX_INSTANCE_ROWS = 25
MAX_EMBED_BYTES = 256_000
MAX_EVIDENCE_ITEMS = 12

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;max-width:1100px;
padding:1em;color:#1f2328;line-height:1.45;overflow-wrap:anywhere}
h1{margin:.2em 0} h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:2em;font-size:1.3em}
h3{font-size:1.05em;margin:1.2em 0 .4em}
.meta{color:#57606a;font-size:.9em}
.badge{display:inline-block;padding:.05em .55em;border-radius:1em;color:#fff;font-weight:600;font-size:.8em;
white-space:nowrap;vertical-align:middle}
.summary{background:#f6f8fa;border:1px solid #d0d7de;border-radius:8px;padding:.8em 1em}
.counts span{margin-right:1em;display:inline-block}
.alert{color:#cf222e;font-weight:600} .ok{color:#1a7f37;font-weight:600}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.86em;margin:.5em 0}
th,td{border:1px solid #d0d7de;padding:.25em .45em;text-align:left;vertical-align:top}
th{background:#f6f8fa} tr.unexpected td{background:#ffebe9}
table.toc{width:100%} table.toc td.fig{color:#57606a} table.toc td:first-child{white-space:nowrap}
table.grid td{width:1.3em;height:1.3em;padding:0;text-align:center;font-size:.7em;color:#fff}
table.grid th{font-weight:400;font-size:.75em;white-space:nowrap}
dl.facts{display:grid;grid-template-columns:minmax(5em,max-content) minmax(0,1fr);gap:.25em .9em;margin:.6em 0}
dl.facts dt{font-weight:600;color:#57606a} dl.facts dd{margin:0}
figure{margin:1em 0} figure img{display:block;max-width:100%;height:auto;border:1px solid #d0d7de;border-radius:4px}
figcaption{font-size:.85em;color:#57606a}
details{margin:.5em 0} summary{cursor:pointer;color:#0969da}
pre{background:#f6f8fa;padding:.6em;overflow-x:auto;font-size:.8em;max-width:100%;white-space:pre}
code{background:#f6f8fa;padding:0 .25em;border-radius:3px;font-size:.88em}
blockquote.statement{font-size:1.05em;border-left:4px solid #d0d7de;margin:.6em 0;padding:.1em .8em}
blockquote.statement cite{display:block;font-size:.8em;color:#57606a;font-style:normal}
.verdict{font-size:1.02em} .cx{border:1px solid #ff818266;background:#fff8f7;border-radius:8px;padding:.4em .9em}
.corrected{border:1px solid #4ac26b66;background:#f6fff8;border-radius:8px;padding:.4em .9em}
.filters{display:flex;flex-wrap:wrap;gap:.3em 1em;align-items:center;margin:.6em 0;font-size:.9em}
.filters label{white-space:nowrap}
.matrices{display:flex;flex-wrap:wrap;gap:.6em}
.matrices div{min-width:0;max-width:100%}
@media (max-width:600px){body{padding:.6em} dl.facts{grid-template-columns:minmax(0,1fr);gap:0}
dl.facts dd{margin-bottom:.4em} table.toc td.fig{display:none} table.toc th:last-child{display:none}
figure .figbox img{max-width:none;width:600px}}
"""


def badge(status: str, unexpected: bool = False) -> str:
    colour = COLOURS.get(status, "#6e7781")
    mark = " ⚠ unexpected" if unexpected else ""
    return f'<span class="badge" style="background:{colour}">{escape(status)}{mark}</span>'


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in str(text).lower()).strip("-") or "x"


def _filter_css(statuses: Sequence[str], documents: Sequence[str]) -> str:
    rules = []
    for prefix, attr, values in (("fs", "data-status", statuses), ("fd", "data-doc", documents)):
        for v in values:
            sel = f"body:has(#{prefix}-{_slug(v)}:not(:checked))"
            rules.append(f'{sel} .claim[{attr}="{escape(v)}"],{sel} tr[{attr}="{escape(v)}"]{{display:none}}')
    return "\n".join(rules)


def _filters(statuses: Sequence[str], documents: Sequence[str], names: Mapping[str, str]) -> str:
    status_boxes = "".join(f'<label><input type="checkbox" id="fs-{_slug(s)}" checked> {badge(s)}</label>'
                           for s in statuses)
    doc_boxes = "".join(f'<label title="{escape(document_title(d, names))}"><input type="checkbox" '
                        f'id="fd-{_slug(d)}" checked> {escape(d)}</label>' for d in documents)
    return (f'<div class="filters"><strong>show status:</strong>{status_boxes}</div>'
            f'<div class="filters"><strong>show document:</strong>{doc_boxes}</div>')


def _seeds_grid(records: Sequence[Mapping[str, Any]]) -> str:
    seeds = sorted({p["seed"] for r in records for p in r.get("per_seed") or [] if "seed" in p})
    if len(seeds) < 2:
        return ""
    head = "".join(f"<th>{s}</th>" for s in seeds)
    rows = []
    for r in records:
        by_seed = {p["seed"]: str(p.get("status")) for p in r.get("per_seed") or []}
        cells = "".join(
            f'<td title="seed {s}: {escape(by_seed.get(s, "not run"))}" '
            f'style="background:{COLOURS.get(by_seed.get(s, ""), "#eaeef2")}">'
            f'{"" if by_seed.get(s, "") in (VerdictStatus.HOLDS, "") else escape(by_seed[s][0])}</td>' for s in seeds)
        rows.append(f'<tr data-status="{escape(r["status"])}" data-doc="{escape(str(r["document"]))}">'
                    f'<th><a href="#{escape(r["id"])}">{escape(r["id"])}</a></th>{cells}</tr>')
    return (f"<h3>Claims × seeds ({len(seeds)} seeds)</h3><div class=\"scroll\"><table class=\"grid\">"
            f"<thead><tr><th>claim \\ seed</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            '<p class="meta">green: holds; r: refuted; i: inconclusive; e: error (hover a cell for its seed).</p>')


def _run_facts(meta: Mapping[str, Any]) -> str:
    facts = []
    seeds = meta.get("seeds") or ([meta["seed"]] if "seed" in meta else [])
    if seeds:
        shown = ", ".join(map(str, seeds[:8])) + (f", … ({len(seeds)} seeds)" if len(seeds) > 8 else "")
        facts.append(("seeds", shown))
    if "quick" in meta:
        facts.append(("instances", "quick (smaller)" if meta["quick"] else "full size"))
    if "total_seconds" in meta:
        facts.append(("total time", f"{float(meta['total_seconds']):.1f} s"))
    if meta.get("generated"):
        facts.append(("generated", str(meta["generated"])))
    env = meta.get("environment") or {}
    versions = ", ".join(f"{k} {env[k]}" for k in ("spurious", "python", "numpy", "scipy", "matplotlib") if k in env)
    if versions:
        facts.append(("versions", versions))
    if env.get("blas"):
        facts.append(("BLAS", str(env["blas"])))
    if env.get("machine"):
        facts.append(("machine", f"{env['machine']}; {env.get('system', '')}".strip("; ")))
    tol = meta.get("tolerances")
    if isinstance(tol, Mapping):
        facts.append(("relative tolerances", ", ".join(f"{human_key(k)} {human_number(v)}" for k, v in tol.items())))
    if meta.get("merged"):
        facts.append(("merged", str(meta["merged"])))
    return '<dl class="facts">' + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts) + "</dl>"


def _toc(records: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> str:
    rows = []
    for r in records:
        cls = ' class="unexpected"' if r["unexpected"] else ""
        rows.append(
            f'<tr{cls} data-status="{escape(r["status"])}" data-doc="{escape(str(r["document"]))}">'
            f"<td><a href=\"#{escape(r['id'])}\">{escape(r['id'])}</a></td>"
            f"<td>{escape(source_text(r, names))}</td><td>{badge(r['status'], r['unexpected'])}</td>"
            f"<td class=\"fig\">{escape(human(r['figure'], 110))}</td></tr>")
    return ('<h3>Contents</h3><div class="scroll"><table class="toc"><thead><tr><th>claim</th><th>source</th>'
            f"<th>verdict</th><th>key figure</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def _summary(records: Sequence[Mapping[str, Any]], meta: Mapping[str, Any]) -> str:
    names = meta.get("documents") or {}
    counts = status_counts(records)
    count_html = "".join(f"<span>{badge(s)} {n}</span>" for s, n in counts.items())
    bad = [r["id"] for r in records if r["unexpected"]]
    verdict_line = (f'<p class="alert">Unexpected verdicts ({len(bad)}): {escape(", ".join(bad))}</p>'
                    if bad else '<p class="ok">No claim is in an unexpected state.</p>')
    statuses = [s for s in STATUS_ORDER if s in counts] + [s for s in counts if s not in STATUS_ORDER]
    documents = sorted({str(r["document"]) for r in records})
    return (f'<style>{_filter_css(statuses, documents)}</style>'
            f'<section class="summary" id="summary"><h2 style="margin-top:0">Verdict summary</h2>'
            f'<div class="counts">{count_html}</div>{verdict_line}{_run_facts(meta)}'
            f"{_seeds_grid(records)}{_filters(statuses, documents, names)}{_toc(records, names)}</section>")


def _figure_html(fig: ClaimFigure, claim_id: str, k: int) -> str:
    data = base64.b64encode(fig.png).decode("ascii")
    return (f'<figure><div class="figbox scroll">'
            f'<img alt="figure {k + 1} of {escape(claim_id)}: {escape(fig.caption)}" '
            f'src="data:image/png;base64,{data}"></div><figcaption>Figure {k + 1}: {escape(fig.caption)}.'
            "</figcaption></figure>")


def _instances_table(instances: Sequence[Any], count_text: str) -> str:
    if not instances:
        return ""
    columns, rows = instance_rows(instances, MAX_INSTANCE_ROWS)
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    more = (f'<p class="meta">… {len(instances) - MAX_INSTANCE_ROWS} more rows in results.json</p>'
            if len(instances) > MAX_INSTANCE_ROWS else "")
    opened = " open" if len(instances) <= 8 else ""
    return (f"<details{opened}><summary>instances checked: {escape(count_text)} (table of {len(instances)} rows)"
            f'</summary><div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
            f"{more}</details>")


def _evidence(evidence: Mapping[str, Any]) -> str:
    if not evidence:
        return ""
    items = list(evidence.items())[:MAX_EVIDENCE_ITEMS]
    body = "".join(f"<dt>{escape(human_key(k))}</dt><dd>{escape(human(v, 240))}</dd>" for k, v in items)
    return f'<details><summary>evidence (full record in results.json)</summary><dl class="facts">{body}</dl></details>'


def _download(folder: Path | None, rel: str) -> str:
    name = Path(rel).name
    path = (folder / rel) if folder is not None else None
    if path is not None and path.is_file() and path.stat().st_size <= MAX_EMBED_BYTES:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'<a download="{escape(name)}" href="data:application/octet-stream;base64,{data}">{escape(name)}</a>'
    return f'<a href="{escape(rel)}">{escape(name)}</a>'


def _counterexample(cx: Mapping[str, Any], folder: Path | None, k: int) -> str:
    again = cx.get("reverified") or {}
    problem = cx.get("problem") or {}
    facts = [
        ("quantity", str(cx.get("quantity", ""))),
        ("measured", human(cx.get("measured"))),
        ("claimed bound", f"{human(cx.get('threshold'))} (the statement allows at most this, within tolerance)"),
        ("margin", f"{human(cx.get('margin'))}× the tolerance"),
        ("re-verified from disk", f"{human(again.get('measured'))} vs {human(again.get('threshold'))} by "
                                  f"{again.get('route', '?')}; "
                                  + ("accepted" if cx.get("accepted") else "not accepted")),
        ("problem", human(problem, 400)),
    ]
    if cx.get("note"):
        facts.append(("note", str(cx["note"])))
    mats = ""
    if folder is not None and (loaded := load_counterexample(folder, cx)) is not None:
        small = matrices(loaded[1])
        mats = '<div class="matrices">' + "".join(
            f"<div><strong>{escape(name)}</strong> ({a.shape[0]}×{a.shape[1]})<pre>{escape(matrix_text(a))}</pre></div>"
            for name, a in small.items()) + "</div>"
    links = f"download: {_download(folder, str(cx.get('file', '')))} · {_download(folder, str(cx.get('json', '')))}"
    command = str(cx.get("command") or f"spurious verify {cx.get('json', '')}")
    return (f'<div class="cx"><h3>Counterexample {k + 1}</h3><dl class="facts">'
            + "".join(f"<dt>{escape(a)}</dt><dd>{escape(b)}</dd>" for a, b in facts)
            + f"</dl>{mats}<p>{links}</p><p>re-verify it: <code>{escape(command)}</code> "
            "(run in the report folder)</p></div>")


def _facts(r: Mapping[str, Any]) -> str:
    control, control_status = control_text(r)
    rows = [("expected", escape(str(r["expected"]))), ("key figure", escape(human(r["figure"], 400))),
            ("tolerance", escape(str(r["tolerance"]))), ("instances", escape(instances_text(r)))]
    if tally := tally_text(r):
        rows.append(("settled", escape(tally)))
    if closest := closest_text(r):
        rows.append(("closest call", escape(closest)))
    rows.append(("negative control", (badge(control_status) + " " if control_status else "") + escape(control)))
    if seeds := seeds_text(r):
        rows.append(("seeds", escape(seeds)))
    rows.append(("time", f"{float(r['seconds']):.2f} s"))
    for note in r.get("notes") or []:
        rows.append(("note", escape(str(note))))
    if r.get("run"):
        rows.append(("from run", escape(human(r["run"], 200))))
    return '<dl class="facts">' + "".join(f"<dt>{a}</dt><dd>{b}</dd>" for a, b in rows) + "</dl>"


def _section(r: Mapping[str, Any], meta: Mapping[str, Any], figures: Sequence[ClaimFigure],
             notes: Sequence[str], folder: Path | None) -> str:
    names = meta.get("documents") or {}
    head = (f'<section class="claim" id="{escape(r["id"])}" data-status="{escape(r["status"])}" '
            f'data-doc="{escape(str(r["document"]))}"><h2>{escape(r["id"])} {badge(r["status"], r["unexpected"])}</h2>'
            f'<blockquote class="statement">{escape(str(r["statement"]))}'
            f"<cite>{escape(source_text(r, names))}</cite></blockquote>"
            f'<p class="verdict">{escape(verdict_sentence(r))}</p>')
    figs = "".join(_figure_html(f, r["id"], k) for k, f in enumerate(figures))
    why_not = "".join(f'<p class="meta">{escape(n)}</p>' for n in notes)
    cxs = [c for c in r.get("counterexamples") or [] if c.get("accepted")] or list(r.get("counterexamples") or [])
    cx_html = "".join(_counterexample(c, folder, k) for k, c in enumerate(cxs[:3]))
    if len(cxs) > 3:
        cx_html += f'<p class="meta">… {len(cxs) - 3} more counterexamples in counterexamples/.</p>'
    corrected = ""
    if (c := corrected_text(r)) is not None:
        corrected = (f'<div class="corrected"><h3>Corrected statement {badge(c[1])}</h3><p>{escape(c[0])}</p>'
                     f'<p class="meta">{escape(c[2])}</p></div>')
    return (head + figs + why_not + _facts(r) + cx_html + corrected
            + _instances_table(r.get("instances") or [], instances_text(r)) + _evidence(r.get("evidence") or {})
            + '<p class="meta"><a href="#summary">↑ summary</a></p></section>')


def render_html(records: Sequence[Mapping[str, Any]], figures: Mapping[str, Sequence[ClaimFigure]],
                notes: Mapping[str, Sequence[str]], meta: Mapping[str, Any], folder: Path | None = None) -> str:
    """The report page as one string.

    records : normalised verdict records (:func:`~spurious.report.records.as_records`).
    figures : claim id → its figures; notes : claim id → why some figure source did not draw.
    meta : seeds, quick, total_seconds, generated, tolerances, environment, documents (id → name).
    folder : the report folder (counterexample files are read from it and embedded).
    """
    sections = "".join(_section(r, meta, figures.get(r["id"], []), notes.get(r["id"], []), folder) for r in records)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>spurious check report</title><style>{CSS}</style></head><body>"
            "<h1>spurious check</h1><p class=\"meta\">Every claim of the five source documents, checked: the "
            "statement, the verdict, the picture, the negative control and, where the source is wrong, the "
            f"counterexample.</p>{_summary(records, meta)}{sections}</body></html>\n")
