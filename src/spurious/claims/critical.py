"""Claims about critical points and their kinds, decided by enumeration, finders and ``classify``.

K-BALDI-HORNIK, K-KAWAGUCHI (Kawaguchi slides), L-DEPTH2-STRICT, L-NO-BAD-MIN (Optimization 1 notes),
D-FULLRANK, D-QUADRATIC (depth paper), S-CRIT-CLAIM (project report, expected *refuted*).

Every check is factored as *measure* (points → classified evidence, in :class:`Evidence`) and
*decide* (:meth:`Evidence.status`), so a claim and its negative control share the measuring code.
Verdicts rest on certified labels from :func:`spurious.critical.classify` (dense Hessian ``eigh``
on these small instances). A point our numerics cannot settle — a run that does not reach the
gradient tolerance after polishing and a retry, a label *inconclusive* — is excluded and counted
in the tally, never read as a violation. A violation becomes a :class:`Counterexample` that the
runner saves and re-verifies from disk with :func:`verify_critical_point` (Newton polish to a
relative gradient ≤ 1e-12, dense Hessian ``eigh``, labels recomputed on a freshly built landscape).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import mpmath
import numpy as np
from scipy.optimize import minimize

from ..autodiff import finite_difference_gradient
from ..critical import classify, enumerate_critical_points, hessian_spectrum, newton_mr
from ..critical._classify import Classification, gradient_tolerance
from ..data import Dataset
from ..landscape import Landscape
from ..models import DeepLinear
from ..slices import slice_1d
from ..spec import build_landscape, data_section, make_spec
from ..tolerances import DEFAULT
from ..vocabulary import SADDLES, UNSETTLED, Label
from .counterexample import (
    Counterexample,
    Remeasure,
    describe_deep_linear,
    mp_central_gradient,
    mp_matrix,
    rebuild_deep_linear,
    verifier,
)
from .evidence import Evidence
from .registry import CheckContext, ClosestCall, Control, Corrected, Outcome, Status, claim, closest

#: The quantities whose margins the report draws (``series["margins"]``).
NEG_CURVATURE = "−λ_min (error bound subtracted)"
GAP = "Φ − Φ*"
GAP_REACHED = "Φ − Φ* at a minimum reached"
#: Relative gradient a counterexample is polished to before it is re-measured.
POLISH_GTOL = 1e-12


def _double_well_landscape(widths: tuple[int, ...]) -> Landscape:
    """Scalar net (1, …, 1) on one sample x = 1, y = 0 with the tilted double-well loss (tilt 0.3)."""
    return build_landscape(make_spec(model={"widths": widths}, loss={"name": "tilted-double-well", "tilt": 0.3},
                                     data=data_section(Dataset(np.ones((1, 1)), np.zeros((1, 1))))))


def _deep_linear(widths: tuple[int, ...], data: dict[str, Any], loss: dict[str, Any] | None = None) -> Landscape:
    """A deep linear landscape from the problem spec: ``data`` and ``loss`` are its sections."""
    return build_landscape(make_spec(model={"widths": widths}, loss=loss or {}, data=data))


# ----------------------------------------------------------------------------------------------
# numerics: minimise, polish, retry


def _lbfgs(L: Landscape, x0: np.ndarray, maxiter: int = 4000) -> np.ndarray:
    res = minimize(L.value_and_gradient, x0, jac=True, method="L-BFGS-B",
                   options={"maxiter": maxiter, "gtol": 1e-13, "ftol": 1e-16, "maxcor": 30})
    return res.x


def _is_critical(L: Landscape, theta: np.ndarray) -> bool:
    f, g = L.value_and_gradient(theta)
    return bool(np.isfinite(f) and np.linalg.norm(g) <= gradient_tolerance(f))


def _polish(L: Landscape, theta: np.ndarray, iterations: int = 30) -> np.ndarray:
    """Newton-MR from ``theta``; keep its point only if it did not raise the loss."""
    f = L.value(theta)
    run = newton_mr(L, theta, max_iterations=iterations)
    return run.point if np.isfinite(run.loss) and run.loss <= f + 1e-12 * max(1.0, abs(f)) else theta


def _minimise(L: Landscape, x0: np.ndarray, polish: int = 30) -> np.ndarray:
    """L-BFGS to a tiny gradient, then a few Newton-MR steps to reach the classifier's tolerance."""
    theta = _lbfgs(L, x0)
    return theta if _is_critical(L, theta) else _polish(L, theta, polish)


def _settle_minimum(L: Landscape, x0: np.ndarray, seed: int) -> tuple[np.ndarray, str, bool]:
    """A local minimiser from ``x0``: L-BFGS + Newton-MR polish; if still not critical, retry
    (longer Newton-MR, then L-BFGS from a perturbed start). Returns (θ, status, retried)."""
    theta = _minimise(L, x0)
    if _is_critical(L, theta):
        return theta, "converged", False
    theta = _polish(L, theta, 200)
    if _is_critical(L, theta):
        return theta, "converged after retry (Newton-MR 200)", True
    size = max(1.0, float(np.linalg.norm(x0)) / np.sqrt(x0.size))
    kick = np.random.default_rng(seed).standard_normal(theta.size) * 0.1 * size
    theta = _polish(L, _lbfgs(L, x0 + kick, 20000), 200)
    if _is_critical(L, theta):
        return theta, "converged after retry (perturbed start)", True
    return theta, "unconverged after retry", True


def _settle_critical(L: Landscape, x0: np.ndarray, retry: int = 60) -> tuple[np.ndarray, str, bool]:
    """Any critical point from ``x0`` by Newton-MR; retry with more iterations and the
    minimum-length Krylov inner solver. Returns (θ, status, retried)."""
    run = newton_mr(L, x0, max_iterations=100)
    if run.converged:
        return run.point, "converged", False
    again = newton_mr(L, run.point, max_iterations=retry, inner="krylov-pinv")
    if again.converged:
        return again.point, "converged after retry (Newton-MR krylov-pinv)", True
    return again.point, f"unconverged ({again.status})", True


# ----------------------------------------------------------------------------------------------
# counterexamples: a saved landscape + point, re-verified on a freshly built landscape


def _point_counterexample(claim_id: str, L: Landscape, theta: np.ndarray, kind: str, measured: float,
                          threshold: float, instance: str, **extra: Any) -> Counterexample:
    """A point of ``L`` violating ``claim_id`` in the way ``kind`` names (see :func:`verify_critical_point`)."""
    problem, arrays = describe_deep_linear(L)
    problem.update({"kind": kind, "instance": instance, **extra})
    quantity = {"not a strict saddle": "Φ − Φ* at a non-global critical point with λ_min(∇²Φ) ≥ −tol",
                "spurious local minimum": "Φ − Φ* at a certified local minimum",
                "not critical": "‖∇Φ‖ at a point predicted critical",
                "index": "|index − predicted index| at a critical point",
                "loss formula": "relative error of the predicted loss"}[kind]
    return Counterexample(claim=claim_id, verifier="critical:point", problem=problem,
                          arrays={**arrays, "theta": np.asarray(theta, dtype=np.float64)},
                          quantity=quantity, measured=float(measured), threshold=float(threshold))


