"""from_torch: value, gradient, HVPs, dense Hessian and extreme eigenvalues against
``torch.autograd.functional.hessian`` computed densely; the user's module untouched; bad input."""

from __future__ import annotations

import copy

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from spurious import InputError, from_torch  # noqa: E402
from spurious.critical.spectrum import hessian_spectrum  # noqa: E402
from spurious.tolerances import relative_error  # noqa: E402

REL = 1e-10  # the bar: float64 autograd against float64 autograd, same formula



def small_net(activation=torch.nn.Tanh, seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(3, 6), activation(), torch.nn.Linear(6, 2))


def toy_data(m: int = 24, seed: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(m, 3, generator=g), torch.randn(m, 2, generator=g)


def reference(net: torch.nn.Module, loss_fn, X, Y, names=None):
    """Φ, ∇Φ and ∇²Φ of the float64 copy by torch.autograd.functional (dense)."""
    net64 = copy.deepcopy(net).double()
    named = dict(net64.named_parameters())
    names = names or list(named)
    shapes = [named[n].shape for n in names]
    sizes = [int(np.prod(s)) for s in shapes]

    def phi(flat):
        params = {n: p.reshape(s) for n, p, s in zip(names, torch.split(flat, sizes), shapes, strict=True)}
        target = Y.double() if Y.is_floating_point() else Y
        return loss_fn(torch.func.functional_call(net64, params, (X.double(),)), target)

    theta = torch.cat([named[n].detach().reshape(-1) for n in names])
    g = torch.autograd.functional.jacobian(phi, theta)
    H = torch.autograd.functional.hessian(phi, theta)
    return float(phi(theta)), g.numpy(), H.numpy()


@pytest.mark.parametrize("activation", [torch.nn.Tanh, torch.nn.Sigmoid])
@pytest.mark.parametrize("loss_fn", [torch.nn.MSELoss(), torch.nn.MSELoss(reduction="sum")])
def test_derivatives_match_dense_autograd(activation, loss_fn):
    net = small_net(activation)
    X, Y = toy_data()
    land = from_torch(net, loss_fn, (X, Y))
    f, g, H = reference(net, loss_fn, X, Y)
    theta = land.theta0
    assert abs(land.value(theta) - f) <= REL * abs(f)
    assert relative_error(land.gradient(theta), g) <= REL
    V = np.random.default_rng(0).standard_normal((5, land.n_params))
    assert relative_error(land.hvp(theta, V[0]), H @ V[0]) <= REL
    assert relative_error(land.hvp(theta, V), V @ H) <= REL
    assert relative_error(land.hessian(theta), H) <= REL
    op = land.hessian_operator(theta)
    assert relative_error(op @ V.T, H @ V.T) <= REL


def test_forward_mode_hvp_agrees():
    net = small_net()
    X, Y = toy_data()
    loss_fn = torch.nn.CrossEntropyLoss()
    labels = (Y[:, 0] > 0).long()
    land = from_torch(net, loss_fn, (X, labels), hvp_mode="forward")
    _, _, H = reference(net, loss_fn, X, labels)
    V = np.random.default_rng(1).standard_normal((3, land.n_params))
    assert relative_error(land.hvp(land.theta0, V), V @ H) <= REL


def test_extreme_eigenvalues_match_dense():
    net = small_net()
    X, Y = toy_data()
    land = from_torch(net, torch.nn.MSELoss(), (X, Y))
    lam = np.linalg.eigvalsh(reference(net, torch.nn.MSELoss(), X, Y)[2])
    for limit in (10_000, 10):  # dense eigh, then Lanczos on the LinearOperator
        spec = hessian_spectrum(land, land.theta0, dense_limit=limit)
        scale = max(abs(lam[0]), abs(lam[-1]))
        assert abs(spec.lam_min - lam[0]) <= REL * scale
        assert abs(spec.lam_max - lam[-1]) <= REL * scale


def test_module_is_not_mutated():
    net = small_net().float()
    net.train()
    before = copy.deepcopy(net.state_dict())
    X, Y = toy_data()
    land = from_torch(net, torch.nn.MSELoss(), (X, Y))
    land.hessian(land.theta0 + 0.1)
    assert net.training
    assert all(p.dtype == torch.float32 for p in net.parameters())
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())


