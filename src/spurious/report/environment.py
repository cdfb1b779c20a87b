"""What a run ran on: versions of spurious, Python, NumPy, SciPy, the BLAS (threadpoolctl), the machine."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np  # noqa: F401  (loaded so that threadpoolctl sees its BLAS)
import scipy.linalg  # noqa: F401
from threadpoolctl import threadpool_info

__all__ = ["environment"]


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _blas() -> str:
    """Every BLAS loaded in this process, by the package that ships it (NumPy and SciPy may each bring one).

    Sorted by package, so the line does not depend on which module happened to load its BLAS first.
    """
    libs = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if not libs:
        return "unknown"
    return "; ".join(sorted(_describe_blas(lib) for lib in libs))


def _describe_blas(lib: dict[str, Any]) -> str:
    """'numpy: openblas 0.3.31 (2 threads)' from one threadpoolctl record."""
    owner = Path(str(lib.get("filepath", ""))).parent.name.removesuffix(".libs") or "?"
    name = " ".join(str(p) for p in (lib.get("internal_api", "?"), lib.get("version")) if p)
    return f"{owner}: {name} ({lib.get('num_threads', '?')} threads)"


def environment() -> dict[str, Any]:
    """Versions and machine as one flat JSON-able dict (shown at the top of the report)."""
    return {
        "spurious": _version("spurious"), "python": platform.python_version(), "numpy": _version("numpy"),
        "scipy": _version("scipy"), "matplotlib": _version("matplotlib"), "blas": _blas(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "system": f"{platform.system()} {platform.release()}",
    }
