"""Bad input through the Python API: every case raises InputError naming the argument."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import spurious as sp
from spurious.critical import classify, damped_newton, newton_mr
from spurious.critical.match import analytic_class
from spurious.models import MLP, DeepLinear, ExpNeuron, LinearResNet, MultiTower
from spurious.optim import estimate_beta, gd, sgd
from spurious.spec import as_spec, build_landscape, make_spec, read_problem, start_point
from spurious.sweep import parse_config, run_sweep

L = build_landscape(make_spec(model={"widths": [3, 2, 2]}, data={"samples": 20}))
P = L.n_params
OK = {"model": {"widths": [3, 2]}}


def spec(**sections) -> Callable[[], object]:
    return lambda: make_spec({**OK, **sections})


def grid(**keys) -> Callable[[], object]:
    return lambda: parse_config({"grid": {"widths": [2, 2], **keys}}, out="unused")


CASES: list[tuple[str, Callable[[], object], str]] = [
    # the spec, field by field
    ("width True", spec(model={"widths": [3, True, 2]}), "model.widths.1"),
    ("width 0", spec(model={"widths": [3, 0]}), "model.widths.1"),
    ("width float", spec(model={"widths": [3, 2.5]}), "model.widths.1"),
    ("one width", spec(model={"widths": [3]}), "model.widths"),
    ("widths string", spec(model={"widths": "3,2"}), "model.widths"),
    ("no widths", spec(model={"kind": "deep-linear"}), "model.widths"),
    ("unknown model", spec(model={"kind": "transformer", "widths": [2, 2]}), "model.kind"),
    ("resnet widths", spec(model={"kind": "linear-resnet", "widths": [2, 3]}), "model.widths"),
    ("exp-neuron output", spec(model={"kind": "exp-neuron", "widths": [2, 2]}), "model.widths"),
    ("exp-neuron lam", spec(model={"kind": "exp-neuron", "widths": [2, 1], "lam": -1.0}), "model.lam"),
    ("towers mismatch", spec(model={"kind": "multi-tower", "towers": [[2, 2], [3, 2]]}), "model.towers"),
    ("towers short", spec(model={"kind": "multi-tower", "towers": [[2]]}), "model.towers.0"),
    ("activation on linear", spec(model={"widths": [2, 2], "activation": "tanh"}), "model.activation"),
    ("unknown activation", spec(model={"kind": "mlp", "widths": [2, 2], "activation": "gelu"}), "model.activation"),
    ("bias on linear", spec(model={"widths": [2, 2], "bias": False}), "model.bias"),
    ("bias not bool", spec(model={"kind": "mlp", "widths": [2, 2], "bias": "yes"}), "model.bias"),
    ("unknown loss", spec(loss={"name": "l1"}), "loss.name"),
    ("logistic 2 outputs", spec(model={"widths": [3, 2]}, loss={"name": "logistic"}), "loss.name"),
    ("reduction", spec(loss={"reduction": "avg"}), "loss.reduction"),
    ("delta not huber", spec(loss={"delta": 1.0}), "loss.delta"),
    ("delta negative", spec(loss={"name": "huber", "delta": -1.0}), "loss.delta"),
    ("samples 0", spec(data={"samples": 0}), "data.samples"),
    ("samples True", spec(data={"samples": True}), "data.samples"),
    ("data seed -1", spec(data={"seed": -1}), "data.seed"),
    ("data seed str", spec(data={"seed": "0"}), "data.seed"),
    ("noise < 0", spec(data={"noise": -0.5}), "data.noise"),
    ("noise NaN", spec(data={"noise": float("nan")}), "data.noise"),
    ("noise inf", spec(data={"noise": float("inf")}), "data.noise"),
    ("unknown generator", spec(data={"generator": "mnist"}), "data.generator"),
    ("rank not rank-deficient", spec(data={"rank": 1}), "data.rank"),
    ("rank > d0", spec(data={"generator": "rank-deficient", "rank": 9}), "data.rank"),
    ("file and generator", spec(data={"file": "x.csv", "generator": "gaussian"}), "data.generator"),
    ("layout without file", spec(data={"layout": "rows"}), "data.layout"),
    ("seed -1", spec(seed=-1), "seed"),
    ("seed True", spec(seed=True), "seed"),
    ("unknown section", spec(colour="red"), "colour"),
    ("unknown data field", spec(data={"colour": 1}), "data.colour"),
    ("spec not a mapping", lambda: as_spec(42), "spec"),
    ("spec None", lambda: build_landscape(None), "spec"),  # type: ignore[arg-type]
    # data generators
    ("gaussian seed -1", lambda: sp.gaussian_teacher(3, 2, 10, seed=-1), "seed"),
    ("gaussian seed 1.5", lambda: sp.gaussian_teacher(3, 2, 10, seed=1.5), "seed"),  # type: ignore[arg-type]
    ("gaussian seed True", lambda: sp.gaussian_teacher(3, 2, 10, seed=True), "seed"),
    ("gaussian noise < 0", lambda: sp.gaussian_teacher(3, 2, 10, noise=-1.0), "noise"),
    ("gaussian noise NaN", lambda: sp.gaussian_teacher(3, 2, 10, noise=float("nan")), "noise"),
    ("gaussian d = 0", lambda: sp.gaussian_teacher(0, 2, 10), "d_in"),
    ("gaussian m True", lambda: sp.gaussian_teacher(3, 2, True), "m"),
    ("whitened seed", lambda: sp.whitened_teacher(3, 2, 10, seed=-2), "seed"),
    ("whitened m < d", lambda: sp.whitened_teacher(5, 2, 3), "m"),
    ("logistic seed str", lambda: sp.logistic_teacher(3, 10, seed="a"), "seed"),  # type: ignore[arg-type]
    ("logistic flip", lambda: sp.logistic_teacher(3, 10, flip=0.7), "flip"),
    ("softmax 1 class", lambda: sp.softmax_teacher(3, 1, 10), "classes"),
    ("rank 0", lambda: sp.rank_deficient_teacher(3, 2, 10, rank=0), "rank"),
    ("rank-deficient noise", lambda: sp.rank_deficient_teacher(3, 2, 10, rank=1, noise=-1.0), "noise"),
    ("population sample seed", lambda: sp.population(np.eye(2)).sample(5, seed=-1), "seed"),
    ("NaN in X", lambda: sp.Dataset(np.array([[np.nan, 1.0]]), np.ones((1, 2))), "X"),
    ("NaN in Y", lambda: sp.Dataset(np.ones((1, 2)), np.array([[np.inf, 1.0]])), "Y"),
    ("None as X", lambda: sp.Dataset(None, np.ones((1, 2))), "X"),  # type: ignore[arg-type]
    # models
    ("DeepLinear True width", lambda: DeepLinear([3, True, 2]), "widths"),
    ("MLP True width", lambda: MLP([3, True]), "widths"),
    ("ResNet d True", lambda: LinearResNet(True, 2), "d"),  # type: ignore[arg-type]
    ("ResNet depth 0", lambda: LinearResNet(3, 0), "depth"),
    ("MultiTower empty", lambda: MultiTower([]), "towers"),
    ("ExpNeuron output 2", lambda: ExpNeuron(MLP([3, 2])), "model"),
    # landscapes and points
    ("None as model", lambda: sp.Landscape(None, sp.SquaredLoss(), sp.gaussian_teacher(3, 2, 10)), "model"),
    ("None as loss", lambda: sp.Landscape(DeepLinear([3, 2]), None, sp.gaussian_teacher(3, 2, 10)), "loss"),
    ("None as data", lambda: sp.Landscape(DeepLinear([3, 2]), sp.SquaredLoss(), None), "data"),
    ("data vs widths", lambda: build_landscape(make_spec(model={"widths": [3, 2]}),
                                               data=sp.gaussian_teacher(4, 2, 10)), "data"),
    ("point wrong length", lambda: L.value(np.zeros(P + 1)), "point"),
    ("point NaN", lambda: L.value(np.full(P, np.nan)), "point"),
    ("point None", lambda: L.gradient(None), "point"),
    ("direction wrong length", lambda: L.hvp(np.zeros(P), np.zeros(2)), "v"),
    ("analytic class wrong point", lambda: analytic_class(L, np.zeros(2)), "point"),
    ("start point seed", lambda: start_point(L, -1), "seed"),
    ("start point scale", lambda: start_point(L, 0, scale=-1.0), "scale"),
    # files
    ("load_data None", lambda: sp.load_data(None), "data"),  # type: ignore[arg-type]
    ("load_data layout", lambda: sp.load_data("x.npz", layout="diagonal"), "layout"),  # type: ignore[arg-type]
    ("load_data missing", lambda: sp.load_data("missing.csv"), "data"),
    ("load_data three files", lambda: sp.load_data("a.npy,b.npy,c.npy"), "data"),
    ("read_problem missing", lambda: read_problem("missing.toml"), "--problem"),
    # sweep grids
    # finders, the classifier and the optimisers
    ("classify no landscape", lambda: classify(None, np.zeros(P)), "landscape"),
    ("newton-mr no landscape", lambda: newton_mr(None, np.zeros(P)), "landscape"),
    ("damped newton no landscape", lambda: damped_newton(None, np.zeros(P)), "landscape"),
    ("newton-mr iterations True", lambda: newton_mr(L, np.zeros(P), max_iterations=True), "max_iterations"),
    ("newton-mr iterations 0", lambda: newton_mr(L, np.zeros(P), max_iterations=0), "max_iterations"),
    ("gd seed -1", lambda: gd(L, np.zeros(P), steps=3, lr=0.1, seed=-1), "seed"),
    ("sgd seed -1", lambda: sgd(L, np.zeros(P), steps=3, lr=0.1, seed=-1), "seed"),
    ("estimate_beta samples 0", lambda: estimate_beta(L, np.zeros(P), 1.0, samples=0), "samples"),
    ("grid model", grid(model="transformer"), "grid.model"),
    ("grid width True", grid(widths=[2, True]), "grid.widths"),
    ("grid method", grid(method="adam"), "grid.method"),
    ("grid seeds True", grid(seeds=True), "grid.seeds"),
    ("grid steps 0", grid(steps=0), "grid.steps"),
    ("grid lr NaN", grid(lr=float("nan")), "grid.lr"),
    ("grid data generator name", grid(data="gaussian"), "grid.data"),
    ("grid samples", grid(samples=-1), "grid.samples"),
    ("grid noise", grid(noise=-1.0), "grid.noise"),
    ("sweep n_jobs", lambda: run_sweep(parse_config({"grid": {"widths": [2, 2]}}, out="unused"), n_jobs=0),
     "--n-jobs"),
]


def test_the_battery_is_large_enough() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize(("case", "call", "argument"), CASES, ids=[c for c, _, _ in CASES])
def test_bad_api_input_raises_input_error_naming_the_argument(tmp_path: Path, monkeypatch, case: str,
                                                              call: Callable[[], object], argument: str) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(sp.InputError) as exc:
        call()
    assert exc.value.argument == argument, str(exc.value)
    assert list(tmp_path.iterdir()) == [], "a failed call wrote files"
