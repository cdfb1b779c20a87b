"""Notebook display: verdicts, classifications, spectra and run results as compact HTML tables; verdict.plot()."""

from __future__ import annotations

import re

import pytest

from spurious import DeepLinear, Landscape, SquaredLoss, gaussian_teacher
from spurious.claims import CheckContext, run_claims
from spurious.critical import classify, newton_mr

REPR = re.compile(r"np\.float64\(|array\(|\{'")


@pytest.fixture(scope="module")
def landscape() -> Landscape:
    return Landscape(DeepLinear((3, 2, 3)), SquaredLoss(), gaussian_teacher(3, 3, 20, seed=1))


def test_classification_spectrum_and_result_render_as_tables(landscape) -> None:
    run = newton_mr(landscape, DeepLinear((3, 2, 3)).random_point(0), max_iterations=200)
    label = classify(landscape, run.point)
    for obj, words in ((run, "run: "), (label, label.label), (label.spectrum, "λ_min")):
        html = obj._repr_html_()
        assert html.startswith("<table") and words in html and not REPR.search(html)


def test_verdict_renders_and_plots() -> None:
    (verdict,) = run_claims(["L-SMOOTH"], CheckContext(seed=0, quick=True))
    html = verdict._repr_html_()
    assert "L-SMOOTH: holds" in html and "negative control" in html and not REPR.search(html)
    figure = verdict.plot()
    assert figure._repr_png_().startswith(b"\x89PNG")
