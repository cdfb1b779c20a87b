"""`spurious check` on the foundation claims: verdicts, registry, CLI exit codes."""

from __future__ import annotations

import json

import pytest

from spurious.claims import CATALOGUE, CheckContext, implemented, run_claims
from spurious.cli import main

FOUNDATION = ["L-GRAD-HESS", "L-NONCONVEX", "L-DEEP-NONSTRICT", "S-POP-LOSS", "S-GRADIENT"]


def test_catalogue_covers_claims_md():
    ids = {e.id for e in CATALOGUE}
    assert len(ids) == len(CATALOGUE) >= 26
    assert set(FOUNDATION) <= set(implemented())


@pytest.fixture(scope="module")
def verdicts():
    return {v.id: v for v in run_claims(FOUNDATION, CheckContext(seed=0, quick=True))}


@pytest.mark.parametrize("claim_id", ["L-GRAD-HESS", "L-NONCONVEX", "L-DEEP-NONSTRICT", "S-POP-LOSS"])
def test_foundation_claims_hold(verdicts, claim_id):
    verdict = verdicts[claim_id]
    assert verdict.status == "holds", verdict.figure
    assert verdict.tolerance and verdict.instances


def test_report_gradient_factor_is_refuted_with_the_right_constant(verdicts):
    verdict = verdicts["S-GRADIENT"]
    assert verdict.status == "refuted" and not verdict.unexpected
    constants = [row["fitted constant c"] for row in verdict.instances]
    assert constants == pytest.approx([1.0] * len(constants), rel=1e-9)


def test_nonstrict_saddle_orders_equal_depth(verdicts):
    for row in verdicts["L-DEEP-NONSTRICT"].instances:
        if row["depth N"] >= 3:
            assert row["order of decrease"] == pytest.approx(row["depth N"], abs=0.1)
            assert row["max|∇²Φ(0)|"] == 0.0


def test_check_can_fail(monkeypatch):
    """Break the closed-form HVP on purpose: L-GRAD-HESS must then be refuted."""
    import spurious.models.chain as chain_module

    original = chain_module.chain_hvp

    def broken(F, D, G, hess_action):
        return [1.001 * b for b in original(F, D, G, hess_action)]

    monkeypatch.setattr(chain_module, "chain_hvp", broken)
    (verdict,) = run_claims(["L-GRAD-HESS"], CheckContext(quick=True))
    assert verdict.status != "holds"


def test_cli_check_only_writes_results(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--only", "S-GRADIENT,S-POP-LOSS", "--out", str(tmp_path), "--quick", "--no-report"])
    assert exit_info.value.code == 0
    payload = json.loads((tmp_path / "results.json").read_text())
    statuses = {v["id"]: v["status"] for v in payload["verdicts"]}
    assert statuses == {"S-GRADIENT": "refuted", "S-POP-LOSS": "holds"}


def test_cli_check_list(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--list"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "S-CRIT-CLAIM" in out and "L-GRAD-HESS" in out
