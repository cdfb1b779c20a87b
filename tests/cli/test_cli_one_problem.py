"""One problem, every command: the same optimum through find, classify, train, landscape and sweep.

Each output folder holds problem.toml, and `classify --problem OUT/problem.toml --point
OUT/final.npy` reopens what train, find and sweep wrote.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from spurious.cli import cli
from spurious.sweep import load_results, parse_config, run_sweep
from spurious.tolerances import DEFAULT

PROBLEMS = {
    "deep-linear": ["--widths", "3,3,2"],
    "linear-resnet": ["--model", "linear-resnet", "--widths", "2,2,2"],
    "multi-tower": ["--model", "multi-tower", "--widths", "3,1,2/3,1,2"],
}
SWEEP_GRID = {
    "deep-linear": {"widths": [3, 3, 2]},
    "linear-resnet": {"model": "linear-resnet", "widths": [2, 2, 2]},
    "multi-tower": {"model": "multi-tower", "towers": [[3, 1, 2], [3, 1, 2]]},
}
COMMON = ["--samples", "30", "--data-seed", "4", "--reduction", "mean"]


def run(*args: str) -> dict:
    res = CliRunner().invoke(cli, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def close(a: float, b: float) -> bool:
    return abs(a - b) <= DEFAULT.scaled("loss_numerical", 1.0 + abs(b))


@pytest.mark.parametrize("kind", sorted(PROBLEMS))
def test_same_optimum_through_every_command(tmp_path: Path, kind: str) -> None:
    flags = [*PROBLEMS[kind], *COMMON]
    train = run("train", *flags, "--steps", "3000", "--out", str(tmp_path / "train"))
    optimum = train["optimum"]
    assert optimum is not None and close(train["loss_final"], optimum), train
    find = run("find", *flags, "--starts", "2", "--finder", "levenberg-marquardt", "--out", str(tmp_path / "find"),
               "--point", str(tmp_path / "train" / "final.npy"))
    assert find["optimum"] == optimum
    assert {r["label"] for r in find["runs"]} == {"global minimum"}, find["runs"]
    assert close(find["best_loss"], optimum)
    for folder in ("train", "find"):  # each output reopens: classify --problem OUT/problem.toml --point OUT/final.npy
        out = tmp_path / folder
        c = run("classify", "--problem", str(out / "problem.toml"), "--point", str(out / "final.npy"))
        assert c["optimum"] == optimum and close(c["loss"], optimum)
    assert c["label"] == "global minimum"  # find's point is critical to the classifier's tolerance
    sl = run("landscape", "--problem", str(tmp_path / "train" / "problem.toml"), "--point",
             str(tmp_path / "train" / "final.npy"), "--n", "5", "--out", str(tmp_path / "slice"))
    assert sl["optimum"] == optimum and close(sl["center_value"], optimum)
    assert sl["grid_min"] >= optimum - DEFAULT.scaled("loss", 1.0 + abs(optimum))
    assert (tmp_path / "slice" / "problem.toml").exists()
    sweep = run_sweep(parse_config({"grid": {**SWEEP_GRID[kind], "samples": 30, "data_seed": 4, "reduction": "mean",
                                             "steps": 3000}}, out=tmp_path / "sweep"))
    (row,) = load_results(sweep.out).to_pylist()
    assert row["min_value"] == optimum and row["ending"] == "global minimum" and close(row["final_loss"], optimum)


def test_global_point_is_global_through_classify_and_landscape(tmp_path: Path) -> None:
    c = run("classify", "--widths", "3,4,2", "--analytic", "global")
    assert c["label"] == "global minimum"
    sl = run("landscape", "--widths", "3,4,2", "--at", "global", "--n", "5", "--out", str(tmp_path / "s"))
    assert close(sl["center_value"], c["optimum"])


IRIS = str(resources.files("spurious.datasets").joinpath("iris.csv"))


@pytest.mark.parametrize("command", [
    ["classify", "--analytic", "global"],
    ["enumerate", "--limit", "3"],
    ["find", "--starts", "1", "--iterations", "50"],
    ["train", "--steps", "50"],
    ["landscape", "--n", "5", "--dims", "1"],
])
def test_a_real_csv_goes_through_every_command(tmp_path: Path, command: list[str]) -> None:
    out = [] if command[0] in ("classify", "enumerate") else ["--out", str(tmp_path / "o")]
    payload = run(*command, "--widths", "4,2,3", "--data", IRIS, "--target", "species", *out)
    assert payload["problem"]["data"]["file"] == IRIS and payload["optimum"] is not None


def test_find_streams_analytic_classes_lazily(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["find", "--widths", "6,3,6", "--starts", "2", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "gamma:" in res.output and (tmp_path / "problem.toml").exists()


def test_enumerate_counts_first_and_stops_at_the_limit() -> None:
    res = CliRunner().invoke(cli, ["enumerate", "--widths", "32,8,32", "--limit", "4", "--samples", "40"])
    assert res.exit_code == 0, res.output
    assert "more (raise --limit" in res.output and len([ln for ln in res.output.splitlines()
                                                         if ln.startswith("gamma:")]) == 4


def test_landscape_refuses_an_absurd_grid(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["landscape", "--widths", "3,3", "--n", "100000", "--out", str(tmp_path / "x")])
    assert res.exit_code != 0 and not (tmp_path / "x").exists()


def test_big_classify_reports_progress_on_stderr(monkeypatch, capsys) -> None:
    import spurious.cli.classify as classify_module
    from spurious.cli import main

    monkeypatch.setattr(classify_module, "ITERATIVE_FROM", 0)  # every problem counts as big
    with pytest.raises(SystemExit) as exc:
        main(["classify", "--widths", "3,4,2", "--analytic", "global", "--json"])
    captured = capsys.readouterr()
    assert exc.value.code == 0
    assert "iterative path" in captured.err and "Hessian-vector products in" in captured.err
    assert json.loads(captured.out)["label"] == "global minimum"
