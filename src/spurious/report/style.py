"""One look for every figure of the report: sizes, fonts, colours, tick formatters.

Every figure is made with :func:`new_figure` and saved with :func:`to_png`, so that all share
one size on the page (``FIG_WIDTH`` inches at ``DPI``: 900 px wide, shown at up to 100 % of the
column), short tick labels (:func:`compact_number`, never a raw float), and the same colour
for the same kind of critical point in every figure (:data:`LABEL_COLOURS`).
"""

from __future__ import annotations

import io
import math
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..reprs import LABEL_COLOURS, STATUS_COLOURS

__all__ = ["FIG_WIDTH", "DPI", "RC", "LABEL_COLOURS", "STATUS_COLOURS", "CYCLE", "new_figure", "to_png",
           "compact_number", "COMPACT", "short_label", "wrapped_label", "colour_for", "styled"]

FIG_WIDTH = 9.0
PANEL_HEIGHT = 3.4
DPI = 100
MAX_TICK_LABEL = 18

#: Colours of curves that carry no label meaning (colour-blind-safe, Okabe–Ito order).
CYCLE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")

RC = {
    "font.size": 9.0, "axes.titlesize": 9.5, "axes.labelsize": 9.0, "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0, "legend.fontsize": 7.5, "legend.framealpha": 0.85, "axes.grid": True,
    "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=list(CYCLE)), "lines.linewidth": 1.4, "lines.markersize": 3.5,
    "savefig.dpi": DPI, "figure.dpi": DPI,
}


@contextmanager
def styled() -> Iterator[None]:
    """Matplotlib settings of the report (restored on exit)."""
    with mpl.rc_context(RC), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # log axes of extreme values make locators warn
        warnings.simplefilter("ignore", UserWarning)  # tight_layout on crowded panels
        yield


def new_figure(rows: int = 1, cols: int = 1, height: float | None = None) -> Figure:
    """A figure of the report's width with ``rows`` panel rows (no pyplot state)."""
    h = height if height is not None else PANEL_HEIGHT * rows + (0.3 if rows == 1 else 0.0)
    with mpl.rc_context(RC):
        return Figure(figsize=(FIG_WIDTH, h), dpi=DPI)


def panel_figure(n: int) -> tuple[Figure, list[Axes]]:
    """A figure with ``n`` panels, two per row (one when n = 1), and their axes in reading order."""
    cols = 1 if n == 1 else 2
    rows = math.ceil(n / cols)
    fig = new_figure(rows)
    return fig, [fig.add_subplot(rows, cols, i + 1) for i in range(n)]


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (laid out first)."""
    buf = io.BytesIO()
    with styled():
        fig.tight_layout()
        fig.savefig(buf, format="png")
    return buf.getvalue()


def compact_number(value: float, _pos: object = None) -> str:
    """A short tick label: ``0``, ``0.25``, ``1e-06``, ``3.2e+05``, ``−4`` (at most ~7 characters)."""
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    a = abs(value)
    if 1e-3 <= a < 1e4:
        text = f"{value:.3g}"
    else:
        mantissa, exponent = f"{value:.1e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")


#: The formatter every numeric axis gets.
COMPACT = FuncFormatter(compact_number)


def short_label(text: object, limit: int = MAX_TICK_LABEL) -> str:
    """A category label cut to ``limit`` characters (with an ellipsis)."""
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def wrapped_label(text: object, width: int = 14, lines: int = 2) -> str:
    """A category label on at most ``lines`` lines of ``width`` characters (cut with an ellipsis)."""
    parts = textwrap.wrap(" ".join(str(text).split()), width, break_long_words=True) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = short_label(parts[-1] + " …", width)
    return "\n".join(parts)


def colour_for(name: str, index: int) -> str:
    """The colour of a curve: the label colour when ``name`` names a kind of critical point."""
    key = name.strip().lower()
    for label, colour in LABEL_COLOURS.items():
        if key == label or key.startswith(label) or key.rstrip("s") == label:
            return colour
    return CYCLE[index % len(CYCLE)]
