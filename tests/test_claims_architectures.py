"""The architecture claims: expected verdicts, and checks that can fail when the math is broken."""

from __future__ import annotations

import numpy as np
import pytest

from spurious.claims import CheckContext, run_claims
from spurious.claims import architectures as arch

IDS = ["A-RESNET-CRIT", "A-RESNET-CONSTRUCT", "A-RELU-RANK", "A-EXP-NEURON", "K-RELU-PATH",
       "K-BACKPROP", "D-REDUCTION", "D-MULTITOWER", "S-CONSTRUCT"]


@pytest.fixture(scope="module")
def verdicts():
    return {v.id: v for v in run_claims(IDS, CheckContext(seed=0, quick=True))}


@pytest.mark.parametrize("claim_id", IDS)
def test_claim_holds(verdicts, claim_id):
    v = verdicts[claim_id]
    assert v.status == "holds", (v.figure, v.evidence.get("traceback"))
    assert v.figure and v.tolerance


def test_hardt_ma_table_bounded():
    R = np.array([[2.0, 1.0, 0.0], [0.0, 1.0, -1.0], [1.0, 0.0, 1.0]])
    table = arch.hardt_ma_table(R, (3, 24, 384))
    assert all(r["error"] <= 1e-10 for r in table)
    assert table[-1]["H_max_norm"] < 2 * table[0]["H_max_norm"]


def test_certified_spurious_minimum():
    cert = arch.certified_spurious_minimum()
    assert cert["certified"]
    bad, better = cert["spurious"], cert["better"]
    assert bad["grad_norm"] <= 1e-12 and bad["eigenvalues"][0] > 0
    assert bad["loss"] > better["loss"] + 1.0


def test_resnet_construct_can_fail(monkeypatch):
    real = arch.hardt_ma_factorization
    monkeypatch.setattr(arch, "hardt_ma_factorization", lambda R, H: [0.999 * W for W in real(R, H)])
    (v,) = run_claims(["A-RESNET-CONSTRUCT"], CheckContext(quick=True))
    assert v.status != "holds"


def test_backprop_can_fail(monkeypatch):
    real = arch.MLP.backward
    monkeypatch.setattr(arch.MLP, "backward", lambda self, cache, delta: real(self, cache, 1.001 * delta))
    (v,) = run_claims(["K-BACKPROP"], CheckContext(quick=True))
    assert v.status != "holds"


def test_construct_can_fail(monkeypatch):
    monkeypatch.setattr(arch, "svd_split", lambda R, depth: [np.eye(R.shape[0])] * depth)
    (v,) = run_claims(["S-CONSTRUCT"], CheckContext(quick=True))
    assert v.status != "holds"
