import hashlib
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from impls import datafile
from impls.fits import estimate_bytes
from impls.problem import (
    ProblemError,
    ProblemSpec,
    build,
    five_point,
    synthetic,
)
from impls.stepsize import step_bound


def test_five_point_is_the_documented_problem():
    p = five_point()
    assert p.x.shape == (5, 1) and p.y.shape == (5,)
    assert p.theta0.tolist() == [-2.0, -2.0] and p.eta == 1.0


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_synthetic_is_bit_identical_for_a_seed(dtype):
    a, b = synthetic(1000, 4, seed=3, dtype=dtype), synthetic(1000, 4, seed=3, dtype=dtype)
    assert a.x.tobytes() == b.x.tobytes() and a.y.tobytes() == b.y.tobytes()
    assert a.x.dtype == np.dtype(dtype) and a.theta0.dtype == np.dtype(dtype)
    c = synthetic(1000, 4, seed=4, dtype=dtype)
    assert a.x.tobytes() != c.x.tobytes()


def test_synthetic_targets_come_from_the_true_theta():
    p = synthetic(20_000, 2, seed=1, noise=0.0)
    z = p.x @ p.true_theta[:-1] + p.true_theta[-1]
    assert np.allclose(p.y, 1 / (1 + np.exp(-z)))


@pytest.mark.parametrize("n,d", [(0, 1), (1, 0), (-5, 2), (2.5, 1), ("3", 1), (True, 1)])
def test_synthetic_refuses_bad_sizes(n, d):
    with pytest.raises(ProblemError):
        synthetic(n, d)


def test_unsupported_dtype():
    with pytest.raises(ProblemError, match="float16"):
        synthetic(10, 1, dtype="float16")


def test_memory_estimate_grows_with_size():
    assert estimate_bytes(10**7, 1) > estimate_bytes(10**6, 1) > 10**6 * 2 * 8


# ---- the problem spec and data files ------------------------------------------------------


def write_csv(path, text):
    path.write_text(text)
    return str(path)


def test_one_spelling_of_the_five_point_problem_and_the_helpers_agree():
    spec = ProblemSpec()
    assert spec.kind == "five-point"
    assert build(spec).x.tobytes() == five_point().x.tobytes()
    assert build(ProblemSpec(kind="synthetic", n=50, d=2, seed=3)).x.tobytes() == \
        synthetic(50, 2, seed=3).x.tobytes()


def test_spec_round_trips_through_json_and_sizes_per_configuration(tmp_path):
    spec = ProblemSpec(kind="data", data_path="a.csv", target="t", standardize=True, eta=0.5,
                       theta0=(1, 2))
    assert ProblemSpec.from_json(json.dumps(spec.to_json())) == spec
    five = ProblemSpec(eta=0.3).at_size(None, 1, 0, "float32")
    assert (five.kind, five.eta, five.dtype) == ("five-point", 0.3, "float32")
    assert ProblemSpec(eta=0.3).at_size(100, 2, 1, "float64").kind == "synthetic"
    assert spec.at_size(7, 9, 1, "float32").kind == "data"


@pytest.mark.parametrize("kwargs", [{"kind": "six"}, {"kind": "synthetic"},
                                    {"kind": "data"}, {"d": 2}, {"eta": 0.0},
                                    {"eta": float("nan")}, {"eta": -1.0},
                                    {"theta0": (1.0, float("inf"))}, {"dtype": "float16"}])
def test_spec_refuses_what_cannot_be_built(kwargs):
    with pytest.raises(ProblemError):
        ProblemSpec(**kwargs)


def test_eta_and_theta0_override_the_defaults():
    p = build(ProblemSpec(eta=0.25, theta0=(0.5, -1.0)))
    assert p.eta == 0.25 and p.theta0.tolist() == [0.5, -1.0]
    with pytest.raises(ProblemError, match="d \\+ 1 = 2"):
        build(ProblemSpec(theta0=(1.0, 2.0, 3.0)))


def test_csv_with_target_standardized_and_described(tmp_path):
    path = write_csv(tmp_path / "d.csv", "a, b ,label\n1,10,0.1\n2,20,0.4\n3,40,0.9\n")
    p = build(ProblemSpec(kind="data", data_path=path, target="label", standardize=True))
    assert p.x.shape == (3, 2) and p.y.tolist() == [0.1, 0.4, 0.9]
    assert np.allclose(p.x.mean(axis=0), 0) and np.allclose(p.x.std(axis=0), 1)
    described = p.describe()
    assert described["file_sha256"] == hashlib.sha256((tmp_path / "d.csv").read_bytes()) \
        .hexdigest()
    assert described["data_path"] == str((tmp_path / "d.csv").resolve())
    assert described["features"] == ["a", "b"] and described["kind"] == "data"
    assert p.eta == step_bound(p.x).eta_descent and p.eta_rule == "1/L"
    assert p.theta0.tolist() == [0, 0, 0]


