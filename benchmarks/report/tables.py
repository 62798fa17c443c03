"""The report's numbers: analyses of a results frame, and tables of formatted cells.

Analyses (``combine``, ``speedups``, ``gradient_ratios``, ``crossovers``) return pandas frames
so they can be checked against hand-computed values; ``build`` turns them into neutral
``Table`` objects that ``render`` (terminal, Markdown) and ``html`` draw. Nothing here measures
or writes files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from benchmarks.report.console import number, time_unit
from benchmarks.store.runs import BASELINE, Run

OPS = ("loss", "value_and_grad", "step", "train")
SERIES = ["run", "device", "threads", "impl"]  # one row of a table, one line of a plot
SIZE = ["problem", "n"]
NOISY_FRACTION = 0.10
GRIEWANK = (4.0, 5.0)  # reverse mode: gradient within a small constant of the loss
EXACT_CHEAP = ("manual", "reverse-mode", "symbolic")  # methods the cheap-gradient bound covers
SECTIONS = ("runs", "check", "time", "speedup", "ratio", "crossover", "compile", "memory",
            "throughput", "scaling", "training")


@dataclass
class Cell:
    text: str
    value: float | None = None  # the number behind the text, for tests and sorting
    kind: str = ""  # "", status, noisy, good, warn, bad, muted, pass, fail
    tip: str = ""  # details (HTML title attribute)


@dataclass
class Table:
    section: str  # one of SECTIONS
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    caption: str = ""
    slug: str = ""
    left: bool = False  # every column left-aligned (text, not numbers)

    def cell(self, impl: str, column: str, run: str | None = None) -> Cell:
        """The cell of implementation ``impl`` (and run label) in ``column``."""
        index = self.columns.index(column)
        has_run = "run" in self.columns
        for row in self.rows:
            if row[0].text == impl and (run is None or not has_run
                                        or row[self.columns.index("run")].text == run):
                return row[index]
        raise KeyError(f"{impl} not in table {self.title!r}")


# ---------------------------------------------------------------- analyses


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
    """Adds the columns analyses group on; also usable on a hand-built frame in tests."""
    frame = frame.copy()
    for column, default in (("run", "run"), ("run_index", 0), ("threads", 1), ("device", "cpu"),
                            ("problem", "synthetic"), ("steps", 1), ("noisy", False),
                            ("bandwidth_gb_s", math.nan), ("method", ""), ("message", "")):
        if column not in frame.columns:
            frame[column] = default
    frame["threads"] = frame["threads"].fillna(1).astype(int)
    frame["n"] = frame["n"].astype(int)
    frame["d"] = frame["d"].astype(int)
    # steps matter only to training: other ops match whatever steps their sweep planned
    frame["steps_key"] = frame["steps"].where(frame["op"] == "train", 0).fillna(0).astype(int)
    frame["size_order"] = [(0 if p == "five-point" else 1, n)
                           for p, n in zip(frame["problem"], frame["n"], strict=True)]
    frame["impl_order"] = frame["impl"].map({name: i for i, name in
                                             enumerate(dict.fromkeys(frame["impl"]))})
    keys = [*SERIES, "op", "steps_key", *SIZE, "d", "dtype"]
    return frame.drop_duplicates(keys, keep="last").reset_index(drop=True)


def sizes(frame: pd.DataFrame) -> list[tuple[str, int]]:
    """(problem, n) in increasing size, the five-point problem first."""
    pairs = {(p, int(n)) for p, n in zip(frame["problem"], frame["n"], strict=True)}
    return sorted(pairs, key=lambda pair: (pair[0] != "five-point", pair[1]))


def size_text(problem: str, n: int) -> str:
    """five-point, N=1e5 for powers of ten, N=1500 otherwise (never a rounded N)."""
    if problem == "five-point":
        return "five-point"
    exponent = round(math.log10(n)) if n > 0 else 0
    return f"N=1e{exponent}" if 10**exponent == n and n >= 100 else f"N={n}"


def series_order(frame: pd.DataFrame) -> list[tuple]:
    """Rows of a table: implementations in sweep order, each run's row beneath the other."""
    table = frame[[*SERIES, "impl_order", "run_index"]].drop_duplicates(SERIES)
    table = table.sort_values(["impl_order", "run_index", "device", "threads"])
    return [tuple(row) for row in table[SERIES].itertuples(index=False)]


