"""What a run ran on: versions of spurious, Python, NumPy, SciPy, the BLAS (threadpoolctl), the machine."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version
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
    libs = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if not libs:
        return "unknown"
    first = libs[0]
    name = " ".join(str(p) for p in (first.get("internal_api", "?"), first.get("version")) if p)
    return f"{name} ({first.get('num_threads', '?')} threads)"


def environment() -> dict[str, Any]:
    """Versions and machine as one flat JSON-able dict (shown at the top of the report)."""
    return {
        "spurious": _version("spurious"), "python": platform.python_version(), "numpy": _version("numpy"),
        "scipy": _version("scipy"), "matplotlib": _version("matplotlib"), "blas": _blas(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "system": f"{platform.system()} {platform.release()}",
    }
