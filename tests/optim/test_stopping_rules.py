"""GD, SGD and PGD stop at the first iterate that satisfies their rule and say which rule fired."""

from __future__ import annotations

import numpy as np

from spurious.data import gaussian_teacher
from spurious.landscape import Landscape
from spurious.losses import SquaredLoss
from spurious.models import DeepLinear
from spurious.optim import gd, pgd, sgd
from spurious.optim.functions import cosine_saddle_landscape, quadratic_landscape


def _net() -> Landscape:
    return Landscape(DeepLinear((2, 2, 2)), SquaredLoss(mean=True), gaussian_teacher(2, 2, 30, seed=0))


def test_gd_stops_at_the_first_eps_stationary_iterate_and_reports_converged():
    L = quadratic_landscape(np.diag([1.0, 0.5]))
    res = gd(L, np.array([1.0, 1.0]), lr=0.5, steps=10_000, eps=1e-3)
    assert res.status == "converged"
    assert "ε" in res.message
    assert res.iterations == res.info["first_eps_step"]
    norms = res.log["grad_norm"]
    assert norms[-1] <= 1e-3 < norms[-2]
    assert res.grad_norm > 1e-6  # it stopped at the first such iterate, not long after


def test_gd_step_budget_message():
    res = gd(_net(), _net().model.random_point(1), lr=1e-3, steps=5)
    assert res.status == "max-iterations" and "budget" in res.message


def test_gd_stop_rule_message():
    res = gd(_net(), _net().model.random_point(1), lr=1e-2, steps=50, stop=lambda t, w, f, g: t == 3)
    assert res.status == "converged" and res.iterations == 3 and "stop rule" in res.message


def test_sgd_stops_at_first_eps_iterate():
    L = _net()
    res = sgd(L, L.model.random_point(0), lr=0.05, steps=20_000, batch_size=30, eps=1e-2, seed=0)
    assert res.status == "converged" and "ε" in res.message
    assert res.grad_norm <= 1e-2 < res.log["grad_norm"][-2]
    assert res.evaluations.gradient >= res.iterations


def test_sgd_without_eps_runs_its_budget():
    L = _net()
    res = sgd(L, L.model.random_point(0), lr=0.01, steps=20, record_every=10)
    assert res.status == "max-iterations" and "budget" in res.message
    assert res.iterate_steps == (0, 10, 20)


def test_pgd_message_names_the_return_rule():
    L = cosine_saddle_landscape(np.array([1.0]), np.array([1.0]))
    res = pgd(L, np.array([0.0, 0.0]), beta=1.0, rho=1.0, eps=1e-2, delta_f=3.0, max_steps=20_000, seed=0,
              record_every=100)
    assert res.status == "converged" and "return rule" in res.message
    assert res.iterates is not None and res.iterates.shape[1] == 2


def test_pgd_stop_at_eps_returns_the_first_second_order_stationary_iterate():
    L = quadratic_landscape(np.diag([1.0, 2.0]))  # convex: every ε-stationary point is ε-SOSP
    kw = dict(beta=2.0, rho=1.0, eps=1e-3, delta_f=5.0, max_steps=200_000, seed=0)
    plain = pgd(L, np.array([1.0, 1.0]), **kw)
    early = pgd(L, np.array([1.0, 1.0]), stop_at_eps=True, **kw)
    assert early.status == "converged" and "ε-second-order stationary" in early.message
    assert early.iterations < plain.iterations
    assert early.info["second_order"]["is_second_order_stationary"]
    assert early.info["perturbation_steps"] == []
