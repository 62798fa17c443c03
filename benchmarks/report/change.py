"""Did a configuration change between two runs? Significance that knows about drift. Pure.

Rounds of one process are not independent draws: the machine's speed drifts between
minutes, so a test that treats them as such claims certainty the data cannot give. Here the
unit of evidence is the process: each process of a configuration gives one value, the mode
of its rounds (robust to the stretches of rounds a loaded scheduler slows); the
configuration's value in a run is the median over its processes (so one outlying process of
three does not move it), and the noise a change is judged against comes from two places:

- between processes: the spread of those per-process values around their configuration's
  mean, pooled robustly (a median) over every configuration with more than one process;
- between runs: the robust spread (1.4826 × median absolute deviation) of the changes
  themselves over all configurations compared, most of which did not change.

The largest of the two and of the configuration's own spread between its processes
(robust to one outlying process of three; with two that disagree, nothing tells which is
right, so the test widens) is the standard error; a change counts when its two-sided normal
p-value is below α *and* it exceeds ``threshold`` (as asv's ``--factor``),
so a significant but negligible shift is not reported.

Drift-normalised mode (the default when both runs measured the reference implementation):
each value is the implementation's time divided by the reference's time in the same round,
so a machine that is slower in one run than the other cancels out; the reference itself is
the yardstick and is not tested.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from benchmarks.report.rounds import half_sample_mode, paired_rounds, round_ratios
from impls.builtins import BASELINE

if TYPE_CHECKING:  # annotations only: compare's parser must not import pandas
    import pandas as pd


MATCH = ["impl", "op", "problem", "n", "d", "dtype", "device", "threads", "steps_key"]
ALPHA = 0.05
THRESHOLD = 0.10  # changes below 10 % are not reported, however significant
REFERENCE = BASELINE

MIN_CONFIGS = 5  # configurations needed before their spread says anything about noise
MIN_DF = 3  # degrees of freedom before the between-process spread is used
MAD_SCALE = 1.4826  # MAD → standard deviation for normal data
SE_FLOOR = 1e-3  # identical copies: 0.1 % is no evidence of anything
BATCHES = 4  # contiguous batches of rounds standing in for processes in a one-process row


def per_process(row: Mapping[str, Any], reference: Mapping[str, Any] | None = None
                ) -> list[float]:
    """log of one value per process: the mode (``half_sample_mode``) of its rounds' times, or
    of their within-round ratios to ``reference`` (rows without round indices give one
    value, the ratio of medians).

    A row measured by one process gives one value per batch of contiguous rounds instead
    (batch means, ``BATCHES`` of them): slow drift within the process shows between batches,
    though what differs between processes cannot; hence sweeps to compare use --processes 2+.
    """
    own = paired_rounds(row)
    if reference is not None:
        groups = round_ratios(own, paired_rounds(reference))
        if not groups:
            return [math.log(float(row["median_s"]) / float(reference["median_s"]))]
    elif not own:
        return [math.log(float(row["median_s"]))]
    else:
        groups = {}
        for (process, _), seconds in sorted(own.items()):
            if seconds > 0:
                groups.setdefault(process, []).append(seconds)
    series = [[math.log(v) for v in groups[p]] for p in sorted(groups)]
    if len(series) == 1 and len(series[0]) >= 2 * BATCHES:
        size = len(series[0]) / BATCHES
        series = [series[0][round(i * size):round((i + 1) * size)] for i in range(BATCHES)]
    return [half_sample_mode(v) for v in series]


def process_sigma(groups: list[list[float]]) -> float | None:
    """Spread of per-process values around their configuration's mean, pooled robustly.

    The median over configurations of each one's sample variance, divided by the median of
    χ²_df / df (Wilson–Hilferty), estimates σ² without letting one configuration with an
    outlying process inflate it for all.
    """
    scaled, df = [], 0
    for values in groups:
        if len(values) > 1:
            k = len(values) - 1
            scaled.append(statistics.variance(values) / (1 - 2 / (9 * k)) ** 3)
            df += k
    return math.sqrt(statistics.median(scaled)) if df >= MIN_DF else None


def run_sigma(changes: list[float]) -> float | None:
    """Robust spread of the log changes over configurations, most of which did not change."""
    if len(changes) < MIN_CONFIGS:
        return None
    middle = statistics.median(changes)
    return MAD_SCALE * statistics.median(abs(c - middle) for c in changes)


def spread(values: list[float]) -> float:
    """A standard deviation robust to one outlying process of three or more (1.4826 × MAD);
    with two values, the plain one: nothing tells which of two disagreeing processes is right.
    """
    if len(values) < 2:
        return 0.0
    if len(values) == 2:
        return abs(values[0] - values[1]) / math.sqrt(2)
    middle = statistics.median(values)
    return MAD_SCALE * statistics.median(abs(v - middle) for v in values)


def own_error(a: list[float], b: list[float]) -> float:
    """Standard error of the change from this configuration's own processes alone."""
    return math.sqrt(spread(a) ** 2 / len(a) + spread(b) ** 2 / len(b))