def test_eval_semantics_dropout_off_batchnorm_frozen():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 6), torch.nn.BatchNorm1d(6), torch.nn.Dropout(0.5),
                              torch.nn.Tanh(), torch.nn.Linear(6, 2))
    X, Y = toy_data()
    net(X)  # one training-mode pass moves the running statistics
    land = from_torch(net, torch.nn.MSELoss(), (X, Y))
    net.eval()
    with torch.no_grad():
        expected = float(torch.nn.MSELoss()(net.double()(X.double()), Y.double()))
    assert land.value(land.theta0) == pytest.approx(expected, rel=REL)
    assert land.value(land.theta0) == land.value(land.theta0)  # no dropout noise


def test_parameter_selection_last_layer_only():
    net = small_net()
    X, Y = toy_data()
    land = from_torch(net, torch.nn.MSELoss(), (X, Y), params=["2.weight", "2.bias"])
    assert land.n_params == 6 * 2 + 2
    _, _, H = reference(net, torch.nn.MSELoss(), X, Y, names=["2.weight", "2.bias"])
    assert relative_error(land.hessian(land.theta0), H) <= REL
    by_object = from_torch(net, torch.nn.MSELoss(), (X, Y), params=list(net[2].parameters()))
    assert by_object.n_params == land.n_params


@pytest.mark.parametrize(("loss_fn", "reduction"), [
    (torch.nn.MSELoss(), None), (torch.nn.MSELoss(reduction="sum"), None),
    (lambda out, y: 0.5 * ((out - y) ** 2).sum(dim=1).mean(), "mean")])
def test_dataloader_accumulates_the_full_batch_loss(loss_fn, reduction):
    net = small_net()
    X, Y = toy_data(m=23)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, Y), batch_size=5, shuffle=False)
    whole = from_torch(net, loss_fn, (X, Y))
    batched = from_torch(net, loss_fn, loader, reduction=reduction)
    theta = whole.theta0
    assert batched.value(theta) == pytest.approx(whole.value(theta), rel=REL)
    assert relative_error(batched.gradient(theta), whole.gradient(theta)) <= REL
    v = np.ones(whole.n_params)
    assert relative_error(batched.hvp(theta, v), whole.hvp(theta, v)) <= REL


def test_state_dict_round_trip():
    net = small_net()
    X, Y = toy_data()
    land = from_torch(net, torch.nn.MSELoss(), (X, Y))
    theta = land.theta0 + 0.25
    assert np.array_equal(land.point_from_state_dict(land.state_dict(theta)), theta)
    moved = land.module_at(theta)
    assert float(torch.nn.MSELoss()(moved(X.double()), Y.double())) == pytest.approx(land.value(theta), rel=REL)


def test_bad_input_is_named():
    net = small_net()
    X, Y = toy_data()
    with pytest.raises(InputError, match="module"):
        integer = small_net()
        integer[0].weight = torch.nn.Parameter(torch.ones(6, 3, dtype=torch.int64), requires_grad=False)
        from_torch(integer, torch.nn.MSELoss(), (X, Y))
    with pytest.raises(InputError, match="loss_fn"):
        from_torch(net, torch.nn.MSELoss(reduction="none"), (X, Y))
    with pytest.raises(InputError, match="data"):
        from_torch(net, torch.nn.MSELoss(), (torch.randn(24, 4), Y))
    with pytest.raises(InputError, match="data"):
        from_torch(net, torch.nn.MSELoss(), (X, Y[:5]))
    shuffled = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, Y), batch_size=4, shuffle=True)
    with pytest.raises(InputError, match="shuffle"):
        from_torch(net, torch.nn.MSELoss(), shuffled)
    frozen = small_net()
    frozen[0].weight.requires_grad_(False)
    with pytest.raises(InputError, match="requires_grad"):
        from_torch(frozen, torch.nn.MSELoss(), (X, Y), params=["0.weight"])
    with pytest.raises(InputError, match="params"):
        from_torch(net, torch.nn.MSELoss(), (X, Y), params=["nope"])
    with pytest.raises(InputError, match="reduction"):
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, Y), batch_size=4)
        from_torch(net, lambda o, y: ((o - y) ** 2).mean(), loader)
    with pytest.raises(InputError, match="module"):
        from_torch("not a module", torch.nn.MSELoss(), (X, Y))