def test_npz_and_parquet(tmp_path):
    np.savez(tmp_path / "d.npz", x=np.arange(4.0), y=np.array([0, 0.5, 1, 1]))
    p = build(ProblemSpec(kind="data", data_path=str(tmp_path / "d.npz"), dtype="float32"))
    assert p.x.shape == (4, 1) and p.dtype == "float32"



def test_parquet_read_or_refused_in_one_line(tmp_path):
    import pandas as pd

    path = tmp_path / "d.parquet"
    spec = ProblemSpec(kind="data", data_path=str(path))
    if any(importlib.util.find_spec(m) for m in ("pyarrow", "fastparquet")):
        pd.DataFrame({"x": [1.0, 2.0], "y": [0.2, 0.8]}).to_parquet(path)
        assert build(spec).x[:, 0].tolist() == [1.0, 2.0]
    else:
        path.write_bytes(b"PAR1 not really")
        with pytest.raises(ProblemError, match="Parquet needs pyarrow or fastparquet"):
            build(spec)


BAD_FILES = {
    "missing.csv": (None, "does not exist"),
    "empty.csv": ("", "is empty"),
    "header.csv": ("x,y\n", "no data rows"),
    "text.csv": ("x,y\n1,0.5\nabc,0.2\n", "non-numeric cell 'abc' in column 'x', data row 2"),
    "empty.cell.csv": ("x,y\n1,0.5\n,0.2\n", "an empty cell in column 'x', data row 2"),
    "target.cell.csv": ("x,y\n1,0.5\n2,\n", "an empty cell in column 'y', data row 2"),
    "nan.csv": ("x,y\n1,0.5\nnan,0.2\n", "a NaN cell 'nan' in column 'x', data row 2"),
    "inf.csv": ("x,y\n1,0.5\ninf,0.2\n", "an infinite cell 'inf' in column 'x', data row 2"),
    "notarget.csv": ("x,z\n1,0.5\n", "no target column 'y'"),
    "onlytarget.csv": ("y\n0.5\n", "needs at least one feature column"),
    "range.csv": ("x,y\n1,0.5\n2,3\n", "outside \\[0, 1\\] \\(first 3 in data row 2"),
    "data.json": ("{}", "unknown data format"),
    "broken.npz": ("not a zip", "not a valid .npz"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_give_one_line(tmp_path, name):
    text, message = BAD_FILES[name]
    if text is not None:
        (tmp_path / name).write_text(text)
    with pytest.raises(ProblemError, match=message) as info:
        build(ProblemSpec(kind="data", data_path=str(tmp_path / name)))
    assert "\n" not in str(info.value) and name in str(info.value)


def test_npz_without_arrays(tmp_path):
    np.savez(tmp_path / "d.npz", features=np.ones(3))
    with pytest.raises(ProblemError, match="no array 'x'"):
        build(ProblemSpec(kind="data", data_path=str(tmp_path / "d.npz")))


def test_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "d.csv", "x,y\n" + "1.5,0.5\n" * 2000)
    monkeypatch.setattr(datafile, "available_bytes", lambda: 10_000)
    read = []
    monkeypatch.setattr(datafile, "read_frame", lambda *a: read.append(a))
    with pytest.raises(ProblemError, match="needs about"):
        build(ProblemSpec(kind="data", data_path=path))
    assert not read  # refused from the size alone


def test_memory_estimate_of_a_file_grows_with_its_size(tmp_path):
    small = write_csv(tmp_path / "s.csv", "x,y\n" + "1.5,0.5\n" * 100)
    large = write_csv(tmp_path / "l.csv", "x,y\n" + "1.5,0.5\n" * 10_000)
    assert 200 <= datafile.estimated_values(Path(small)) < datafile.estimated_values(
        Path(large)) <= 30_000


LAYOUTS = {
    "comma.csv": ("a,b,y\n1.5,2,0.5\n2.5,3,1\n", "comma", "."),
    "semicolon.csv": ("a;b;y\n1.5;2;0.5\n2.5;3;1\n", "semicolon", "."),
    "decimal-comma.csv": ("a;b;y\n1,5;2;0,5\n2,5;3;1\n", "semicolon", ","),
    "tab.txt": ("a\tb\ty\n1.5\t2\t0.5\n2.5\t3\t1\n", "tab", "."),
    "spaces.txt": ("a  b   y\n  1.5 2 0.5\n2.5    3 1\n", "whitespace", "."),
    "quoted.csv": ('"a","b","y"\n"1.5","2","0.5"\n"2.5","3","1"\n', "comma", "."),
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_delimiter_and_decimal_mark_are_sniffed(tmp_path, name):
    text, delimiter, decimal = LAYOUTS[name]
    p = build(ProblemSpec(kind="data", data_path=write_csv(tmp_path / name, text)))
    assert p.x.tolist() == [[1.5, 2.0], [2.5, 3.0]] and p.y.tolist() == [0.5, 1.0]
    assert (p.source["delimiter"], p.source["decimal"]) == (delimiter, decimal)
    assert p.source["shape"] == [2, 2] and p.source["features"] == ["a", "b"]


TABLE = "id,name,h,w,y\n7,ann,1.5,60,0\n8,bob,1.8,80,1\n9,cy,1.7,,1\n"


@pytest.mark.parametrize("choice, features, x", [
    ({"features": ("h", "w")}, ["h", "w"], [[1.5, 60.0], [1.8, 80.0]]),
    ({"features": ("3", "h")}, ["w", "h"], [[60.0, 1.5], [80.0, 1.8]]),  # 0-based positions
    ({"drop": ("id", "1", "w")}, ["h"], [[1.5], [1.8]]),
])
def test_features_and_drop_choose_columns_by_name_or_position(tmp_path, choice, features, x):
    path = write_csv(tmp_path / "t.csv", TABLE.replace("9,cy,1.7,,1\n", ""))
    p = build(ProblemSpec(kind="data", data_path=path, **choice))
    assert p.source["features"] == features and p.x.tolist() == x
    assert ProblemSpec.from_json(p.spec.to_json()) == p.spec  # travels to children intact


@pytest.mark.parametrize("choice, message", [
    ({}, "a non-numeric cell 'ann' in column 'name', data row 1"),
    ({"drop": ("name",)}, "an empty cell in column 'w', data row 3"),
    ({"features": ("h",)}, None),  # the empty w and the text name are not chosen
    ({"features": ("height",)}, "--features names no column 'height' \\(columns by position: "
     "0:id, 1:name"),
    ({"drop": ("9",)}, "--drop names no column '9'"),
    ({"features": ("y",)}, "cannot also be a feature"),
    ({"features": ("h",), "drop": ("id",)}, "exclude each other"),
    ({"drop": ("id", "name", "h", "w")}, "no feature column left"),
])
def test_column_choices_and_cell_errors_name_the_column(tmp_path, choice, message):
    spec = ProblemSpec(kind="data", data_path=write_csv(tmp_path / "t.csv", TABLE), **choice)
    if message is None:
        assert build(spec).x[:, 0].tolist() == [1.5, 1.8, 1.7]
        return
    with pytest.raises(ProblemError, match=message) as info:
        build(spec)
    assert "\n" not in str(info.value) and "t.csv" in str(info.value)


def test_npz_columns_and_a_nan_named_by_column_and_row(tmp_path):
    x = np.array([[1.0, 2.0, 3.0], [4.0, np.nan, 6.0]])
    np.savez(tmp_path / "d.npz", x=x, y=np.array([0.0, 1.0]))
    spec = ProblemSpec(kind="data", data_path=str(tmp_path / "d.npz"))
    with pytest.raises(ProblemError, match="a NaN value in column 'x2', data row 2"):
        build(spec)
    p = build(ProblemSpec(kind="data", data_path=spec.data_path, drop=("x2",)))
    assert p.x.tolist() == [[1.0, 3.0], [4.0, 6.0]] and p.source["features"] == ["x1", "x3"]


def test_specs_written_before_features_and_drop_still_read():
    old = {"kind": "data", "n": None, "d": 1, "seed": 0, "dtype": "float64",
           "data_path": "/d.csv", "target": "y", "standardize": False, "eta": None,
           "theta0": None}
    spec = ProblemSpec.from_json(old)
    assert spec.features is None and spec.drop is None
    with pytest.raises(ProblemError, match="choose columns of a data file"):
        ProblemSpec(features=("a",))