def _label_counterexample(claim_id: str, L: Landscape, theta: np.ndarray, cl: Classification,
                          instance: str) -> Counterexample | None:
    """The counterexample behind a bad label (a spurious minimum, a non-strict saddle where a
    strict one is claimed); None when there is no loss gap to measure."""
    if cl.gap is None or cl.gap_tol is None:
        return None
    kind = "spurious local minimum" if cl.label == Label.SPURIOUS_LOCAL_MINIMUM else "not a strict saddle"
    return _point_counterexample(claim_id, L, theta, kind, cl.gap, cl.gap_tol, instance, label=cl.label)


def _polish_hard(L: Landscape, theta: np.ndarray) -> tuple[np.ndarray, float]:
    """Newton-MR to ‖∇Φ‖ ≤ 1e-12·max(1, |Φ|) (no-op if already there); returns (θ, relative gradient)."""
    f, g = L.value_and_gradient(theta)
    if np.linalg.norm(g) > POLISH_GTOL * max(1.0, abs(f)):
        run = newton_mr(L, theta, max_iterations=60, gtol=POLISH_GTOL * max(1.0, abs(f)))
        if np.isfinite(run.loss) and run.loss <= f + 1e-9 * max(1.0, abs(f)):
            theta = run.point
            f, g = L.value_and_gradient(theta)
    return theta, float(np.linalg.norm(g)) / max(1.0, abs(f))


@verifier("critical:point")
def verify_critical_point(problem: dict, arrays: dict[str, np.ndarray]) -> Remeasure:
    """Second route for a point-based counterexample: rebuild the landscape from the saved
    widths/loss/data, polish θ with Newton-MR to a relative gradient ≤ 1e-12, then recompute the
    violated quantity with the dense Hessian (``eigh`` of the assembled matrix) or, for a point
    claimed non-critical, central finite differences of Φ.
    """
    L = rebuild_deep_linear(problem, arrays)
    kind = problem["kind"]
    theta = np.asarray(arrays["theta"], dtype=np.float64)
    if kind == "not critical":
        f = L.value(theta)
        g = finite_difference_gradient(L.value, theta)
        return Remeasure(float(np.linalg.norm(g)), gradient_tolerance(f),
                         "‖∇Φ‖ by central finite differences on the rebuilt landscape")
    if kind == "loss formula":
        value = _sample_loss(L, theta)
        err = abs(value - problem["predicted_loss"]) / max(1.0, abs(value))
        return Remeasure(err, 1e-10, "Φ summed over the samples (not the sufficient statistics)")
    theta, rel_grad = _polish_hard(L, theta)
    H = L.hessian(theta)
    eig = np.linalg.eigvalsh(0.5 * (H + H.T))
    zero_tol = DEFAULT.eigenvalue * max(float(np.max(np.abs(eig))), 1e-300)
    route = f"Newton-MR polish to ‖∇Φ‖/max(1,|Φ|) = {rel_grad:.1e}, dense Hessian eigh (λ_min {eig[0]:.3e})"
    details = {"relative_gradient": rel_grad, "lambda_min": float(eig[0]), "zero_tol": zero_tol}
    critical = rel_grad <= 10 * POLISH_GTOL
    if kind == "index":
        index = int(np.sum(eig < -zero_tol))
        return Remeasure(abs(index - int(problem["predicted_index"])) if critical else 0.0, 0.1, route,
                         {**details, "index": index})
    cl = classify(L, theta)
    details["label"] = cl.label
    if cl.gap is None or cl.gap_tol is None or not critical:
        return Remeasure(0.0, 1.0, route + "; not confirmed (no known optimum or not critical)", details)
    psd = bool(eig[0] >= -zero_tol)  # the dense eigh decides curvature, not the classifier's spectrum
    confirmed = psd and (cl.label == Label.SPURIOUS_LOCAL_MINIMUM if kind == "spurious local minimum" else True)
    return Remeasure(cl.gap if confirmed else 0.0, cl.gap_tol, route + f"; label {cl.label}", details)


def _sample_loss(L: Landscape, theta: np.ndarray) -> float:
    """Φ(θ) = ½‖W X − Y‖² summed sample by sample (squared loss on a Dataset)."""
    W = L.end_to_end(theta)
    R = W @ L.data.X - L.data.Y
    return 0.5 * float(np.sum([float(r @ r) for r in R.T]))


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(1.0, abs(a), abs(b))


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2g}"


# ----------------------------------------------------------------------------------------------
# K-BALDI-HORNIK


def _measure_baldi_hornik(ev: Evidence, L: Landscape, points: list, name: str) -> list[tuple]:
    """Each enumerated Γ on ``L``: critical, loss = tr(YYᵀ)/2 − Σ_{i∈Γ} λ_i/2, label and index as
    predicted (Kawaguchi slides, Baldi & Hornik 1989). Returns (loss, index, "label (Γ)", sorted
    eigenvalues or None) for each point."""
    pairs = []
    for pt in points:
        where = f"{name} Γ={tuple(pt.subset or ())}"
        cl = classify(L, pt.point)
        index = cl.spectrum.index if cl.spectrum else None
        eig = cl.spectrum.eigenvalues if cl.spectrum is not None else None
        pairs.append((cl.loss, index, f"{cl.label} (Γ = {tuple(pt.subset or ())})",
                      None if eig is None else np.sort(eig).tolist()))
        row = {"instance": where, "label": cl.label, "predicted label": pt.predicted_label,
               "index": index, "predicted index": pt.predicted_index, "loss": cl.loss, "formula": pt.loss}
        if pt.degenerate:
            ev.unsettled("degenerate Γ (repeated eigenvalues)", row)
            continue
        if cl.label == Label.NOT_CRITICAL:
            ev.settled()
            ev.violation(row, _point_counterexample("K-BALDI-HORNIK", L, pt.point, "not critical", cl.grad_norm,
                                                    cl.grad_tol, where))
            continue
        if cl.label == Label.INCONCLUSIVE:
            ev.unsettled("classify inconclusive", row)
            continue
        ev.settled()
        err = _rel(cl.loss, pt.loss)
        ev.calls.append(ClosestCall.below(where, "loss rel. err vs formula", err, 1e-10))
        if err > 1e-10:
            ev.violation(row, _point_counterexample("K-BALDI-HORNIK", L, pt.point, "loss formula", err, 1e-10,
                                                    where, predicted_loss=pt.loss))
        elif cl.label != pt.predicted_label:
            ev.violation(row, _label_counterexample("K-BALDI-HORNIK", L, pt.point, cl, where)
                         if cl.label in (Label.SPURIOUS_LOCAL_MINIMUM, Label.NON_STRICT_SADDLE) else None)
        elif pt.predicted_index is not None and index != pt.predicted_index:
            ev.violation(row, _point_counterexample("K-BALDI-HORNIK", L, pt.point, "index",
                                                    abs(index - pt.predicted_index), 0.1, where,
                                                    predicted_index=pt.predicted_index))
    return pairs


