"""Did a configuration change between two runs? Significance that knows about drift. Pure.

Rounds of one process are not independent draws: the machine's speed drifts between
minutes, and what a process got at its start (address layout, allocator state, frequency)
holds for all its rounds, so a test that treats rounds as samples claims certainty the data
cannot give (pyperf runs many processes for this reason). Here the unit of evidence is the
process: each process of a configuration gives one value, the mode of its rounds (robust to
the stretches of rounds a loaded scheduler slows); the configuration's value in a run is the
median over its processes (so one outlying process of three does not move it). With fewer
than ``MIN_PROCESSES`` processes on a side nothing says how much processes differ, so no
change is claimed: the verdict is ``inconclusive``, with the sweep to run instead.

Otherwise a change must pass Student's t against every noise estimate there is, each with
its own degrees of freedom:

- the configuration's own processes: the robust spread (1.4826 × MAD) of its per-process
  values, which one outlying process of three does not inflate;
- between processes, pooled: the spread of per-process values around their configuration's
  mean, a median over each implementation's configurations;
- between runs: the robust spread (1.4826 × median absolute deviation) of the changes
  themselves over each implementation's configurations, most of which did not change (or
  changed alike), so a noisy implementation does not hide a quiet one's change.

and exceed ``threshold`` (as asv's ``--factor``), so a significant but negligible shift is
not reported. Samples that fall into two clusters are named (``bimodal``).

Drift-normalised mode (the default when both runs measured the reference implementation):
each value is the implementation's time divided by the reference's time in the same round,
so a machine that is slower in one run than the other cancels out; the reference itself is
the yardstick and is not tested. The A and B values shown are then ratios to the reference,
and B/A is their ratio.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from benchmarks.report.rounds import half_sample_mode, paired_rounds, round_ratios
from benchmarks.report.significance import (
    own_error,
    p_value,
    process_sigma,
    run_sigmas,
    two_modes,
)
from impls.builtins import BASELINE

if TYPE_CHECKING:  # annotations only: compare's parser must not import pandas
    import pandas as pd


MATCH = ["impl", "op", "problem", "n", "d", "dtype", "device", "threads", "steps_key"]
ALPHA = 0.05
THRESHOLD = 0.10  # changes below 10 % are not reported, however significant
REFERENCE = BASELINE

MIN_PROCESSES = 3  # fewer on a side: nothing says how much one process differs from another


def series(row: Mapping[str, Any], reference: Mapping[str, Any] | None = None
           ) -> list[list[float]]:
    """log of each process's rounds: their times, or their within-round ratios to
    ``reference``; a row without round indices gives one value, its (ratio of) medians."""
    own = paired_rounds(row)
    if reference is not None:
        groups = round_ratios(own, paired_rounds(reference))
        if not groups:
            return [[math.log(float(row["median_s"]) / float(reference["median_s"]))]]
    elif not own:
        return [[math.log(float(row["median_s"]))]]
    else:
        groups = {}
        for (process, _), seconds in sorted(own.items()):
            if seconds > 0:
                groups.setdefault(process, []).append(seconds)
    return [[math.log(v) for v in groups[p]] for p in sorted(groups)]


def per_process(row: Mapping[str, Any], reference: Mapping[str, Any] | None = None
                ) -> list[float]:
    """log of one value per process: the mode (``half_sample_mode``) of its rounds' times, or
    of their within-round ratios to ``reference``."""
    return [half_sample_mode(v) for v in series(row, reference)]


def bimodal(row: Mapping[str, Any], reference: Mapping[str, Any] | None = None
            ) -> tuple[float, float] | None:
    """The two centres (times, or ratios to ``reference``) when a row's rounds, all its
    processes pooled, fall into two clusters."""
    found = two_modes([v for values in series(row, reference) for v in values])
    return None if found is None else (math.exp(found[0]), math.exp(found[1]))


def processes_text(a: int, b: int) -> str:
    if a == b:
        return "one process a side" if a == 1 else f"{a} processes a side"
    return f"{a} process{'es' * (a != 1)} in A, {b} in B"


def assess(pairs: list[tuple[list[float], list[float]]], alpha: float, threshold: float,
           labels: list[str] | None = None) -> list[dict[str, Any]]:
    """For each (A values, B values) of logs, one per process: the A and B values (the median
    over processes), their ratio B/A, p and verdict.

    Verdicts: slower, faster, same; inconclusive where a side has fewer than
    ``MIN_PROCESSES`` processes. p is the largest over the noise estimates (see the module).
    """
    changes = [statistics.median(b) - statistics.median(a) for a, b in pairs]
    enough = [min(len(a), len(b)) >= MIN_PROCESSES for a, b in pairs]
    labels = labels or [""] * len(pairs)
    pooled = {label: process_sigma([v for (a, b), ok, name in zip(pairs, enough, labels,
                                                                  strict=True)
                                    if ok and name == label for v in (a, b)])
              for label in set(labels)}
    kept = [(c, name) for c, name, ok in zip(changes, labels, enough, strict=True) if ok]
    sigma_r = run_sigmas([c for c, _ in kept], [name for _, name in kept])
    out = []
    for (a, b), change, ok, label in zip(pairs, changes, enough, labels, strict=True):
        value_a, value_b = math.exp(statistics.median(a)), math.exp(statistics.median(b))
        row = {"value_a": value_a, "value_b": value_b, "ratio": value_b / value_a,
               "processes_a": len(a), "processes_b": len(b), "se": math.nan, "p": math.nan}
        if not ok:
            out.append({**row, "verdict": "inconclusive"})
            continue
        estimates = [(own_error(a, b), len(a) + len(b) - 2)]
        if pooled[label] is not None:
            sigma, df = pooled[label]
            estimates.append((sigma * math.sqrt(1 / len(a) + 1 / len(b)), df))
        if label in sigma_r:
            estimates.append(sigma_r[label])
        p = max(p_value(change, se, df) for se, df in estimates)
        large = abs(change) > math.log1p(threshold)
        verdict = ("slower" if change > 0 else "faster") if p < alpha and large else "same"
        out.append({**row, "se": max(se for se, _ in estimates), "p": p, "verdict": verdict})
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
    """One row per configuration both runs measured: the A and B values compared (times, or
    ratios to the reference), B/A, p-value, verdict and whether a side's rounds are bimodal.

    Verdicts: faster, slower, same (no significant change beyond ``threshold``), inconclusive
    (under ``MIN_PROCESSES`` processes a side), untestable (no reference here), reference
    (the yardstick), broken (ok in A, failed in B), fixed, failed (failed in both).
    Drift-normalised when ``reference`` is given and both runs have it; runs with different
    thread settings are matched without the thread count (``threads_differ`` says so).
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
            row.update(value_a=1.0, value_b=1.0, verdict="reference",
                       text=f"reference, not tested ({change_text(ratio)})")
        elif ok_a and ok_b and normalised and not (group in refs_a and group in refs_b):
            row.update(verdict="untestable", text=f"no {reference} here to normalise by")
        elif ok_a and ok_b:
            base_a = refs_a.get(group) if normalised else None
            base_b = refs_b.get(group) if normalised else None
            pairs.append((per_process(ra, base_a), per_process(rb, base_b)))
            row.update(bimodal_a=bimodal(ra, base_a), bimodal_b=bimodal(rb, base_b))
            tested.append(len(rows))
        elif ok_a:
            row.update(verdict="broken", text=f"ok → {rb['status']}")
        elif ok_b:
            row.update(verdict="fixed", text=f"{ra['status']} → ok")
        else:
            row.update(verdict="failed", text=f"{ra['status']} → {rb['status']}")
        rows.append(row)
    labels = [rows[index]["impl"] for index in tested]
    for index, verdict in zip(tested, assess(pairs, alpha, threshold, labels), strict=True):
        rows[index].update(verdict)
        rows[index]["text"] = _text(rows[index])
    frame = pd.DataFrame(rows)
    frame.attrs.update(threads_differ=threads_differ, normalised=normalised,
                       reference=reference if normalised else None)
    if frame.empty:
        return frame
    return frame.sort_values(["impl_order", "op", "size_order", "d", "dtype", "device",
                              "threads"], kind="stable").reset_index(drop=True)


