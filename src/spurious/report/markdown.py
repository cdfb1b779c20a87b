"""``report.md``: the verdicts as Markdown (summary table, one section per claim).

Figures are linked as ``figures/<ID>.png`` (files written beside the report); the HTML
report embeds the same images.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .records import status_counts

__all__ = ["render_markdown"]


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(records: Sequence[Mapping[str, Any]], figure_files: Mapping[str, str],
                    meta: Mapping[str, Any]) -> str:
    """The report as Markdown text.

    figure_files : claim id → path of its PNG relative to the report folder.
    """
    counts = ", ".join(f"{n} {s}" for s, n in status_counts(records).items())
    bad = [r["id"] for r in records if r["unexpected"]]
    lines = ["# spurious check", ""]
    run = ", ".join(f"{k} {meta[k]}" for k in ("seed", "quick", "generated") if k in meta)
    if run:
        lines += [f"_{run}_", ""]
    state = f"**Unexpected: {', '.join(bad)}.**" if bad else "No claim is in an unexpected state."
    lines += ["## Verdict summary", "", f"**{counts}.** " + state,
              "", "| claim | source | expected | verdict | key figure | s |",
              "|---|---|---|---|---|---|"]
    for r in records:
        verdict = f"**{r['status']} (unexpected)**" if r["unexpected"] else r["status"]
        source = f"{_cell(r['document'])} {_cell(r['where'])}"
        lines.append(f"| [{r['id']}](#{r['id'].lower()}) | {source} | {r['expected']} | {verdict} "
                     f"| {_cell(r['figure'])} | {float(r['seconds']):.2f} |")
    docs = meta.get("documents") or {}
    for r in records:
        lines += ["", f"## {r['id']}", "", f"> {_cell(r['statement'])}", "",
                  f"- **source**: {docs.get(r['document'], r['document'])}, {r['where']}",
                  f"- **verdict**: {r['status']}" + (" (unexpected)" if r["unexpected"] else ""),
                  f"- **expected**: {r['expected']}",
                  f"- **key figure**: {_cell(r['figure'])}",
                  f"- **tolerance**: {_cell(r['tolerance'])}",
                  f"- **instances**: {len(r['instances'])}",
                  f"- **time**: {float(r['seconds']):.2f} s"]
        if r["id"] in figure_files:
            lines += ["", f"![{r['id']}]({figure_files[r['id']]})"]
    return "\n".join(lines) + "\n"
