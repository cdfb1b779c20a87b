"""A refuted claim's counterexample, shown in full: its matrices, and a loss slice through it.

The report reads the counterexample back **from the saved files** (``counterexamples/<stem>.json``
and ``.npz`` in the report folder), rebuilds its landscape and draws Φ along one line through the
saved point θ:

* if ∇Φ(θ) ≠ 0 (a formula disagreeing with the true gradient, S-GRADIENT): along the steepest
  descent direction d = −∇Φ/‖∇Φ‖, with the tangent lines Φ(θ) + α⟨∇Φ, d⟩ of the true gradient and
  Φ(θ) + α·c·⟨∇Φ, d⟩ of the claimed one (c the claimed factor, ``problem["factor"]``);
* if θ is critical (a non-global critical point, S-CRIT-CLAIM): along the eigenvector of λ_min of
  the dense Hessian ∇²Φ(θ), with the global minimum value Φ* as a reference line.

The landscapes are those of the source documents: arrays ``A1 … AN`` with ``R`` and ``Sigma`` are the
project report's (project report, "derivation of f(A)") population loss f(A) = ½‖(A_N⋯A_1 − R)Σ^½‖²_F + d/2
of a d×d deep linear network; arrays with ``theta`` are the critical-point claims' landscapes, rebuilt
as the claim's verifier rebuilds them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..claims.counterexample import rebuild_deep_linear  # the verifier's own reconstruction
from ..data import population
from ..landscape import Landscape
from ..losses import SquaredLoss
from ..models import DeepLinear
from ..slices import hessian_directions
from ..text import human_number
from ..vocabulary import Label
from .plots import compact_ticks, legend_below
from .style import LABEL_COLOURS, new_figure, styled, to_png

__all__ = ["load_counterexample", "landscape_of", "loss_slice_png", "matrices"]

LAYER = re.compile(r"^A(\d+)$")
SLICE_POINTS = 61


def load_counterexample(folder: Path, record: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
    """The saved problem description and arrays of a counterexample record (None if the files are gone)."""
    json_path = Path(folder) / str(record.get("json", ""))
    npz_path = Path(folder) / str(record.get("file", ""))
    if not (json_path.is_file() and npz_path.is_file()):
        return None
    try:
        meta = json.loads(json_path.read_text())
        with np.load(npz_path) as npz:
            arrays = {k: np.array(npz[k], dtype=np.float64) for k in npz.files}
    except (OSError, ValueError, KeyError):
        return None
    return meta, arrays


def matrices(arrays: Mapping[str, np.ndarray], max_side: int = 8) -> dict[str, np.ndarray]:
    """The arrays small enough to print in full (both sides ≤ ``max_side``), layers first."""
    small = {k: np.atleast_2d(v) for k, v in arrays.items()
             if np.ndim(v) <= 2 and max(np.shape(np.atleast_2d(v))) <= max_side}
    return dict(sorted(small.items(), key=lambda kv: (not LAYER.match(kv[0]), kv[0])))


def landscape_of(problem: Mapping[str, Any], arrays: Mapping[str, np.ndarray]):
    """(landscape, θ) of a saved counterexample, or None for a kind the report cannot rebuild."""
    layers = sorted((int(m.group(1)), k) for k in arrays if (m := LAYER.match(k)))
    if layers and "R" in arrays and "Sigma" in arrays:
        blocks = [np.asarray(arrays[k], dtype=np.float64) for _, k in layers]
        widths = (blocks[0].shape[1], *(b.shape[0] for b in blocks))
        pop = population(arrays["R"], arrays["Sigma"], float(problem.get("noise_var", 1.0)))
        model = DeepLinear(widths)
        return Landscape(model, SquaredLoss(), pop), model.flatten(blocks)
    if "theta" in arrays and problem.get("model") == "deep linear":
        return rebuild_deep_linear(dict(problem), dict(arrays)), np.asarray(arrays["theta"], dtype=np.float64)
    return None


def _optimum(landscape) -> float | None:
    try:
        value = landscape.min_value
    except (AttributeError, NotImplementedError, ValueError, TypeError, ArithmeticError):
        return None
    return None if value is None else float(value)


def loss_slice_png(problem: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> tuple[bytes, str] | None:
    """PNG of Φ along a line through the counterexample, and a caption (None if not rebuildable)."""
    built = landscape_of(problem, arrays)
    if built is None:
        return None
    landscape, theta = built
    f0, g = landscape.value_and_gradient(theta)
    scale = max(float(np.linalg.norm(theta)), 1.0)
    gnorm = float(np.linalg.norm(g))
    with styled():
        fig = new_figure(1)
        ax = fig.add_subplot(1, 1, 1)
        if gnorm > 1e-8 * max(abs(f0), 1.0):
            caption = _gradient_slice(ax, landscape, theta, f0, g, scale, float(problem.get("factor", 1.0)))
        else:
            caption = _curvature_slice(ax, landscape, theta, f0, scale)
        ax.set_ylabel("loss Φ")
        compact_ticks(ax)
        legend_below(ax)
        return to_png(fig), caption


def _gradient_slice(ax, landscape, theta, f0, g, scale, factor) -> str:
    d = -g / np.linalg.norm(g)
    slope = float(g @ d)
    span = min(0.25 * scale, 2.0 * abs(f0) / max(abs(slope), 1e-300)) or 0.1
    alphas = np.linspace(-span, span, SLICE_POINTS)
    values = [landscape.value(theta + a * d) for a in alphas]
    ax.plot(alphas, values, color="black", label="Φ(θ + α d), d = −∇Φ/‖∇Φ‖")
    ax.plot(alphas, f0 + slope * alphas, "--", color=LABEL_COLOURS[Label.GLOBAL_MINIMUM],
            label="tangent of the true gradient")
    if factor != 1.0:
        ax.plot(alphas, f0 + factor * slope * alphas, ":", color=LABEL_COLOURS[Label.SPURIOUS_LOCAL_MINIMUM],
                linewidth=2, label=f"tangent of the claimed gradient ({factor:g}× the true one)")
    ax.plot([0], [f0], "o", color="black")
    ax.set_xlabel("α (step along the steepest-descent direction)")
    ax.set_title("loss slice through the counterexample, with first-order predictions")
    return ("Φ along the steepest-descent line through the saved point, recomputed from the .npz; the tangent of "
            "the true gradient touches the curve, the claimed gradient's tangent does not")


def _curvature_slice(ax, landscape, theta, f0, scale) -> str:
    dirs, info = hessian_directions(landscape, theta, k=1)
    lam = info["eigenvalues"][0]
    span = 0.5 * scale
    alphas = np.linspace(-span, span, SLICE_POINTS)
    values = [landscape.value(theta + a * dirs[0]) for a in alphas]
    ax.plot(alphas, values, color="black", label=f"Φ(θ + α v), v for λ_min = {human_number(lam)}")
    ax.plot([0], [f0], "o", color=LABEL_COLOURS[Label.INCONCLUSIVE], label="the counterexample θ (critical)")
    optimum = _optimum(landscape)
    if optimum is not None:
        ax.axhline(optimum, linestyle="--", color=LABEL_COLOURS[Label.GLOBAL_MINIMUM], label="global minimum value Φ*")
    ax.set_xlabel("α (step along the λ_min eigenvector of ∇²Φ(θ))")
    ax.set_title("loss slice through the counterexample (a critical point above Φ*)")
    return ("Φ along the lowest-curvature eigenvector of the dense Hessian at the saved critical point, recomputed "
            "from the .npz; the point sits above the global minimum value Φ*")
