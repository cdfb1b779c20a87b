"""Bad input: a clear error naming the argument; the CLI prints one line and exits non-zero."""

from __future__ import annotations

import numpy as np
import pytest

import spurious as sp
from spurious.cli import main


@pytest.mark.parametrize(
    ("widths", "match"),
    [((3,), "at least 2"), ((3, 0, 2), ">= 1"), ((3, -1, 2), ">= 1"), ((3, 2.5, 2), "integer"), ("ab", "integers")],
)
def test_bad_widths(widths, match):
    with pytest.raises(sp.InputError, match=match) as err:
        sp.DeepLinear(widths)
    assert err.value.argument == "widths"


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_data(bad):
    X = np.ones((2, 3))
    X[0, 1] = bad
    with pytest.raises(sp.InputError, match="^X: .*NaN/Inf"):
        sp.Dataset(X, np.ones((1, 3)))
    with pytest.raises(sp.InputError, match="^Y: "):
        sp.Dataset(np.ones((2, 3)), np.full((1, 3), bad))


def test_mismatched_samples():
    with pytest.raises(sp.InputError, match="^Y: expected 3 columns"):
        sp.Dataset(np.ones((2, 3)), np.ones((1, 4)))


def test_data_widths_must_match_model():
    with pytest.raises(sp.InputError, match="^data: X has 2 rows"):
        sp.Landscape(sp.DeepLinear((3, 2, 1)), sp.SquaredLoss(), sp.gaussian_teacher(2, 1, 5))


@pytest.mark.parametrize("point", [np.zeros(5), np.zeros((2, 3)), [np.zeros((2, 3))]])
def test_wrong_point_shape(point):
    land = sp.Landscape(sp.DeepLinear((3, 2, 1)), sp.SquaredLoss(), sp.gaussian_teacher(3, 1, 5))
    with pytest.raises(sp.InputError, match="^point"):
        land.value(point)


def test_non_finite_point_and_direction():
    model = sp.DeepLinear((3, 2, 1))
    land = sp.Landscape(model, sp.SquaredLoss(), sp.gaussian_teacher(3, 1, 5))
    theta = model.random_point()
    theta[2] = np.nan
    with pytest.raises(sp.InputError, match="^point: contains 1 NaN/Inf"):
        land.gradient(theta)
    with pytest.raises(sp.InputError, match="^v: "):
        land.hvp(model.zeros(), np.full(model.n_params, np.inf))


def test_logistic_labels_must_be_plus_minus_one():
    data = sp.Dataset(np.ones((2, 3)), np.array([[0.0, 1.0, -1.0]]))
    with pytest.raises(sp.InputError, match=r"^Y: logistic loss expects labels in \{-1, \+1\}"):
        sp.Landscape(sp.DeepLinear((2, 1)), sp.LogisticLoss(), data)


def test_cross_entropy_targets_must_be_distributions():
    data = sp.Dataset(np.ones((2, 2)), np.array([[1.0, 0.5], [0.0, 0.0]]))
    with pytest.raises(sp.InputError, match="^Y: cross-entropy"):
        sp.Landscape(sp.DeepLinear((2, 2)), sp.CrossEntropyLoss(), data)


def test_population_rejects_non_psd_sigma_and_other_losses():
    with pytest.raises(sp.InputError, match="^Sigma: expected positive semidefinite"):
        sp.population(np.eye(2), np.diag([1.0, -1.0]))
    with pytest.raises(sp.InputError, match="^data: the logistic loss needs samples"):
        sp.Landscape(sp.DeepLinear((2, 1)), sp.LogisticLoss(), sp.population(np.ones((1, 2))))


def test_unknown_loss_name_and_bad_huber_delta():
    with pytest.raises(sp.InputError, match="^loss: unknown loss 'hinge'"):
        sp.make_loss("hinge")
    with pytest.raises(sp.InputError, match="^delta: "):
        sp.HuberLoss(delta=0.0)


def test_cli_unknown_claim_prints_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--only", "NOT-A-CLAIM"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --only: unknown claim id")
    assert "\n" not in err and "Traceback" not in err