def speedups(frame: pd.DataFrame, baseline: str = BASELINE) -> pd.DataFrame:
    """Baseline median / median for every ok row with an ok baseline row; NaN otherwise.

    The baseline is the same configuration in the same run (any device: NumPy runs on the
    CPU); a run without it borrows it from the first run that has it (``baseline_run``).
    """
    frame = prepare(frame) if "steps_key" not in frame.columns else frame
    config = ["op", "steps_key", *SIZE, "d", "dtype", "threads"]
    base = frame[(frame["impl"] == baseline) & (frame["status"] == "ok")]
    base = base.sort_values(["run_index", "device"], key=lambda s: s if s.name != "device"
                            else (s != "cpu"))
    own = {(r["run"], *(r[c] for c in config)): r["median_s"] for _, r in base.iterrows()}
    present = {(r["run"], *(r[c] for c in config))  # failed baselines too: never borrowed over
               for _, r in frame[frame["impl"] == baseline].iterrows()}
    any_run: dict[tuple, tuple[str, float]] = {}
    for _, r in base.iterrows():
        any_run.setdefault(tuple(r[c] for c in config), (r["run"], r["median_s"]))
    values, sources = [], []
    for _, row in frame.iterrows():
        key = tuple(row[c] for c in config)
        if (row["run"], *key) in own:
            source, median = row["run"], own[(row["run"], *key)]
        elif key in any_run and (row["run"], *key) not in present:
            source, median = any_run[key]
        else:
            source, median = None, math.nan
        ok = row["status"] == "ok" and row["median_s"] > 0
        values.append(median / row["median_s"] if ok else math.nan)
        sources.append(source)
    out = frame.copy()
    out["speedup"] = values
    out["baseline_run"] = sources
    return out


def gradient_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """time(value_and_grad) / time(loss) per series and size (the cheap-gradient ratio)."""
    frame = prepare(frame) if "steps_key" not in frame.columns else frame
    keys = [*SERIES, *SIZE, "d", "dtype"]
    ok = frame[frame["status"] == "ok"]
    loss = ok[ok["op"] == "loss"].set_index(keys)["median_s"]
    grad = ok[ok["op"] == "value_and_grad"].set_index(keys)
    both = grad.join(loss.rename("loss_s"), how="inner")
    both["ratio"] = both["median_s"] / both["loss_s"]
    return both.reset_index()[[*keys, "method", "impl_order", "run_index", "median_s",
                               "loss_s", "ratio"]]


def crossover(points: Iterable[tuple[int, str, bool | None]]) -> tuple[str, int | None]:
    """The smallest N from which on an implementation stays faster than the baseline.

    ``points`` are (n, problem, faster) with faster None where undecidable (both failed).
    Returns ("always", n0), ("never", None), ("N=…", n) or ("n/a", None).
    """
    decided = sorted(((n, p, f) for n, p, f in points if f is not None),
                     key=lambda t: (t[1] != "five-point", t[0]))
    if not decided:
        return "n/a", None
    if all(f for *_, f in decided):
        return "always", decided[0][0]
    if not decided[-1][2]:
        return "never", None
    start = len(decided)
    while start > 0 and decided[start - 1][2]:
        start -= 1
    n, problem, _ = decided[start]
    return size_text(problem, n), n


def crossovers(frame: pd.DataFrame, baseline: str = BASELINE) -> pd.DataFrame:
    """Per series, op and (d, dtype): where it becomes faster than the baseline for good.

    A failed measurement (timeout, crash…) counts as slower; a size where the baseline
    failed and the implementation did not counts as faster.
    """
    table = speedups(frame, baseline)
    base_ok = {tuple(r) for r in table[(table["impl"] == baseline)
                                       & (table["status"] == "ok")][
        ["run", "op", "steps_key", *SIZE, "d", "dtype", "threads"]].itertuples(index=False)}
    rows = []
    group_keys = [*SERIES, "op", "steps_key", "d", "dtype"]
    for key, group in table[table["impl"] != baseline].groupby(group_keys, sort=False):
        points = []
        for _, r in group.iterrows():
            if r["status"] == "ok" and not math.isnan(r["speedup"]):
                faster: bool | None = bool(r["speedup"] > 1)
            else:
                source = r["baseline_run"] or r["run"]
                has_base = (source, r["op"], r["steps_key"], r["problem"], r["n"], r["d"],
                            r["dtype"], r["threads"]) in base_ok
                if r["status"] == "ok":
                    faster = True if not has_base else None
                else:
                    faster = False if has_base else None
            points.append((int(r["n"]), r["problem"], faster))
        text, n = crossover(points)
        rows.append({**dict(zip(group_keys, key, strict=True)), "crossover": text,
                     "crossover_n": n})
    return pd.DataFrame(rows, columns=[*group_keys, "crossover", "crossover_n"])


