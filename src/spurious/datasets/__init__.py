"""Small data sets shipped with the package (package data, no download).

``load_iris()`` reads the 150-row Iris table (Fisher 1936; the corrected version used by R
and scikit-learn, rows 35 and 38 as in Fisher's paper). ``iris_binary()`` gives the
versicolor (+1) vs virginica (−1) task of K-BACKPROP (Kawaguchi slides, "Stochastic Gradient Descent") as a
:class:`~spurious.data.Dataset` with samples as columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np

from ..data import Dataset
from ..errors import InputError

__all__ = ["IrisTable", "load_iris", "iris_binary", "IRIS_SPECIES"]

IRIS_SPECIES: tuple[str, ...] = ("setosa", "versicolor", "virginica")
IRIS_FEATURES: tuple[str, ...] = ("sepal_length", "sepal_width", "petal_length", "petal_width")


@dataclass(frozen=True)
class IrisTable:
    """The Iris table: ``features`` (150×4, cm), ``species`` (150 names), column names."""

    features: np.ndarray
    species: np.ndarray
    feature_names: tuple[str, ...] = IRIS_FEATURES


def load_iris() -> IrisTable:
    """The 150-row Iris table from the package data (``datasets/iris.csv``)."""
    text = resources.files(__package__).joinpath("iris.csv").read_text(encoding="utf-8")
    rows = [line.split(",") for line in text.strip().splitlines()[1:]]
    features = np.array([[float(v) for v in r[:4]] for r in rows], dtype=np.float64)
    species = np.array([r[4].strip() for r in rows])
    return IrisTable(features=features, species=species)


def iris_binary(positive: str = "versicolor", negative: str = "virginica",
                standardize: bool = True) -> Dataset:
    """Two Iris species as a ±1 task: X (4×m, standardised if asked), Y (1×m) in {−1, +1}."""
    for name, arg in ((positive, "positive"), (negative, "negative")):
        if name not in IRIS_SPECIES:
            raise InputError(arg, f"unknown species {name!r}; expected one of {IRIS_SPECIES}")
    if positive == negative:
        raise InputError("negative", "must differ from positive")
    table = load_iris()
    keep = np.isin(table.species, (positive, negative))
    X = table.features[keep]
    if standardize:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    Y = np.where(table.species[keep] == positive, 1.0, -1.0)
    return Dataset(X.T.copy(), Y[None, :])
