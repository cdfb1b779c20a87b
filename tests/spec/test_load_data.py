"""spurious.load_data: .npz, .npy pairs, .csv/.parquet; samples as rows by default."""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from spurious import InputError, load_data

RNG = np.random.default_rng(0)
X_ROWS = RNG.standard_normal((7, 3))  # 7 samples, 3 features
Y_ROWS = RNG.standard_normal((7, 2))


def test_npz_rows_and_columns(tmp_path: Path) -> None:
    np.savez(tmp_path / "rows.npz", X=X_ROWS, Y=Y_ROWS)
    np.savez(tmp_path / "cols.npz", X=X_ROWS.T, Y=Y_ROWS.T)
    a = load_data(tmp_path / "rows.npz")
    b = load_data(tmp_path / "cols.npz", layout="columns")
    assert a.X.shape == (3, 7) and a.Y.shape == (2, 7)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.Y, b.Y)


def test_npy_pair(tmp_path: Path) -> None:
    np.save(tmp_path / "X.npy", X_ROWS)
    np.save(tmp_path / "Y.npy", Y_ROWS[:, 0])  # 1-D target: one output
    d = load_data(f"{tmp_path / 'X.npy'},{tmp_path / 'Y.npy'}")
    assert d.X.shape == (3, 7) and d.Y.shape == (1, 7)
    assert load_data((tmp_path / "X.npy", tmp_path / "Y.npy")).m == 7


def test_csv_and_parquet_agree(tmp_path: Path) -> None:
    cols = {"a": X_ROWS[:, 0], "b": X_ROWS[:, 1], "c": X_ROWS[:, 2], "y": Y_ROWS[:, 0]}
    table = pa.table(cols)
    pq.write_table(table, tmp_path / "t.parquet")
    header = ",".join(cols)
    rows = np.column_stack(list(cols.values()))
    np.savetxt(tmp_path / "t.csv", rows, delimiter=",", header=header, comments="", fmt="%.17g")
    a, b = load_data(tmp_path / "t.csv"), load_data(tmp_path / "t.parquet")
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.Y, Y_ROWS[:, :1].T)
    two = load_data(tmp_path / "t.csv", target="a,y")
    assert two.X.shape == (2, 7) and two.Y.shape == (2, 7)


def test_iris_csv_string_target_is_one_hot() -> None:
    path = resources.files("spurious.datasets").joinpath("iris.csv")
    d = load_data(str(path), target="species")
    assert d.X.shape == (4, 150) and d.Y.shape == (3, 150)
    np.testing.assert_array_equal(d.Y.sum(axis=0), np.ones(150))


def test_table_with_columns_layout(tmp_path: Path) -> None:
    M = np.vstack([X_ROWS.T, Y_ROWS[:, :1].T])  # 4 variables × 7 samples
    pq.write_table(pa.table({f"s{i}": M[:, i] for i in range(7)}), tmp_path / "c.parquet")
    d = load_data(tmp_path / "c.parquet", layout="columns")
    np.testing.assert_array_equal(d.X, X_ROWS.T)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


BAD_FILES = [
    ("empty.csv", "", "empty"),
    ("header.csv", "a,b\n", "no samples"),
    ("nan.csv", "a,b\n1,2\nnan,3\n", "NaN"),
    ("text.csv", "a,b\nx,1\ny,2\n", "not numeric"),
    ("missing.csv", "a,b\n1,\n2,3\n", "missing"),
    ("data.txt", "1 2\n", "unknown data format"),
]


@pytest.mark.parametrize(("name", "text", "match"), BAD_FILES)
def test_bad_files_name_the_argument(tmp_path: Path, name: str, text: str, match: str) -> None:
    with pytest.raises(InputError, match=match) as exc:
        load_data(_write(tmp_path, name, text))
    assert exc.value.argument == "data"


def test_bad_arguments(tmp_path: Path) -> None:
    np.savez(tmp_path / "d.npz", X=X_ROWS, Y=Y_ROWS[:5])
    np.savez(tmp_path / "noY.npz", X=X_ROWS)
    for call, arg in [
        (lambda: load_data(tmp_path / "d.npz"), "data"),           # 7 vs 5 samples
        (lambda: load_data(tmp_path / "noY.npz"), "data"),
        (lambda: load_data(tmp_path / "absent.csv"), "data"),
        (lambda: load_data(None), "data"),                         # type: ignore[arg-type]
        (lambda: load_data(tmp_path / "d.npz", layout="diagonal"), "layout"),  # type: ignore[arg-type]
        (lambda: load_data(_write(tmp_path, "t.csv", "a,b\n1,2\n"), target="z"), "target"),
        (lambda: load_data(_write(tmp_path, "u.csv", "a,b\n1,2\n"), target="a,b"), "target"),
    ]:
        with pytest.raises(InputError) as exc:
            call()
        assert exc.value.argument == arg

finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(st.integers(1, 6), st.integers(1, 3), st.integers(1, 12), st.data())
def test_every_format_and_layout_gives_the_same_dataset(d: int, k: int, m: int, data) -> None:
    X = data.draw(arrays(np.float64, (m, d), elements=finite))
    Y = data.draw(arrays(np.float64, (m, k), elements=finite))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        np.savez(folder / "rows.npz", X=X, Y=Y)
        np.savez(folder / "cols.npz", X=X.T, Y=Y.T)
        np.save(folder / "X.npy", X)
        np.save(folder / "Y.npy", Y)
        names = [f"x{i}" for i in range(d)] + [f"y{i}" for i in range(k)]
        pq.write_table(pa.table(dict(zip(names, np.column_stack([X, Y]).T, strict=True))), folder / "t.parquet")
        loaded = [load_data(folder / "rows.npz"), load_data(folder / "cols.npz", layout="columns"),
                  load_data(f"{folder / 'X.npy'},{folder / 'Y.npy'}"),
                  load_data(folder / "t.parquet", target=[f"y{i}" for i in range(k)])]
    for ds in loaded:
        np.testing.assert_array_equal(ds.X, X.T)
        np.testing.assert_array_equal(ds.Y, Y.T)
