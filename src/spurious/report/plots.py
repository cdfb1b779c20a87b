"""Figures drawn from a claim's ``series`` (no numerics here: data in, PNG bytes out).

The series convention
---------------------
A check's ``Outcome.series`` is a JSON-able dict. It is drawn when it holds one *plot
spec*, or a list of them under the key ``"plots"``; an empty dict means "no figure". The key
``"margins"`` (measured vs threshold per instance) is drawn by :mod:`spurious.report.figures`,
which also picks a figure for a claim whose series is empty. Every figure uses the report's style
(:mod:`spurious.report.style`): short tick labels, legends under the axes, shared label colours.
A plot spec is a dict with:

``plot``    "lines" (default) | "scatter" | "bars" | "hist" | "contour"
``x``       list of floats (lines/scatter; category labels for bars; grid axis for contour);
            optional for lines/bars (defaults to 0, 1, 2, …)
``y``       either one list of floats or a dict {name: list of floats} (one curve, point
            cloud, bar group or histogram per name; names become the legend). For
            ``contour``: the second grid axis (list of floats).
``z``       contour only: 2-D list, ``z[i][j]`` is the value at (x[j], y[i]).
``xlabel``, ``ylabel``  axis labels (default "x" / "value"; ``zlabel`` names the colour bar)
``title``   short title of the panel
``logy``, ``logx``  bool: logarithmic axis (non-positive values are dropped from the plot)
``hlines``  dict {name: value}: horizontal reference lines (e.g. a bound, a tolerance)
``vlines``  dict {name: value}: vertical reference lines
``bins``    hist only: number of bins (default 30)
``style``   dict {name: "dashed" | "dotted" | "solid"} per curve (lines only)
``points``  contour only: dict {name: [x, y]} points to mark (e.g. the slice's centre)

Values may be ``None``, ``"nan"`` or ``"inf"`` (as JSON writes them): non-finite values are
skipped, never fatal. Anything else in ``series`` (a dict of bare lists with no spec keys) is
drawn as lines against the index (one-value lists as reference lines) so that no data goes
unseen; authors should prefer a spec with labelled axes. A spec that cannot be drawn
yields no figure and a one-line reason (:class:`PlotError`), not a crash of the report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..errors import SpuriousError
from .style import COMPACT, FIG_WIDTH, colour_for, panel_figure, short_label, styled, to_png, wrapped_label

__all__ = ["PlotError", "plot_specs", "render_series", "render_specs", "compact_ticks", "legend_below"]

SPEC_KEYS = frozenset({"plot", "x", "y", "z"})
KINDS = ("lines", "scatter", "bars", "hist", "contour")
LINESTYLES = {"dashed": "--", "dotted": ":", "solid": "-", "dashdot": "-."}
MAX_PANELS = 6


class PlotError(SpuriousError, ValueError):
    """A series that does not follow the convention (the message says what is wrong)."""


def plot_specs(series: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The list of plot specs a claim's ``series`` describes (possibly empty)."""
    if not series:
        return []
    if not isinstance(series, Mapping):
        raise PlotError(f"series must be a dict, got {type(series).__name__}")
    if "plots" in series:
        plots = series["plots"]
        if isinstance(plots, Mapping):
            plots = [plots]
        if not isinstance(plots, Sequence) or not all(isinstance(p, Mapping) for p in plots):
            raise PlotError("series['plots'] must be a list of plot specs (dicts)")
        return [dict(p) for p in plots]
    if SPEC_KEYS & set(series):
        return [dict(series)]
    return [_fallback_spec(series)]


def _fallback_spec(series: Mapping[str, Any]) -> dict[str, Any]:
    """Bare {name: list} data: lines against the index; one-value lists become reference
    lines; a log axis when the positive values span more than three decades."""
    curves = {str(k): v for k, v in series.items() if _is_numeric_list(v)}
    if not curves:
        raise PlotError("series holds no plot spec and no numeric list")
    lines = {k: v for k, v in curves.items() if len(v) > 1}
    refs = {k: float(_floats(v)[0]) for k, v in curves.items() if len(v) == 1}
    if not lines:
        return {"plot": "bars", "x": list(refs), "y": {"value": list(refs.values())},
                "xlabel": "quantity", "ylabel": "value"}
    values = np.concatenate([_floats(v) for v in lines.values()] + [np.array(list(refs.values()))])
    positive = values[np.isfinite(values) & (values > 0)]
    logy = bool(positive.size and np.all(values[np.isfinite(values)] > 0)
                and positive.max() > 1e3 * positive.min())
    return {"plot": "lines", "y": lines, "hlines": refs, "xlabel": "instance number", "ylabel": "value",
            "logy": logy}


