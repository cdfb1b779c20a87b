"""Every claim in the catalogue, run once in quick mode: the contract of issue 11 for each.

Each implemented claim is in its expected state, carries a negative control whose status is the
opposite of its expected verdict, a tally of instances tried/converged and a closest call, and a
`margins` series for the report's figure; a refuted claim carries a counterexample that was
re-verified from the saved files.
"""

from __future__ import annotations

import pytest

from spurious.claims import CATALOGUE, CONTROLS, CheckContext, Status, implemented, run_claims

IMPLEMENTED = implemented()


def test_every_catalogued_claim_has_a_check_and_a_declared_control():
    assert [e.id for e in CATALOGUE] == IMPLEMENTED
    assert set(CONTROLS) == set(IMPLEMENTED)


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    out = tmp_path_factory.mktemp("every-claim")
    return {v.id: v for v in run_claims(None, CheckContext(seed=11, quick=True), artifacts=out)}


@pytest.mark.parametrize("claim_id", IMPLEMENTED)
def test_claim_meets_the_verdict_contract(verdicts, claim_id):
    v = verdicts[claim_id]
    assert v.status == v.expected, (v.status, v.figure, v.notes)
    opposite = Status.HOLDS if v.expected == Status.REFUTED else Status.REFUTED
    assert v.control is not None and Status(v.control.status) == opposite
    assert v.tally is not None and v.tally.tried >= 1 and v.tally.converged >= 1
    assert v.closest_call is not None and v.closest_call.margin == v.closest_call.margin  # not NaN
    margins = v.series.get("margins")
    assert margins and len(margins["measured"]) == len(margins["threshold"]) >= 1
    if v.status == Status.REFUTED:
        assert v.counterexamples and any(cx["accepted"] for cx in v.counterexamples)
