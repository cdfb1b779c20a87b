"""Values as a reader wants to see them: numbers rounded, lists and matrices laid out, names in words.

No Python repr reaches a page: :func:`human` turns floats, NumPy scalars, lists, nested lists
(matrices) and dicts into short text (``3.2e-16``, ``[0.98, 0.88]``, ``d = 3, seed 10``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["human", "human_number", "human_key", "matrix_text", "instance_rows", "instance_count",
           "MAX_CELL"]

MAX_CELL = 60
MAX_LIST = 6


def human_number(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits; integers stay integers; nan/inf in words."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}".replace(",", " ") if abs(int(value)) >= 10_000 else str(int(value))
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    if v.is_integer() and abs(v) < 1e6:
        return str(int(v))
    text = f"{v:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")


def _number_like(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _parse_special(value: str) -> str:
    return {"nan": "nan", "inf": "∞", "-inf": "−∞", "Infinity": "∞", "-Infinity": "−∞"}.get(value, value)


def human(value: Any, limit: int = MAX_CELL) -> str:
    """Short plain text for any JSON-able (or NumPy) value, at most ``limit`` characters."""
    text = _human(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _human(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if _number_like(value):
        return human_number(value)
    if isinstance(value, str):
        return _parse_special(value)
    if isinstance(value, np.ndarray):
        return _human(value.tolist())
    if isinstance(value, Mapping):
        return ", ".join(f"{human_key(k)} {_human(v)}" for k, v in value.items())
    if isinstance(value, Sequence):
        items = list(value)
        if items and all(isinstance(i, Sequence) and not isinstance(i, str) for i in items):
            return f"{len(items)}×{len(items[0])} matrix" if items[0] else "empty"
        shown = ", ".join(_human(i) for i in items[:MAX_LIST])
        more = f", … ({len(items)} values)" if len(items) > MAX_LIST else ""
        return f"[{shown}{more}]"
    return str(value)


def human_key(key: Any) -> str:
    """A column or field name in words: ``max_hessian_ratio`` → ``max hessian ratio``."""
    return str(key).replace("_", " ").strip()


def matrix_text(a: Any, digits: int = 4) -> str:
    """A small matrix as aligned columns of numbers (for a ``<pre>`` block)."""
    m = np.atleast_2d(np.asarray(a, dtype=np.float64))
    if m.ndim > 2:
        m = m.reshape(m.shape[0], -1)
    cells = [[human_number(float(v), digits) for v in row] for row in m]
    width = max((len(c) for row in cells for c in row), default=1)
    return "\n".join("  ".join(c.rjust(width) for c in row) for row in cells)


def instance_rows(instances: Sequence[Any], limit: int) -> tuple[list[str], list[list[str]]]:
    """Columns and text rows of an instances table (first ``limit`` rows), no reprs."""
    dicts = [i if isinstance(i, Mapping) else {"value": i} for i in instances[:limit]]
    columns: list[str] = []
    for d in dicts:
        columns.extend(k for k in d if k not in columns and not str(k).startswith("_"))
    rows = [[human(d.get(c)) if c in d else "" for c in columns] for d in dicts]
    return [human_key(c) for c in columns], rows


def instance_count(record: Mapping[str, Any]) -> int | None:
    """How many instances the verdict stands on: the tally's ``tried``, else the margins series'
    length, else the instance rows (None when the check itemised nothing)."""
    tally = record.get("tally") or {}
    if isinstance(tally, Mapping) and tally.get("tried"):
        return int(tally["tried"])
    margins = (record.get("series") or {}).get("margins") if isinstance(record.get("series"), Mapping) else None
    if isinstance(margins, Mapping) and margins.get("measured"):
        return len(margins["measured"])
    if record.get("instances"):
        return len(record["instances"])
    return None