def p_value(change: float, se: float) -> float:
    """Two-sided normal p-value of a log change against its standard error."""
    se = max(se, SE_FLOOR)
    return math.erfc(abs(change) / se / math.sqrt(2))


def assess(pairs: list[tuple[list[float], list[float]]], alpha: float, threshold: float
           ) -> list[dict[str, Any]]:
    """For each (A values, B values) of logs: ratio B/A, standard error, p and verdict.

    Verdicts: slower, faster, same; untestable where no noise estimate exists (one process a
    side and fewer than ``MIN_CONFIGS`` configurations).
    """
    # the median over processes: one outlying process of three does not move it
    changes = [statistics.median(b) - statistics.median(a) for a, b in pairs]
    sigma_p = process_sigma([v for pair in pairs for v in pair])
    sigma_r = run_sigma(changes)
    out = []
    for (a, b), change in zip(pairs, changes, strict=True):
        candidates = [] if sigma_r is None else [sigma_r]
        known = bool(candidates) or sigma_p is not None
        if sigma_p is not None:
            candidates.append(sigma_p * math.sqrt(1 / len(a) + 1 / len(b)))
        candidates.append(own_error(a, b))
        ratio = math.exp(change)
        if not known:
            out.append({"ratio": ratio, "se": math.nan, "p": math.nan, "verdict": "untestable"})
            continue
        se = max(candidates)
        p = p_value(change, se)
        large = abs(change) > math.log1p(threshold)
        verdict = ("slower" if change > 0 else "faster") if p < alpha and large else "same"
        out.append({"ratio": ratio, "se": se, "p": p, "verdict": verdict})
    return out


def change_text(ratio: float) -> str:
    """1.11× slower, 2.00× faster, or 1.00× for no change at three digits."""
    if ratio > 1:
        return f"{ratio:.2f}× slower"
    if ratio < 1:
        return f"{1 / ratio:.2f}× faster"
    return "1.00×"


def _keyed(frame: pd.DataFrame, match: list[str]) -> dict[tuple, dict[str, Any]]:
    """Rows by configuration (the last wins), with the columns comparing needs."""
    order = {name: i for i, name in enumerate(dict.fromkeys(frame["impl"]))}
    out = {}
    for row in frame.to_dict("records"):
        row["impl_order"] = order[row["impl"]]
        row["size_order"] = (0 if row["problem"] == "five-point" else 1, row["n"])
        out[tuple(row[c] for c in match)] = row
    return out


def _references(rows: dict[tuple, dict[str, Any]], match: list[str], reference: str
                ) -> dict[tuple, dict[str, Any]]:
    at = match.index("impl")
    return {key[:at] + key[at + 1:]: row for key, row in rows.items()
            if row["impl"] == reference and row["status"] == "ok"}


