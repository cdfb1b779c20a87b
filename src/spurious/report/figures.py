"""A figure for every claim, chosen from what its verdict carries (first that draws wins).

1. **bespoke series**: the check's own plot specs (``series`` without ``"margins"``), see
   :mod:`spurious.report.plots` (bare lists without a spec come after the margins);
2. **margins**: ``series["margins"] = {"quantity", "threshold_kind": "below"|"above", "instance",
   "measured", "threshold"}``: measured against threshold per instance, log scale, each point
   coloured by the side of the line it is on (also drawn as a second figure beside bespoke specs);
3. **labels**: instances labelled with a kind of critical point (``"label"``: global minimum,
   strict saddle, …): the count of each kind, and the first numeric column per instance, in the
   label colours shared by every figure;
4. **closest calls per seed**: the margin of each seed's closest call (multi-seed runs), or the
   single closest call as measured-vs-threshold bars;
5. **instances**: the numeric columns of the instance table, one marker per instance (log scale
   when positive and spanning decades);
6. **tally**: the verdict per seed (always drawable, so no claim is left without a picture).

For a refuted claim the counterexample's loss slice is added
(:mod:`spurious.report.counterexample`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from ..text import human_key
from ..vocabulary import VerdictStatus
from .counterexample import load_counterexample, loss_slice_png
from .plots import SPEC_KEYS, PlotError, compact_ticks, legend_below, render_series
from .style import (
    LABEL_COLOURS,
    STATUS_COLOURS,
    new_figure,
    panel_figure,
    short_label,
    styled,
    to_png,
    wrapped_label,
)

__all__ = ["ClaimFigure", "claim_figures", "main_figure", "margins_png"]

MAX_INSTANCE_COLUMNS = 4


@dataclass
class ClaimFigure:
    """One figure of a claim: PNG bytes, what it shows (a caption), and which data drew it."""

    png: bytes
    caption: str
    source: str

    def _repr_png_(self) -> bytes:
        return self.png

    def save(self, path: Path | str) -> Path:
        """Write the PNG to ``path`` and return it."""
        path = Path(path)
        path.write_bytes(self.png)
        return path


def _floats(values: Sequence[Any]) -> np.ndarray:
    out = []
    for v in values:
        try:
            out.append(float(v) if v is not None else math.nan)
        except (TypeError, ValueError):
            out.append(math.nan)
    return np.array(out, dtype=np.float64)


def _bespoke(series: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in series.items() if k != "margins"}


def _titles(series: Mapping[str, Any]) -> str:
    specs = series.get("plots") if "plots" in series else [series]
    titles = [str(s.get("title")) for s in specs or [] if isinstance(s, Mapping) and s.get("title")]
    return "; ".join(titles)


def margins_png(margins: Mapping[str, Any]) -> bytes:
    """Measured vs threshold per instance on a log axis (the ``series["margins"]`` convention)."""
    measured = _floats(margins.get("measured") or [])
    threshold = _floats(margins.get("threshold") or [])
    if measured.size == 0 or threshold.size not in (1, measured.size):
        raise PlotError("margins: 'measured' is empty or 'threshold' does not match it")
    threshold = np.broadcast_to(threshold, measured.shape)
    below = str(margins.get("threshold_kind", "below")) == "below"
    ok = measured <= threshold if below else measured >= threshold
    x = np.arange(measured.size)
    quantity = str(margins.get("quantity", "measured"))
    with styled():
        fig = new_figure(1)
        ax = fig.add_subplot(1, 1, 1)
        positive = np.isfinite(measured) & (measured > 0)
        tpos = np.isfinite(threshold) & (threshold > 0)
        log = bool(positive.any()) and (np.all(measured[np.isfinite(measured)] > 0))
        ax.plot(x[tpos], threshold[tpos], "-", drawstyle="steps-mid", color="black", linewidth=1.2,
                label="threshold (" + ("measured must stay below" if below else "measured must stay above") + ")")
        keep = positive if log else np.isfinite(measured)
        ax.plot(x[keep & ok], measured[keep & ok], "o", color=STATUS_COLOURS[VerdictStatus.HOLDS],
                label="measured, on the verdict's side")
        if np.any(keep & ~ok):
            ax.plot(x[keep & ~ok], measured[keep & ~ok], "X", color=STATUS_COLOURS[VerdictStatus.REFUTED], markersize=7,
                    label="measured, across the line")
        if log:
            ax.set_yscale("log")
        if tpos.any():
            lo, hi = ax.get_ylim()
            ax.fill_between(x[tpos], threshold[tpos], hi if below else lo, step="mid",
                            color=STATUS_COLOURS[VerdictStatus.REFUTED],
                            alpha=0.07, linewidth=0, label="the other side of the line")
            ax.set_ylim(lo, hi)
        lines = _instance_ticks(ax, margins.get("instance") or [], measured.size)
        ax.set_ylabel(short_label(quantity, 40))
        ax.set_title(short_label(f"{quantity}: measured vs threshold per instance", 90))
        compact_ticks(ax, categorical_x=True)
        legend_below(ax, 0.2 + 0.07 * (lines - 1))
        return to_png(fig)


def _instance_ticks(ax, names: Sequence[Any], n: int) -> int:
    """Instance names as (wrapped) tick labels when few, else instance numbers; returns the label lines."""
    if names and len(names) == n and n <= 12:
        ax.set_xticks(np.arange(n))
        labels = [wrapped_label(v, max(8, 84 // n)) for v in names]
        ax.set_xticklabels(labels)
        ax.set_xlabel("instance")
        return max(label.count("\n") + 1 for label in labels)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("instance number")
    return 1


def _closest_calls_png(record: Mapping[str, Any]) -> tuple[bytes, str] | None:
    per_seed = [p for p in record.get("per_seed") or [] if p.get("margin") is not None]
    call = record.get("closest_call")
    with styled():
        if len(per_seed) > 1:
            fig = new_figure(1)
            ax = fig.add_subplot(1, 1, 1)
            seeds = [p["seed"] for p in per_seed]
            margins = _floats([p["margin"] for p in per_seed])
            colours = [STATUS_COLOURS.get(str(p.get("status")), "#6e7781") for p in per_seed]
            ax.bar(np.arange(len(seeds)), np.where(np.isfinite(margins), margins, np.nan), color=colours)
            ax.axhline(1.0, color="black", linestyle="--", label="margin 1 (the verdict's line)")
            ax.set_yscale("log")
            ax.set_xticks(np.arange(len(seeds)))
            ax.set_xticklabels([str(s) for s in seeds] if len(seeds) <= 30 else [""] * len(seeds))
            ax.set_xlabel("seed")
            ax.set_ylabel("closest-call margin (×)")
            ax.set_title("closest call per seed: room left before the verdict would flip")
            legend_below(ax)
            return to_png(fig), "the closest call's margin on every seed (log scale; above 1 is on the verdict's side)"
        if isinstance(call, Mapping) and call.get("measured") is not None:
            fig = new_figure(1, height=2.6)
            ax = fig.add_subplot(1, 1, 1)
            vals = _floats([call.get("measured"), call.get("threshold")])
            ax.barh([0, 1], np.where(vals > 0, vals, np.nan), color=["#0072B2", "#6e7781"])
            ax.set_yticks([0, 1])
            ax.set_yticklabels(["measured", "threshold"])
            if np.all(vals > 0):
                ax.set_xscale("log")
            ax.set_xlabel(short_label(call.get("quantity", "value"), 70))
            ax.set_title(short_label(f"closest call: {call.get('instance', '')}", 90))
            compact_ticks(ax)
            return to_png(fig), "the closest call: the measured quantity against its threshold"
    return None


def _numeric_columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    columns: list[str] = []
    for r in rows:
        for k, v in r.items():
            numeric = isinstance(v, int | float) and not isinstance(v, bool)
            if k not in columns and numeric and not str(k).startswith("_"):
                columns.append(k)
    return [c for c in columns if np.isfinite(_floats([r.get(c) for r in rows])).sum() > 0]


def _labels_png(instances: Sequence[Any]) -> tuple[bytes, str] | None:
    """Counts of each kind of critical point among the instances, and one numeric column per instance."""
    rows = [r for r in instances if isinstance(r, Mapping) and str(r.get("label", "")) in LABEL_COLOURS]
    if not rows:
        return None
    counts = Counter(str(r["label"]) for r in rows)
    kinds = [k for k in LABEL_COLOURS if k in counts]
    numeric = _numeric_columns(rows)
    with styled():
        fig = new_figure(1)
        ax = fig.add_subplot(1, 2 if numeric else 1, 1)
        ax.barh(np.arange(len(kinds)), [counts[k] for k in kinds], height=0.6,
                color=[LABEL_COLOURS[k] for k in kinds])
        ax.set_ylim(-0.5 - 0.5 * max(0, 3 - len(kinds)) / 2, len(kinds) - 0.5 + 0.5 * max(0, 3 - len(kinds)) / 2)
        ax.set_yticks(np.arange(len(kinds)))
        ax.set_yticklabels(kinds)
        ax.invert_yaxis()
        ax.grid(False, axis="y")
        ax.set_xlabel("number of points")
        ax.set_title(f"what the {len(rows)} points are")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        caption = "the kind of every point checked (colours shared by all figures)"
        if numeric:
            c = numeric[0]
            ax2 = fig.add_subplot(1, 2, 2)
            y = _floats([r.get(c) for r in rows])
            colours = [LABEL_COLOURS[str(r["label"])] for r in rows]
            ax2.scatter(np.arange(y.size), y, c=colours, s=22)
            finite = y[np.isfinite(y)]
            if finite.size and np.all(finite > 0) and finite.max() > 100 * finite.min():
                ax2.set_yscale("log")
            ax2.set_xlabel("instance number")
            ax2.set_ylabel(short_label(human_key(c), 32))
            ax2.set_title(short_label(f"{human_key(c)} per point", 60))
            compact_ticks(ax2, integer_x=True)
            caption += f", and {human_key(c)} per point in the same colours"
        return to_png(fig), caption


def _instances_png(instances: Sequence[Any]) -> tuple[bytes, str] | None:
    rows = [r for r in instances if isinstance(r, Mapping)]
    if not rows:
        return None
    columns = _numeric_columns(rows)
    if not columns:
        return None
    columns = columns[:MAX_INSTANCE_COLUMNS]
    with styled():
        fig, axes = panel_figure(len(columns))
        for ax, c in zip(axes, columns, strict=True):
            y = _floats([r.get(c) for r in rows])
            finite = y[np.isfinite(y)]
            x = np.arange(y.size)
            ax.plot(x, y, "o", color="#0072B2")
            if finite.size and np.all(finite > 0) and finite.max() > 100 * finite.min():
                ax.set_yscale("log")
            ax.set_xlabel("instance number")
            ax.set_ylabel(short_label(human_key(c), 32))
            ax.set_title(short_label(human_key(c), 60))
            compact_ticks(ax, integer_x=True)
        return to_png(fig), "the instance table's numeric columns, one marker per instance"


def _tally_png(record: Mapping[str, Any]) -> tuple[bytes, str]:
    per_seed = record.get("per_seed") or [{"seed": record.get("seed", 0), "status": record.get("status")}]
    with styled():
        fig = new_figure(1, height=2.2)
        ax = fig.add_subplot(1, 1, 1)
        for k, p in enumerate(per_seed):
            status = str(p.get("status"))
            ax.bar(k, 1, width=0.9, color=STATUS_COLOURS.get(status, "#6e7781"), edgecolor="white")
        counts = Counter(str(p.get("status")) for p in per_seed)
        ax.set_yticks([])
        ax.set_xticks(range(len(per_seed)))
        ax.set_xticklabels([str(p.get("seed", k)) if len(per_seed) <= 30 else "" for k, p in enumerate(per_seed)])
        ax.set_xlabel("seed")
        ax.set_title("verdict per seed: " + ", ".join(f"{s} {n}/{len(per_seed)}" for s, n in sorted(counts.items())))
        ax.grid(False)
        return to_png(fig), "the verdict on every seed run (the check returned no numeric series to draw)"


def _series_figure(series: Mapping[str, Any], notes: list[str]) -> ClaimFigure | None:
    try:
        png = render_series(series)
    except (PlotError, TypeError, ValueError, KeyError, IndexError) as exc:
        notes.append(f"its own series could not be drawn ({exc})")
        return None
    return None if png is None else ClaimFigure(png, _titles(series) or "the check's own data series", "series")


def _margins_figure(margins: Any, notes: list[str]) -> ClaimFigure | None:
    if not isinstance(margins, Mapping):
        return None
    try:
        png = margins_png(margins)
    except (PlotError, TypeError, ValueError) as exc:
        notes.append(f"its margins could not be drawn ({exc})")
        return None
    return ClaimFigure(png, f"{margins.get('quantity', 'the checked quantity')}: measured against its threshold "
                       "for every instance (log scale)", "margins")


def _has_spec(series: Mapping[str, Any]) -> bool:
    return "plots" in series or bool(SPEC_KEYS & set(series))


def main_figure(record: Mapping[str, Any]) -> tuple[ClaimFigure, list[str]]:
    """The claim's main figure by the chain of the module doc, and why earlier sources did not draw."""
    notes: list[str] = []
    series = record.get("series") or {}
    series = series if isinstance(series, Mapping) else {}
    bespoke = _bespoke(series)
    ordered = ([("series", bespoke), ("margins", series.get("margins"))] if bespoke and _has_spec(bespoke)
               else [("margins", series.get("margins")), ("series", bespoke)])
    for kind, data in ordered:
        if not data:
            continue
        fig = _series_figure(data, notes) if kind == "series" else _margins_figure(data, notes)
        if fig is not None:
            return fig, notes
    for source, make in (("labels", lambda: _labels_png(record.get("instances") or [])),
                         ("closest call", lambda: _closest_calls_png(record)),
                         ("instances", lambda: _instances_png(record.get("instances") or []))):
        drawn = make()
        if drawn is not None:
            return ClaimFigure(drawn[0], drawn[1], source), notes
    png, caption = _tally_png(record)
    return ClaimFigure(png, caption, "tally"), notes


