"""`spurious train` and the optimisation claims."""

import json

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from spurious.claims import CheckContext, run_claims
from spurious.cli import cli, main


@pytest.mark.parametrize("algorithm", ["gd", "sgd", "pgd"])
def test_train_writes_outputs(tmp_path, algorithm):
    out = tmp_path / algorithm
    res = CliRunner().invoke(cli, ["train", "--widths", "3,3,2", "--samples", "40", "--algorithm", algorithm,
                                   "--steps", "60", "--lr", "0.01", "--out", str(out)])
    assert res.exit_code == 0, res.output
    table = pq.read_table(out / "trajectory.parquet")
    assert table.column_names[:4] == ["iteration", "loss", "grad_norm", "step_size"]
    assert (out / "trajectory.png").stat().st_size > 1000
    summary = json.loads((out / "summary.json").read_text())
    assert summary["algorithm"] == algorithm and summary["thm67_bound"] > 0


@pytest.mark.parametrize("args,name", [(["--lr", "0"], "--lr"), (["--lr", "-1"], "--lr"),
                                       (["--eps", "0"], "--eps"), (["--pgd-delta", "1"], "--pgd-delta"),
                                       (["--widths", "3,x"], "--widths"), (["--lr", "1/gamma"], "--lr")])
def test_train_bad_input_exits_2(args, name, capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["train", "--widths", "3,3,2", *args, "--out", str(tmp_path)])
    assert exc.value.code == 2
    assert name in capsys.readouterr().err


@pytest.mark.parametrize("claim_id", ["L-SMOOTH", "L-GD-RATE", "L-ESCAPE", "L-PGD"])
def test_optim_claims_hold(claim_id):
    (verdict,) = run_claims([claim_id], CheckContext(seed=0, quick=True))
    assert verdict.status == "holds", verdict.figure
    assert verdict.figure and verdict.tolerance
