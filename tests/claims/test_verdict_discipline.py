"""The verdict discipline of spurious.claims.runner, on stand-in checks and through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from spurious.claims import (
    CheckContext,
    ClosestCall,
    Control,
    Counterexample,
    Outcome,
    Remeasure,
    Status,
    Tally,
    parse_seeds,
    run_claim,
    verifier,
)
from spurious.claims import registry as registry_module
from spurious.cli import main
from spurious.errors import InputError

ENTRY = registry_module.ENTRIES["L-SMOOTH"]  # expected: holds


@verifier("test:echo")
def _echo_verifier(problem, arrays):
    """Recompute the 'violation' as the norm of the saved vector (a stand-in second route)."""
    return Remeasure(float(np.linalg.norm(arrays["v"])), problem["threshold"], "norm of the saved vector")


def _cx(norm: float, threshold: float = 1e-6) -> Counterexample:
    return Counterexample(claim="L-SMOOTH", verifier="test:echo", problem={"threshold": threshold},
                          arrays={"v": np.array([norm, 0.0])}, quantity="norm", measured=norm,
                          threshold=threshold)


def _control(status: str = "refuted") -> Control:
    return Control(instance="stand-in", violated="nothing", status=Status(status), figure="—")


def _run(monkeypatch, tmp_path, outcome_or_exc) -> object:
    def fake(ctx):
        if isinstance(outcome_or_exc, Exception):
            raise outcome_or_exc
        return outcome_or_exc

    monkeypatch.setitem(registry_module._CHECKS, ENTRY.id, fake)
    return run_claim(ENTRY, CheckContext(seed=7), artifacts=tmp_path)


def test_refuted_without_counterexample_is_inconclusive(monkeypatch, tmp_path):
    v = _run(monkeypatch, tmp_path, Outcome(status="refuted", figure="x", tolerance="t", control=_control("refuted")))
    assert v.status == Status.INCONCLUSIVE
    assert any("no counterexample" in n for n in v.notes)


def test_refuted_with_confirmed_counterexample_stands_and_is_saved(monkeypatch, tmp_path):
    out = Outcome(status="refuted", figure="x", tolerance="t", counterexamples=[_cx(1.0)],
                  control=_control("refuted"))
    v = _run(monkeypatch, tmp_path, out)
    # L-SMOOTH expects holds, so the control must be refuted for a valid check; refuted stays refuted
    assert v.status == Status.REFUTED
    (record,) = v.counterexamples
    assert record["accepted"] and record["reverified"]["margin"] == pytest.approx(1e6)
    assert (tmp_path / record["file"]).is_file() and (tmp_path / record["json"]).is_file()


def test_thin_margin_is_not_a_counterexample(monkeypatch, tmp_path):
    out = Outcome(status="refuted", figure="x", tolerance="t", counterexamples=[_cx(5e-6)],
                  control=_control("refuted"))
    v = _run(monkeypatch, tmp_path, out)
    assert v.status == Status.INCONCLUSIVE
    assert not v.counterexamples[0]["accepted"]


def test_control_that_does_not_flip_voids_the_verdict(monkeypatch, tmp_path):
    v = _run(monkeypatch, tmp_path, Outcome(status="holds", figure="x", tolerance="t", control=_control("holds")))
    assert v.status == Status.ERROR
    assert any("could not have failed" in n for n in v.notes)


def test_a_check_without_a_control_is_error(monkeypatch, tmp_path):
    v = _run(monkeypatch, tmp_path, Outcome(status="holds", figure="x", tolerance="t"))
    assert v.status == Status.ERROR
    assert any("no negative control" in n for n in v.notes)


def test_too_many_unconverged_is_inconclusive(monkeypatch, tmp_path):
    out = Outcome(status="holds", figure="x", tolerance="t", control=_control(),
                  tally=Tally(tried=10, converged=7, unconverged=3))
    assert _run(monkeypatch, tmp_path, out).status == Status.INCONCLUSIVE
    out.tally = Tally(tried=10, converged=8, unconverged=2)
    assert _run(monkeypatch, tmp_path, out).status == Status.HOLDS


def test_a_check_that_raises_is_error_with_its_message(monkeypatch, tmp_path):
    v = _run(monkeypatch, tmp_path, RuntimeError("finder blew up"))
    assert v.status == Status.ERROR and "finder blew up" in v.figure
    assert "Traceback" in v.evidence["traceback"]


def test_closest_call_margins():
    below = ClosestCall.below("a", "err", 1e-12, 1e-9)
    above = ClosestCall.above("b", "curvature", 72.0, 1e-8)
    assert below.margin == pytest.approx(1e3) and above.margin == pytest.approx(7.2e9)
    assert ClosestCall.below("c", "err", 2e-9, 1e-9).margin == pytest.approx(0.5)


@pytest.mark.parametrize("text, seeds", [("0:3", [0, 1, 2]), ("3,9,42", [3, 9, 42]), ("7", [7]),
                                         ("0:2,5", [0, 1, 5])])
def test_parse_seeds(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["", "a:b", "-1", "3,3", "5:5", "1.5"])
def test_parse_seeds_rejects(text):
    with pytest.raises(InputError, match="--seeds"):
        parse_seeds(text)


def test_cli_rejects_bad_seeds_in_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", "--seeds", "x:y", "--out", str(tmp_path / "r")])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--seeds" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_multi_seed_check_and_fresh_process_verify(tmp_path, capsys):
    """`check --seeds` tallies per claim; a saved counterexample re-verifies in a new process."""
    out = tmp_path / "report"
    with pytest.raises(SystemExit) as info:
        main(["check", "--only", "S-GRADIENT", "--seeds", "0:3", "--n-jobs", "1", "--out", str(out),
              "--no-report"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "refuted 3/3" in text and max(len(line) for line in text.splitlines()[:-1]) <= 100
    payload = json.loads((out / "results.json").read_text())
    assert payload["seeds"] == [0, 1, 2]
    (verdict,) = payload["verdicts"]
    assert verdict["seed_tally"] == {"refuted": 3} and len(verdict["per_seed"]) == 3
    assert verdict["control"]["status"] == "holds" and verdict["closest_call"]["margin"] > 10
    files = sorted((out / "counterexamples").glob("S-GRADIENT-*.json"))
    assert len(files) == 3
    done = subprocess.run([sys.executable, "-m", "spurious.cli", "verify", str(files[0])],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("confirmed: S-GRADIENT")


def test_verify_rejects_a_missing_file(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["verify", str(tmp_path / "nope.json")])
    assert info.value.code == 2
    assert "does not exist" in capsys.readouterr().err


def test_verify_says_not_confirmed_for_a_weak_record(tmp_path, capsys):
    from spurious.claims.counterexample import save

    path = save(_cx(2e-6), tmp_path, "weak")
    with pytest.raises(SystemExit) as info:
        main(["verify", str(Path(path))])
    assert info.value.code == 1
    assert capsys.readouterr().out.startswith("NOT confirmed")