def counterexample_figure(record: Mapping[str, Any], folder: Path | None) -> ClaimFigure | None:
    """The loss slice through the first accepted counterexample, read back from ``folder``."""
    if folder is None:
        return None
    for cx in record.get("counterexamples") or []:
        if not cx.get("accepted"):
            continue
        loaded = load_counterexample(folder, cx)
        if loaded is None:
            continue
        meta, arrays = loaded
        drawn = loss_slice_png(meta.get("problem") or cx.get("problem") or {}, arrays)
        if drawn is not None:
            return ClaimFigure(drawn[0], drawn[1], "counterexample")
    return None


def claim_figures(record: Mapping[str, Any], folder: Path | None = None) -> tuple[list[ClaimFigure], list[str]]:
    """Every figure of a claim (main figure, then the counterexample's loss slice) and notes."""
    if record.get("status") == VerdictStatus.NOT_IMPLEMENTED:
        return [], []
    main, notes = main_figure(record)
    figures = [main]
    series = record.get("series") if isinstance(record.get("series"), Mapping) else {}
    if main.source == "series" and (extra := _margins_figure(series.get("margins"), notes)) is not None:
        figures.append(extra)
    try:
        cx = counterexample_figure(record, folder)
    except Exception as exc:  # a slice that fails to compute is reported, not fatal
        notes.append(f"the counterexample's loss slice could not be computed ({type(exc).__name__}: {exc})")
        cx = None
    if cx is not None:
        figures.append(cx)
    return figures, notes