def _baldi_hornik_finder(ev: Evidence, L: Landscape, pairs: list, starts: list[np.ndarray],
                         name: str) -> tuple[int, list[tuple[float, int]]]:
    """Critical points found by Newton-MR from ``starts`` must be one of the enumerated Γ.
    Returns how many matched and the (loss, index) of each found point."""
    matched, found = 0, []
    for s, x0 in enumerate(starts):
        theta, status, retried = _settle_critical(L, x0)
        ev.retried += retried
        where = f"{name} Newton-MR start {s}"
        if not status.startswith("converged"):
            ev.unsettled(status, {"instance": where, "status": status})
            continue
        ev.settled(status)
        f = L.value(theta)
        idx = hessian_spectrum(L, theta).index
        found.append((f, idx))
        if any(_rel(f, lo) <= 1e-9 and idx == ix for lo, ix, _, _ in pairs):
            matched += 1
        else:
            ev.violation({"instance": where, "loss": f, "index": idx, "why": "no enumerated Γ with this (loss, index)"},
                         None)
    return matched, found


@claim("K-BALDI-HORNIK", control="Γ points of the squared loss re-checked under the Huber loss (δ = 0.1): "
       "not critical there ⇒ refuted")
def check_baldi_hornik(ctx: CheckContext) -> Outcome:
    """Enumerate every Γ (|Γ| ≤ p) of a 2-layer net; gradient, loss formula, label, index; finder matches."""
    cases = [(5, 3, 5), (6, 2, 4)] if ctx.quick else [(5, 3, 5), (6, 2, 4), (6, 3, 4)]
    ev = Evidence()
    matched = 0
    scatter: dict[str, list] = {"enumerated": [], "found": []}
    spectra: dict[str, list[float]] = {}
    first_points = None
    for c, widths in enumerate(cases):
        L = _deep_linear(widths, {"samples": 80, "seed": ctx.seed + c})
        data = L.data
        pts = enumerate_critical_points(L, seed=ctx.seed)
        if c == 0:
            first_points = (data, pts)
        pairs = _measure_baldi_hornik(ev, L, pts, str(widths))
        if c == 0:
            scatter["enumerated"] = [(lo, ix) for lo, ix, _, _ in pairs]
            for _, _, label, eigenvalues in pairs:
                kinds = {k.split(" (")[0] for k in spectra}
                if eigenvalues is not None and len(spectra) < 4 and label.split(" (")[0] not in kinds:
                    spectra[label] = eigenvalues
        starts = [L.model.random_point(ctx.seed + 100 * c + s) for s in range(1 if ctx.quick else 2)]
        hits, found = _baldi_hornik_finder(ev, L, pairs, starts, str(widths))
        matched += hits
        if c == 0:
            scatter["found"] = found
    control = _baldi_hornik_control(first_points, cases[0])
    status = ev.status()
    return Outcome(
        status, f"{ev.converged} points settled ({matched} found by Newton-MR matched an enumerated Γ); "
        f"{len(ev.failures)} violations", "loss rel 1e-10; ‖∇‖ ≤ 1e-8·max(1,|Φ|); eigenvalue 1e-8·‖H‖",
        reason=("every enumerated Γ is critical with the predicted loss, label and index, and every critical "
                "point Newton-MR found is one of them" if status is Status.HOLDS else
                "an enumerated Γ or a found critical point disagrees with Baldi–Hornik's description"),
        evidence={"failures": ev.failures[:10], "excluded": ev.excluded[:5]},
        instances=[{"widths": str(w)} for w in cases],
        tally=ev.tally(), closest_call=ev.closest(), control=control, counterexamples=ev.counterexamples,
        series={"margins": ev.margins("loss rel. err vs formula", "below"), "plots": [
            {"plot": "scatter", "title": f"critical points of the 2-layer net {cases[0]}: loss vs index",
             "x": [lo for lo, _ in scatter["enumerated"]] + [lo for lo, _ in scatter["found"]],
             "y": {"Baldi–Hornik Γ (enumerated)": [ix for _, ix in scatter["enumerated"]]
                   + [None] * len(scatter["found"]),
                   "found by Newton-MR": [None] * len(scatter["enumerated"]) + [ix for _, ix in scatter["found"]]},
             "xlabel": "loss Φ", "ylabel": "index (number of negative Hessian eigenvalues)"},
            {"plot": "lines", "title": "Hessian spectra at enumerated critical points",
             "x": list(range(max((len(v) for v in spectra.values()), default=0))), "y": spectra,
             "xlabel": "eigenvalue rank", "ylabel": "eigenvalue of ∇²Φ"}]})


def _baldi_hornik_control(first: tuple | None, widths: tuple[int, ...]) -> Control:
    """The same measurement on the Γ points of the squared loss, but on a Huber landscape."""
    data, pts = first
    huber = _deep_linear(widths, data_section(data), {"name": "huber", "delta": 0.1})
    ev = Evidence()
    _measure_baldi_hornik(ev, huber, pts, f"Huber {widths}")
    return Control(instance=f"2-layer {widths}, Huber loss δ = 0.1, at the squared-loss Γ points",
                   violated="squared loss (Baldi–Hornik's critical points are those of ½‖WX − Y‖²)",
                   status=ev.status(), figure=f"{len(ev.failures)}/{ev.tried} Γ points violate the description")


# ----------------------------------------------------------------------------------------------
# minima reached from random starts (K-KAWAGUCHI (ii), L-NO-BAD-MIN, D-QUADRATIC and their controls)


def _measure_minima(ev: Evidence, claim_id: str, L: Landscape, starts: list[np.ndarray], name: str,
                    seed: int) -> list[tuple[np.ndarray, Classification]]:
    """Minimise from each start (polish, retry), classify; a certified spurious local minimum is a
    violation, an unsettled run is excluded. Returns the settled (θ, classification) pairs."""
    settled = []
    for s, x0 in enumerate(starts):
        theta, status, retried = _settle_minimum(L, x0, seed + 7919 * s)
        ev.retried += retried
        where = f"{name} start {s}"
        cl = classify(L, theta)
        row = {"instance": where, "label": cl.label, "loss minus optimum": cl.gap, "status": status}
        ev.rows.append(row)
        if cl.label in UNSETTLED:
            ev.unsettled(f"{status}, label {cl.label}", {**row, "reason": cl.reason})
            continue
        ev.settled(status)
        settled.append((theta, cl))
        if cl.label == Label.SPURIOUS_LOCAL_MINIMUM:
            ev.violation(row, _label_counterexample(claim_id, L, theta, cl, where))
        elif cl.label == Label.GLOBAL_MINIMUM and cl.gap is not None:
            ev.calls.append(ClosestCall.below(where, GAP_REACHED, abs(cl.gap), cl.gap_tol))
    return settled


