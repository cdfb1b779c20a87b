"""Bring your own network on the command line: ``--model-file net.py`` and ``spurious eigs``.

``net.py`` defines a function ``problem()`` (or the one named after a colon:
``--model-file net.py:build``) that returns ``(module, loss_fn, data)`` for PyTorch, or
``(model, loss_fn, data)`` with a callable JAX pytree; or a dict of the keyword arguments of
:func:`spurious.from_torch` / :func:`spurious.from_jax` (``module``/``model``, ``loss_fn``,
``data``, and ``params``, ``reduction``, ``apply``). ``--point weights.pt`` reads a saved
``state_dict`` (``torch.save(net.state_dict(), "weights.pt")``); ``.npy`` files hold flat points.

``classify``, ``find``, ``landscape`` and ``eigs`` take ``--model-file``; without ``--point``
they use the module's own weights.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import numpy as np

from ..critical import extreme_eigenvalues, hutchinson_trace, spectral_density
from ..errors import InputError
from ..frontends import from_jax, from_torch
from ..frontends.jax import JaxLandscape
from ..frontends.torch import TorchLandscape, import_torch
from ..landscape import Landscape
from ..spec import build_landscape
from .options import _FLAGS, emit_json, json_option, out_option, problem_options, spec_from_flags

STATE_SUFFIXES = (".pt", ".pth")


def model_file_option(func: Callable) -> Callable:
    """Add ``--model-file net.py[:function]`` to a command."""
    return click.option("--model-file", "model_file", default=None, metavar="NET.py[:FUNCTION]",
                        help="A Python file whose problem() returns (module, loss_fn, data) for PyTorch "
                             "(or a JAX pytree model): analyse that network instead of a built-in model.")(func)


def _split(spec: str) -> tuple[Path, str]:
    path, _, name = spec.partition(":") if not Path(spec).exists() else (spec, "", "")
    return Path(path), name or "problem"


def load_model_file(spec: str) -> Landscape:
    """The landscape of the network defined in ``net.py[:function]`` (see the module docstring)."""
    path, name = _split(spec)
    if not path.is_file():
        raise InputError("--model-file", f"no such file {str(path)!r}")
    module_spec = importlib.util.spec_from_file_location(f"spurious_model_file_{path.stem}", path)
    if module_spec is None or module_spec.loader is None:
        raise InputError("--model-file", f"cannot import {str(path)!r} as Python")
    user = importlib.util.module_from_spec(module_spec)
    try:
        module_spec.loader.exec_module(user)
    except Exception as exc:  # the user's file: any failure is reported in one line
        raise InputError("--model-file", f"{path} failed to run: {type(exc).__name__}: {exc}") from exc
    build = getattr(user, name, None)
    if not callable(build):
        raise InputError("--model-file", f"{path} defines no function {name}() returning (module, loss_fn, data)")
    try:
        made = build()
    except Exception as exc:
        raise InputError("--model-file", f"{name}() failed: {type(exc).__name__}: {exc}") from exc
    return _landscape_of(made, f"{path}:{name}()")


def _landscape_of(made: Any, where: str) -> Landscape:
    if isinstance(made, dict):
        options = dict(made)
        model = options.pop("module", None) or options.pop("model", None)
        args = (model, options.pop("loss_fn", None), options.pop("data", None))
    elif isinstance(made, tuple | list) and len(made) == 3:
        args, options = tuple(made), {}
    else:
        raise InputError("--model-file", f"{where} returned {type(made).__name__}; expected (module, loss_fn, data)")
    if _is_torch_module(args[0]):
        return from_torch(*args, **options)
    return from_jax(*args, **options)


def _is_torch_module(obj: object) -> bool:
    return any(c.__module__.startswith("torch.nn") and c.__name__ == "Module" for c in type(obj).__mro__)


def landscape_from(spec, model_file: str | None) -> Landscape:
    """The problem's built-in landscape, or the model file's when one is given."""
    return build_landscape(spec) if model_file is None else load_model_file(model_file)


def problem_or_model_file(flags: dict[str, Any], model_file: str | None) -> tuple[Any, int]:
    """(ProblemSpec, seed) from the problem flags; with ``--model-file``: (None, --seed or 0).

    With a model file the built-in problem flags are refused (they would be silently ignored),
    except ``--seed``.
    """
    if model_file is None:
        spec = spec_from_flags(flags)
        return spec, spec.seed
    values = {name: flags.pop(name, None) for name in (*_FLAGS, "problem")}
    seed = values.pop("seed", None)
    given = [f"--{name.replace('_', '-')}" for name, value in values.items() if value is not None]
    if given:
        raise InputError(given[0], "describes a built-in problem; it cannot be combined with --model-file")
    return None, int(seed) if seed is not None else 0


def load_point(landscape: Landscape, path: Path, argument: str = "--point") -> np.ndarray:
    """A flat parameter vector from a .npy file (or a torch state_dict .pt), checked against the landscape."""
    if path.suffix in STATE_SUFFIXES:
        return load_state_point(landscape, path, argument)
    try:
        point = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise InputError(argument, f"no such file {str(path)!r}") from None
    except (OSError, ValueError) as exc:
        raise InputError(argument, f"cannot read {str(path)!r} as .npy ({exc})") from None
    if point.dtype.kind not in "biuf":
        raise InputError(argument, f"expected numbers, got dtype {point.dtype}")
    return landscape.point(np.ravel(point), argument)


def load_state_point(landscape: Landscape, path: Path, argument: str = "--point") -> np.ndarray:
    """θ from a saved ``state_dict`` (.pt/.pth) of the landscape's torch module."""
    if not isinstance(landscape, TorchLandscape):
        raise InputError(argument, f"{path.name} is a torch state_dict; it needs --model-file with a torch module")
    torch = import_torch()
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise InputError(argument, f"no such file {str(path)!r}") from None
    except Exception as exc:
        raise InputError(argument, f"cannot read {str(path)!r} as a state_dict ({exc})") from None
    return landscape.point_from_state_dict(state)