def _is_numeric_list(value: Any) -> bool:
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) == 0:
        return False
    try:
        _floats(value)
    except PlotError:
        return False
    return True


def _floats(values: Any, name: str = "values") -> np.ndarray:
    """A float array from a JSON-ish list (None/"nan"/"inf" allowed, become non-finite)."""
    if isinstance(values, str) or not isinstance(values, Sequence | np.ndarray):
        raise PlotError(f"{name}: expected a list of numbers, got {type(values).__name__}")
    try:
        return np.array([math.nan if v is None else float(v) for v in np.ravel(values)],
                        dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise PlotError(f"{name}: expected numbers ({exc})") from None


def _named(y: Any) -> dict[str, Any]:
    if isinstance(y, Mapping):
        return {str(k): v for k, v in y.items()}
    return {"": y}


def render_series(series: Mapping[str, Any] | None, width: float = FIG_WIDTH) -> bytes | None:
    """PNG bytes of the figure for ``series``, or None when there is nothing to draw.

    Raises :class:`PlotError` when the series does not follow the convention.
    """
    specs = plot_specs(series)
    return render_specs(specs, width) if specs else None


def render_specs(specs: Sequence[Mapping[str, Any]], width: float = FIG_WIDTH) -> bytes:
    """Draw up to ``MAX_PANELS`` specs (two per row) in the report's style and return PNG bytes."""
    specs = list(specs)[:MAX_PANELS]
    with styled():
        fig, axes = panel_figure(len(specs))
        for ax, spec in zip(axes, specs, strict=True):
            _draw(fig, ax, spec)
        return to_png(fig)


def _draw(fig: Figure, ax, spec: Mapping[str, Any]) -> None:
    kind = spec.get("plot", "lines")
    if kind not in KINDS:
        raise PlotError(f"unknown plot kind {kind!r}; expected one of {KINDS}")
    if "y" not in spec:
        raise PlotError(f"{kind} plot needs 'y'")
    if kind == "contour":
        _contour(fig, ax, spec)
    else:
        {"lines": _lines, "scatter": _scatter, "bars": _bars, "hist": _hist}[kind](ax, spec)
        _reference_lines(ax, spec)
        if any(name for name in _named(spec["y"])) or spec.get("hlines") or spec.get("vlines"):
            legend_below(ax)
    ax.set_xlabel(short_label(spec.get("xlabel", "x" if kind != "hist" else "value"), 60))
    ax.set_ylabel(short_label(spec.get("ylabel", "value" if kind != "hist" else "count"), 40))
    if spec.get("title"):
        ax.set_title(short_label(spec["title"], 70))
    compact_ticks(ax, categorical_x=kind == "bars",
                  integer_x=kind in ("lines", "scatter") and spec.get("x") is None)


def compact_ticks(ax, categorical_x: bool = False, integer_x: bool = False) -> None:
    """Short numeric tick labels on both axes (log axes keep their decade labels); whole numbers only
    on an index axis."""
    if integer_x:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if not categorical_x and ax.get_xscale() == "linear":
        ax.xaxis.set_major_formatter(COMPACT)
    if ax.get_yscale() == "linear":
        ax.yaxis.set_major_formatter(COMPACT)


def legend_below(ax, offset: float = 0.2) -> None:
    """The legend under the axes (``offset`` axes heights below), never over the data."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    labels = [short_label(label, 64) for label in labels]
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -offset),
              ncol=min(3 if max(map(len, labels)) < 30 else 2, len(labels)),
              frameon=False)


def _xy(spec: Mapping[str, Any], name: str, y: Any) -> tuple[np.ndarray, np.ndarray]:
    yy = _floats(y, f"y[{name!r}]" if name else "y")
    if spec.get("x") is None:
        xx = np.arange(yy.size, dtype=np.float64)
    else:
        xx = _floats(spec["x"], "x")
    if xx.size != yy.size:
        raise PlotError(f"x has {xx.size} values but y[{name!r}] has {yy.size}")
    keep = np.isfinite(xx) & np.isfinite(yy)
    if spec.get("logy"):
        keep &= yy > 0
    if spec.get("logx"):
        keep &= xx > 0
    return xx[keep], yy[keep]


def _set_scales(ax, spec: Mapping[str, Any]) -> None:
    if spec.get("logy"):
        ax.set_yscale("log")
    if spec.get("logx"):
        ax.set_xscale("log")


def _lines(ax, spec: Mapping[str, Any]) -> None:
    styles = spec.get("style") or {}
    for k, (name, y) in enumerate(_named(spec["y"]).items()):
        xx, yy = _xy(spec, name, y)
        marker = "o" if xx.size <= 30 else None
        ax.plot(xx, yy, LINESTYLES.get(styles.get(name, "solid"), "-"), marker=marker,
                color=colour_for(name, k), label=name or None)
    _set_scales(ax, spec)


def _scatter(ax, spec: Mapping[str, Any]) -> None:
    for k, (name, y) in enumerate(_named(spec["y"]).items()):
        xx, yy = _xy(spec, name, y)
        ax.scatter(xx, yy, s=18, alpha=0.75, color=colour_for(name, k), label=name or None)
    _set_scales(ax, spec)


def _bars(ax, spec: Mapping[str, Any]) -> None:
    groups = _named(spec["y"])
    first = _floats(next(iter(groups.values())), "y")
    if spec.get("x") is not None:
        labels = [wrapped_label(v) for v in spec["x"]]
    else:
        labels = [str(i) for i in range(first.size)]
    positions = np.arange(len(labels), dtype=np.float64)
    width = 0.8 / max(len(groups), 1)
    for k, (name, y) in enumerate(groups.items()):
        yy = _floats(y, f"y[{name!r}]")
        if yy.size != len(labels):
            raise PlotError(f"bars: {len(labels)} labels but y[{name!r}] has {yy.size} values")
        ax.bar(positions + (k - (len(groups) - 1) / 2) * width, np.nan_to_num(yy), width,
               color=colour_for(name, k), label=name or None)
    ax.set_xticks(positions)
    ax.set_xticklabels(labels)
    if spec.get("logy"):
        ax.set_yscale("log")


def _hist(ax, spec: Mapping[str, Any]) -> None:
    for k, (name, y) in enumerate(_named(spec["y"]).items()):
        yy = _floats(y, f"y[{name!r}]")
        yy = yy[np.isfinite(yy)]
        if spec.get("logx"):
            yy = np.log10(yy[yy > 0])
        ax.hist(yy, bins=int(spec.get("bins", 30)), alpha=0.6, color=colour_for(name, k), label=name or None)
    if spec.get("logy"):
        ax.set_yscale("log")


def _contour(fig: Figure, ax, spec: Mapping[str, Any]) -> None:
    xx = _floats(spec.get("x"), "x")
    yy = _floats(spec["y"], "y")
    if "z" not in spec:
        raise PlotError("contour plot needs 'z'")
    try:
        zz = np.array([[math.nan if v is None else float(v) for v in row] for row in spec["z"]])
    except (TypeError, ValueError) as exc:
        raise PlotError(f"z: expected a 2-D list of numbers ({exc})") from None
    if zz.shape != (yy.size, xx.size):
        raise PlotError(f"z has shape {zz.shape}, expected (len(y), len(x)) = {(yy.size, xx.size)}")
    finite = zz[np.isfinite(zz)]
    if finite.size == 0:
        raise PlotError("z holds no finite value")
    if spec.get("logz"):
        zz = np.log10(np.where(zz > 0, zz, np.nan))
    levels = min(30, max(5, int(np.unique(np.round(finite, 12)).size)))
    filled = ax.contourf(xx, yy, np.ma.masked_invalid(zz), levels=levels, cmap="viridis")
    ax.contour(xx, yy, np.ma.masked_invalid(zz), levels=levels, colors="k", linewidths=0.3)
    bar = fig.colorbar(filled, ax=ax, format=COMPACT)
    bar.set_label(short_label(spec.get("zlabel", "value"), 40))
    for k, (name, (px, py)) in enumerate((spec.get("points") or {}).items()):
        ax.plot([px], [py], "*", color=colour_for(str(name), k + 5), markersize=10,
                markeredgecolor="white", label=str(name))
    if spec.get("points"):
        legend_below(ax)


def _reference_lines(ax, spec: Mapping[str, Any]) -> None:
    styles = ("--", ":", "-.")
    for i, (name, value) in enumerate((spec.get("hlines") or {}).items()):
        v = float(value)
        if math.isfinite(v) and not (spec.get("logy") and v <= 0):
            ax.axhline(v, color=("k", "dimgray", "darkred")[i % 3], linestyle=styles[i % 3],
                       linewidth=1.2, label=str(name))
    for name, value in (spec.get("vlines") or {}).items():
        v = float(value)
        if math.isfinite(v) and not (spec.get("logx") and v <= 0):
            ax.axvline(v, color="gray", linestyle=":", linewidth=1, label=str(name))