def _row(ra: dict[str, Any], rb: dict[str, Any], normalised: bool) -> dict[str, Any]:
    return {**{k: ra[k] for k in MATCH}, "threads_b": rb["threads"],
            "median_a": ra["median_s"], "median_b": rb["median_s"],
            "value_a": math.nan, "value_b": math.nan,
            "status_a": ra["status"], "status_b": rb["status"], "ratio": math.nan,
            "p": math.nan, "processes_a": ra.get("processes"), "processes_b": rb.get("processes"),
            "bimodal_a": None, "bimodal_b": None, "size_order": ra["size_order"],
            "impl_order": ra["impl_order"],
            "mode": "drift-normalised" if normalised else "absolute"}


def bimodal_text(row: Mapping[str, Any]) -> str:
    """"A bimodal (1.02 and 1.41)" for each side whose rounds fall into two clusters."""
    from benchmarks.report.format import seconds

    parts = []
    for side in ("a", "b"):
        modes = row.get(f"bimodal_{side}")
        if modes:
            low, high = (f"{m:.3g}" if row["mode"] == "drift-normalised" else seconds(m)
                         for m in modes)
            parts.append(f"{side.upper()} bimodal ({low} and {high})")
    return "; ".join(parts)


def _text(row: Mapping[str, Any]) -> str:
    ratio, verdict = row["ratio"], row["verdict"]
    if verdict in ("slower", "faster"):
        text = change_text(ratio)
    elif verdict == "inconclusive":
        text = (f"inconclusive: {processes_text(row['processes_a'], row['processes_b'])} "
                f"({change_text(ratio)}?); sweep with --processes {MIN_PROCESSES}")
    else:
        text = f"not significant ({change_text(ratio)})"
    modes = bimodal_text(row)
    return f"{text}; {modes}" if modes else text


def geometric_mean(ratios: Any) -> float:
    values = [float(v) for v in ratios if v > 0 and math.isfinite(v)]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else math.nan


def regressions(result: pd.DataFrame, fail_above: float) -> pd.DataFrame:
    """Significant slowdowns beyond ``fail_above`` percent, and configurations that broke."""
    limit = 1 + fail_above / 100
    slow = (result["verdict"] == "slower") & (result["ratio"] > limit)
    return result[slow | (result["verdict"] == "broken")]