def _double_well_control(claim_id: str, widths: tuple[int, ...], violated: str) -> Control:
    """The minima measurement on the tilted double-well loss, where a spurious minimum exists."""
    L = _double_well_landscape(widths)
    n = L.n_params
    ev = Evidence()
    _measure_minima(ev, claim_id, L, [np.ones(n), -0.5 * np.ones(n)], f"double well {widths}", 0)
    labels = Counter(r["label"] for r in ev.rows)
    return Control(instance=f"linear net {widths}, one sample x = 1, y = 0, loss ((z−y)²−1)² + 0.3(z−y), "
                   "starts ±1", violated=violated, status=ev.status(),
                   figure=", ".join(f"{k}: {v}" for k, v in sorted(labels.items())))


# ----------------------------------------------------------------------------------------------
# K-KAWAGUCHI


def _rank_condition(L: Landscape, theta: np.ndarray) -> bool:
    """Kawaguchi (iv): rank(W_N⋯W_2) = p."""
    model = L.model
    prod = model.product(theta, 2, model.depth)
    s = np.linalg.svd(prod, compute_uv=False)
    return int(np.sum(s > 1e-8 * max(s[0], 1e-300))) == model.p if s.size and s[0] > 0 else model.p == 0


def _nonconvexity_witness(L: Landscape, net: DeepLinear, theta: np.ndarray, cl: Classification) -> tuple[float, float]:
    """(i) θ and its sign-flipped copy (W₁, W₂ → −W₁, −W₂) are both optimal, their midpoint is not
    (Φ(mid) − average > 0: non-convex); λ_max > 0 at the minimum (average − Φ(θ) > 0: non-concave)."""
    blocks = net.unflatten(theta.copy())
    other = net.flatten([-blocks[0], -blocks[1], *blocks[2:]])
    convex_gap = L.value(0.5 * (theta + other)) - 0.5 * (L.value(theta) + L.value(other))
    v, t = cl.spectrum.vec_max, 1e-2
    concave_gap = 0.5 * (L.value(theta + t * v) + L.value(theta - t * v)) - L.value(theta)
    return float(convex_gap), float(concave_gap)


def _measure_saddles(ev: Evidence, claim_id: str, L: Landscape, points: list, name: str) -> tuple[int, int]:
    """(iii) enumerated non-global critical points are saddles; (iv) those with rank(W_N⋯W_2) = p
    have λ_min < 0. Returns (saddles, rank-p saddles)."""
    saddles = rank_saddles = 0
    for pt in points:
        where = f"{name} Γ={tuple(pt.subset or ())}"
        cl = classify(L, pt.point)
        row = {"instance": where, "label": cl.label, "lambda min": cl.spectrum.lam_min if cl.spectrum else None}
        if cl.label in UNSETTLED:
            ev.unsettled(f"label {cl.label}", {**row, "reason": cl.reason})
            continue
        ev.settled()
        if cl.label == Label.SPURIOUS_LOCAL_MINIMUM:
            ev.violation(row, _label_counterexample(claim_id, L, pt.point, cl, where))
        elif cl.label in SADDLES:
            saddles += 1
            if _rank_condition(L, pt.point):
                rank_saddles += 1
                s = cl.spectrum
                ev.calls.append(ClosestCall.above(where, "−λ_min at a rank-p saddle", -s.lam_min - s.err_min,
                                                  s.zero_tol))
                if not s.certainly_negative:
                    ev.violation({**row, "why": "rank condition holds but λ_min ≥ −tol"},
                                 _label_counterexample(claim_id, L, pt.point, cl, where))
    return saddles, rank_saddles


@claim("K-KAWAGUCHI", control="minima reached on a depth-3 scalar net with a tilted double-well loss "
       "(ℓ not the squared loss): a spurious local minimum ⇒ refuted")
def check_kawaguchi(ctx: CheckContext) -> Outcome:
    """(i) non-convex & non-concave witnesses, (ii) minima found global, (iii) saddles, (iv) rank ⇒ λ_min<0,
    and a certified bad (non-strict) saddle at depth 3: the origin."""
    widths_list = [(4, 3, 3, 3)] if ctx.quick else [(4, 3, 3, 3), (5, 2, 3, 3)]
    ev = Evidence()
    minima = saddles = rank_saddles = 0
    gaps: tuple[float, float] | None = None
    for c, widths in enumerate(widths_list):
        L = _deep_linear(widths, {"samples": 60, "seed": ctx.seed + c})
        net = L.model
        starts = [net.random_point(ctx.seed + 10 * c + s) for s in range(2 if ctx.quick else 3)]
        for theta, cl in _measure_minima(ev, "K-KAWAGUCHI", L, starts, str(widths), ctx.seed):
            if cl.label == Label.GLOBAL_MINIMUM:
                minima += 1
                if gaps is None:
                    gaps = _nonconvexity_witness(L, net, theta, cl)
        got = _measure_saddles(ev, "K-KAWAGUCHI", L, enumerate_critical_points(L, seed=ctx.seed), str(widths))
        saddles, rank_saddles = saddles + got[0], rank_saddles + got[1]
    if gaps is not None:
        ev.calls.append(ClosestCall.above("(i) midpoint of ±W₁,₂ minima", "Φ(mid) − average", gaps[0], 1e-8))
        ev.calls.append(ClosestCall.above("(i) along v_max", "average − Φ(θ)", gaps[1], 1e-12))
    # bad saddle: the origin of a depth-3 net (existence: if it cannot be certified, inconclusive)
    L = _deep_linear((3, 3, 3, 3), {"samples": 60, "seed": ctx.seed + 7})
    net = L.model
    origin = classify(L, net.zeros())
    order = origin.descent.order if origin.descent else None
    certified_bad = origin.label == Label.NON_STRICT_SADDLE
    plots = [slice_1d(L, net.zeros(), origin.descent.direction, span=1.0, n=41).to_series(
        "non-strict saddle (origin, depth 3) along the t³ certificate")] if origin.descent else []
    for pt in enumerate_critical_points(L, seed=ctx.seed):
        cl = classify(L, pt.point)
        if cl.label == Label.STRICT_SADDLE:
            plots.append(slice_1d(L, pt.point, cl.spectrum.vec_min, span=1.0, n=41).to_series(
                "strict saddle (depth 3) along the λ_min eigenvector"))
            break
    status = ev.status()
    witnessed = gaps is not None and gaps[0] > 1e-8 and gaps[1] > 1e-12
    if status is Status.HOLDS and not (certified_bad and witnessed):
        status = Status.INCONCLUSIVE
    figure = (f"(i) gaps {_fmt(gaps[0] if gaps else None)}/{_fmt(gaps[1] if gaps else None)}; (ii) {minima} minima "
              f"global; (iii) {saddles} saddles; (iv) {rank_saddles} rank-p saddles λ_min<0; origin depth 3: "
              f"{origin.label} (t^{order})")
    reason = {Status.HOLDS: "every minimum reached is global, every other critical point a saddle (strict where "
                            "the rank condition holds), and the depth-3 origin is a certified bad saddle",
              Status.REFUTED: "a certified spurious minimum, or a rank-p saddle without negative curvature",
              Status.INCONCLUSIVE: "the bad saddle at the depth-3 origin or the (non-)convexity witness could not "
                                   "be certified"}[status]
    return Outcome(status, figure, "labels by classify (gradient 1e-8, eigenvalue 1e-8·‖H‖, loss 1e-9)",
                   reason=reason,
                   evidence={"bad_saddle_origin_depth3": {"label": origin.label, "order": order,
                                                          "coefficient": origin.descent.coefficient
                                                          if origin.descent else None},
                             "failures": ev.failures[:10], "excluded": ev.excluded[:10]},
                   instances=ev.rows, tally=ev.tally(), closest_call=ev.closest(),
                   control=_double_well_control("K-KAWAGUCHI", (1, 1, 1, 1), "ℓ convex (here a double well)"),
                   counterexamples=ev.counterexamples,
                   series={"margins": ev.margins(GAP_REACHED, "below"), "plots": plots})


