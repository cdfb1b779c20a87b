"""Sweeps on the spec: any model / loss / data / method in the grid, honest end labels, config hash, examples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from spurious import InputError
from spurious.cli import cli
from spurious.sweep import ENDINGS, load_config, load_results, parse_config, run_sweep

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def grid(**keys) -> dict:
    return {"grid": {"widths": [3, 3, 3], "samples": 20, "steps": 50, "seeds": 1, **keys}}


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.toml")))
def test_every_example_runs(tmp_path: Path, name: str) -> None:
    cfg = load_config(EXAMPLES / f"{name}.toml", out=tmp_path / name)
    run = run_sweep(cfg)
    table = load_results(run.out)
    assert run.ran == run.total > 0 and table.num_rows == run.total * len(cfg.seeds)
    endings = set(table.column("ending").to_pylist())
    labels = set(ENDINGS) | {"strict saddle", "non-strict saddle", "spurious local minimum", "inconclusive"}
    assert endings <= labels, endings


def test_examples_are_commented() -> None:
    names = {p.stem for p in EXAMPLES.glob("*.toml")}
    assert {"small", "baldi-hornik-newton-mr", "depth-width-gd", "dask"} <= names
    for path in EXAMPLES.glob("*.toml"):
        assert path.read_text().lstrip().startswith("#"), path.name


def test_any_model_and_method_in_one_grid(tmp_path: Path) -> None:
    cfg = parse_config(grid(model=["deep-linear", "linear-resnet", "mlp"],
                            method=["gd", "sgd", "newton-mr", "levenberg-marquardt"]), out=tmp_path)
    run_sweep(cfg)
    rows = load_results(tmp_path).to_pylist()
    assert {r["model"] for r in rows} == {"deep-linear", "linear-resnet", "mlp"}
    assert {r["method"] for r in rows} == {"gd", "sgd", "newton-mr", "levenberg-marquardt"}
    assert all(r["ending"] in ENDINGS for r in rows)


def test_diverged_runs_are_labelled_diverged_never_not_global(tmp_path: Path) -> None:
    cfg = parse_config(grid(widths=[3, 3, 3, 3], lr=50.0, init_scale=1.0, seeds=2), out=tmp_path)
    run_sweep(cfg)
    rows = load_results(tmp_path).to_pylist()
    assert {r["ending"] for r in rows} == {"diverged"}


def test_short_runs_are_unconverged(tmp_path: Path) -> None:
    cfg = parse_config(grid(steps=2, lr=1e-4), out=tmp_path)
    run_sweep(cfg)
    assert {r["ending"] for r in load_results(tmp_path).to_pylist()} == {"unconverged"}


def test_edited_config_is_refused_or_goes_to_a_new_folder(tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    config.write_text('[grid]\nwidths = [3, 2, 3]\nsamples = 20\nsteps = 30\n')
    out = tmp_path / "res"
    assert run_sweep(load_config(config, out)).ran == 1
    assert run_sweep(load_config(config, out)).ran == 0  # same config: resume, nothing to do
    config.write_text('[grid]\nwidths = [3, 2, 3]\nsamples = 20\nsteps = 31\n')
    with pytest.raises(InputError, match="another config") as exc:
        run_sweep(load_config(config, out))
    assert exc.value.argument == "CONFIG"
    run = run_sweep(load_config(config, out), force_new=True)
    assert run.out == tmp_path / "res-2" and run.ran == 1
    assert len(list(out.glob("task-*.parquet"))) == 1  # never mixed
    hashes = {r["config_hash"] for r in load_results(run.out).to_pylist()}
    assert hashes == {json.loads((run.out / "manifest.json").read_text())["config_hash"]}


def test_cli_refuses_edited_config_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    config.write_text('[grid]\nwidths = [3, 2, 3]\nsamples = 20\nsteps = 30\n')
    runner = CliRunner()
    assert runner.invoke(cli, ["sweep", str(config)]).exit_code == 0
    config.write_text('[grid]\nwidths = [3, 2, 3]\nsamples = 20\nsteps = 40\n')
    from spurious.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["sweep", str(config)])
    assert exc.value.code == 2
    res = runner.invoke(cli, ["sweep", str(config), "--force-new", "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    assert payload["out"].endswith("s-results-2") and Path(payload["plot"]).exists()


def test_sweep_output_reopens_with_classify(tmp_path: Path) -> None:
    cfg = parse_config(grid(widths=[3, 2, 3], method="levenberg-marquardt", steps=200), out=tmp_path)
    run_sweep(cfg)
    (task_id,) = {r["task_id"] for r in load_results(tmp_path).to_pylist()}
    folder = tmp_path / task_id
    res = CliRunner().invoke(cli, ["classify", "--problem", str(folder / "problem.toml"),
                                   "--point", str(folder / "final.npy"), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["loss"] == pytest.approx(load_results(tmp_path).column("final_loss")[0].as_py())


def test_data_file_in_the_grid(tmp_path: Path) -> None:
    iris = Path(__file__).resolve().parents[2] / "src" / "spurious" / "datasets" / "iris.csv"
    shutil.copy(iris, tmp_path / "iris.csv")
    config = tmp_path / "s.toml"
    config.write_text('[grid]\nwidths = [4, 2, 3]\ndata = "iris.csv"\ntarget = "species"\nreduction = "mean"\n'
                      'steps = 30\n')
    run = run_sweep(load_config(config))
    assert load_results(run.out).column("data").to_pylist() == ["iris.csv"]


BAD_GRIDS = [
    (grid(model="mlp", towers=[[3, 2, 3]]), "grid.towers"),
    (grid(model="linear-resnet", widths=[3, 2, 3]), "grid.widths"),
    (grid(activation="relu"), "grid.activation"),
    (grid(data="gaussian"), "grid.data"),
    (grid(data="nope.csv"), "grid.data"),
    (grid(method="adam"), "grid.method"),
    (grid(lr="fast"), "grid.lr"),
    (grid(samples=0), "grid.samples"),
    (grid(reduction="avg"), "grid.reduction"),
    (grid(loss="logistic"), "grid.loss"),
    (grid(seeds=0), "grid.seeds"),
    (grid(end="maybe"), "grid.end"),
]


@pytest.mark.parametrize(("raw", "key"), BAD_GRIDS)
def test_bad_grids_name_the_key(tmp_path: Path, raw: dict, key: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_config(raw, out=tmp_path)
    assert exc.value.argument == key
