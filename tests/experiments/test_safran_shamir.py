"""The SS18 protocol: batched GD rows, Clopper–Pearson intervals, the two-sample agreement band."""

from __future__ import annotations

import pytest

from spurious.errors import InputError
from spurious.experiments.safran_shamir import agreement_band, format_table, run_row


def test_small_teacher_has_no_bad_runs_and_every_run_converges():
    """k = 3 < 6: SS18 found no spurious minima; every run should end at F < 1e-3."""
    row = run_row(3, 3, starts=40, seed=0)
    assert row.bad == 0 and row.good == 40 and row.unconverged == 0
    assert row.interval[0] == 0.0 and 0 < row.interval[1] < 0.1
    assert "| 3 | 3 | 0 / 40 |" in format_table([row])


def test_agreement_band_contains_zero_for_equal_rates_and_not_for_distant_ones():
    lo, hi = agreement_band(346, 1000, 0.346, 1000)
    assert lo < 0 < hi
    lo, hi = agreement_band(100, 1000, 0.346, 1000)
    assert hi < 0


def test_fewer_students_than_teachers_is_refused():
    with pytest.raises(InputError, match="n"):
        run_row(5, 4, starts=2)