# ----------------------------------------------------------------------------------------------
# L-DEPTH2-STRICT


def _depth2_direction_curvature(L: Landscape, theta: np.ndarray) -> float | None:
    """Curvature along the proof's direction (Optimization 1 notes Thm 6.11): Δ₁ = α v e_jᵀ, Δ₂ = e_i vᵀ with
    W₂v = 0 and c = ∇ℓ_{ij} ≠ 0; α = −(q₀ + |s|)/s, s = 2‖v‖²c, q₀ = ∇²Φ[(0, Δ₂), (0, Δ₂)].

    Evidence only (the verdict is decided by λ_min of the dense Hessian): None where W₂ has no
    numerical kernel.
    """
    W1, W2 = L.blocks(theta)
    G = L.end_to_end_loss().gradient(L.end_to_end(theta))
    _, s_vals, Vt = np.linalg.svd(W2)
    if s_vals.size == W2.shape[1] and s_vals[-1] > 1e-10 * max(s_vals[0], 1e-300):
        return None
    v = Vt[-1]
    i, j = np.unravel_index(int(np.argmax(np.abs(G))), G.shape)
    c = float(G[i, j])
    if c == 0.0:
        return None
    e_i, e_j = np.eye(G.shape[0])[i], np.eye(G.shape[1])[j]
    d2 = L.layout.flatten([np.zeros_like(W1), np.outer(e_i, v)])
    q0 = float(d2 @ L.hvp(theta, d2))
    slope = 2.0 * float(v @ v) * c
    alpha = -(q0 + abs(slope)) / slope
    d = L.layout.flatten([alpha * np.outer(v, e_j), np.outer(e_i, v)])
    return float(d @ L.hvp(theta, d)) / float(d @ d)


def _measure_strict(ev: Evidence, claim_id: str, points: list[tuple[Landscape, np.ndarray, str]]) -> int:
    """Every non-global stationary point must be a strict saddle: λ_min(∇²Φ) < −1e-8·‖H‖ beyond
    its error bound (dense ``eigh``). Returns the number of strict saddles."""
    n_strict = 0
    for L, theta, name in points:
        cl = classify(L, theta)
        row = {"point": name, "label": cl.label, "lambda min": cl.spectrum.lam_min if cl.spectrum else None}
        if cl.label in UNSETTLED:
            ev.unsettled(f"label {cl.label}", {**row, "reason": cl.reason})
            continue
        ev.settled()
        if cl.label == Label.GLOBAL_MINIMUM:
            continue
        if cl.label == Label.STRICT_SADDLE:
            n_strict += 1
            s = cl.spectrum
            ev.calls.append(ClosestCall.above(name, NEG_CURVATURE, -s.lam_min - s.err_min,
                                              s.zero_tol))
            curv = _depth2_direction_curvature(L, theta) if L.model.depth == 2 else None
            row["proof direction curvature"] = curv
        else:
            ev.violation(row, _label_counterexample(claim_id, L, theta, cl, name))
        ev.rows.append(row)
    return n_strict


@claim("L-DEPTH2-STRICT", control="depth 3 (3,3,3,3), squared loss: the origin is a non-global stationary "
       "point with ∇²Φ = 0, a non-strict saddle ⇒ refuted")
def check_depth2_strict(ctx: CheckContext) -> Outcome:
    """Depth 2, square d×d: every non-global stationary point (enumerated, found) is a strict saddle,
    decided by λ_min of the dense Hessian; the proof's direction curvature is reported as evidence."""
    ev = Evidence()
    d = 3
    squared = _deep_linear((d, d, d), {"samples": 60, "seed": ctx.seed})
    ce = _deep_linear((d, d, d), {"generator": "softmax", "samples": 90, "seed": ctx.seed}, {"name": "cross-entropy"})
    points = [(squared, pt.point, f"squared Γ={tuple(pt.subset or ())}")
              for pt in enumerate_critical_points(squared, seed=ctx.seed)]
    points.append((ce, np.zeros(ce.n_params), "cross-entropy origin"))
    for s in range(1 if ctx.quick else 3):
        theta, status, retried = _settle_critical(squared, squared.model.random_point(ctx.seed + 50 + s))
        ev.retried += retried
        if status.startswith("converged"):
            points.append((squared, theta, f"squared Newton-MR start {s}"))
        else:
            ev.unsettled(status, {"point": f"squared Newton-MR start {s}", "status": status})
    n_strict = _measure_strict(ev, "L-DEPTH2-STRICT", points)
    curvs = [r["proof direction curvature"] for r in ev.rows if r.get("proof direction curvature") is not None]
    status = ev.status()
    cc = ev.closest()
    return Outcome(status, f"{n_strict} non-global stationary points, all strict saddles"
                   + (f" (min −λ_min margin {cc.margin:.2g}×)" if cc else "") if status is Status.HOLDS else
                   f"{len(ev.failures)} non-global stationary points without negative curvature",
                   "λ_min < −1e-8·‖H‖ beyond its error bound (dense eigh)",
                   reason=("every non-global stationary point has a direction of negative curvature"
                           if status is Status.HOLDS else "a non-global stationary point has λ_min ≥ −tol"),
                   evidence={"failures": ev.failures, "excluded": ev.excluded[:10],
                             "proof direction curvature (max, per unit ‖Δ‖²)": max(curvs) if curvs else None,
                             "proof direction found at": f"{len(curvs)}/{n_strict} strict saddles"},
                   instances=ev.rows, tally=ev.tally(), closest_call=cc, control=_depth2_control(ctx),
                   counterexamples=ev.counterexamples, series={"margins": ev.margins(NEG_CURVATURE, "above")})


