"""The result contract: a frozen, keyword-only Result with a RunLog of fixed columns, the enums
defined once, and Verdict built from Entry + Outcome (spurious.result, spurious.vocabulary)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spurious import InputError, Landscape, SquaredLoss, gaussian_teacher
from spurious.claims import ClosestCall, Entry, Outcome, Tally, Verdict
from spurious.critical import FINDERS
from spurious.models import DeepLinear
from spurious.optim import gd, pgd, sgd
from spurious.result import Evaluations, Result, RunLog
from spurious.vocabulary import Ending, Label, RunStatus, VerdictStatus

FIXED = ("iteration", "loss", "grad_norm", "step_size")


def _net() -> Landscape:
    return Landscape(DeepLinear((2, 2, 2)), SquaredLoss(mean=True), gaussian_teacher(2, 2, 30, seed=0))


def _result(**changes) -> Result:
    fields = {"point": np.zeros(2), "loss": 1.0, "grad_norm_sq": 4.0, "iterations": 3, "status": "converged",
              "method": "test", "message": "because", "evaluations": Evaluations.counted(value_and_gradient=4)}
    return Result(**(fields | changes))


def test_result_is_frozen():
    res = _result()
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.status = RunStatus.DIVERGED
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.log = RunLog()
    assert dataclasses.replace(res, loss=2.0).loss == 2.0 and res.loss == 1.0


def test_result_is_keyword_only():
    with pytest.raises(TypeError):
        Result(np.zeros(2), 1.0, 4.0, 3, "converged", "test", "because", Evaluations())  # type: ignore[misc]


def test_result_status_is_the_enum_and_checked():
    res = _result(status="max-iterations")
    assert res.status is RunStatus.MAX_ITERATIONS and res.status == "max-iterations"
    assert f"{res.status}" == "max-iterations" and json.dumps({"s": res.status}) == '{"s": "max-iterations"}'
    with pytest.raises(ValueError):
        _result(status="finished")


def test_enum_values_are_the_strings_files_hold():
    assert [s.value for s in RunStatus] == ["converged", "max-iterations", "diverged", "stalled", "gradient-flat",
                                         "escaping"]
    assert [s.value for s in Label] == ["global minimum", "spurious local minimum", "local minimum", "strict saddle",
                                        "non-strict saddle", "not critical", "inconclusive"]
    assert [s.value for s in VerdictStatus] == ["holds", "refuted", "inconclusive", "not implemented", "error"]
    assert [s.value for s in Ending] == ["global minimum", "critical, not global", "critical (optimum unknown)",
                                         "unconverged", "diverged"]
    assert Label.STRICT_SADDLE == "strict saddle" and {"holds": 1}[VerdictStatus.HOLDS] == 1


def test_evaluations_count_value_and_gradient_together():
    ev = Evaluations.counted(value_and_gradient=3, hvp=5)
    assert ev.to_dict() == {"value": 3, "gradient": 3, "hvp": 5, "minibatch_gradient": 0}
    with pytest.raises(dataclasses.FrozenInstanceError):
        ev.hvp = 0


def test_runlog_columns_extras_and_sealing():
    log = RunLog(("dist_crit",))
    log.append(iteration=0, loss=2.0, grad_norm=1.0, step_size=0.0, dist_crit=0.5)
    log.append(iteration=1, loss=1.0, grad_norm=0.5, step_size=0.1)
    assert log.columns == (*FIXED, "dist_crit") and len(log) == 2
    assert log["iteration"].dtype == np.int64 and np.isnan(log["dist_crit"][1])
    with pytest.raises(ValueError):
        log["loss"][0] = 3.0  # read-only view
    with pytest.raises(InputError):
        log.append(iteration=2, loss=1.0, grad_norm=0.5, step_size=0.1, lambda_min=1.0)
    with pytest.raises(InputError):
        RunLog(("loss",))
    assert log.to_arrow().column_names == list(log.columns)
    _result(log=log)
    with pytest.raises(ValueError):
        log.append(iteration=2, loss=1.0, grad_norm=0.5, step_size=0.1)


@given(st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(0, 1e3), st.floats(0, 10)), min_size=1, max_size=30))
def test_runlog_round_trips_its_rows(rows):
    log = RunLog()
    for t, (f, g, s) in enumerate(rows):
        log.append(iteration=t, loss=f, grad_norm=g, step_size=s)
    table = log.to_dict()
    assert list(table) == list(FIXED)
    assert table["iteration"].tolist() == list(range(len(rows)))
    assert table["loss"].tolist() == [r[0] for r in rows] and table["step_size"].tolist() == [r[2] for r in rows]


def _check_log(res: Result) -> None:
    assert isinstance(res, Result) and isinstance(res.log, RunLog) and isinstance(res.status, RunStatus)
    assert res.log.columns[:4] == FIXED and len(res.log) >= 1
    it = res.log["iteration"]
    assert it[0] == 0 and np.all(np.diff(it) > 0) and it[-1] <= res.iterations
    steps = res.log["step_size"]
    assert steps[0] == 0.0 and np.all(steps >= 0)
    assert res.message and isinstance(res.evaluations, Evaluations) and res.evaluations.gradient >= 1
    assert res.settings


@pytest.mark.parametrize("name", sorted(FINDERS))
def test_every_finder_returns_the_contract(name):
    L = _net()
    res = FINDERS[name](L, L.model.random_point(2), max_iterations=30, record_every=1)
    _check_log(res)
    assert res.evaluations.hvp >= 1
    # step_size is the length of the step between consecutive iterates, not an iteration number
    moved = np.linalg.norm(np.diff(res.iterates, axis=0), axis=1)
    rows = np.searchsorted(res.iterate_steps, res.log["iteration"][1:])
    np.testing.assert_allclose(res.log["step_size"][1:], moved[rows - 1], rtol=1e-12, atol=1e-15)


def test_gd_returns_the_contract_with_step_lengths():
    L = _net()
    res = gd(L, L.model.random_point(0), lr=0.05, steps=40)
    _check_log(res)
    np.testing.assert_allclose(res.log["step_size"][1:], 0.05 * res.log["grad_norm"][:-1], rtol=1e-10)


def test_sgd_and_pgd_return_the_contract():
    L = _net()
    _check_log(sgd(L, L.model.random_point(0), lr=0.05, steps=40, batch_size=5, log_every=4))
    _check_log(pgd(L, L.model.random_point(0), beta=10.0, rho=10.0, eps=1e-3, delta_f=1.0, max_steps=200))


def test_verdict_takes_entry_and_outcome_by_name():
    entry = Entry("X-1", "004", "Thm 0", "a statement", expected="refuted")
    out = Outcome(status=VerdictStatus.HOLDS, figure="fig", tolerance="tol", reason="why", evidence={"a": 1},
                  instances=[{"i": 0}], series={"s": [1.0]}, tally=Tally(3, 3),
                  closest_call=ClosestCall.below("i0", "err", 1e-3, 1e-2))
    v = Verdict.build(entry, out, seconds=1.5, seed=7, status=VerdictStatus.INCONCLUSIVE, notes=["n"],
                      counterexamples=[])
    for f in dataclasses.fields(Entry):
        assert getattr(v, f.name) == getattr(entry, f.name)
    for f in dataclasses.fields(Outcome):
        if f.name not in ("status", "counterexamples"):
            assert getattr(v, f.name) is getattr(out, f.name)
    assert (v.status, v.seconds, v.seed, v.notes) == (VerdictStatus.INCONCLUSIVE, 1.5, 7, ["n"])
    assert list(v.to_dict())[:9] == ["id", "document", "where", "statement", "expected", "status", "figure",
                                     "tolerance", "seconds"]
    assert v.to_dict()["expected"] == "refuted" and v.unexpected