def compare_frames(a: pd.DataFrame, b: pd.DataFrame, alpha: float = ALPHA,
                   threshold: float = THRESHOLD, reference: str | None = REFERENCE
                   ) -> pd.DataFrame:
    """One row per configuration both runs measured: medians, B/A, p-value and verdict.

    Verdicts: faster, slower, same (not a significant change beyond ``threshold``),
    untestable (no noise estimate, or no reference in this configuration), reference (the
    yardstick of drift-normalised mode), broken (ok in A, failed in B), fixed (the reverse),
    failed (failed in both). Drift-normalised when ``reference`` is given and both runs have
    it; runs with different thread settings are matched without the thread count (the
    ``threads_differ`` attribute of the result says so, for a loud warning).
    """
    import pandas as pd

    match = MATCH
    rows_a, rows_b = _keyed(a, match), _keyed(b, match)
    threads_differ = not (rows_a.keys() & rows_b.keys())
    if threads_differ:
        match = [c for c in MATCH if c != "threads"]
        rows_a, rows_b = _keyed(a, match), _keyed(b, match)
    refs_a = _references(rows_a, match, reference) if reference else {}
    refs_b = _references(rows_b, match, reference) if reference else {}
    normalised = bool(refs_a) and bool(refs_b)
    rows, tested, pairs = [], [], []
    at = match.index("impl")
    for key in [k for k in rows_a if k in rows_b]:
        ra, rb = rows_a[key], rows_b[key]
        row = _row(ra, rb, normalised)
        ok_a, ok_b = ra["status"] == "ok", rb["status"] == "ok"
        group = key[:at] + key[at + 1:]
        if ok_a and ok_b and normalised and ra["impl"] == reference:
            ratio = float(rb["median_s"] / ra["median_s"])
            row.update(ratio=ratio, verdict="reference",
                       text=f"reference, not tested ({change_text(ratio)})")
        elif ok_a and ok_b and normalised and not (group in refs_a and group in refs_b):
            row.update(verdict="untestable", text=f"no {reference} here to normalise by")
        elif ok_a and ok_b:
            base_a = refs_a.get(group) if normalised else None
            base_b = refs_b.get(group) if normalised else None
            pairs.append((per_process(ra, base_a), per_process(rb, base_b)))
            tested.append(len(rows))
        elif ok_a:
            row.update(verdict="broken", text=f"ok → {rb['status']}")
        elif ok_b:
            row.update(verdict="fixed", text=f"{ra['status']} → ok")
        else:
            row.update(verdict="failed", text=f"{ra['status']} → {rb['status']}")
        rows.append(row)
    for index, verdict in zip(tested, assess(pairs, alpha, threshold), strict=True):
        rows[index].update(verdict)
        rows[index]["text"] = _text(verdict, threshold)
    frame = pd.DataFrame(rows)
    frame.attrs.update(threads_differ=threads_differ, normalised=normalised)
    if frame.empty:
        return frame
    return frame.sort_values(["impl_order", "op", "size_order", "d", "dtype", "device",
                              "threads"], kind="stable").reset_index(drop=True)


def _row(ra: dict[str, Any], rb: dict[str, Any], normalised: bool) -> dict[str, Any]:
    return {**{k: ra[k] for k in MATCH}, "threads_b": rb["threads"],
            "median_a": ra["median_s"], "median_b": rb["median_s"],
            "status_a": ra["status"], "status_b": rb["status"], "ratio": math.nan,
            "p": math.nan, "size_order": ra["size_order"], "impl_order": ra["impl_order"],
            "mode": "drift-normalised" if normalised else "absolute"}


def _text(verdict: dict[str, Any], threshold: float) -> str:
    ratio = verdict["ratio"]
    if verdict["verdict"] in ("slower", "faster"):
        return change_text(ratio)
    if verdict["verdict"] == "untestable":
        return f"{change_text(ratio)}? (no noise estimate)"
    return f"not significant ({change_text(ratio)})"


def geometric_mean(ratios: Any) -> float:
    values = [float(v) for v in ratios if v > 0 and math.isfinite(v)]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else math.nan


def regressions(result: pd.DataFrame, fail_above: float) -> pd.DataFrame:
    """Significant slowdowns beyond ``fail_above`` percent, and configurations that broke."""
    limit = 1 + fail_above / 100
    slow = (result["verdict"] == "slower") & (result["ratio"] > limit)
    return result[slow | (result["verdict"] == "broken")]
