"""A user's own data file as a problem: CSV, ``.npz`` or Parquet, checked before it is used.

Every refusal is a ``ProblemError`` with one line that names the file and what is wrong, so
the command line can print it and exit 2. Memory is judged from the file's size (and a
sample of its first bytes) before the file is read.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

CSV_SUFFIXES = (".csv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")
SUFFIXES = (*CSV_SUFFIXES, ".npz", *PARQUET_SUFFIXES)
SAMPLE_BYTES = 1 << 16
COPIES = 6  # parser buffers, the float64 frame, the cast arrays and the frameworks' copies


class ProblemError(ValueError):
    """A problem that cannot be built as asked (bad size, dtype, file or too large)."""


def available_bytes() -> int:
    import psutil

    return int(psutil.virtual_memory().available)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def estimated_values(path: Path) -> int:
    """An upper estimate of the numbers in the file, from its size, before reading it."""
    size = path.stat().st_size
    if path.suffix == ".npz":
        try:
            with zipfile.ZipFile(path) as archive:
                return sum(info.file_size for info in archive.infolist()) // 4
        except zipfile.BadZipFile:
            raise ProblemError(f"{path} is not a valid .npz file") from None
    if path.suffix in PARQUET_SUFFIXES:
        return size  # compressed columns: about one value per byte at most
    with path.open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
    cells = sample.count(b",") + sample.count(b"\n")
    bytes_per_cell = max(len(sample) / max(cells, 1), 2.0)
    return int(size / bytes_per_cell) + 1


def check_file_fits(path: Path) -> None:
    need = estimated_values(path) * 8 * COPIES
    have = available_bytes()
    if need > 0.8 * have:
        raise ProblemError(f"{path} ({path.stat().st_size / 2**20:.0f} MiB) needs about "
                           f"{need / 2**30:.1f} GiB to load and train on, more than the "
                           f"{have / 2**30:.1f} GiB available here")


def read_frame(path: Path) -> Any:
    import pandas as pd

    if path.suffix in PARQUET_SUFFIXES:
        try:
            return pd.read_parquet(path)
        except ImportError:
            raise ProblemError(f"cannot read {path}: Parquet needs pyarrow or fastparquet "
                               "installed; save it as CSV or .npz instead") from None
        except Exception as error:  # the engines raise their own types
            raise ProblemError(f"cannot read {path} as Parquet: {first_line(error)}") from None
    try:
        return pd.read_csv(path, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise ProblemError(f"{path} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise ProblemError(f"cannot read {path} as CSV: {first_line(error)}") from None


def first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def frame_columns(path: Path, frame: Any, target: str) -> tuple[np.ndarray, np.ndarray, list]:
    """Features and target of a table; every cell numeric and finite."""
    import pandas as pd

    columns = [str(c).strip() for c in frame.columns]
    frame.columns = columns
    if target not in columns:
        raise ProblemError(f"{path} has no target column {target!r} (columns: "
                           f"{', '.join(columns[:10])}); name it with --target")
    if len(frame) == 0:
        raise ProblemError(f"{path} has a header but no data rows")
    features = [c for c in columns if c != target]
    if not features:
        raise ProblemError(f"{path} has only the target column {target!r}; it needs at "
                           "least one feature column")
    for name in columns:
        values = pd.to_numeric(frame[name], errors="coerce")
        bad = values.isna() & frame[name].notna()
        if bad.any():
            row = int(np.argmax(bad.to_numpy()))
            raise ProblemError(f"{path}: non-numeric cell {frame[name].iloc[row]!r} in column "
                               f"{name!r}, data row {row + 1}")
        frame[name] = values
    table = frame.to_numpy(dtype=np.float64)
    return table[:, [columns.index(c) for c in features]], table[:, columns.index(target)], \
        features


def read_npz(path: Path, target: str) -> tuple[np.ndarray, np.ndarray, list]:
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [k for k in ("x", target) if k not in archive.files]
            if missing:
                raise ProblemError(f"{path} has no array {missing[0]!r} (arrays: "
                                   f"{', '.join(archive.files) or 'none'}); it needs x and y")
            x, y = archive["x"], archive[target]
    except (ValueError, OSError, zipfile.BadZipFile) as error:
        raise ProblemError(f"cannot read {path} as .npz: {first_line(error)}") from None
    for name, array in (("x", x), (target, y)):
        if not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
            raise ProblemError(f"{path}: array {name!r} is not real numbers ({array.dtype})")
    x = x.reshape(-1, 1) if x.ndim == 1 else x
    if x.ndim != 2 or y.ndim != 1 or x.shape[0] != y.shape[0]:
        raise ProblemError(f"{path}: x must be (n, d) and {target} (n,), got {x.shape} and "
                           f"{y.shape}")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ProblemError(f"{path} holds no data (x has shape {x.shape})")
    return x.astype(np.float64), y.astype(np.float64), [f"x{i + 1}" for i in range(x.shape[1])]


def check_values(path: Path, x: np.ndarray, y: np.ndarray, target: str) -> None:
    for label, array in (("feature", x), ("target", y)):
        finite = np.isfinite(array)
        if not finite.all():
            row = int(np.argwhere(~finite)[0][0])
            kind = "NaN or empty" if np.isnan(array).any() else "infinite"
            raise ProblemError(f"{path}: {kind} {label} value in data row {row + 1}")
    if y.min() < 0.0 or y.max() > 1.0:
        raise ProblemError(f"{path}: target {target!r} has values outside [0, 1] (min "
                           f"{y.min():g}, max {y.max():g}); a sigmoid neuron fits targets "
                           "in [0, 1], so rescale them")


def read_data(path: Path, target: str = "y",
              standardize: bool = False) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """x (n, d) and y (n,) in float64 and where they came from (path, sha256, columns)."""
    if not path.is_file():
        raise ProblemError(f"data file {path} does not exist" if not path.exists()
                           else f"data file {path} is not a file")
    if path.suffix.lower() not in SUFFIXES:
        raise ProblemError(f"{path}: unknown data format {path.suffix or '(no suffix)'!r}; "
                           f"use one of {', '.join(SUFFIXES)}")
    if path.stat().st_size == 0:
        raise ProblemError(f"{path} is empty")
    check_file_fits(path)
    if path.suffix.lower() == ".npz":
        x, y, names = read_npz(path, target)
    else:
        x, y, names = frame_columns(path, read_frame(path), target)
    check_values(path, x, y, target)
    source: dict[str, Any] = {"data_path": str(path.resolve()), "file_sha256": file_sha256(path),
                              "target": target, "features": names[:50],
                              "standardize": standardize}
    if standardize:
        mean, std = x.mean(axis=0), x.std(axis=0)
        std = np.where(std > 0, std, 1.0)
        x = (x - mean) / std
        if x.shape[1] <= 50:
            source.update(feature_mean=mean.tolist(), feature_std=std.tolist())
    return x, y, source
