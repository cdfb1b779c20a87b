"""What a user asks of a torch model: classify with optimum=…, extreme eigenvalues with
certificates, SLQ density and Hutchinson trace, slices written as PNG + data."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from spurious import from_torch  # noqa: E402
from spurious.critical import (  # noqa: E402
    classify,
    extreme_eigenvalues,
    hutchinson_trace,
    newton_mr,
    spectral_density,
)
from spurious.slices import random_directions, slice_1d, slice_2d  # noqa: E402

REL = 1e-10



def net_and_data(m: int = 40):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    g = torch.Generator().manual_seed(1)
    X = torch.randn(m, 2, generator=g)
    return net, X, torch.sin(2 * X[:, :1])


def last_layer_minimum():
    """Only the last layer varies: a linear least-squares problem with a unique, exactly known minimum."""
    net, X, Y = net_and_data()
    land = from_torch(net, torch.nn.MSELoss(), (X, Y), params=["2.weight", "2.bias"])
    found = newton_mr(land, land.theta0, max_iterations=20)
    with torch.no_grad():
        F = torch.cat([torch.tanh(net[0].double()(X.double())), torch.ones(X.shape[0], 1, dtype=torch.float64)], 1)
    w, *_ = np.linalg.lstsq(F.numpy(), Y.double().numpy(), rcond=None)
    exact = float(np.mean((F.numpy() @ w - Y.double().numpy()) ** 2))
    return land, found.point, exact


def test_classify_with_and_without_a_known_optimum():
    land, point, exact = last_layer_minimum()
    unknown = classify(land, point, optimum=None)
    assert unknown.label == "local minimum" and "global status unknown" in unknown.reason
    assert classify(land, point, optimum=exact).label == "global minimum"
    assert classify(land, point, optimum=land.point(point)).label == "global minimum"
    assert classify(land, point, optimum=exact - 0.01).label == "spurious local minimum"
    assert classify(land, point).label == "inconclusive"  # default: the landscape knows no optimum
    assert classify(land, land.theta0, optimum=None).label == "not critical"


def test_classify_strict_saddle_from_a_torch_model():
    net, X, Y = net_and_data()
    land = from_torch(net, torch.nn.MSELoss(), (X, Y))
    point = np.zeros(land.n_params)  # hidden units silent, output bias at the mean: critical,
    point[-1] = float(Y.double().mean())  # and the weight/bias cross terms make it indefinite
    c = classify(land, point, optimum=None)
    assert c.label == "strict saddle"
    assert c.certificate["curvature"] < 0 and min(c.certificate["decrease"]) < 0


def test_extreme_eigenvalues_certified_against_dense():
    net, X, Y = net_and_data()
    land = from_torch(net, torch.nn.MSELoss(), (X, Y))
    lam = np.linalg.eigvalsh(land.hessian(land.theta0))
    spec = extreme_eigenvalues(land, land.theta0, rtol=1e-12)
    scale = max(abs(lam[0]), abs(lam[-1]))
    assert abs(spec.lam_min - lam[0]) <= REL * scale and abs(spec.lam_max - lam[-1]) <= REL * scale
    assert abs(spec.lam_min - lam[0]) <= spec.err_min + REL * scale  # the certificate holds
    v = spec.vec_min
    assert np.linalg.norm(land.hvp(land.theta0, v) - spec.lam_min * v) == pytest.approx(spec.err_min, rel=1e-6)


def test_trace_estimates_agree_with_the_exact_trace():
    net, X, Y = net_and_data()
    land = from_torch(net, torch.nn.MSELoss(), (X, Y))
    H = land.hessian(land.theta0)
    exact = float(np.trace(H))
    hutch = hutchinson_trace(land, land.theta0, probes=400)
    assert abs(hutch.trace - exact) <= 5 * hutch.stderr
    density = spectral_density(land, land.theta0, probes=30, steps=land.n_params)
    lam = np.linalg.eigvalsh(H)
    assert density.nodes[0].min() == pytest.approx(lam[0], abs=1e-8 * abs(lam).max())
    assert abs(density.trace - exact) <= 0.3 * np.abs(lam).sum()
    assert np.trapezoid(density.density, density.grid) == pytest.approx(1.0, abs=0.02)


def test_filter_normalised_slices_written_as_png_and_data(tmp_path):
    net, X, Y = net_and_data()
    land = from_torch(net, torch.nn.MSELoss(), (X, Y))
    theta = land.theta0
    D, info = random_directions(land, theta, k=2, normalisation="filter", seed=0)
    first_filter = slice(0, 2)  # row 0 of the first Linear weight (4, 2)
    assert np.linalg.norm(D[0][first_filter]) == pytest.approx(np.linalg.norm(theta[first_filter]))
    one = slice_1d(land, theta, D[0], span=0.5, n=9, info=info)
    npz, png = one.write(tmp_path / "line")
    assert png.read_bytes()[:4] == b"\x89PNG" and np.load(npz)["values"].shape == (9,)
    two = slice_2d(land, theta, D[0], D[1], span=0.5, n=5, info=info)
    _, png2 = two.write(tmp_path / "plane")
    assert png2.stat().st_size > 0 and two.values[2, 2] == pytest.approx(land.value(theta))


def test_optimiser_and_finders_accept_a_torch_landscape():
    from spurious.optim import gd, sgd

    net, X, Y = net_and_data()
    land = from_torch(net, torch.nn.MSELoss(), (X, Y))
    run = gd(land, land.theta0, lr=0.1, steps=50, record_every=10)
    assert run.status != "diverged" and run.loss < land.value(land.theta0)
    stochastic = sgd(land, land.theta0, lr=0.05, steps=200, batch_size=8, seed=0)
    assert stochastic.status != "diverged" and stochastic.loss < land.value(land.theta0)
    everything = np.arange(X.shape[0])  # a batch of all samples: the full gradient (mean loss)
    assert np.allclose(land.objective.minibatch_gradient(land.theta0, everything), land.gradient(land.theta0),
                       rtol=REL, atol=0)


def test_missing_torch_is_one_line_with_the_install_command(monkeypatch):
    import sys

    from spurious import MissingDependencyError
    from spurious.frontends.torch import import_torch

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'spurious\[torch\]'"):
        import_torch()
