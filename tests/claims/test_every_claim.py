"""Every claim in the catalogue, run once in quick mode: the contract of issue 11 for each.

Each implemented claim is in its expected state, carries a negative control whose status is the
opposite of its expected verdict, a tally of instances tried/converged and a closest call, and a
`margins` series for the report's figure; a refuted claim carries a counterexample that was
re-verified from the saved files.
"""

from __future__ import annotations

import numpy as np
import pytest

from spurious.claims import CATALOGUE, CONTROLS, CheckContext, Status, implemented, reverify, run_claims

IMPLEMENTED = implemented()


def test_every_catalogued_claim_has_a_check_and_a_declared_control():
    assert [e.id for e in CATALOGUE] == IMPLEMENTED
    assert set(CONTROLS) == set(IMPLEMENTED)


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    out = tmp_path_factory.mktemp("every-claim")
    found = {v.id: v for v in run_claims(None, CheckContext(seed=11, quick=True), artifacts=out)}
    found["_folder"] = out
    return found


@pytest.mark.parametrize("claim_id", IMPLEMENTED)
def test_claim_meets_the_verdict_contract(verdicts, claim_id):
    v = verdicts[claim_id]
    assert v.status == v.expected, (v.status, v.figure, v.notes, v.evidence.get("traceback"))
    assert v.reason and v.figure and v.tolerance
    opposite = Status.HOLDS if v.expected == Status.REFUTED else Status.REFUTED
    assert v.control is not None and Status(v.control.status) == opposite, v.control
    assert v.tally is not None and v.tally.tried >= 1 and v.tally.converged >= 1
    assert v.tally.unconverged_share <= 0.25
    # margins ≥ 1: on the verdict's side of the threshold (L-SMOOTH and L-ESCAPE are tight: exactly 1)
    assert v.closest_call is not None and v.closest_call.margin >= 1, v.closest_call
    if v.status == Status.REFUTED:
        assert v.counterexamples and any(cx["accepted"] for cx in v.counterexamples)


@pytest.mark.parametrize("claim_id", IMPLEMENTED)
def test_claim_gives_the_report_its_margins_and_plain_instances(verdicts, claim_id):
    v = verdicts[claim_id]
    margins = v.series.get("margins")
    assert margins and margins["quantity"] and margins["threshold_kind"] in ("below", "above")
    n = len(margins["instance"])
    assert n >= 1 and len(margins["measured"]) == n == len(margins["threshold"])
    if v.status == Status.HOLDS:
        side = np.less_equal if margins["threshold_kind"] == "below" else np.greater_equal
        assert np.all(side(margins["measured"], margins["threshold"])), margins
    for row in v.instances:
        for value in row.values():
            assert not isinstance(value, dict | np.ndarray | np.generic), row


@pytest.mark.parametrize("claim_id", [e.id for e in CATALOGUE if e.expected == Status.REFUTED])
def test_refutation_reverifies_from_disk_in_a_fresh_landscape(verdicts, claim_id):
    """The saved counterexample, reloaded, is confirmed again by its second route (mpmath here)."""
    records = verdicts[claim_id].counterexamples
    assert records and all(r["accepted"] for r in records)
    again = reverify(verdicts["_folder"] / records[0]["json"])
    assert again.confirmed and again.margin >= 10 and "mpmath" in again.route
