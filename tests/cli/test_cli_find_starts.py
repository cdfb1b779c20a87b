"""`spurious find` on small nonlinear nets: trajectory starts reach classified critical points,
runs that escape to infinity say so (status "escaping", in the table and in --json)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from spurious.cli import cli
from spurious.vocabulary import Label, RunStatus


def find_json(tmp_path: Path, *args: str) -> dict:
    res = CliRunner().invoke(cli, ["find", *args, "--out", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_small_mlp_find_yields_a_converged_classified_point(tmp_path: Path) -> None:
    out = find_json(tmp_path, "--model", "mlp", "--widths", "3,4,1", "--starts", "4")
    assert out["starts_from"] == "trajectory"  # the default for nonlinear nets
    converged = [r for r in out["runs"] if r["status"] == RunStatus.CONVERGED]
    assert converged
    for run in converged:
        assert run["label"] in set(Label) - {Label.NOT_CRITICAL, Label.INCONCLUSIVE}
        assert isinstance(run["index"], int)
    assert sum(out["statuses"].values()) == 4 and out["statuses"]["converged"] == len(converged)
    assert np.load(tmp_path / "points.npy").shape == (len(converged), 21)


def test_a_random_start_on_mlp_escapes_and_json_says_so(tmp_path: Path) -> None:
    out = find_json(tmp_path, "--model", "mlp", "--widths", "4,8,2", "--starts", "1", "--starts-from", "random")
    run = out["runs"][0]
    assert run["status"] == RunStatus.ESCAPING == "escaping"
    assert out["statuses"] == {"escaping": 1}
    assert "‖θ‖ grew" in run["message"] and run["param_norm"] > 10
    assert run["label"] is None  # an escaping run is not classified: it ended at no critical point
    found = json.loads((tmp_path / "found.json").read_text())
    assert found[0]["status"] == "escaping"


def test_find_table_counts_escaping_runs(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["find", "--model", "mlp", "--widths", "4,8,2", "--starts", "1",
                                   "--starts-from", "random", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "status: escaping 1" in res.output and "critical point at infinity" in res.output


def test_deep_linear_keeps_random_starts(tmp_path: Path) -> None:
    out = find_json(tmp_path, "--widths", "3,2,3", "--starts", "2")
    assert out["starts_from"] == "random"
    assert out["statuses"].get("converged", 0) == 2
