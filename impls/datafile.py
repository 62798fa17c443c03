"""A user's own data file as a problem: CSV, ``.npz`` or Parquet, checked before it is used.

Every refusal is a ``ProblemError`` with one line that names the file and what is wrong, so
the command line can print it and exit 2. Memory is judged from the file's size (and a
sample of its first bytes) before the file is read. A text table's delimiter (comma,
semicolon, tab or runs of whitespace) and a decimal comma beside semicolons are read from
its first lines; ``impls.columns`` chooses and checks the columns.
"""

from __future__ import annotations

import csv
import hashlib
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from impls import columns
from impls.errors import ProblemError

CSV_SUFFIXES = (".csv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")
SUFFIXES = (*CSV_SUFFIXES, ".npz", *PARQUET_SUFFIXES)
SAMPLE_BYTES = 1 << 16
MAX_NAMES = 50  # feature names, means and deviations recorded
COPIES = 6  # parser buffers, the float64 frame, the cast arrays and the frameworks' copies
SNIFF_LINES = 20
DELIMITERS = {"\t": "tab", ";": "semicolon", ",": "comma"}  # tried in this order
WHITESPACE = r"\s+"
DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


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
    cells = sum(sample.count(mark) for mark in (b",", b";", b"\t", b" ", b"\n"))
    bytes_per_cell = max(len(sample) / max(cells, 1), 2.0)
    return int(size / bytes_per_cell) + 1


def check_file_fits(path: Path) -> None:
    need = estimated_values(path) * 8 * COPIES
    have = available_bytes()
    if need > 0.8 * have:
        raise ProblemError(f"{path} ({path.stat().st_size / 2**20:.0f} MiB) needs about "
                           f"{need / 2**30:.1f} GiB to load and train on, more than the "
                           f"{have / 2**30:.1f} GiB available here")


@dataclass(frozen=True)
class TextFormat:
    """How a text table is laid out: its delimiter and its decimal mark."""

    delimiter: str  # one character, or WHITESPACE for runs of spaces and tabs
    decimal: str = "."

    @property
    def name(self) -> str:
        return "whitespace" if self.delimiter == WHITESPACE else DELIMITERS[self.delimiter]


def field_counts(lines: list[str], delimiter: str) -> list[int]:
    if delimiter == WHITESPACE:
        return [len(line.split()) for line in lines]
    return [len(row) for row in csv.reader(lines, delimiter=delimiter)]


def sniff(path: Path) -> TextFormat:
    """The delimiter that splits the header and the first data lines into the same number (> 1)
    of fields: tab, then semicolon, then comma, then whitespace; a single column is a comma
    file. Beside semicolons, numbers written 1,5 mean a decimal comma."""
    with path.open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
    text = sample.decode("utf-8", errors="replace")
    lines = [line for line in text.splitlines()[:SNIFF_LINES] if line.strip()]
    if len(sample) == SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the sample may cut the last line
    for delimiter in (*DELIMITERS, WHITESPACE):
        counts = field_counts(lines, delimiter)
        if counts and counts[0] > 1 and len(set(counts)) == 1:
            cells = [c.strip() for row in csv.reader(lines[1:], delimiter=";") for c in row] \
                if delimiter == ";" else []
            decimal = "," if any(DECIMAL_COMMA.match(c) for c in cells) else "."
            return TextFormat(delimiter, decimal)
    return TextFormat(",")


def read_frame(path: Path) -> tuple[Any, TextFormat | None]:
    """The table in a Parquet or text file, every text cell as written (no NaN guessing)."""
    import pandas as pd

    if path.suffix in PARQUET_SUFFIXES:
        try:
            return pd.read_parquet(path), None
        except ImportError:
            raise ProblemError(f"cannot read {path}: Parquet needs pyarrow or fastparquet "
                               "installed; save it as CSV or .npz instead") from None
        except Exception as error:  # the engines raise their own types
            raise ProblemError(f"cannot read {path} as Parquet: {first_line(error)}") from None
    layout = sniff(path)
    try:
        frame = pd.read_csv(path, sep=layout.delimiter, decimal=layout.decimal,
                            skipinitialspace=True, keep_default_na=False, na_filter=False)
    except pd.errors.EmptyDataError:
        raise ProblemError(f"{path} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise ProblemError(f"cannot read {path} as a {layout.name}-separated table: "
                           f"{first_line(error)}") from None
    return frame, layout


def first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


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


def standardized(x: np.ndarray, source: dict[str, Any]) -> np.ndarray:
    """Each feature as z-scores (mean 0, standard deviation 1; a constant column stays 0)."""
    mean, std = x.mean(axis=0), x.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    if x.shape[1] <= MAX_NAMES:
        source.update(feature_mean=mean.tolist(), feature_std=std.tolist())
    return (x - mean) / std


def read_data(path: Path, target: str = "y", standardize: bool = False,
              features: Sequence[str] | None = None, drop: Sequence[str] | None = None
              ) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
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
    layout = None
    if path.suffix.lower() == ".npz":
        x, y, names = read_npz(path, target)
        target_name, chosen = columns.choose(path, [*names, target], target, features, drop)
        x = x[:, [names.index(c) for c in chosen]]
        columns.check_finite(path, x, y, chosen, target_name)
    else:
        frame, layout = read_frame(path)
        x, y, chosen, target_name = columns.frame_arrays(path, frame, target, features, drop)
    columns.check_target_range(path, y, target_name)
    source: dict[str, Any] = {"data_path": str(path.resolve()), "file_sha256": file_sha256(path),
                              "shape": [int(x.shape[0]), int(x.shape[1])],
                              "target": target_name, "features": chosen[:MAX_NAMES],
                              "standardize": standardize}
    if layout is not None:
        source.update(delimiter=layout.name, decimal=layout.decimal)
    return (standardized(x, source) if standardize else x), y, source
