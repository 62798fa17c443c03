"""Which columns of a table are the features and which the target, and every cell checked.

Columns are named by their header name or by their 0-based position (a name wins where a
header is itself a number). Only the chosen columns must be numbers, so an ID or a label
column of text can stay in the file. Every refusal names the cell: its column and data row.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from impls.errors import ProblemError


def resolve(path: Path, columns: list[str], token: str, option: str) -> str:
    """The column ``token`` names: a header name, else a 0-based position."""
    token = token.strip()
    if token in columns:
        return token
    try:
        index = int(token)
    except ValueError:
        index = None
    if index is not None and 0 <= index < len(columns):
        return columns[index]
    shown = ", ".join(f"{i}:{c}" for i, c in enumerate(columns[:12]))
    more = f", … ({len(columns)} in all)" if len(columns) > 12 else ""
    raise ProblemError(f"{path}: {option} names no column {token!r} (columns by position: "
                       f"{shown}{more})")


def choose(path: Path, columns: list[str], target: str, features: Sequence[str] | None,
           drop: Sequence[str] | None) -> tuple[str, list[str]]:
    """(target, feature columns): ``features`` as given, else all but the target and ``drop``."""
    if features is not None and drop is not None:
        raise ProblemError(f"{path}: --features and --drop exclude each other: give one")
    if target not in columns and not target.strip().isdigit():
        raise ProblemError(f"{path} has no target column {target!r} (columns: "
                           f"{', '.join(columns[:10])}); name it with --target")
    target = resolve(path, columns, target, "--target")
    if features is not None:
        chosen = list(dict.fromkeys(resolve(path, columns, f, "--features") for f in features))
        if target in chosen:
            raise ProblemError(f"{path}: the target column {target!r} cannot also be a "
                               "feature (--features)")
    else:
        dropped = {resolve(path, columns, c, "--drop") for c in drop or ()}
        chosen = [c for c in columns if c != target and c not in dropped]
    if not chosen:
        raise ProblemError(f"{path} has no feature column left besides the target {target!r}; "
                           "it needs at least one feature column")
    return target, chosen


def numeric_column(path: Path, frame: Any, name: str) -> np.ndarray:
    """One column as float64; the first empty, non-numeric or non-finite cell is refused."""
    import pandas as pd

    raw = frame[name]
    text = raw.astype(str).str.strip()
    empty = raw.isna().to_numpy() | (text == "").to_numpy()
    values = pd.to_numeric(raw.where(~empty), errors="coerce").to_numpy(dtype=np.float64)
    wrong = np.isnan(values) & ~empty & (text.str.lower() != "nan").to_numpy()
    for mask, what in ((empty, "an empty cell"), (wrong, "a non-numeric cell"),
                       (np.isnan(values) & ~empty, "a NaN cell"),
                       (np.isinf(values), "an infinite cell")):
        if mask.any():
            row = int(np.argmax(mask))
            shown = "" if what == "an empty cell" else f" {text.iloc[row]!r}"
            raise ProblemError(f"{path}: {what}{shown} in column {name!r}, data row {row + 1}")
    return values


def frame_arrays(path: Path, frame: Any, target: str, features: Sequence[str] | None = None,
                 drop: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray, list[str],
                                                             str]:
    """(x, y, feature names, target name) of a table, every chosen cell numeric and finite."""
    columns = [str(c).strip() for c in frame.columns]
    frame.columns = columns
    if len(set(columns)) != len(columns):
        twice = sorted({c for c in columns if columns.count(c) > 1})
        raise ProblemError(f"{path}: column name {twice[0]!r} appears more than once")
    target, chosen = choose(path, columns, target, features, drop)
    if len(frame) == 0:
        raise ProblemError(f"{path} has a header but no data rows")
    x = np.column_stack([numeric_column(path, frame, name) for name in chosen])
    return x, numeric_column(path, frame, target), chosen, target


def check_finite(path: Path, x: np.ndarray, y: np.ndarray, names: list[str],
                 target: str) -> None:
    """Arrays from a binary file: the first NaN or infinite value, by column and row."""
    for array, labels in ((x, names), (y.reshape(-1, 1), [target])):
        bad = ~np.isfinite(array)
        if bad.any():
            row, column = (int(i) for i in np.argwhere(bad)[0])
            kind = "NaN" if np.isnan(array[row, column]) else "infinite"
            raise ProblemError(f"{path}: a {kind} value in column {labels[column]!r}, data "
                               f"row {row + 1}")


def check_target_range(path: Path, y: np.ndarray, target: str) -> None:
    outside = (y < 0.0) | (y > 1.0)
    if outside.any():
        row = int(np.argmax(outside))
        raise ProblemError(f"{path}: target {target!r} has values outside [0, 1] (first "
                           f"{y[row]:g} in data row {row + 1}; min {y.min():g}, max "
                           f"{y.max():g}); a sigmoid neuron fits targets in [0, 1], so "
                           "rescale them")