def _depth2_control(ctx: CheckContext) -> Control:
    L = _deep_linear((3, 3, 3, 3), {"samples": 60, "seed": ctx.seed})
    net = L.model
    ev = Evidence()
    _measure_strict(ev, "L-DEPTH2-STRICT", [(L, net.zeros(), "depth-3 origin")])
    return Control(instance="depth 3 (3,3,3,3), squared loss, the origin", violated="depth 2",
                   status=ev.status(), figure=f"origin: {ev.rows[0]['label'] if ev.rows else 'unsettled'}")


# ----------------------------------------------------------------------------------------------
# L-NO-BAD-MIN, D-QUADRATIC, D-FULLRANK


def _no_bad_min_instances(ctx: CheckContext) -> list[tuple[str, Landscape]]:
    s = ctx.seed
    return [
        ("squared (3,4,3,2)", _deep_linear((3, 4, 3, 2), {"samples": 40, "seed": s})),
        ("logistic (3,3,1)", _deep_linear((3, 3, 1), {"generator": "logistic", "samples": 60, "seed": s},
                                          {"name": "logistic"})),
        ("huber (3,3,3,2)", _deep_linear((3, 3, 3, 2), {"samples": 40, "noise": 0.5, "seed": s},
                                         {"name": "huber", "delta": 0.5})),
        ("cross-entropy (3,3,3)", _deep_linear((3, 3, 3), {"generator": "softmax", "samples": 60, "seed": s},
                                               {"name": "cross-entropy"})),
    ]


def _first_margins(ev: Evidence, *quantities: str) -> dict[str, Any]:
    """``series["margins"]`` for the first of ``quantities`` with a recorded call (the deciding one)."""
    kinds = {NEG_CURVATURE: "above", GAP: "below", GAP_REACHED: "below"}
    for q in quantities:
        if any(c.quantity == q for c in ev.calls):
            return ev.margins(q, kinds[q])
    return ev.margins(quantities[0], kinds[quantities[0]])


def _minima_outcome(ev: Evidence, what: str, tolerance: str, control: Control) -> Outcome:
    labels = Counter(r["label"] for r in ev.rows)
    status = ev.status()
    return Outcome(status, f"{labels['global minimum']}/{len(ev.rows)} runs certified global {what}; "
                   f"{labels['spurious local minimum']} spurious", tolerance,
                   reason=("every settled run ended at a certified global minimum" if status is Status.HOLDS
                           else "a run ended at a certified spurious local minimum"),
                   evidence={"labels": dict(labels), "failures": ev.failures, "excluded": ev.excluded[:5]},
                   instances=ev.rows, tally=ev.tally(), closest_call=ev.closest(), control=control,
                   counterexamples=ev.counterexamples,
                   series={"margins": _first_margins(ev, GAP_REACHED, GAP, NEG_CURVATURE)})


@claim("L-NO-BAD-MIN", control="tilted double-well loss ((z−y)²−1)² + 0.3(z−y) (ℓ non-convex) on the scalar "
       "net (1,1,1): the run from θ = (1,1) ends at a spurious local minimum ⇒ refuted")
def check_no_bad_min(ctx: CheckContext) -> Outcome:
    """Random starts → L-BFGS (+ Newton-MR polish, retry) → classify; every minimum reached is global."""
    starts = 2 if ctx.quick else 4
    ev = Evidence()
    for c, (name, L) in enumerate(_no_bad_min_instances(ctx)):
        _measure_minima(ev, "L-NO-BAD-MIN", L, [L.model.random_point(ctx.seed + 31 * c + s) for s in range(starts)],
                        name, ctx.seed)
    return _minima_outcome(ev, "(4 convex losses)", "loss gap ≤ 1e-9(1+|Φ*|) closed form, 1e-7 numerical optimum",
                           _double_well_control("L-NO-BAD-MIN", (1, 1, 1), "ℓ convex"))


@claim("D-QUADRATIC", control="the same widths-and-starts check with the squared loss replaced by a tilted "
       "double well, net (1,1,1,1): a spurious local minimum ⇒ refuted")
def check_quadratic(ctx: CheckContext) -> Outcome:
    """Squared loss, awkward data (singular XXᵀ, repeated eigenvalues) and bottlenecks: minima reached are global."""
    s = ctx.seed
    instances = [
        ("rank-deficient XXᵀ, (5,3,4)", (5, 3, 4),
         {"generator": "rank-deficient", "samples": 40, "rank": 2, "seed": s}),
        ("repeated eigenvalues, (4,2,3,4)", (4, 2, 3, 4),
         {"generator": "repeated-eigenvalue", "samples": 30, "seed": s}),
        ("bottleneck, (5,2,4,5)", (5, 2, 4, 5), {"samples": 40, "seed": s}),
    ]
    starts = 2 if ctx.quick else 4
    ev = Evidence()
    for c, (name, widths, data) in enumerate(instances):
        L = _deep_linear(widths, data)
        net = L.model
        _measure_minima(ev, "D-QUADRATIC", L, [net.random_point(s + 17 * c + k) for k in range(starts)], name, s)
    return _minima_outcome(ev, "on singular/repeated/bottleneck data", "loss gap ≤ 1e-9(1+|Φ*|), Eckart–Young optimum",
                           _double_well_control("D-QUADRATIC", (1, 1, 1, 1), "squared loss"))


def _rank_deficient(L: Landscape, theta: np.ndarray) -> bool:
    return any(np.linalg.matrix_rank(W, tol=1e-9 * max(1.0, np.abs(W).max())) < min(W.shape) for W in L.blocks(theta))


def _measure_no_spurious(ev: Evidence, claim_id: str, L: Landscape, points: list[tuple[np.ndarray, str]]) -> None:
    """No point among ``points`` is a certified spurious local minimum; global minima and strict
    saddles record their margins."""
    for theta, where in points:
        cl = classify(L, theta)
        row = {"instance": where, "label": cl.label}
        ev.rows.append(row)
        if cl.label in UNSETTLED:
            ev.unsettled(f"label {cl.label}", {**row, "reason": cl.reason})
            continue
        ev.settled()
        if cl.label == Label.SPURIOUS_LOCAL_MINIMUM:
            ev.violation(row, _label_counterexample(claim_id, L, theta, cl, where))
        elif cl.label == Label.STRICT_SADDLE:
            s = cl.spectrum
            ev.calls.append(ClosestCall.above(where, NEG_CURVATURE, -s.lam_min - s.err_min,
                                              s.zero_tol))
        elif cl.label == Label.GLOBAL_MINIMUM and cl.gap is not None:
            ev.calls.append(ClosestCall.below(where, GAP, abs(cl.gap), cl.gap_tol))


@claim("D-FULLRANK", control="the same classification on the minima reached on a tilted double-well scalar net "
       "(1,1,1) (ℓ non-convex, rank filter dropped): a spurious local minimum ⇒ refuted")