def expected_ratio(impl: str, method: str, d: int) -> str:
    """What theory says time(value_and_grad)/time(loss) should be, as a short text."""
    if method in EXACT_CHEAP:
        return f"≤ {GRIEWANK[0]:g}–{GRIEWANK[1]:g} (Griewank)"
    if method == "finite-difference":
        if "forward" in impl:
            return f"d+2 = {d + 2}"
        return f"1+2(d+1) = {1 + 2 * (d + 1)}"
    if method == "forward-mode":
        return f"∝ d+1 = {d + 1} tangents"
    if method == "complex-step":
        return f"d+1 = {d + 1} complex losses"
    return ""


# ---------------------------------------------------------------- formatting


def status_cell(row: Any) -> Cell:
    return Cell(str(row["status"]), kind="status", tip=str(row.get("message", "") or ""))


def time_cell(row: Any, scale: float) -> Cell:
    median, iqr = float(row["median_s"]), float(row.get("iqr_s", math.nan))
    noisy = bool(row.get("noisy")) or (iqr / median > NOISY_FRACTION if median > 0
                                        and not math.isnan(iqr) else False)
    tip = (f"median {median:.4g} s, IQR {iqr:.3g} s ({100 * iqr / median:.1f}%), "
           f"{int(row['rounds']) if not pd.isna(row.get('rounds')) else '?'} rounds")
    return Cell(number(median / scale) + (" !" if noisy else ""), median,
                "noisy" if noisy else "", tip)


def si(value: float) -> str:
    """A count with its own prefix, 3 significant digits: 812, 4.27 k, 79.2 M, 1.3 G."""
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g} {prefix}"
    return f"{value:.3g}"


def seconds(value: float) -> str:
    """A duration with its own unit, for tables whose values span many decades."""
    unit, scale = time_unit(value)
    return f"{number(value / scale)} {unit}"


def bytes_unit(value: float) -> tuple[str, float]:
    return ("GiB", 2.0**30) if value >= 2**30 else ("MiB", 2.0**20)


