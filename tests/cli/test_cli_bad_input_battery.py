"""Bad input through the command line: one clean line on stderr, exit 2, no traceback, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from spurious.cli import main

SPURIOUS = str(Path(sys.executable).with_name("spurious"))


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """Input files, good and bad, in tmp_path/in (outputs would go to tmp_path/out)."""
    d = tmp_path / "in"
    d.mkdir()
    rng = np.random.default_rng(0)
    np.savez(d / "d.npz", X=rng.standard_normal((10, 3)), Y=rng.standard_normal((10, 2)))
    np.savez(d / "noY.npz", X=rng.standard_normal((10, 3)))
    np.save(d / "X.npy", rng.standard_normal((10, 3)))
    np.save(d / "Y7.npy", rng.standard_normal((7, 2)))
    np.save(d / "short.npy", np.zeros(3))
    np.save(d / "nan.npy", np.full(15, np.nan))
    np.save(d / "text.npy", np.array(["a", "b"]))
    (d / "good.csv").write_text("a,b,c,y\n" + "\n".join(f"{i},{i % 3},{i * 0.5},{i % 2}" for i in range(10)) + "\n")
    (d / "empty.csv").write_text("")
    (d / "header.csv").write_text("a,b,c,y\n")
    (d / "nan.csv").write_text("a,b,c,y\n1,2,3,4\nnan,2,3,4\n")
    (d / "words.csv").write_text("a,b,c,y\nx,2,3,4\ny,2,3,4\n")
    (d / "data.txt").write_text("1 2 3\n")
    (d / "bad.toml").write_text("[model\nwidths = 3")
    (d / "transformer.toml").write_text('[model]\nkind = "transformer"\nwidths = [3, 2]\n')
    (d / "extra.toml").write_text('colour = "red"\n[model]\nwidths = [3, 2]\n')
    (d / "truewidth.toml").write_text('[model]\nwidths = [3, true, 2]\n')
    (d / "sweep-bad.toml").write_text('[grid]\nmodel = "transformer"\nwidths = [2, 2]\n')
    (d / "sweep-empty.toml").write_text("")
    (d / "sweep-seeds.toml").write_text("[grid]\nwidths = [2, 2]\nseeds = -1\n")
    (d / "sweep-nan.toml").write_text('[grid]\nwidths = [2, 2]\ndata = "nan.csv"\n')
    return d


W = ["--widths", "3,4,2"]
CASES: list[tuple[str, list[str], str]] = [
    # the shared problem flags, through classify
    ("classify", ["--widths", "3,x", "--analytic", "global"], "--widths"),
    ("classify", ["--widths", "3", "--analytic", "global"], "--widths"),
    ("classify", ["--widths", "0,2", "--analytic", "global"], "--widths"),
    ("classify", ["--widths", "", "--analytic", "global"], "--widths"),
    ("classify", ["--widths", "3,-1,2", "--analytic", "global"], "--widths"),
    ("classify", ["--widths", "3,2/3,2", "--analytic", "global"], "--widths"),
    ("classify", ["--widths", "3,true,2", "--analytic", "global"], "--widths"),
    ("classify", ["--analytic", "global"], "--widths"),
    ("classify", ["--model", "transformer", *W, "--analytic", "global"], "--model"),
    ("classify", ["--model", "linear-resnet", "--widths", "2,3", "--analytic", "global"], "--widths"),
    ("classify", ["--model", "exp-neuron", "--widths", "2,3,2", "--analytic", "global"], "--widths"),
    ("classify", ["--model", "multi-tower", "--widths", "2,2/3,2", "--analytic", "global"], "--widths"),
    ("classify", [*W, "--activation", "relu", "--analytic", "global"], "--activation"),
    ("classify", ["--model", "mlp", *W, "--activation", "gelu", "--point", "x.npy"], "--activation"),
    ("classify", [*W, "--loss", "l1", "--analytic", "global"], "--loss"),
    ("classify", [*W, "--loss", "logistic", "--analytic", "global"], "--loss"),
    ("classify", ["--widths", "3,2,1", "--loss", "cross-entropy", "--analytic", "global"], "--loss"),
    ("classify", [*W, "--reduction", "avg", "--analytic", "global"], "--reduction"),
    ("classify", [*W, "--huber-delta", "1", "--analytic", "global"], "--huber-delta"),
    ("classify", [*W, "--loss", "huber", "--huber-delta", "-1", "--analytic", "global"], "--huber-delta"),
    ("classify", [*W, "--loss", "huber", "--huber-delta", "nan", "--analytic", "global"], "--huber-delta"),
    ("classify", [*W, "--samples", "0", "--analytic", "global"], "--samples"),
    ("classify", [*W, "--samples", "-3", "--analytic", "global"], "--samples"),
    ("classify", [*W, "--samples", "2.5", "--analytic", "global"], "--samples"),
    ("classify", [*W, "--samples", "many", "--analytic", "global"], "--samples"),
    ("classify", [*W, "--data-seed", "-1", "--analytic", "global"], "--data-seed"),
    ("classify", [*W, "--data-seed", "1.5", "--analytic", "global"], "--data-seed"),
    ("classify", [*W, "--seed", "-1", "--analytic", "global"], "--seed"),
    ("classify", [*W, "--seed", "True", "--analytic", "global"], "--seed"),
    ("classify", [*W, "--generator", "mnist", "--analytic", "global"], "--generator"),
    ("classify", ["--widths", "5,2", "--generator", "whitened", "--samples", "3", "--analytic", "global"],
     "--samples"),
    ("classify", [*W, "--generator", "logistic", "--analytic", "global"], "--generator"),
    ("classify", [*W, "--generator", "softmax", "--data", "IN/d.npz", "--analytic", "global"], "--data"),
    # data files
    ("classify", [*W, "--data", "IN/missing.csv", "--analytic", "global"], "data"),
    ("classify", [*W, "--data", "IN/empty.csv", "--analytic", "global"], "data"),
    ("classify", [*W, "--data", "IN/header.csv", "--analytic", "global"], "data"),
    ("classify", [*W, "--data", "IN/nan.csv", "--analytic", "global"], "data"),
    ("classify", [*W, "--data", "IN/words.csv", "--analytic", "global"], "data"),
    ("classify", [*W, "--data", "IN/data.txt", "--analytic", "global"], "data"),
    ("classify", ["--widths", "4,4,2", "--data", "IN/d.npz", "--analytic", "global"], "data"),
    ("classify", ["--widths", "3,2", "--data", "IN/noY.npz", "--analytic", "global"], "data"),
    ("classify", ["--widths", "3,2", "--data", "IN/X.npy,IN/Y7.npy", "--analytic", "global"], "data"),
    ("classify", ["--widths", "3,2", "--data", "IN/X.npy", "--analytic", "global"], "data"),
    ("classify", ["--widths", "3,1", "--data", "IN/good.csv", "--target", "z", "--analytic", "global"], "target"),
    ("classify", ["--widths", "3,1", "--data", "IN/good.csv", "--target", "a,b,c,y", "--analytic", "global"],
     "target"),
    ("classify", [*W, "--layout", "columns", "--analytic", "global"], "--layout"),
    ("classify", [*W, "--target", "y", "--analytic", "global"], "--target"),
    ("classify", ["--widths", "3,1", "--data", "IN/good.csv", "--layout", "diagonal", "--analytic", "global"],
     "--layout"),
    # problem files
    ("classify", ["--problem", "IN/missing.toml", "--analytic", "global"], "--problem"),
    ("classify", ["--problem", "IN/bad.toml", "--analytic", "global"], "--problem"),
    ("classify", ["--problem", "IN/transformer.toml", "--analytic", "global"], "--problem"),
    ("classify", ["--problem", "IN/extra.toml", "--analytic", "global"], "--problem"),
    ("classify", ["--problem", "IN/truewidth.toml", "--analytic", "global"], "--problem"),
    # classify's own options
    ("classify", W, "--point"),
    ("classify", [*W, "--point", "IN/short.npy"], "--point"),
    ("classify", [*W, "--point", "IN/nan.npy"], "--point"),
    ("classify", [*W, "--point", "IN/missing.npy"], "--point"),
    ("classify", [*W, "--point", "IN/data.txt"], "--point"),
    ("classify", [*W, "--point", "IN/text.npy"], "--point"),
    ("classify", [*W, "--analytic", "gamma:x"], "--analytic"),
    ("classify", [*W, "--analytic", "saddle"], "--analytic"),
    ("classify", ["--model", "mlp", *W, "--analytic", "global"], "--analytic"),
    ("classify", [*W, "--analytic", "global", "--colour", "red"], "--colour"),
    # find, enumerate
    ("find", [*W, "--starts", "0"], "--starts"),
    ("find", [*W, "--iterations", "0"], "--iterations"),
    ("find", [*W, "--finder", "bfgs"], "--finder"),
    ("find", [*W, "--starts-from", "gd"], "--starts-from"),
    ("find", [*W, "--point", "IN/short.npy", "--starts-from", "trajectory"], "--starts-from"),
    ("find", [*W, "--scale", "-1"], "--scale"),
    ("find", ["--widths", "3,x"], "--widths"),
    ("find", [*W, "--data", "IN/nan.csv"], "data"),
    ("enumerate", [*W, "--limit", "0"], "--limit"),
    ("enumerate", ["--model", "mlp", *W], "--model"),
    ("enumerate", [*W, "--loss", "huber"], "--model"),
    # train
    ("train", [*W, "--lr", "0"], "--lr"),
    ("train", [*W, "--lr", "-1"], "--lr"),
    ("train", [*W, "--lr", "1/gamma"], "--lr"),
    ("train", [*W, "--lr", "inf"], "--lr"),
    ("train", [*W, "--steps", "-1"], "--steps"),
    ("train", [*W, "--eps", "0"], "--eps"),
    ("train", [*W, "--pgd-delta", "1"], "--pgd-delta"),
    ("train", [*W, "--algorithm", "adam"], "--algorithm"),
    ("train", [*W, "--algorithm", "sgd", "--batch-size", "0", "--lr", "0.01"], "batch_size"),
    ("train", ["--model", "mlp", *W, "--samples", "0"], "--samples"),
    # landscape
    ("landscape", [*W, "--n", "100000"], "--n"),
    ("landscape", [*W, "--n", "2"], "--n"),
    ("landscape", [*W, "--dims", "3"], "--dims"),
    ("landscape", [*W, "--span", "0"], "span"),
    ("landscape", ["--model", "mlp", *W, "--at", "global"], "--at"),
    ("landscape", [*W, "--directions", "nofile"], "--directions"),
    ("landscape", [*W, "--point", "IN/short.npy"], "--point"),
    ("landscape", [*W, "--normalisation", "max"], "--normalisation"),
    # sweep
    ("sweep", ["IN/missing.toml"], "CONFIG"),
    ("sweep", ["IN/bad.toml"], "CONFIG"),
    ("sweep", ["IN/sweep-bad.toml"], "grid.model"),
    ("sweep", ["IN/sweep-empty.toml"], "grid"),
    ("sweep", ["IN/sweep-seeds.toml"], "grid.seeds"),
    ("sweep", ["IN/sweep-nan.toml"], "grid.data"),
    ("sweep", ["IN/sweep-bad.toml", "--n-jobs", "0"], "grid.model"),
]


def test_the_battery_is_large_enough() -> None:
    assert len(CASES) >= 60


def _snapshot(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.mark.parametrize(("command", "args", "name"), CASES, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(CASES)])
def test_bad_cli_input_one_line_exit_2_nothing_written(tmp_path: Path, files: Path, capsys, monkeypatch,
                                                       command: str, args: list[str], name: str) -> None:
    monkeypatch.chdir(tmp_path)
    argv = [command, *(a.replace("IN/", f"{files}/") for a in args)]
    if command in ("find", "train", "landscape"):
        argv += ["--out", str(tmp_path / "out")]
    before = _snapshot(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), err
    assert "Traceback" not in err and name in err, err
    assert _snapshot(tmp_path) == before, "a failed command wrote files"


def test_bad_input_from_the_shell(tmp_path: Path) -> None:
    env = {**os.environ, "SPURIOUS_BLAS_THREADS": "1"}
    for argv in (["find", "--widths", "3,0,2"], ["train", "--widths", "2,2", "--lr", "fast"]):
        done = subprocess.run([SPURIOUS, *argv, "--out", str(tmp_path / "o")], capture_output=True, text=True,
                              timeout=120, env=env)
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert not (tmp_path / "o").exists()


def test_blas_policy_rejects_a_bad_setting(capsys, monkeypatch) -> None:
    monkeypatch.setenv("SPURIOUS_BLAS_THREADS", "many")
    with pytest.raises(SystemExit) as exc:
        main(["enumerate", "--widths", "2,2"])
    assert exc.value.code == 2 and "SPURIOUS_BLAS_THREADS" in capsys.readouterr().err


def test_blas_policy_pins_the_threads(monkeypatch) -> None:
    from threadpoolctl import threadpool_info, threadpool_limits

    from spurious.cli.options import pin_blas

    monkeypatch.setenv("SPURIOUS_BLAS_THREADS", "1")
    with threadpool_limits(limits=None):  # restore the session's setting afterwards
        assert pin_blas() == 1
        assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