def check_fullrank(ctx: CheckContext) -> Outcome:
    """Rank-deficient critical points (enumerated, incl. bottlenecks and depth 3) are global or saddles."""
    cases = [(4, 2, 4), (4, 3, 2, 4), (3, 3, 3, 3)] if ctx.quick else [(4, 2, 4), (5, 3, 4), (4, 3, 2, 4),
                                                                       (3, 3, 3, 3), (3, 4, 2, 3, 3)]
    ev = Evidence()
    for c, widths in enumerate(cases):
        L = _deep_linear(widths, {"samples": 50, "seed": ctx.seed + c})
        points = [(pt.point, f"{widths} Γ={tuple(pt.subset or ())}")
                  for pt in enumerate_critical_points(L, seed=ctx.seed) if _rank_deficient(L, pt.point)]
        _measure_no_spurious(ev, "D-FULLRANK", L, points)
    labels = Counter(r["label"] for r in ev.rows)
    dw = _double_well_landscape((1, 1, 1))
    control_ev = Evidence()
    _measure_no_spurious(control_ev, "D-FULLRANK", dw, [(_minimise(dw, x0), f"double well from {x0.tolist()}")
                                                        for x0 in (np.ones(2), -0.5 * np.ones(2))])
    status = ev.status()
    return Outcome(status, f"{sum(labels.values())} rank-deficient critical points: {labels['global minimum']} "
                   f"global, {labels['strict saddle']} strict, {labels['non-strict saddle']} non-strict saddles",
                   "labels by classify (gradient 1e-8, eigenvalue 1e-8·‖H‖, loss 1e-9)",
                   reason=("no rank-deficient critical point is a spurious local minimum" if status is Status.HOLDS
                           else "a rank-deficient critical point is a certified spurious local minimum"),
                   evidence={"labels": dict(labels), "failures": ev.failures, "excluded": ev.excluded[:5]},
                   instances=ev.rows, tally=ev.tally(), closest_call=ev.closest(),
                   control=Control(instance="scalar net (1,1,1), one sample, tilted double-well loss, minima from ±1",
                                   violated="ℓ convex (a spurious minimum exists; it has full rank)",
                                   status=control_ev.status(),
                                   figure=", ".join(r["label"] for r in control_ev.rows)),
                   counterexamples=ev.counterexamples, series={"margins": _first_margins(ev, NEG_CURVATURE, GAP)})


# ----------------------------------------------------------------------------------------------
# S-CRIT-CLAIM (expected refuted)

#: ‖E‖_F / max(1, ‖R‖_F) above this at a critical point means E ≠ 0.
E_TOL = 1e-6


def _report_landscape(R: np.ndarray, Sigma: np.ndarray) -> Landscape:
    """The report's 3-layer d×d net A₃A₂A₁ on the population y = Rx + ε (project report)."""
    d = R.shape[0]
    return _deep_linear((d, d, d, d), {"population": {"R": R.tolist(), "Sigma": Sigma.tolist(), "noise_var": 1.0}})


def _measure_crit_claim(ev: Evidence, L: Landscape, points: list[tuple[np.ndarray, str]], invertible: bool) -> None:
    """At each critical point (polished to a relative gradient ≤ 1e-12) whose layers satisfy the
    hypothesis — every A_i ≠ 0 (the report's), or every A_i invertible (the corrected one:
    σ_min(A_i) ≥ 1e-3·‖R‖^⅓) — E = A₃A₂A₁ − R must vanish: ‖E‖/max(1,‖R‖) ≤ 1e-6.

    For the corrected hypothesis the gradient bounds E: ‖E‖ ≤ ‖∂f/∂A₂‖ / (σ_min(A₃)σ_min(A₁)λ_min(Σ));
    a point where that bound is not below the tolerance is excluded as unconverged.
    """
    R, Sigma = L.data.R, L.data.Sigma
    scale = max(1.0, float(np.linalg.norm(R)))
    layer = 1e-3 * max(float(np.linalg.norm(R, 2)), 1e-300) ** (1 / 3)
    for theta, where in points:
        theta, rel_grad = _polish_hard(L, theta)
        A = L.blocks(theta)
        row = {"instance": where, "relative gradient": rel_grad,
               "min σ_min(A_i)": min(float(np.linalg.svd(a, compute_uv=False)[-1]) for a in A),
               "min ‖A_i‖": min(float(np.linalg.norm(a)) for a in A)}
        if (row["min σ_min(A_i)"] < layer) if invertible else (row["min ‖A_i‖"] <= 1e-8 * layer * 1e3):
            continue  # outside the hypothesis: not an instance of the statement
        if rel_grad > 10 * POLISH_GTOL:
            ev.unsettled("not critical after Newton-MR polish", row)
            continue
        if invertible:
            g2 = A[2].T @ (L.end_to_end(theta) - R) @ Sigma @ A[0].T
            sig = np.linalg.svd(A[0], compute_uv=False)[-1] * np.linalg.svd(A[2], compute_uv=False)[-1]
            bound = float(np.linalg.norm(g2)) / (sig * float(np.linalg.eigvalsh(Sigma)[0])) / scale
            row["E bound from the gradient"] = bound
            if bound > E_TOL / 10:
                ev.unsettled("gradient too large to bound E", row)
                continue
        ev.settled()
        e = float(np.linalg.norm(L.end_to_end(theta) - R)) / scale
        row["‖E‖/max(1,‖R‖)"] = e
        ev.rows.append(row)
        if e > E_TOL:
            ev.calls.append(ClosestCall.above(where, "‖E‖/max(1,‖R‖) at a critical point", e, E_TOL))
            A1, A2, A3 = A
            ev.violation(row, Counterexample(
                claim="S-CRIT-CLAIM", verifier="S-CRIT-CLAIM:critical-E",
                problem={"model": "3-layer linear A₃A₂A₁, d×d", "loss": "population ½‖EΣ^½‖² + C",
                         "instance": where},
                arrays={"R": R, "Sigma": Sigma, "A1": A1, "A2": A2, "A3": A3},
                quantity="‖E‖/max(1,‖R‖) at a critical point with every A_i ≠ 0", measured=e, threshold=E_TOL))
        else:
            ev.calls.append(ClosestCall.below(where, "‖E‖/max(1,‖R‖) at a critical point", e, E_TOL))


def _rank_one_point(rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray]]:
    """R = Q diag(r₁, r₂) Qᵀ (r₁ > r₂ > 0, Q a random rotation) and A_i = Q diag(r₁^⅓, 0) Qᵀ:
    a critical point of f with Σ = I, every A_i ≠ 0 and E = −r₂ q₂q₂ᵀ ≠ 0."""
    r2, r1 = np.sort(rng.uniform(0.5, 3.0, 2))
    Q, _ = np.linalg.qr(rng.standard_normal((2, 2)))
    R = Q @ np.diag([r1, r2]) @ Q.T
    A = Q @ np.diag([r1 ** (1 / 3), 0.0]) @ Q.T
    return R, [A, A.copy(), A.copy()]