def own_point(landscape: Landscape) -> np.ndarray | None:
    """The network's own weights (θ₀) for a model-file landscape; None for built-in ones."""
    return landscape.theta0 if isinstance(landscape, TorchLandscape | JaxLandscape) else None


@click.command("eigs")
@problem_options
@model_file_option
@click.option("--point", "point_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="weights.pt (a state_dict) or a .npy flat point; default: the model's own weights.")
@click.option("--rtol", type=click.FloatRange(min=0, min_open=True), default=1e-8, show_default=True,
              help="Relative accuracy of λ_min and λ_max (Ritz error estimate).")
@click.option("--density", is_flag=True, help="Also the spectral density (SLQ): density.png and density.npz.")
@click.option("--trace", "with_trace", is_flag=True, help="Also Hutchinson's trace estimate (64 probes).")
@out_option("spurious-eigs")
@json_option
def eigs_command(model_file: str | None, point_path: Path | None, rtol: float, density: bool, with_trace: bool,
                 out: Path, as_json: bool, **flags) -> None:
    """Extreme Hessian eigenvalues with residual certificates (Lanczos), optionally density and trace."""
    spec, _ = problem_or_model_file(flags, model_file)
    land = landscape_from(spec, model_file)
    if point_path is not None:
        theta = load_point(land, point_path)
    else:
        theta = own_point(land)
        if theta is None:
            raise InputError("--point", "give --point FILE (.npy or .pt) for a built-in model")
    t0 = time.perf_counter()
    spec_ = extreme_eigenvalues(land, theta, rtol=rtol)
    payload: dict[str, Any] = {"landscape": repr(land), "n_params": land.n_params, **spec_.as_dict(),
                               "seconds": time.perf_counter() - t0}
    if with_trace:
        tr = hutchinson_trace(land, theta)
        payload["trace"] = {"estimate": tr.trace, "stderr": tr.stderr, "probes": tr.probes}
    if density:
        from ..report.plots import render_specs

        sd = spectral_density(land, theta)
        out.mkdir(parents=True, exist_ok=True)
        (out / "density.png").write_bytes(render_specs([sd.to_series()]))
        np.savez(out / "density.npz", grid=sd.grid, density=sd.density, nodes=sd.nodes, weights=sd.weights)
        payload["density"] = {"files": [str(out / "density.png"), str(out / "density.npz")], "sigma": sd.sigma,
                              "slq_trace": sd.trace, "hvps": sd.n_hvp}
    if as_json:
        emit_json(payload)
        return
    click.echo(f"{land!r}")
    click.echo(f"lambda_min: {spec_.lam_min:.12e} ± {spec_.err_min:.1e}")
    click.echo(f"lambda_max: {spec_.lam_max:.12e} ± {spec_.err_max:.1e}   ({spec_.method}, "
               f"{payload['seconds']:.2f} s; ± is the residual ‖Hv − λv‖: an eigenvalue lies within it)")
    if with_trace:
        click.echo(f"trace (Hutchinson, 64 probes): {payload['trace']['estimate']:.6e} ± "
                   f"{payload['trace']['stderr']:.1e}")
    if density:
        click.echo("wrote " + ", ".join(payload["density"]["files"]) + "; " + json.dumps(
            {"slq_trace": payload["density"]["slq_trace"]}))


commands = [eigs_command]