class Builder:
    """Builds every table of a report from the combined frame of its runs."""

    def __init__(self, runs: list[Run], frame: pd.DataFrame | None = None,
                 baseline: str = BASELINE) -> None:
        self.runs = runs
        self.frame = frame if frame is not None else combine(runs)
        self.baseline = baseline
        self.speed = speedups(self.frame, baseline)
        self.ratios = gradient_ratios(self.frame)
        self.cross = crossovers(self.frame, baseline)
        variants = self.frame[["run", "device", "threads"]].drop_duplicates()
        self.multi = len(variants) > 1
        self.threads_vary = self.frame["threads"].nunique() > 1

    # rows and columns shared by every per-size table

    def run_text(self, run: str, device: str, threads: int) -> str:
        return f"{run}/{device}" + (f" t{threads}" if self.threads_vary else "")

    def head(self, extra: list[str]) -> list[str]:
        return ["implementation", *(["run"] if self.multi else []), *extra]

    def label(self, series: tuple) -> list[Cell]:
        run, device, threads, impl = series
        cells = [Cell(str(impl))]
        if self.multi:
            cells.append(Cell(self.run_text(run, device, threads), kind="muted"))
        return cells

    def groups(self) -> list[tuple[int, str]]:
        pairs = self.frame[["d", "dtype"]].drop_duplicates()
        return sorted((int(d), str(t)) for d, t in pairs.itertuples(index=False))

    def where(self, d: int, dtype: str) -> str:
        return f"d={d}, {dtype}"

    def ops(self, sub: pd.DataFrame) -> list[tuple[str, int]]:
        pairs = sub[["op", "steps_key"]].drop_duplicates()
        order = {op: i for i, op in enumerate(OPS)}
        return sorted(((str(o), int(s)) for o, s in pairs.itertuples(index=False)),
                      key=lambda p: (order.get(p[0], len(OPS)), p[0], p[1]))

    @staticmethod
    def op_text(op: str, steps: int) -> str:
        return f"train ({steps} steps)" if op == "train" else op

    def per_size(self, sub: pd.DataFrame, section: str, title: str, slug: str,
                 cell: Any, caption: str = "") -> Table:
        """A table with one row per series and one column per size; ``cell(row)`` fills it."""
        columns = sizes(sub)
        table = Table(section, title, self.head([size_text(*s) for s in columns]),
                      caption=caption, slug=slug)
        index = {(*(r[c] for c in SERIES), r["problem"], int(r["n"])): r
                 for _, r in sub.iterrows()}
        for series in series_order(sub):
            cells = []
            for problem, n in columns:
                row = index.get((*series, problem, n))
                cells.append(Cell("") if row is None else cell(row))
            table.rows.append([*self.label(series), *cells])
        return table

    # the tables

    def build(self) -> list[Table]:
        tables = [self.runs_table(), *self.check_tables()]
        for d, dtype in self.groups():
            sub = self.speed[(self.speed["d"] == d) & (self.speed["dtype"] == dtype)]
            for op, steps in self.ops(sub):
                tables.append(self.time_table(sub, op, steps, d, dtype))
            for op, steps in self.ops(sub):
                table = self.speedup_table(sub, op, steps, d, dtype)
                if table is not None:
                    tables.append(table)
            ratio = self.ratio_table(d, dtype)
            if ratio is not None:
                tables.append(ratio)
            cross = self.crossover_table(d, dtype)
            if cross is not None:
                tables.append(cross)
            tables.extend(self.compile_tables(sub, d, dtype))
            if sub["peak_rss_bytes"].notna().any():
                tables.append(self.memory_table(sub, d, dtype))
            for op, steps in self.ops(sub):
                tables.extend(self.throughput_tables(sub, op, steps, d, dtype))
        tables.append(self.scaling_table())
        tables.append(self.training_table())
        return [t for t in tables if t is not None and t.rows]

    def scaling_table(self) -> Table | None:
        """The fitted exponent p in time ∝ d^p, where a run has three or more d."""
        from benchmarks.report.scaling import growth_exponents

        fits = growth_exponents(self.frame)
        if fits.empty:
            return None
        table = Table("scaling", "value_and_grad: growth exponent p in time ∝ d^p",
                      self.head(["method", "N", "dtype", "d measured", "p", "fit rms (log)",
                                 "theory"]), slug="scaling",
                      caption="least-squares slope of log time against log d; reverse mode "
                      "and the manual gradient stay near flat while one pass per parameter "
                      "(forward mode, finite differences, complex step) adds about 1")
        methods = dict(zip(self.frame["impl"], self.frame["method"], strict=False))
        for r in fits.itertuples(index=False):
            method = str(methods.get(r.impl, ""))
            theory = "≈ flat" if method in EXACT_CHEAP else "≈ 1 more"
            series = (r.run, r.device, r.threads, r.impl)
            table.rows.append([*self.label(series), Cell(method, kind="muted"),
                               Cell(size_text("synthetic", r.n)), Cell(r.dtype),
                               Cell(r.dims), Cell(f"{r.exponent:.2f}", r.exponent),
                               Cell(f"{r.fit_rms:.2f}", r.fit_rms), Cell(theory)])
        return table

    def training_table(self) -> Table | None:
        """Each sweep's training runs (training.json): time per step, final loss, agreement."""
        from benchmarks.check import training

        multi = len(self.runs) > 1
        table = Table("training", "training runs: same start, same path?",
                      ["implementation", *(["run"] if multi else []), "problem", "dtype",
                       "steps", "time per step", "initial loss", "final loss",
                       "|Δθ_k| / bound", "matches"], slug="training",
                      caption=f"θ_k against {training.BASELINE}'s, in units of the tolerance "
                      "propagated over k steps (see benchmarks/training.py)")
        for run in self.runs:
            if run.kind != "sweep":
                continue
            for r in training.agreement(run.path, run.frame.to_dict("records")):
                problem = size_text(r["problem"], r["n"]) + (f", d={r['d']}" if r["d"] > 1
                                                             else "")
                table.rows.append([
                    Cell(r["impl"]), *([Cell(run.label, kind="muted")] if multi else []),
                    Cell(problem), Cell(r["dtype"]), Cell(str(r["steps"])),
                    Cell(seconds(r["time_per_step_s"]), r["time_per_step_s"]),
                    Cell(f"{r['initial_loss']:.6g}"), Cell(f"{r['final_loss']:.6g}"),
                    Cell(f"{r['theta_distance_over_bound']:.2g}",
                         r["theta_distance_over_bound"]),
                    Cell("yes" if r["matches"] else "NO",
                         kind="pass" if r["matches"] else "fail")])
        return table

    def time_table(self, sub: pd.DataFrame, op: str, steps: int, d: int, dtype: str) -> Table:
        part = sub[(sub["op"] == op) & (sub["steps_key"] == steps)]
        ok = part[part["status"] == "ok"]
        unit, scale = time_unit(float(ok["median_s"].min())) if len(ok) else ("s", 1.0)
        per = "training run" if op == "train" else "call"
        return self.per_size(
            part, "time", f"{self.op_text(op, steps)}: median time per {per}, "
            f"{self.where(d, dtype)} [{unit}]",
            f"time-{op}-{steps}-d{d}-{dtype}",
            lambda r: time_cell(r, scale) if r["status"] == "ok" else status_cell(r),
            caption=f"unit: {unit}; ! = noisy, the interquartile range exceeds 10% of the "
                    "median")

    def speedup_table(self, sub: pd.DataFrame, op: str, steps: int, d: int,
                      dtype: str) -> Table | None:
        part = sub[(sub["op"] == op) & (sub["steps_key"] == steps)]
        if not (part["impl"] == self.baseline).any() and not part["baseline_run"].notna().any():
            return None

        def cell(r: Any) -> Cell:
            if r["status"] != "ok":
                return status_cell(r)
            value = r["speedup"]
            if math.isnan(value):
                return Cell("no baseline", kind="muted",
                            tip=f"{self.baseline} failed or was not measured here")
            if r["impl"] == self.baseline and r["baseline_run"] == r["run"]:
                return Cell("1", value, "muted", "the baseline")
            return Cell(f"{number(value)}×", value, "good" if value > 1 else "",
                        f"{self.baseline} median / this median" + (
                            f" (baseline from {r['baseline_run']})"
                            if r["baseline_run"] != r["run"] else ""))

        borrowed = sorted({f"{r} takes it from {b}" for r, b in
                           zip(part["run"], part["baseline_run"], strict=True)
                           if isinstance(b, str) and b != r})
        caption = (f"> 1: faster than {self.baseline} (the row of 1s) on the same "
                   "configuration in the same run")
        if borrowed:
            caption += "; a run without the baseline: " + ", ".join(borrowed)
        return self.per_size(part, "speedup", f"{self.op_text(op, steps)}: speedup over "
                             f"{self.baseline}, {self.where(d, dtype)} [×]",
                             f"speedup-{op}-{steps}-d{d}-{dtype}", cell, caption)

    def ratio_table(self, d: int, dtype: str) -> Table | None:
        part = self.ratios[(self.ratios["d"] == d) & (self.ratios["dtype"] == dtype)]
        if part.empty:
            return None
        columns = sizes(part)
        table = Table("ratio", f"gradient cost: time(value_and_grad) / time(loss), "
                      f"{self.where(d, dtype)} [×]",
                      self.head([*(size_text(*s) for s in columns), "expected"]),
                      caption="the cheap-gradient principle: reverse mode costs a small "
                      f"constant times the loss, at most about {GRIEWANK[0]:g}–"
                      f"{GRIEWANK[1]:g} (Griewank & Walther); central differences need "
                      "1 + 2(d+1) loss evaluations, forward differences d + 2; small N is "
                      "dominated by per-call overhead",
                      slug=f"ratio-d{d}-{dtype}")
        index = {(*(r[c] for c in SERIES), r["problem"], int(r["n"])): r
                 for _, r in part.iterrows()}
        for series in series_order(part):
            cells = []
            method = ""
            for problem, n in columns:
                row = index.get((*series, problem, n))
                if row is None:
                    cells.append(Cell(""))
                    continue
                method = row["method"]
                value = float(row["ratio"])
                over = method in EXACT_CHEAP and value > GRIEWANK[1]
                cells.append(Cell(number(value), value, "warn" if over else "",
                                  f"{row['median_s']:.3g} s / {row['loss_s']:.3g} s"
                                  + ("; above the cheap-gradient bound" if over else "")))
            expected = expected_ratio(series[3], method, d)
            table.rows.append([*self.label(series), *cells, Cell(expected, kind="muted")])
        return table

    def crossover_table(self, d: int, dtype: str) -> Table | None:
        part = self.cross[(self.cross["d"] == d) & (self.cross["dtype"] == dtype)]
        if part.empty:
            return None
        ops = self.ops(part)
        table = Table("crossover", f"crossover: the smallest N from which on each is faster "
                      f"than {self.baseline}, {self.where(d, dtype)}",
                      self.head([self.op_text(*o) for o in ops]),
                      caption="always: faster at every size; never: slower at the largest "
                      "size measured; a failed measurement counts as slower",
                      slug=f"crossover-d{d}-{dtype}")
        index = {(*(r[c] for c in SERIES), r["op"], int(r["steps_key"])): r
                 for _, r in part.iterrows()}
        order = self.frame[(self.frame["d"] == d) & (self.frame["dtype"] == dtype)
                           & (self.frame["impl"] != self.baseline)]
        for series in series_order(order):
            cells = []
            for op, steps in ops:
                row = index.get((*series, op, steps))
                if row is None:
                    cells.append(Cell(""))
                    continue
                text = row["crossover"]
                kind = {"always": "good", "never": "", "n/a": "muted"}.get(text, "good")
                value = None if pd.isna(row["crossover_n"]) else float(row["crossover_n"])
                cells.append(Cell(text, value, kind))
            table.rows.append([*self.label(series), *cells])
        return table

    def compile_tables(self, sub: pd.DataFrame, d: int, dtype: str) -> list[Table]:
        tables = []
        prepared = sub.sort_values("prepare_s", na_position="last", kind="stable")
        prepared = prepared.drop_duplicates([*SERIES, *SIZE])
        if prepared["prepare_s"].notna().any():
            tables.append(self.per_size(
                prepared, "compile", f"preparation (data conversion and ahead-of-time compile),"
                f" {self.where(d, dtype)}", f"prepare-d{d}-{dtype}",
                lambda r: Cell(seconds(r["prepare_s"]), r["prepare_s"])
                if r["prepare_s"] > 0 else status_cell(r),
                caption="once per implementation and problem, before any timed call"))
        for op, steps in self.ops(sub):
            part = sub[(sub["op"] == op) & (sub["steps_key"] == steps)]
            if not part["first_call_s"].notna().any():
                continue

            def cell(r: Any) -> Cell:
                if r["status"] != "ok" or not r["first_call_s"] > 0:
                    return status_cell(r)
                first, median = float(r["first_call_s"]), float(r["median_s"])
                return Cell(seconds(first), first, "", f"{first / median:.3g}× the median call")

            tables.append(self.per_size(
                part, "compile", f"{self.op_text(op, steps)}: first call (compile, tracing, "
                f"lazy initialisation), {self.where(d, dtype)}",
                f"first-{op}-{steps}-d{d}-{dtype}", cell,
                caption="the very first call, timed alone; hover (HTML) for its multiple of "
                "the median call"))
            if op in ("step", "train") and (part["compile_train_s"].fillna(0) > 0).any():
                what = "the training loop" if op == "train" else "the update step"
                tables.append(self.per_size(
                    part, "compile", f"{self.op_text(op, steps)}: compiling {what} "
                    f"(bind), {self.where(d, dtype)}", f"compile-{op}-{steps}-d{d}-{dtype}",
                    lambda r: Cell(seconds(r["compile_train_s"]), r["compile_train_s"])
                    if r["compile_train_s"] > 0 else status_cell(r) if r["status"] != "ok"
                    else Cell("–", 0.0, "muted"),
                    caption="bind(): building the fused step or loop, before any timed call"))
        return tables

    def memory_table(self, sub: pd.DataFrame, d: int, dtype: str) -> Table:
        peak = sub.sort_values("peak_rss_bytes", ascending=False, na_position="last",
                               kind="stable").drop_duplicates([*SERIES, *SIZE])
        known = peak["peak_rss_bytes"].dropna()
        unit, scale = bytes_unit(float(known.min())) if len(known) else ("MiB", 2.0**20)
        return self.per_size(
            peak, "memory", f"peak memory (resident set of the worker), {self.where(d, dtype)}"
            f" [{unit}]", f"memory-d{d}-{dtype}",
            lambda r: Cell(number(r["peak_rss_bytes"] / scale), r["peak_rss_bytes"], "",
                           f"during {r['op']}") if r["peak_rss_bytes"] > 0 else status_cell(r),
            caption=f"unit: {unit}; the largest over the operations measured, framework "
            "runtime included")

    def throughput_tables(self, sub: pd.DataFrame, op: str, steps: int, d: int,
                          dtype: str) -> list[Table]:
        part = sub[(sub["op"] == op) & (sub["steps_key"] == steps)]
        ok = part[(part["status"] == "ok") & part["points_per_s"].notna()]
        if ok.empty:
            return []
        points = self.per_size(
            part, "throughput", f"{self.op_text(op, steps)}: throughput, "
            f"{self.where(d, dtype)} [points/s]", f"points-{op}-{steps}-d{d}-{dtype}",
            lambda r: Cell(si(r["points_per_s"]), r["points_per_s"])
            if r["status"] == "ok" else status_cell(r),
            caption="points per second (k = 10³, M = 10⁶, G = 10⁹)" + (
                f" ({steps} steps per training run)" if op == "train" else ""))

        def gb_cell(r: Any) -> Cell:
            if r["status"] != "ok":
                return status_cell(r)
            gb, ceiling = float(r["gb_per_s"]), float(r["bandwidth_gb_s"])
            if r["device"] == "cpu" and ceiling > 0:
                share = gb / ceiling
                percent = f"{100 * share:.0f}%" if share >= 0.005 else "<1%"
                return Cell(f"{number(gb)} ({percent})", gb,
                            "good" if share >= 0.5 else "",
                            f"{100 * share:.1f}% of {ceiling:.3g} GB/s")
            return Cell(number(gb), gb)

        ceilings = [f"{r.label}: {r.bandwidth['read_gb_s']:.3g} GB/s" for r in self.runs
                    if r.bandwidth]
        caption = ("bytes of x and y read once per evaluation (a lower bound on the traffic); "
                   "in brackets the fraction of the machine's single-thread read bandwidth"
                   + (" (" + "; ".join(ceilings) + ")" if ceilings else
                      " – not measured for this run"))
        gbs = self.per_size(part, "throughput", f"{self.op_text(op, steps)}: memory "
                            f"throughput, {self.where(d, dtype)} [GB/s]",
                            f"gbs-{op}-{steps}-d{d}-{dtype}", gb_cell, caption)
        return [points, gbs]

    def check_tables(self) -> list[Table]:
        runs = [r for r in self.runs if r.check]
        if not runs:
            return []
        multi = len(self.runs) > 1
        table = Table("check", "correctness on the five-point problem (check.json)",
                      ["implementation", *(["run"] if multi else []), "method", "verdict",
                       "grad err", "tolerance", "ρ", "Taylor order", "train steps",
                       "final loss", "failures"], slug="check",
                      caption="grad err: the larger scaled error |g − ∇L|/S of θ0 and the "
                      "probe point against mpmath; Taylor order ≈ 2 for a correct gradient "
                      "(n/a: round-off or truncation hides it)")
        for run in runs:
            assert run.check is not None
            for entry in run.check["implementations"]:
                table.rows.append([Cell(str(entry.get("name", "?"))),
                                   *([Cell(run.label, kind="muted")] if multi else []),
                                   *check_cells(entry)])
        return [table]

    def runs_table(self) -> Table:
        """Machine, versions, command and state of each run, side by side."""
        table = Table("runs", "runs", ["", *(r.label for r in self.runs)], slug="runs",
                      left=True)
        for name, getter in RUN_FIELDS:
            cells = [getter(r) for r in self.runs]
            if any(cells):
                table.rows.append([Cell(name), *(Cell(c, kind="bad" if name == "notes" and c
                                                      else "") for c in cells)])
        return table