@claim("S-CRIT-CLAIM", control="the corrected hypothesis (every A_i invertible, σ_min ≥ 1e-3·‖R‖^⅓) on the same "
       "search plus random instances: E = 0 at every critical point ⇒ holds")
def check_crit_claim(ctx: CheckContext) -> Outcome:
    """Critical points with every A_i ≠ 0 and E ≠ 0 refute the claim (a rank-one point built from
    R's eigenvectors, and the analytic list); the corrected statement — every A_i invertible ⇒
    E = 0 — is checked on the same points and at points found by Newton-MR/L-BFGS."""
    rng = ctx.rng(3)
    R, A = _rank_one_point(ctx.rng(11))
    L = _report_landscape(R, np.eye(2))
    points = [(L.layout.flatten(A), "A_i = Q diag(r₁^⅓, 0) Qᵀ")]
    points += [(pt.point, f"analytic {pt.name}") for pt in enumerate_critical_points(L, seed=None,
                                                                                    include_zero_layers=False)]
    ev = Evidence()
    _measure_crit_claim(ev, L, points, invertible=False)
    fixed = Evidence()
    _measure_crit_claim(fixed, L, points, invertible=True)
    for k in range(3 if ctx.quick else 6):
        d = 2 + k % 2
        Rk = rng.standard_normal((d, d))
        B = rng.standard_normal((d, d))
        Lk = _report_landscape(Rk, B @ B.T + 0.5 * np.eye(d))
        x0 = Lk.model.random_point(ctx.seed + k)
        found = [(_settle_critical(Lk, x0, retry=100)[0], f"instance {k} Newton-MR"),
                 (_minimise(Lk, x0), f"instance {k} L-BFGS")]
        _measure_crit_claim(fixed, Lk, found, invertible=True)
    fixed_status = fixed.status() if fixed.tally().unconverged_share <= ctx.max_unconverged else Status.INCONCLUSIVE
    worst_fixed = max((r["‖E‖/max(1,‖R‖)"] for r in fixed.rows), default=float("nan"))
    fixed_figure = (f"{fixed.converged} critical points with every A_i invertible, max ‖E‖/max(1,‖R‖) "
                    f"{worst_fixed:.1e} ({fixed.unconverged} excluded)")
    status = ev.status()
    worst = max((r["‖E‖/max(1,‖R‖)"] for r in ev.rows), default=0.0)
    return Outcome(
        status, f"{len(ev.failures)}/{ev.converged} critical points with every A_i ≠ 0 have E ≠ 0 "
        f"(max ‖E‖/max(1,‖R‖) {worst:.2g}); corrected statement {fixed_status}",
        f"critical: ‖∇f‖ ≤ 1e-12·max(1,f) after Newton-MR; E ≠ 0: ‖E‖/max(1,‖R‖) > {E_TOL:g}",
        reason=("A_i ≠ 0 does not make ∂f/∂A₂ = A₃ᵀEΣA₁ᵀ = 0 force E = 0: singular A_i can annihilate E, "
                "so non-global critical points with nonzero layers exist" if status is Status.REFUTED else
                "no critical point with every A_i ≠ 0 and E ≠ 0 was found"),
        evidence={"failures": ev.failures[:5], "corrected": {"rows": fixed.rows[:10], "excluded": fixed.excluded[:5]}},
        instances=ev.rows, tally=ev.tally(),
        closest_call=closest(c for c in ev.calls if c.quantity.startswith("‖E‖")) if status is Status.REFUTED
        else ev.closest(),
        control=Control(instance="the same points and 6 random (R, Σ) instances, hypothesis: every A_i invertible",
                        violated="the claim's hypothesis is strengthened to the corrected one, so the check must "
                                 "say holds", status=fixed_status, figure=fixed_figure),
        counterexamples=ev.counterexamples,
        series={"margins": ev.margins("‖E‖/max(1,‖R‖) at a critical point", "above")},
        corrected=Corrected(statement="at a critical point with A₁ and A₃ invertible (Σ ≻ 0), "
                                      "A₃ᵀEΣA₁ᵀ = 0 forces E = 0: every such critical point is global",
                            status=fixed_status, figure=fixed_figure))


@verifier("S-CRIT-CLAIM:critical-E")
def verify_crit_claim(problem: dict, arrays: dict[str, np.ndarray]) -> Remeasure:
    """Second route: Newton-MR polish of (A₁, A₂, A₃) on a rebuilt population landscape, then the
    full gradient of f(A) = ½ tr(EΣEᵀ) by 50-digit mpmath central differences (no closed form),
    E in 50 digits, and the dense Hessian's λ_min. Measured: ‖E‖/max(1,‖R‖) if the point is
    critical to 1e-12·max(1,f) and every ‖A_i‖ > 1e-8, else 0."""
    R, Sigma = arrays["R"], arrays["Sigma"]
    L = _report_landscape(R, Sigma)
    theta, rel_grad = _polish_hard(L, L.layout.flatten([arrays["A1"], arrays["A2"], arrays["A3"]]))
    d = R.shape[0]
    Rm, Sm = mp_matrix(R), mp_matrix(Sigma)

    def blocks(x: list) -> list:
        out = []
        for b in range(3):
            M = mpmath.matrix(d, d)
            for i in range(d):
                for j in range(d):
                    M[i, j] = x[b * d * d + i * d + j]
            out.append(M)
        return out

    def f(x: list) -> object:
        A1, A2, A3 = blocks(x)
        E = A3 * A2 * A1 - Rm
        M = E * Sm * E.T
        return sum(M[i, i] for i in range(d)) / 2

    flat = np.concatenate([b.ravel() for b in L.blocks(theta)])
    grad = mp_central_gradient(f, flat)
    value = float(f([mpmath.mpf(float(v)) for v in flat]))
    A1, A2, A3 = blocks([mpmath.mpf(float(v)) for v in flat])
    E = A3 * A2 * A1 - Rm
    e = float(mpmath.mnorm(E, "f")) / max(1.0, float(np.linalg.norm(R)))
    g_rel = float(np.linalg.norm(grad)) / max(1.0, abs(value))
    lam_min = float(np.linalg.eigvalsh(L.hessian(theta))[0])
    nonzero = all(float(np.linalg.norm(b)) > 1e-8 for b in L.blocks(theta))
    critical = g_rel <= 10 * POLISH_GTOL
    return Remeasure(e if critical and nonzero else 0.0, E_TOL,
                     f"Newton-MR polish (‖∇f‖/max(1,f) = {rel_grad:.1e}), 50-digit mpmath central-difference "
                     f"gradient ({g_rel:.1e} relative), ‖E‖ in 50 digits, dense Hessian λ_min {lam_min:.2e}",
                     {"relative_gradient_mp": g_rel, "lambda_min": lam_min, "all_layers_nonzero": nonzero})
