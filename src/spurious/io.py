"""Reading a user's data: ``spurious.load_data(path, ...) -> Dataset``.

Formats (chosen by the file extension):

- ``.npz`` with arrays ``X`` and ``Y``;
- a pair of ``.npy`` files ``"X.npy,Y.npy"`` (or a tuple of two paths);
- ``.csv`` (header row required) and ``.parquet`` tables: the ``target`` column(s) are Y, every
  other column is X. ``target`` defaults to the last column. A target column of strings
  (class names) becomes one-hot rows of Y, classes in sorted order.

``layout="rows"`` (the default, scikit-learn's convention): one sample per row, so X is m×d₀ in
the file. ``layout="columns"``: one sample per column, the d×m convention the library uses
inside (for tables: each row of the file is one variable, ``target`` then names rows by their
0-based index). Whatever the file, the :class:`~spurious.data.Dataset` returned holds X (d₀×m)
and Y (d_N×m), float64 and finite.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import csv as pa_csv

from .data import Dataset
from .errors import InputError

__all__ = ["load_data", "DATA_SUFFIXES", "Layout"]

Layout = Literal["rows", "columns"]
DATA_SUFFIXES = (".npz", ".npy", ".csv", ".parquet")


def load_data(path: str | Path | Sequence[str | Path], *, target: str | Sequence[str] | None = None,
              layout: Layout = "rows", argument: str = "data") -> Dataset:
    """Read X and Y from ``path`` (see the module docstring for formats); InputError names ``argument``."""
    if layout not in ("rows", "columns"):
        raise InputError("layout", f"expected 'rows' or 'columns', got {layout!r}")
    paths = _split_paths(path, argument)
    if len(paths) == 2:
        X, Y = (_read_npy(p, argument) for p in paths)
        return _dataset(X, Y, layout, argument)
    (file,) = paths
    suffix = file.suffix.lower()
    if suffix == ".npz":
        X, Y = _read_npz(file, argument)
        return _dataset(X, Y, layout, argument)
    if suffix in (".csv", ".parquet"):
        return _read_table(file, target, layout, argument)
    if suffix == ".npy":
        raise InputError(argument, f"a single .npy holds one array; give the pair as X.npy,Y.npy (got {str(file)!r})")
    raise InputError(argument, f"unknown data format {suffix or str(file)!r}; expected one of {DATA_SUFFIXES}")


def _split_paths(path: object, argument: str) -> list[Path]:
    if isinstance(path, str | Path):
        parts = [p.strip() for p in str(path).split(",")] if isinstance(path, str) else [str(path)]
    elif isinstance(path, Sequence) and all(isinstance(p, str | Path) for p in path):
        parts = [str(p) for p in path]
    else:
        raise InputError(argument, f"expected a file path (or two .npy paths), got {type(path).__name__}")
    if not parts or len(parts) > 2 or any(not p for p in parts):
        raise InputError(argument, f"expected one file or two .npy files X.npy,Y.npy, got {path!r}")
    files = [Path(p) for p in parts]
    if len(files) == 2 and any(f.suffix.lower() != ".npy" for f in files):
        raise InputError(argument, f"a pair of files must be two .npy files, got {parts}")
    for f in files:
        if not f.is_file():
            raise InputError(argument, f"no such file {str(f)!r}")
    return files


def _read_npy(path: Path, argument: str) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise InputError(argument, f"cannot read {str(path)!r} as .npy ({exc})") from None


def _read_npz(path: Path, argument: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as arrays:
            missing = [k for k in ("X", "Y") if k not in arrays]
            if missing:
                raise InputError(argument, f"{path.name} must hold arrays named X and Y (missing {missing}; "
                                 f"found {sorted(arrays.files)})")
            return arrays["X"], arrays["Y"]
    except (OSError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(argument, f"cannot read {str(path)!r} as .npz ({exc})") from None


def _as_matrix(array: np.ndarray, name: str, argument: str) -> np.ndarray:
    if array.dtype.kind not in "biuf":
        raise InputError(argument, f"{name} must be numeric, got dtype {array.dtype}")
    if array.ndim != 2:
        raise InputError(argument, f"{name} must be a 1-D or 2-D array, got shape {array.shape}")
    if array.size == 0:
        raise InputError(argument, f"{name} is empty (shape {array.shape})")
    a = np.asarray(array, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        bad = int(a.size - np.count_nonzero(np.isfinite(a)))
        raise InputError(argument, f"{name} contains {bad} NaN/Inf value(s); expected finite numbers")
    return a


def _oriented(array: object, name: str, layout: Layout, argument: str) -> np.ndarray:
    """One variable per row, one sample per column: a 1-D array is one variable over m samples."""
    a = np.asarray(array)
    if a.ndim == 1:
        a = a[None, :]
    elif layout == "rows":
        a = a.T
    return _as_matrix(a, name, argument)


def _dataset(X: object, Y: object, layout: Layout, argument: str) -> Dataset:
    """Arrays as stored (samples as rows or as columns) → Dataset(X d₀×m, Y d_N×m)."""
    Xm = _oriented(X, "X", layout, argument)
    Ym = _oriented(Y, "Y", layout, argument)
    if Xm.shape[1] != Ym.shape[1]:
        what = "rows" if layout == "rows" else "columns"
        other = "columns" if layout == "rows" else "rows"
        raise InputError(argument, f"X has {Xm.shape[1]} samples but Y has {Ym.shape[1]} (samples as {what}; "
                         f"use layout {other} if the file holds them the other way)")
    return Dataset(np.ascontiguousarray(Xm), np.ascontiguousarray(Ym))


def _read_table(path: Path, target: str | Sequence[str] | None, layout: Layout, argument: str) -> Dataset:
    try:
        if path.suffix.lower() == ".csv":
            table = pa_csv.read_csv(path)
        else:
            table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "Empty CSV" in message or path.stat().st_size == 0:
            raise InputError(argument, f"{path.name} is empty; expected a header row and at least one sample") from None
        raise InputError(argument, f"cannot read {path.name} ({message})") from None
    if table.num_columns == 0 or table.num_rows == 0:
        raise InputError(argument, f"{path.name} has no samples (shape {table.num_rows}×{table.num_columns})")
    if layout == "columns":
        return _table_by_columns(table, target, path, argument)
    names = list(table.column_names)
    targets = _target_names(target, names, path, argument)
    features = [n for n in names if n not in targets]
    if not features:
        raise InputError("target", f"every column of {path.name} is a target; X would be empty")
    X = np.column_stack([_numeric_column(table, n, path, argument) for n in features])
    Y = np.column_stack([_target_column(table, n, path, argument) for n in targets])
    return _dataset(X, Y, "rows", argument)


def _target_names(target: str | Sequence[str] | None, names: list[str], path: Path, argument: str) -> list[str]:
    if target is None:
        return [names[-1]]
    wanted = [t.strip() for t in target.split(",")] if isinstance(target, str) else [str(t) for t in target]
    if not wanted or any(not t for t in wanted):
        raise InputError("target", f"expected one or more column names, got {target!r}")
    unknown = [t for t in wanted if t not in names]
    if unknown:
        raise InputError("target", f"no column {unknown[0]!r} in {path.name}; columns are {names}")
    return wanted


def _numeric_column(table, name: str, path: Path, argument: str) -> np.ndarray:
    col = table.column(name)
    if not (pa.types.is_integer(col.type) or pa.types.is_floating(col.type)):
        raise InputError(argument, f"column {name!r} of {path.name} is {col.type}, not numeric; name it with "
                         "--target if it is the label")
    if col.null_count:
        raise InputError(argument, f"column {name!r} of {path.name} has {col.null_count} missing or NaN value(s)")
    return col.to_numpy().astype(np.float64)


def _target_column(table, name: str, path: Path, argument: str) -> np.ndarray:
    """A numeric target column as is; a string column one-hot (classes in sorted order)."""
    col = table.column(name)
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type) or pa.types.is_dictionary(col.type):
        if col.null_count:
            raise InputError(argument, f"column {name!r} of {path.name} has {col.null_count} missing label(s)")
        labels = np.asarray(col.to_pylist(), dtype=object).astype(str)
        classes = np.unique(labels)
        return (labels[:, None] == classes[None, :]).astype(np.float64)
    return _numeric_column(table, name, path, argument)[:, None]


def _table_by_columns(table, target: str | Sequence[str] | None, path: Path, argument: str) -> Dataset:
    """Layout columns: each row of the table is a variable, each column a sample; target = row indices."""
    M = np.column_stack([_numeric_column(table, n, path, argument) for n in table.column_names])
    rows = M.shape[0]
    if target is None:
        picked = [rows - 1]
    else:
        parts = target.split(",") if isinstance(target, str) else list(target)
        try:
            picked = [int(str(p).strip()) for p in parts]
        except ValueError:
            raise InputError("target", f"with layout columns, target names rows by index, got {target!r}") from None
        if any(not 0 <= i < rows for i in picked):
            raise InputError("target", f"row indices must lie in 0..{rows - 1}, got {picked}")
    keep = [i for i in range(rows) if i not in picked]
    if not keep:
        raise InputError("target", "every row is a target; X would be empty")
    return _dataset(M[keep], M[picked], "columns", argument)
