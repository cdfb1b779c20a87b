"""Every claim gets a figure from what its verdict carries; text never shows a Python repr."""

from __future__ import annotations

import io

import matplotlib.image as mpimg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spurious.report.figures import claim_figures, margins_png
from spurious.report.style import compact_number, wrapped_label
from spurious.text import human, matrix_text

BASE = {"id": "C", "status": "holds", "expected": "holds", "figure": "f", "seconds": 0.1}
MARGINS = {"quantity": "relative error", "threshold_kind": "below", "instance": ["a", "b", "c"],
           "measured": [1e-14, 3e-12, 2e-9], "threshold": [1e-9, 1e-9, 1e-9]}


def size(png: bytes) -> tuple[int, int]:
    h, w = mpimg.imread(io.BytesIO(png), format="png").shape[:2]
    return w, h


@pytest.mark.parametrize(("record", "source"), [
    ({"series": {"plot": "lines", "y": [1, 2, 3]}}, "series"),
    ({"series": {"margins": MARGINS}}, "margins"),
    ({"series": {"plot": "pie", "y": [1]}, "instances": [{"gap": 0.5}, {"gap": 3.0}]}, "instances"),
    ({"closest_call": {"instance": "x", "quantity": "gap", "measured": 2.0, "threshold": 1.0, "margin": 2.0}},
     "closest call"),
    ({"per_seed": [{"seed": 0, "status": "holds", "margin": 3.0}, {"seed": 1, "status": "holds", "margin": 9.0}]},
     "closest call"),
    ({"instances": [{"label": "strict saddle", "lambda min": -2.0}, {"label": "global minimum", "lambda min": 0.0}]},
     "labels"),
    ({"instances": [{"network": "linear"}]}, "tally"),
    ({}, "tally"),
])
def test_every_verdict_gets_a_figure_of_sensible_size(record, source) -> None:
    figures, _ = claim_figures({**BASE, **record})
    assert figures[0].source == source
    w, h = size(figures[0].png)
    assert 600 <= w <= 1200 and 150 <= h <= 1200


def test_not_implemented_has_no_figure() -> None:
    assert claim_figures({**BASE, "status": "not implemented"}) == ([], [])


def test_margins_mark_points_across_the_line() -> None:
    crossed = margins_png({**MARGINS, "measured": [1e-14, 3e-12, 2e-6]})
    assert size(crossed)[0] == 900


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_tick_labels_are_short(x) -> None:
    assert len(compact_number(x)) <= 9


def test_category_labels_wrap_to_two_short_lines() -> None:
    label = wrapped_label("deep linear (3, 3, 3, 2) on ball of radius 0.5 around a point with ‖center‖ = 2.42")
    assert label.count("\n") <= 1 and all(len(line) <= 14 for line in label.split("\n"))


JSONISH = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
                       lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner,
                                                                                   max_size=3), max_leaves=12)


@given(JSONISH)
def test_human_text_never_shows_a_repr(value) -> None:
    text = human(value, 10_000)
    assert "np.float64(" not in text and "array(" not in text and "{'" not in text


def test_numpy_values_in_words() -> None:
    assert human(np.float64(3.2e-16)) == "3.2e−16"
    assert human({"d": 3, "seed": np.int64(10)}) == "d 3, seed 10"
    assert matrix_text(np.eye(2)) == "1  0\n0  1"
