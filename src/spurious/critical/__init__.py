"""Critical points: analytic enumeration, numerical finders, certified classification.

Public API: :func:`classify` / :class:`Classification`, :func:`hessian_spectrum` /
:class:`Spectrum`, the analytic enumeration (:func:`enumerate_critical_points`,
:func:`baldi_hornik`, :func:`named_point`) and the finders (:func:`newton_mr`,
:func:`damped_newton`, :func:`gradient_norm_minimisation`, :func:`gradient_flatness`,
:func:`escape_to_infinity`) with their starts (:func:`trajectory_start`: a point of a GD run).
"""

from ._classify import LABELS, Classification, DescentCurve, classify, find_descent_curve, symmetry_orbit_dimension
from .analytic import (
    AnalyticCriticalPoint,
    baldi_hornik,
    count_index_sets,
    critical_point_for,
    enumerate_critical_points,
    named_point,
    sigma_eigensystem,
)
from .finders import (
    FINDERS,
    damped_newton,
    escape_to_infinity,
    gradient_flatness,
    gradient_norm_minimisation,
    levenberg_marquardt,
    newton_mr,
)
from .spectrum import (
    SpectralDensity,
    Spectrum,
    TraceEstimate,
    extreme_eigenvalues,
    hessian_spectrum,
    hutchinson_trace,
    spectral_density,
)
from .starts import trajectory_start

__all__ = ["LABELS", "Classification", "DescentCurve", "Spectrum", "classify", "find_descent_curve",
           "hessian_spectrum", "symmetry_orbit_dimension", "AnalyticCriticalPoint", "baldi_hornik",
           "count_index_sets", "critical_point_for", "enumerate_critical_points", "named_point",
           "sigma_eigensystem", "FINDERS", "damped_newton", "escape_to_infinity", "gradient_flatness",
           "trajectory_start",
           "gradient_norm_minimisation", "levenberg_marquardt", "newton_mr", "SpectralDensity", "TraceEstimate",
           "extreme_eigenvalues", "hutchinson_trace", "spectral_density"]
