"""One frame for the whole report: the runs' rows combined, keyed and ordered once.

``prepare`` adds the columns every analysis groups on; ``sizes`` and ``series_order`` give
the columns and rows every per-size table and every figure share.
"""

from __future__ import annotations

import math

import pandas as pd

from benchmarks.store.runs import Run

SERIES = ["run", "device", "threads", "impl"]  # one row of a table, one line of a plot
SIZE = ["problem", "n"]


def combine(runs: list[Run]) -> pd.DataFrame:
    """All rows of all runs, labelled by run, one row per configuration (the last wins)."""
    frames = []
    for index, run in enumerate(runs):
        frame = run.frame.copy()
        frame["run"] = run.label or run.host
        frame["run_index"] = index
        bandwidth = run.bandwidth
        frame["bandwidth_gb_s"] = bandwidth["read_gb_s"] if bandwidth else math.nan
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    return prepare(frame)


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds the columns analyses order and label by to a frame of ``store.frame`` (one run's
    frame is labelled ``run``)."""
    frame = frame.copy()
    for column, default in (("run", "run"), ("run_index", 0), ("bandwidth_gb_s", math.nan)):
        if column not in frame.columns:
            frame[column] = default
    frame["size_order"] = [(0 if p == "five-point" else 1, n)
                           for p, n in zip(frame["problem"], frame["n"], strict=True)]
    frame["impl_order"] = frame["impl"].map({name: i for i, name in
                                             enumerate(dict.fromkeys(frame["impl"]))})
    keys = [*SERIES, "op", "steps_key", *SIZE, "d", "dtype"]
    return frame.drop_duplicates(keys, keep="last").reset_index(drop=True)


def prepared(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as ``prepare`` leaves it, preparing it only if that has not been done."""
    return frame if "size_order" in frame.columns else prepare(frame)


def sizes(frame: pd.DataFrame) -> list[tuple[str, int]]:
    """(problem, n) in increasing size, the five-point problem first."""
    pairs = {(p, int(n)) for p, n in zip(frame["problem"], frame["n"], strict=True)}
    return sorted(pairs, key=lambda pair: (pair[0] != "five-point", pair[1]))


def series_order(frame: pd.DataFrame) -> list[tuple]:
    """Rows of a table: implementations in sweep order, each run's row beneath the other."""
    table = frame[[*SERIES, "impl_order", "run_index"]].drop_duplicates(SERIES)
    table = table.sort_values(["impl_order", "run_index", "device", "threads"])
    return [tuple(row) for row in table[SERIES].itertuples(index=False)]


def in_table_order(data: pd.DataFrame) -> pd.DataFrame:
    """Rows in the tables' order, so a figure's legend lists implementations as tables do."""
    return data.sort_values(["impl_order", "run_index", "device", "threads"], kind="stable")
