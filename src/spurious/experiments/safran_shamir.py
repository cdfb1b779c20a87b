"""The Safran–Shamir experiment (SS18 §4, Table 1): how often does GD end at a spurious minimum?

Protocol (SS18 §4, as restated in issue 17):

- teacher V = I_k (orthonormal, d = k), student of n neurons (n = k, and n = k + 1 for the
  over-parameterised column);
- initialisation W = randn(n, d)/√d, one array for all starts (``starts`` runs in one batch);
- plain gradient descent with step η = 0.1 on the closed-form population loss F; a run that
  blows up (non-finite or ‖W‖ > ``BLOW_UP``·‖W₀‖) is restarted from its own W₀ with η halved;
- stopped when the largest per-neuron gradient norm maxᵢ ‖∇_{wᵢ}F‖ ≤ ``gtol`` (1e-9);
- a run is *bad* when it stops with F ≥ ``bad_loss`` (1e-3).

Finishing by Newton (the issue allows it "only inside a region where they provably stay in the
same basin"): once GD has reached maxᵢ‖∇_{wᵢ}F‖ ≤ ``newton_gtol`` at x₀ and the Hessian there is
positive definite with λ_min = μ, Newton steps are taken with the accurate derivatives. They are
accepted only when every iterate stays in the ball B(x₀, r), r = 8‖∇F(x₀)‖/μ, and the Hessian
stays positive definite with λ_min ≥ μ/2 at every iterate. The reason: if H ⪰ μ/2 on the whole
ball, then on its sphere F(x) ≥ F(x₀) − ‖∇F(x₀)‖r + μr²/4 = F(x₀) + ‖∇F(x₀)‖r > F(x₀), so F has a
unique minimiser inside the ball, which GD from x₀ (a descent method on a strongly convex region)
also reaches: the same basin. Here the ball condition is checked at the iterates in floating point;
:mod:`spurious.critical.rigorous` proves it with interval arithmetic for the minima reported as
certified. A run whose Newton finish is rejected continues with plain GD.

Stopping good runs early: with n = k + 1 the global minima are not isolated (one teacher neuron
split into parallel parts, where F is C² but not C³) and GD approaches them sublinearly, so the
1e-9 gradient rule can take millions of steps. A run is therefore also stopped, and counted good,
once F ≤ ``GOOD_LOSS`` (1e-6, three orders below the bad threshold): near the global minima
λ_max(∇²F) ≈ 2.1…6.0 for k = 6…20 (n = k, k + 1), so η = 0.1 < 1/λ_max makes GD a descent method
there (descent lemma) and such a run cannot end with F ≥ 1e-3. The table counts these runs
("stopped at F ≤ 1e-6").

The rates are compared with the published ones by a two-sample test per row: with our count
x₁ of n₁ runs and the published rate p₂ of n₂ = 1000 runs, the row agrees when the 99 % interval
of p₁ − p₂ (Newcombe's hybrid score interval from the two Wilson intervals) contains 0.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import binomtest, norm

from ..errors import InputError
from ..models.relu_population import ReluPopulation
from ..symmetry import families

__all__ = ["PUBLISHED", "RowResult", "polish", "run_row", "run_table", "agreement_band", "format_table"]

PUBLISHED: dict[tuple[int, int], float] = {
    (6, 6): 0.003, (7, 7): 0.055, (8, 8): 0.126, (9, 9): 0.218, (10, 10): 0.346,
}
"""Bad-run rates of SS18 Table 1 (1000 runs each) as quoted in issue 17. The remaining rows of
Table 1 (k = 11…20, and n = k + 1) could not be retrieved from the stored references."""
PUBLISHED_RUNS = 1000
STEP = 0.1
GTOL = 1e-9
BAD_LOSS = 1e-3
BLOW_UP = 1e3
GOOD_LOSS = 1e-6
"""A run whose loss reaches GOOD_LOSS is stopped and counted good (see the module docstring)."""


@dataclass
class RowResult:
    """One (k, n) row: counts, the interval and the comparison with the paper."""

    k: int
    n: int
    starts: int
    bad: int
    good: int
    unconverged: int
    newton_finished: int
    stopped_good: int
    restarts: int
    steps_max: int
    seconds: float
    interval: tuple[float, float]
    published: float | None = None
    band: tuple[float, float] | None = None
    bad_losses: np.ndarray = field(default_factory=lambda: np.zeros(0))
    bad_points: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))
    families: list[tuple[float, int, str]] = field(default_factory=list)   # (loss, count, isotropy)

    @property
    def rate(self) -> float:
        """Bad runs over converged runs."""
        return self.bad / max(self.bad + self.good, 1)

    @property
    def agrees(self) -> bool | None:
        """0 inside the 99 % band of (ours − published); None without a published rate."""
        return None if self.band is None else bool(self.band[0] <= 0.0 <= self.band[1])


def per_neuron_gradient_norm(G: np.ndarray) -> np.ndarray:
    """maxᵢ ‖∇_{wᵢ}F‖ for a batch of gradients (B, n, d): (B,)."""
    return np.linalg.norm(G, axis=-1).max(axis=-1)


def _newton_finish(model: ReluPopulation, W: np.ndarray, gtol: float, max_steps: int = 8) -> np.ndarray | None:
    """Newton from W (n, d) to maxᵢ‖∇ᵢF‖ ≤ gtol inside B(W, 8‖∇F‖/μ) with H ⪰ μ/2 at every
    iterate (see the module docstring); None when any of these fails."""
    g0 = model.gradient(W)
    lam = np.linalg.eigvalsh(model.hessian(W))
    mu = float(lam[0])
    if mu <= 0:
        return None
    radius = 8.0 * float(np.linalg.norm(g0)) / mu
    x = W.copy()
    for _ in range(max_steps):
        g = model.gradient(x)
        if per_neuron_gradient_norm(g[None])[0] <= gtol:
            return x
        H = model.hessian(x)
        if float(np.linalg.eigvalsh(H)[0]) < 0.5 * mu:
            return None
        x = x - np.linalg.solve(H, g.ravel()).reshape(x.shape)
        if float(np.linalg.norm(x - W)) > radius:
            return None
    return x if per_neuron_gradient_norm(model.gradient(x)[None])[0] <= gtol else None


def polish(model: ReluPopulation, W: np.ndarray, steps: int = 3) -> np.ndarray:
    """Up to ``steps`` plain Newton steps with the accurate closed forms (before a certificate: the
    certificate's radius, and with it the interval overestimation, scales with ‖∇F‖)."""
    x = np.array(W, dtype=np.float64)
    for _ in range(steps):
        g = model.gradient(x).ravel()
        step = np.linalg.solve(model.hessian(x), g).reshape(x.shape)
        if not np.all(np.isfinite(step)):
            break
        trial = x - step
        if np.linalg.norm(model.gradient(trial)) >= np.linalg.norm(g):
            break
        x = trial
    return x


def run_row(k: int, n: int, starts: int = 1000, seed: int = 0, *, step: float = STEP, gtol: float = GTOL,
            bad_loss: float = BAD_LOSS, max_steps: int = 200_000, newton_gtol: float = 1e-6,
            check_every: int = 50, stop_at_first_bad: bool = False, good_loss: float = GOOD_LOSS) -> RowResult:
    """Run the protocol for one (k, n): ``starts`` GD runs in one batch (module docstring).

    ``stop_at_first_bad``: stop the whole batch once one run has finished with F ≥ ``bad_loss``
    (to find a spurious minimum fast; the counts are then of the runs finished so far and are
    not a rate, and ``unconverged`` counts the runs still going when the batch stopped).
    """
    if n < k:
        raise InputError("n", f"the protocol fits k = {k} teacher neurons with n ≥ k students, got n = {n}")
    model = ReluPopulation(k, n, k)
    t0 = time.perf_counter()
    W0 = model.initial_points(starts, seed=seed)
    W = W0.copy()
    eta = np.full(starts, float(step))
    active = np.ones(starts, dtype=bool)
    finished_by_newton = np.zeros(starts, dtype=bool)
    restarts = 0
    scale0 = np.linalg.norm(W0, axis=(-1, -2))
    steps = 0
    found_bad = False
    stopped_good = np.zeros(starts, dtype=bool)
    while active.any() and steps < max_steps and not (stop_at_first_bad and found_bad):
        idx = np.flatnonzero(active)
        G = model.fast_gradient(W[idx])
        gmax = per_neuron_gradient_norm(G)
        done = gmax <= gtol
        active[idx[done]] = False
        if stop_at_first_bad and done.any():
            found_bad = found_bad or bool(np.any(np.asarray(model.value(W[idx[done]])) >= bad_loss))
        keep = ~done
        idx, G = idx[keep], G[keep]
        W[idx] -= eta[idx, None, None] * G
        steps += 1
        blown = np.zeros(idx.size, dtype=bool)
        if steps % check_every == 0:
            size = np.linalg.norm(W[idx], axis=(-1, -2))
            blown = ~np.isfinite(size) | (size > BLOW_UP * scale0[idx]) | ~np.isfinite(gmax[keep])
        if blown.any():
            b = idx[blown]
            W[b] = W0[b]
            eta[b] *= 0.5
            restarts += int(blown.sum())
        if steps % check_every == 0:
            low = np.asarray(model.value(W[idx], accurate=False)) <= good_loss
            active[idx[low]] = False
            stopped_good[idx[low]] = True
            near = idx[(gmax[keep] <= newton_gtol) & ~blown & ~low]
            for i in near:
                x = _newton_finish(model, W[i], gtol)
                if x is not None:
                    W[i] = x
                    active[i] = False
                    finished_by_newton[i] = True
                    found_bad = found_bad or model.value(x) >= bad_loss
    converged = ~active
    F = np.asarray(model.value(W))
    bad_mask = converged & (F >= bad_loss)
    bad = int(bad_mask.sum())
    good = int((converged & (F < bad_loss)).sum())
    total = bad + good
    ci = binomtest(bad, total).proportion_ci(0.95, method="exact") if total else None
    row = RowResult(k=k, n=n, starts=starts, bad=bad, good=good, unconverged=int(active.sum()),
                    newton_finished=int(finished_by_newton.sum()), stopped_good=int(stopped_good.sum()),
                    restarts=restarts, steps_max=steps,
                    seconds=time.perf_counter() - t0,
                    interval=(float(ci.low), float(ci.high)) if ci is not None else (0.0, 1.0),
                    bad_losses=F[bad_mask], bad_points=W[bad_mask],
                    families=[(f.loss, f.count, f.isotropy) for f in families(W[bad_mask], F[bad_mask], tol=1e-5)])
    published = PUBLISHED.get((k, n))
    if published is not None and total:
        row.published = published
        row.band = agreement_band(bad, total, published, PUBLISHED_RUNS, level=0.99)
    return row


def _wilson(x: int, m: int, z: float) -> tuple[float, float]:
    p = x / m
    centre = (p + z * z / (2 * m)) / (1 + z * z / m)
    half = z * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / (1 + z * z / m)
    return centre - half, centre + half


def agreement_band(x1: int, n1: int, p2: float, n2: int, level: float = 0.99) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p₁ − p₂ (two independent binomial samples) at ``level``."""
    z = float(norm.ppf(0.5 + level / 2))
    x2 = int(round(p2 * n2))
    p1h, p2h = x1 / n1, x2 / n2
    l1, u1 = _wilson(x1, n1, z)
    l2, u2 = _wilson(x2, n2, z)
    d = p1h - p2h
    lower = d - np.sqrt((p1h - l1) ** 2 + (u2 - p2h) ** 2)
    upper = d + np.sqrt((u1 - p1h) ** 2 + (p2h - l2) ** 2)
    return float(lower), float(upper)


def run_table(ks: range | list[int] = range(6, 21), extra: tuple[int, ...] = (0, 1), starts: int = 1000,
              seed: int = 0, **options) -> list[RowResult]:
    """All rows (k, k + e) for k in ``ks`` and e in ``extra``."""
    return [run_row(k, k + e, starts, seed=seed + 1000 * k + e, **options) for k in ks for e in extra]


def _families_text(row: RowResult) -> str:
    return "; ".join(f"{loss:.6f} ({count}, {iso})" for loss, count, iso in sorted(row.families)) or "—"


def format_table(rows: list[RowResult]) -> str:
    """A Markdown table: ours (95 % Clopper–Pearson) beside the paper, the 99 % band and the verdict."""
    head = ("| k | n | bad / converged | rate | 95 % CP interval | paper | 99 % band (ours − paper) | agrees |"
            " unconverged | Newton-finished | stopped at F ≤ 1e-6 | time (s) | bad families: F (count, isotropy) |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in rows:
        paper = "—" if r.published is None else f"{100 * r.published:.1f} %"
        band = "—" if r.band is None else f"[{100 * r.band[0]:+.1f}, {100 * r.band[1]:+.1f}] pp"
        agrees = "—" if r.agrees is None else ("yes" if r.agrees else "NO")
        lines.append(f"| {r.k} | {r.n} | {r.bad} / {r.bad + r.good} | {100 * r.rate:.1f} % | "
                     f"[{100 * r.interval[0]:.1f}, {100 * r.interval[1]:.1f}] % | {paper} | {band} | {agrees} | "
                     f"{r.unconverged} | {r.newton_finished} | {r.stopped_good} | {r.seconds:.0f} | "
                     f"{_families_text(r)} |")
    return "\n".join(lines)