def time_tables(runs: list[Run], baseline: str = BASELINE) -> list[Table]:
    """Median time per implementation × size, one table per operation, d and dtype.

    What a sweep shows when it ends (``console.show_sweep_summary`` can print these with
    ``render.print_tables``), the same tables the report begins its timings with.
    """
    return [t for t in Builder(runs, baseline=baseline).build() if t.section == "time"]


def check_cells(entry: dict[str, Any]) -> list[Cell]:
    status = str(entry.get("status", "?"))
    kind = {"pass": "pass", "fail": "fail", "error": "fail"}.get(status, "muted")
    grads = [entry[k] for k in ("gradient_at_theta0", "gradient_at_probe") if k in entry]
    taylor = entry.get("taylor") or {}
    train = entry.get("train") or {}
    failures = "; ".join(str(f) for f in entry.get("failures", []))

    def fmt(value: Any, spec: str = ".1e") -> str:
        return "–" if value is None else format(value, spec)

    if grads:
        worst = max(grads, key=lambda g: g.get("error_over_tolerance", 0.0))
        err, tol = worst.get("grad_error"), worst.get("grad_tolerance")
        rho = max(g.get("grad_rho", 0.0) for g in grads)
    else:
        err = tol = rho = None
    order = taylor.get("observed_order")
    order_text = fmt(order, ".2f") if taylor.get("conclusive") else ("n/a" if taylor else "–")
    return [Cell(str(entry.get("method", ""))), Cell(status, kind=kind, tip=failures),
            Cell(fmt(err), err), Cell(fmt(tol), tol), Cell(fmt(rho), rho),
            Cell(order_text, order if taylor.get("conclusive") else None,
                 "" if taylor.get("passed", True) else "fail"),
            Cell(str(train.get("steps", "–"))),
            Cell(fmt(train.get("final_loss"), ".3g"), train.get("final_loss")),
            Cell(failures, kind="bad" if failures else "")]


