"""The import graph of the package, read with ``ast`` from the sources (docs/architecture.md).

Two rules: (1) no import inside a function, except of an optional dependency or of the plotting
layer (``spurious.report`` imports matplotlib when it is imported) from outside it; (2) data flows
one way: a package never imports a floor above it, with the two documented plotting exceptions.
"""

from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pytest

import spurious

SOURCE = Path(spurious.__file__).parent

#: Dependencies that a function may import when it needs them: optional extras, and matplotlib
#: (heavy: ``import spurious`` and ``spurious check --no-report`` never load it).
OPTIONAL = frozenset({"torch", "jax", "jaxlib", "dask", "distributed", "matplotlib"})
PLOTTING = "spurious.report"

#: package → the packages above it that it must never import.
NUMERICS_ABOVE = ("spurious.claims", "spurious.report", "spurious.cli", "spurious.sweep", "spurious.spec",
                  "spurious.frontends", "spurious.experiments")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "spurious.vocabulary": ("spurious.report", "spurious.models", "spurious.landscape", "spurious.critical"),
    "spurious.text": ("spurious.report", "spurious.models", "spurious.landscape", "spurious.critical"),
    "spurious.prose": ("spurious.report", "spurious.models", "spurious.landscape", "spurious.critical"),
    "spurious.reprs": ("spurious.report", "spurious.models", "spurious.landscape", "spurious.critical",
                       "spurious.claims", "spurious.result"),
    "spurious.objective": ("spurious.models", "spurious.landscape", *NUMERICS_ABOVE),
    "spurious.models": ("spurious.landscape", "spurious.critical", "spurious.optim", "spurious.construct",
                        "spurious.slices", *NUMERICS_ABOVE),
    "spurious.linalg": ("spurious.landscape", "spurious.models", *NUMERICS_ABOVE),
    "spurious.landscape": ("spurious.critical", "spurious.optim", *NUMERICS_ABOVE),
    "spurious.critical": NUMERICS_ABOVE,
    "spurious.optim": NUMERICS_ABOVE,
    "spurious.construct": NUMERICS_ABOVE,
    "spurious.slices": NUMERICS_ABOVE,
    "spurious.symmetry": NUMERICS_ABOVE,
    "spurious.claims": ("spurious.report", "spurious.cli", "spurious.sweep"),
    "spurious.report": ("spurious.cli", "spurious.sweep"),
}

#: The only imports up a floor, each lazy and each for a figure on request (matplotlib):
#: ``Verdict.plot`` draws the claim's report figure; ``Slice.write`` writes the slice's PNG.
PLOTTING_UPWARDS = {("spurious.claims.registry", "spurious.report.notebook"),
                    ("spurious.slices", "spurious.report.plots")}


@dataclass(frozen=True)
class Import:
    module: str      # the importing module
    target: str      # the absolute name imported (``from a import b`` gives ``a.b`` when a is ``spurious…``)
    line: int
    in_function: bool


def _module_name(path: Path) -> tuple[str, str]:
    """(module name, the package its relative imports resolve against)."""
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        name = ".".join(parts[:-1])
        return name, name
    name = ".".join(parts)
    return name, name.rpartition(".")[0]


def _imports(path: Path) -> list[Import]:
    name, package = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    inside = {id(sub) for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
              for sub in ast.walk(node) if isinstance(sub, ast.Import | ast.ImportFrom)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = (importlib.util.resolve_name("." * node.level + (node.module or ""), package)
                    if node.level else str(node.module))
            targets = [f"{base}.{a.name}" if base.startswith("spurious") else base for a in node.names]
        else:
            continue
        found += [Import(name, t, node.lineno, id(node) in inside) for t in targets]
    return found


MODULES = sorted(SOURCE.rglob("*.py"))
IMPORTS = [imp for path in MODULES for imp in _imports(path)]


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_parser_sees_the_package() -> None:
    assert len(MODULES) > 50
    assert any(i.target == "spurious.report.plots.render_series" and i.in_function for i in IMPORTS)
    assert any(i.module == "spurious.landscape" and i.target.startswith("spurious.objective") for i in IMPORTS)


@pytest.mark.parametrize("imp", [i for i in IMPORTS if i.in_function], ids=lambda i: f"{i.module}:{i.line}")
def test_function_level_imports_only_of_optional_dependencies_or_the_plotting_layer(imp: Import) -> None:
    top = imp.target.split(".")[0]
    if top in OPTIONAL:
        return
    assert _within(imp.target, PLOTTING) and not _within(imp.module, PLOTTING), (
        f"{imp.module} line {imp.line} imports {imp.target} inside a function: import it at the top of the "
        "module, or (a cycle) move the shared code to a module below both")


def test_no_import_runs_up_a_floor() -> None:
    upwards = []
    for imp in IMPORTS:
        for package, above in FORBIDDEN.items():
            if not _within(imp.module, package):
                continue
            hit = next((a for a in above if _within(imp.target, a)), None)
            if hit is None:
                continue
            target_module = imp.target.rpartition(".")[0] if imp.target.count(".") > 2 else imp.target
            allowed = any(imp.module == m and _within(imp.target, t) and imp.in_function for m, t in PLOTTING_UPWARDS)
            if not allowed:
                upwards.append(f"{imp.module}:{imp.line} imports {target_module} (above {package})")
    assert not upwards, "\n".join(upwards)
