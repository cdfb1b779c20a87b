"""The public surface: every package's names are what they say, and no name hides a submodule."""

from __future__ import annotations

import importlib
import pkgutil
import types

import pytest

import spurious

PACKAGES = [name for _, name, is_pkg in pkgutil.walk_packages(spurious.__path__, "spurious.") if is_pkg]


@pytest.mark.parametrize("package", ["spurious", *PACKAGES])
def test_no_public_name_shadows_a_submodule(package):
    """`import spurious.optim.gd`-style access must give the module, so a patch on it works."""
    module = importlib.import_module(package)
    for info in pkgutil.iter_modules(module.__path__):
        attr = getattr(module, info.name, None)
        assert attr is None or isinstance(attr, types.ModuleType), f"{package}.{info.name} is a {type(attr).__name__}"


@pytest.mark.parametrize("package", ["spurious", *PACKAGES])
def test_all_names_exist(package):
    module = importlib.import_module(package)
    for name in getattr(module, "__all__", []):
        assert hasattr(module, name), f"{package}.__all__ lists {name}, which it does not define"


def test_every_deliberate_error_is_a_spurious_error():
    from spurious.report.plots import PlotError

    assert issubclass(PlotError, spurious.SpuriousError)