def _versions(run: Run) -> str:
    versions = run.machine.get("versions") or {}
    return ", ".join(f"{k} {v}" for k, v in versions.items() if v and k in (
        "numpy", "jax", "jaxlib", "torch", "scipy", "sympy", "autograd"))


def _bandwidth(run: Run) -> str:
    b = run.bandwidth
    if not b:
        return "not measured"
    return (f"read {b['read_gb_s']:.3g} GB/s, copy {b.get('copy_gb_s', math.nan):.3g} GB/s "
            f"(one thread, {b.get('array_bytes', 0) / 2**20:.0f} MiB arrays)")


def _threads(run: Run) -> str:
    threads = run.metadata.get("threads") or {}
    seen = sorted({f"{v.get('requested')} requested, {' '.join(v.get('threadpools', []))}"
                   for v in threads.values() if isinstance(v, dict)})
    return "; ".join(seen)


def _git(run: Run) -> str:
    git = run.machine.get("git") or {}
    if not git.get("commit"):
        return ""
    return f"{str(git['commit'])[:12]}{' (dirty)' if git.get('dirty') else ''}"


def _ram(run: Run) -> str:
    ram = run.machine.get("ram_bytes")
    return f"{ram / 2**30:.1f} GiB" if ram else ""


def _cores(run: Run) -> str:
    m = run.machine
    physical, logical = m.get("cores_physical"), m.get("cores_logical")
    if not physical and not logical:
        return ""
    return f"{physical or '?'} physical, {logical or '?'} logical"


