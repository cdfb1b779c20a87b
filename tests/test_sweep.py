"""Sweeps: config validation, resumable store (SIGKILL + restart), joblib and a real Dask cluster."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spurious.cli import main
from spurious.sweep import expand, load_config, load_results, parse_config, run_sweep, summarise

SPURIOUS = str(Path(sys.executable).with_name("spurious"))

SMALL = """
[grid]
model = "deep-linear"
widths = [[3, 3, 3], [3, 1, 3]]
loss = "squared"
generator = "gaussian"
data_seed = [0, 1]
seeds = 2
steps = 300
"""


def write(tmp_path: Path, text: str, name: str = "sweep.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_grid_expands_to_unique_tasks(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, SMALL))
    tasks = expand(cfg)
    assert len(tasks) == 4 and len({t.id for t in tasks}) == 4
    assert cfg.swept == ("widths", "data_seed")
    assert cfg.out == tmp_path / "sweep-results"


def test_sequential_and_parallel_runs_agree(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, SMALL), out=tmp_path / "a")
    run_sweep(cfg)
    cfg2 = load_config(write(tmp_path, SMALL), out=tmp_path / "b")
    run_sweep(cfg2, n_jobs=2)
    a = sorted(load_results(tmp_path / "a").select(["task_id", "seed", "final_loss", "ending"]).to_pylist(),
               key=lambda r: (r["task_id"], r["seed"]))
    b = sorted(load_results(tmp_path / "b").select(["task_id", "seed", "final_loss", "ending"]).to_pylist(),
               key=lambda r: (r["task_id"], r["seed"]))
    assert a == b and len(a) == 8
    summary = summarise(load_results(tmp_path / "a"), cfg.swept)
    assert len(summary) == 4 and all(0.0 <= s["global_fraction"] <= 1.0 for s in summary)
    assert run_sweep(cfg).ran == 0  # everything done: nothing reruns


BAD = [
    ('model = "transformer"\nwidths = [2, 2]\nloss = "squared"\ngenerator = "gaussian"', "grid.model"),
    ('model = "deep-linear"\nwidths = [2, -1, 2]\nloss = "squared"\ngenerator = "gaussian"', "grid.widths"),
    ('model = "deep-linear"\nwidths = [2, 2]\nloss = "l1"\ngenerator = "gaussian"', "grid.loss"),
    ('model = "deep-linear"\nwidths = [2, 2]\nloss = "squared"\ngenerator = "gaussian"\nsteps = -5',
     "grid.steps"),
    ('model = "deep-linear"\nwidths = [2, 2]\nloss = "squared"\ngenerator = "gaussian"\ncolour = 1',
     "grid.colour"),
]


@pytest.mark.parametrize(("body", "key"), BAD)
def test_bad_config_one_line_exit_2(tmp_path: Path, capsys, body: str, key: str) -> None:
    path = write(tmp_path, "[grid]\n" + body + "\n")
    with pytest.raises(SystemExit) as exc:
        main(["sweep", str(path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {key}:"), err


def test_bad_config_from_the_shell(tmp_path: Path) -> None:
    path = write(tmp_path, "[grid]\nmodel = 'deep-linear'\nwidths = [2, 0]\nloss='squared'\ngenerator='gaussian'\n")
    done = subprocess.run([SPURIOUS, "sweep", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "grid.widths" in done.stderr


def test_kill_and_resume_loses_nothing_duplicates_nothing(tmp_path: Path) -> None:
    config = write(tmp_path, """
[grid]
model = "deep-linear"
widths = [4, 4, 4, 4]
loss = "squared"
generator = "gaussian"
data_seed = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]
seeds = 2
steps = 1500
gtol = 1e-14
""")
    out = tmp_path / "res"
    expected = {t.id for t in expand(load_config(config, out=out))}
    proc = subprocess.Popen([SPURIOUS, "sweep", str(config), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("task-*.parquet"))) < 3:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = {p.stem.removeprefix("task-") for p in out.glob("task-*.parquet")}
    assert 3 <= len(partial) < len(expected), "the sweep was not interrupted mid-way"
    done = subprocess.run([SPURIOUS, "sweep", str(config), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"resuming: {len(partial)} of {len(expected)}" in done.stderr
    rows = load_results(out).select(["task_id", "seed"]).to_pylist()
    keys = [(r["task_id"], r["seed"]) for r in rows]
    assert len(keys) == len(set(keys)) == 2 * len(expected)
    assert {k[0] for k in keys} == expected
    assert not list(out.glob(".task-*"))


@pytest.fixture
def dask_cluster(tmp_path: Path):
    pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    sched_file = tmp_path / "scheduler.json"
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host",
                               "127.0.0.1", "--port", "0", "--dashboard-address", ":0",
                               "--scheduler-file", str(sched_file)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 30
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker",
                                       "--scheduler-file", str(sched_file), "--nworkers", "1",
                                       "--nthreads", "1", "--no-dashboard"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        yield json.loads(sched_file.read_text())["address"]
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def test_sweep_on_a_real_dask_cluster(tmp_path: Path, dask_cluster: str) -> None:
    assert dask_cluster.startswith("tcp://127.0.0.1:")
    cfg = parse_config({"grid": {"model": "deep-linear", "widths": [[3, 3, 3], [3, 1, 3]],
                                 "loss": "squared", "generator": "gaussian", "seeds": 2, "steps": 200}},
                       out=tmp_path / "dask")
    run = run_sweep(cfg, scheduler=dask_cluster)
    assert run.ran == 2
    local = parse_config({"grid": {"model": "deep-linear", "widths": [[3, 3, 3], [3, 1, 3]],
                                   "loss": "squared", "generator": "gaussian", "seeds": 2, "steps": 200}},
                         out=tmp_path / "local")
    run_sweep(local)
    cols = ["task_id", "seed", "final_loss", "ending"]
    key = lambda r: (r["task_id"], r["seed"])  # noqa: E731
    assert (sorted(load_results(tmp_path / "dask").select(cols).to_pylist(), key=key)
            == sorted(load_results(tmp_path / "local").select(cols).to_pylist(), key=key))


def test_unreachable_scheduler_is_one_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    cfg = parse_config({"grid": {"model": "deep-linear", "widths": [2, 2], "loss": "squared",
                                 "generator": "gaussian", "steps": 5}}, out=tmp_path / "x")
    with pytest.raises(Exception, match="--scheduler"):
        run_sweep(cfg, scheduler="tcp://127.0.0.1:9", connect_timeout=1.0)
