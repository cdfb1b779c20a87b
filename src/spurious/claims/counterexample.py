"""Counterexamples: saved, reloadable, independently re-verified instances behind *refuted*.

A check that says *refuted* returns :class:`Counterexample` objects: the instance (a problem
description plus arrays: data, the point θ, ...), the violated quantity, what was measured, the
threshold, and the margin (violation ÷ tolerance). The runner saves each to
``<report>/counterexamples/<claim>-<k>.npz`` (arrays) and ``.json`` (everything else), then
re-verifies it **from the saved files** with the claim's registered *verifier*: a second route
that rebuilds the landscape, polishes the point where it should be critical, and recomputes the
quantity differently (dense Hessian + ``eigh`` instead of Lanczos; 50-digit ``mpmath`` for small
instances). A counterexample is accepted only if the re-verification confirms the violation with a
margin of at least :data:`MIN_MARGIN`. ``spurious verify FILE`` runs the same re-verification in
a fresh process.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mpmath
import numpy as np

from ..data import Dataset, Population
from ..errors import InputError
from ..landscape import Landscape
from ..spec import build_landscape, data_section, loss_section, make_spec

#: A violation must exceed its tolerance this many times, after re-verification, to count.
MIN_MARGIN = 10.0


@dataclass
class Counterexample:
    """An instance on which a claim fails.

    claim : the claim id. verifier : the name of the registered verifier that re-checks it.
    problem : JSON-able description (model, widths, loss, generator + seed, ...).
    arrays : named arrays (data, the point θ, matrices), saved to ``.npz``.
    quantity : what is violated, in words. measured / threshold : the violation and its tolerance.
    margin : measured ÷ threshold (≥ :data:`MIN_MARGIN` to be accepted).
    """

    claim: str
    verifier: str
    problem: dict[str, Any]
    arrays: dict[str, np.ndarray]
    quantity: str
    measured: float
    threshold: float
    note: str = ""

    @property
    def margin(self) -> float:
        return float(self.measured) / float(self.threshold) if self.threshold > 0 else float("inf")


@dataclass
class Remeasure:
    """A verifier's answer: the violation recomputed by a second route.

    measured / threshold : the recomputed violation and its tolerance; route : how it was computed
    (e.g. "Newton polish to ‖∇‖/scale 3e-15, dense Hessian eigh"); details : JSON-able extras.
    """

    measured: float
    threshold: float
    route: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def margin(self) -> float:
        if not np.isfinite(self.measured):
            return float("nan")
        return float(self.measured) / float(self.threshold) if self.threshold > 0 else float("inf")

    @property
    def confirmed(self) -> bool:
        """The violation survives with at least :data:`MIN_MARGIN` times its tolerance."""
        return bool(np.isfinite(self.margin) and self.margin >= MIN_MARGIN)


Verifier = Callable[[dict[str, Any], dict[str, np.ndarray]], Remeasure]
_VERIFIERS: dict[str, Verifier] = {}


def verifier(name: str) -> Callable[[Verifier], Verifier]:
    """Decorator: register ``f(problem, arrays) -> Remeasure`` under ``name``."""

    def register(f: Verifier) -> Verifier:
        if name in _VERIFIERS:
            raise KeyError(f"verifier {name!r} is already registered ({_VERIFIERS[name].__module__})")
        _VERIFIERS[name] = f
        return f

    return register


def verifier_for(name: str) -> Verifier:
    """The verifier registered under ``name`` (importing :mod:`spurious.claims` registered them all)."""
    if name not in _VERIFIERS:
        raise InputError("verifier", f"no verifier named {name!r}; known: {sorted(_VERIFIERS)}")
    return _VERIFIERS[name]


def save(cx: Counterexample, folder: Path, stem: str) -> Path:
    """Write ``folder/stem.npz`` (arrays) and ``folder/stem.json`` (the rest); return the json path."""
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / f"{stem}.npz", **{k: np.asarray(v, dtype=np.float64) for k, v in cx.arrays.items()})
    meta = {"claim": cx.claim, "verifier": cx.verifier, "problem": cx.problem, "quantity": cx.quantity,
            "measured": float(cx.measured), "threshold": float(cx.threshold), "margin": cx.margin,
            "note": cx.note, "arrays": f"{stem}.npz"}
    path = folder / f"{stem}.json"
    path.write_text(json.dumps(meta, indent=2, default=float))
    return path


def load(path: Path | str) -> Counterexample:
    """Read a counterexample back from its ``.json`` (or ``.npz``) file."""
    path = Path(path)
    if path.suffix == ".npz":
        path = path.with_suffix(".json")
    if not path.is_file():
        raise InputError("file", f"{path} does not exist (expected a counterexample .json or .npz)")
    try:
        meta = json.loads(path.read_text())
        with np.load(path.parent / meta["arrays"]) as npz:
            arrays = {k: np.array(npz[k]) for k in npz.files}
    except (KeyError, ValueError, OSError) as exc:
        raise InputError("file", f"{path} is not a counterexample record ({exc})") from exc
    return Counterexample(claim=meta["claim"], verifier=meta["verifier"], problem=meta["problem"],
                          arrays=arrays, quantity=meta["quantity"], measured=meta["measured"],
                          threshold=meta["threshold"], note=meta.get("note", ""))


def reverify(path: Path | str) -> Remeasure:
    """Reload the counterexample saved at ``path`` and recompute its violation by the second route."""
    cx = load(path)
    try:
        return verifier_for(cx.verifier)(cx.problem, cx.arrays)
    except InputError:
        raise
    except Exception as exc:  # a verifier that fails confirms nothing
        return Remeasure(float("nan"), cx.threshold, f"verifier raised {type(exc).__name__}: {exc}")


def mp_matrix(a: np.ndarray, dps: int = 50):
    """``a`` as an ``mpmath`` matrix at ``dps`` digits (exact copy of the float64 entries)."""
    mpmath.mp.dps = dps
    a = np.atleast_2d(np.asarray(a, dtype=np.float64))
    return mpmath.matrix([[mpmath.mpf(float(v)) for v in row] for row in a])


def mp_central_gradient(f: Callable[[list], Any], x: np.ndarray, dps: int = 50, h_exp: int = 20) -> np.ndarray:
    """Central differences of ``f`` (a function of a list of mpf) at ``x`` in ``dps``-digit arithmetic.

    With h = 10^-h_exp the truncation error is O(h²) = 1e-40 and rounding O(10^-dps / h) = 1e-30:
    an independent route to a gradient, free of any closed form.
    """
    mpmath.mp.dps = dps
    h = mpmath.mpf(10) ** (-h_exp)
    base = [mpmath.mpf(float(v)) for v in np.ravel(x)]
    grad = np.empty(len(base))
    for i in range(len(base)):
        up = list(base)
        dn = list(base)
        up[i] += h
        dn[i] -= h
        grad[i] = float((f(up) - f(dn)) / (2 * h))
    return grad


# ----------------------------------------------------------------------------------------------
# the saved problem of a deep linear landscape: described by the checks, rebuilt by the verifiers
# and by the report's figures


def describe_deep_linear(L: Landscape) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(problem, arrays) of a deep linear landscape: JSON-able widths and the spec's loss section
    (plus ``noise_var`` for a population), and its data arrays (X, Y; or R, Σ)."""
    problem: dict[str, Any] = {"model": "deep linear", "widths": [int(w) for w in L.model.widths],
                               "loss": loss_section(L.loss)}
    if isinstance(L.data, Population):
        problem["noise_var"] = float(L.data.noise_var)
        return problem, {"R": L.data.R, "Sigma": L.data.Sigma}
    return problem, {"X": L.data.X, "Y": L.data.Y}


def rebuild_deep_linear(problem: dict[str, Any], arrays: dict[str, np.ndarray]) -> Landscape:
    """The landscape :func:`describe_deep_linear` saved, built afresh through the problem spec."""
    if "R" in arrays:
        data = {"population": {"R": np.asarray(arrays["R"]).tolist(), "Sigma": np.asarray(arrays["Sigma"]).tolist(),
                               "noise_var": float(problem.get("noise_var", 1.0))}}
    else:
        data = data_section(Dataset(arrays["X"], arrays["Y"]))
    return build_landscape(make_spec(model={"widths": tuple(problem["widths"])}, loss=problem["loss"] or {},
                                     data=data))