def _command(run: Run) -> str:
    argv = run.metadata.get("argv")
    if isinstance(argv, list) and argv:
        import shlex

        return shlex.join(["updatebench" if a.endswith("updatebench") else str(a)
                           for a in argv])
    return str(run.metadata.get("command", ""))


def _state(run: Run) -> str:
    status = run.metadata.get("status", "")
    elapsed = run.metadata.get("elapsed_s")
    return f"{status}" + (f" in {elapsed:.0f} s" if isinstance(elapsed, int | float) else "")


RUN_FIELDS = (
    ("input", lambda r: str(r.path)),
    ("host", lambda r: r.host),
    ("CPU", lambda r: str(r.machine.get("cpu_model", "") or "")),
    ("cores", _cores),
    ("memory", _ram),
    ("OS", lambda r: str(r.machine.get("os", "") or "")),
    ("Python", lambda r: str(r.machine.get("python", "") or "")),
    ("versions", _versions),
    ("BLAS", lambda r: ", ".join(f"{b.get('internal_api')} {b.get('version') or ''}".strip()
                                 for b in r.machine.get("blas", []) or [])),
    ("threads", _threads),
    ("bandwidth", _bandwidth),
    ("git", _git),
    ("command", _command),
    ("started", lambda r: str(r.metadata.get("started_at", "") or "")),
    ("finished", lambda r: str(r.metadata.get("finished_at", "") or "")),
    ("status", _state),
    ("measurements", lambda r: f"{len(r.frame)} rows, "
                               f"{int((r.frame['status'] == 'ok').sum())} ok"),
    ("notes", lambda r: "; ".join(r.notes)),
)
