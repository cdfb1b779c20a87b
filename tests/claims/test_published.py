"""P-SAFRAN-SHAMIR (`spurious.claims.published`): verdict, control, tally, closest call, figures; a
fault that hides the spurious minima must stop the claim from saying holds."""

from __future__ import annotations

import numpy as np
import pytest

import spurious.claims.published as published
from spurious.claims import CheckContext, Status, run_claims


@pytest.fixture(scope="module")
def verdict():
    return run_claims(["P-SAFRAN-SHAMIR"], CheckContext(seed=0, quick=True))[0]


def test_holds_with_a_certified_spurious_minimum_and_a_refuted_control(verdict):
    assert verdict.status is Status.HOLDS, (verdict.figure, verdict.notes)
    assert verdict.control is not None and verdict.control.status == Status.REFUTED
    run = verdict.evidence["claim_run"]
    cert = run["certificate"]
    assert cert["spurious"] and cert["loss_lower"] > 0.0
    assert run["isotropy"] == "ΔS_7"
    assert min(run["spectrum"]) >= cert["lambda_min_ball_lower"] > 0


def test_tally_closest_call_and_figures(verdict):
    assert verdict.tally.tried > 0 and verdict.tally.unconverged == 0
    assert verdict.closest_call is not None and verdict.closest_call.margin > 1
    margins = verdict.series["margins"]
    assert margins["threshold_kind"] == "below" and len(margins["measured"]) == 1
    titles = [p["title"] for p in verdict.series["plots"]]
    assert any("Table 1" in t for t in titles) and any("spectrum" in t for t in titles)


@pytest.mark.honesty
def test_p_safran_shamir_every_run_counted_good(monkeypatch):
    """Fault: the bad-run threshold raised above every loss (a unit slip). No bad run, no certificate:
    the check says refuted without a counterexample, which the discipline makes inconclusive."""
    original = published.run_row

    def faulty(k, n, starts, **kw):
        return original(k, n, starts, bad_loss=np.inf, **kw)

    monkeypatch.setattr(published, "run_row", faulty)
    v = run_claims(["P-SAFRAN-SHAMIR"], CheckContext(seed=0, quick=True))[0]
    assert v.status is not Status.HOLDS
