"""``report.md``: the report as Markdown, section by section in the order of ``index.html``.

Figures are linked as ``figures/<ID>-<k>.png`` (files written beside the report).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..prose import (
    closest_text,
    control_text,
    corrected_text,
    instances_text,
    seeds_text,
    source_text,
    tally_text,
    verdict_sentence,
)
from ..text import human, human_key, human_number, instance_rows, matrix_text
from .counterexample import load_counterexample, matrices
from .records import status_counts

__all__ = ["render_markdown"]

MAX_INSTANCE_ROWS = 12


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _top(records: Sequence[Mapping[str, Any]], meta: Mapping[str, Any]) -> list[str]:
    counts = ", ".join(f"{n} {s}" for s, n in status_counts(records).items())
    bad = [r["id"] for r in records if r["unexpected"]]
    state = f"**Unexpected: {', '.join(bad)}.**" if bad else "No claim is in an unexpected state."
    lines = ["# spurious check", "", "## Verdict summary", "", f"**{counts}.** " + state, ""]
    seeds = meta.get("seeds") or []
    env = meta.get("environment") or {}
    facts = []
    if seeds:
        facts.append(f"seeds: {', '.join(map(str, seeds[:8]))}{' …' if len(seeds) > 8 else ''} ({len(seeds)})")
    if "total_seconds" in meta:
        facts.append(f"total time: {float(meta['total_seconds']):.1f} s")
    if meta.get("generated"):
        facts.append(f"generated: {meta['generated']}")
    if env:
        facts.append("versions: " + ", ".join(f"{k} {v}" for k, v in env.items()))
    if isinstance(meta.get("tolerances"), Mapping):
        facts.append("relative tolerances: " + ", ".join(f"{human_key(k)} {human_number(v)}"
                                                          for k, v in meta["tolerances"].items()))
    lines += [f"- {f}" for f in facts]
    lines += ["", "| claim | source | verdict | seeds | key figure |", "|---|---|---|---|---|"]
    names = meta.get("documents") or {}
    for r in records:
        verdict = f"**{r['status']} (unexpected)**" if r["unexpected"] else r["status"]
        lines.append(f"| [{r['id']}](#{r['id'].lower()}) | {_cell(source_text(r, names))} | {verdict} "
                     f"| {_cell(seeds_text(r) or '—')} | {_cell(human(r['figure'], 110))} |")
    return lines


def _matrices(cx: Mapping[str, Any], folder: Path | None) -> list[str]:
    loaded = load_counterexample(folder, cx) if folder is not None else None
    if loaded is None:
        return []
    out: list[str] = []
    for name, a in matrices(loaded[1]).items():
        out += ["", f"{name} ({a.shape[0]}×{a.shape[1]}):", "", "```", matrix_text(a), "```"]
    return out


def _section(r: Mapping[str, Any], meta: Mapping[str, Any], figure_files: Sequence[tuple[str, str]],
             folder: Path | None) -> list[str]:
    names = meta.get("documents") or {}
    lines = ["", f"## {r['id']}", "", f"> {_cell(r['statement'])}", ">", f"> — {_cell(source_text(r, names))}", "",
             verdict_sentence(r), ""]
    for path, caption in figure_files:
        lines += [f"![{r['id']}]({path})", "", f"_{_cell(caption)}._", ""]
    control, control_status = control_text(r)
    facts = [("expected", r["expected"]), ("key figure", human(r["figure"], 400)), ("tolerance", r["tolerance"]),
             ("instances", instances_text(r)), ("settled", tally_text(r)), ("closest call", closest_text(r)),
             ("negative control", f"{control_status}: {control}" if control_status else control),
             ("seeds", seeds_text(r)), ("time", f"{float(r['seconds']):.2f} s")]
    lines += [f"- **{k}**: {_cell(v)}" for k, v in facts if v]
    lines += [f"- **note**: {_cell(n)}" for n in r.get("notes") or []]
    for k, cx in enumerate(c for c in r.get("counterexamples") or [] if c.get("accepted")):
        lines += ["", f"### Counterexample {k + 1}", "",
                  f"- **quantity**: {_cell(cx.get('quantity'))}",
                  f"- **measured** {human(cx.get('measured'))} against **claimed bound** {human(cx.get('threshold'))} "
                  f"(margin {human(cx.get('margin'))}×)",
                  f"- **files**: [{cx.get('file')}]({cx.get('file')}), [{cx.get('json')}]({cx.get('json')})",
                  f"- **re-verify**: `{cx.get('command')}`"] + _matrices(cx, folder)
    if (c := corrected_text(r)) is not None:
        lines += ["", f"### Corrected statement ({c[1]})", "", f"> {_cell(c[0])}", "", _cell(c[2])]
    instances = r.get("instances") or []
    if instances:
        columns, rows = instance_rows(instances, MAX_INSTANCE_ROWS)
        lines += ["", "| " + " | ".join(_cell(c) for c in columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
        if len(instances) > MAX_INSTANCE_ROWS:
            lines += ["", f"… {len(instances) - MAX_INSTANCE_ROWS} more rows in results.json"]
    return lines


def render_markdown(records: Sequence[Mapping[str, Any]], figure_files: Mapping[str, Sequence[tuple[str, str]]],
                    meta: Mapping[str, Any], folder: Path | None = None) -> str:
    """The report as Markdown text.

    figure_files : claim id → [(path of a PNG relative to the report folder, caption), …].
    folder : the report folder (the counterexamples' matrices are read from it).
    """
    lines = _top(records, meta)
    for r in records:
        lines += _section(r, meta, figure_files.get(r["id"], []), folder)
    return "\n".join(lines) + "\n"
