"""The analytic class of one point, found lazily (no enumeration of the ~C(d, p) classes).

For a deep linear network under the squared loss every critical point has end-to-end matrix
P_S W* for an index set S of eigenvectors of Σ = W* C W*ᵀ = U diag(λ) Uᵀ (Kawaguchi slides, Baldi–Hornik;
Kawaguchi). Row i of Uᵀ W is then row i of Uᵀ W* when i ∈ S and 0 otherwise, so S is read off
the point: S = {i : λ_i > 0, ‖(Uᵀ W)_i‖ > ½ ‖(Uᵀ W*)_i‖}. The class is accepted only when its
predicted loss equals the point's loss within ``tolerances.loss_numerical``·(1 + |Φ|) (the point is found numerically).
"""

from __future__ import annotations

import numpy as np

from ..tolerances import DEFAULT, Tolerances
from .analytic import AnalyticCriticalPoint, SigmaEigensystem, critical_point_for, linear_network, sigma_eigensystem

__all__ = ["analytic_class"]


def analytic_class(landscape, point: object, eig: SigmaEigensystem | None = None, *,
                   tolerances: Tolerances = DEFAULT, seed: int = 0) -> AnalyticCriticalPoint | None:
    """The analytic critical point whose class (index set S) matches ``point``, or None.

    Cost: one d_N×d_N eigen-decomposition (reusable through ``eig``) and one product, whatever
    the number of classes.
    """
    eig = sigma_eigensystem(landscape) if eig is None else eig
    theta = landscape.point(point)
    W = landscape.end_to_end(theta)
    rows = np.linalg.norm(eig.U.T @ W, axis=1)
    full = np.linalg.norm(eig.U.T @ eig.W_star, axis=1)
    subset = tuple(i for i in eig.positive if rows[i] > 0.5 * full[i])
    if len(subset) > linear_network(landscape).model.max_rank:
        return None
    loss = landscape.value(theta)
    predicted = eig.loss(subset)
    if abs(predicted - loss) > tolerances.scaled("loss_numerical", 1.0 + abs(loss)):
        return None
    return critical_point_for(landscape, subset, seed=seed)
