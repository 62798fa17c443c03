"""A results row's samples by (process, round), and the robust centre of a set of rounds.

Shared by the speedup (``speedup``) and the compare (``change``); light imports only, since
compare's argument parser loads this.
"""

from __future__ import annotations

import statistics
from typing import Any


def paired_rounds(row: Any) -> dict[tuple[int, int], float]:
    """{(process, round): seconds per call} of one frame row (empty where rounds were not
    interleaved: pytest-benchmark, the oldest runs)."""
    samples = row.get("samples") or ()
    if not samples or any(s.round is None for s in samples):
        return {}
    return {(s.process, s.round): s.seconds for s in samples}


def round_ratios(own: dict[tuple[int, int], float], base: dict[tuple[int, int], float]
                 ) -> dict[int, list[float]]:
    """own / base for every (process, round) both ran, grouped by process."""
    out: dict[int, list[float]] = {}
    for key in sorted(own.keys() & base.keys()):
        if own[key] > 0 and base[key] > 0:
            out.setdefault(key[0], []).append(own[key] / base[key])
    return out


def half_sample_mode(values: list[float]) -> float:
    """The densest point of ``values`` (Bickel & Frühwirth's half-sample mode).

    On a loaded machine the scheduler slows one worker for a stretch of rounds while the
    other runs at full speed (seen here: 18 µs rounds turning 50 µs for tens of rounds in one
    process only); those rounds' ratios scatter widely, while undisturbed rounds cluster
    tightly around the true ratio. The mode follows the cluster even when it holds fewer
    than half of the rounds, where the median would not.
    """
    ordered = sorted(values)
    while len(ordered) > 3:
        half = (len(ordered) + 1) // 2
        widths = [ordered[i + half - 1] - ordered[i] for i in range(len(ordered) - half + 1)]
        start = widths.index(min(widths))
        ordered = ordered[start:start + half]
    if len(ordered) == 3:
        left, right = ordered[1] - ordered[0], ordered[2] - ordered[1]
        ordered = ordered[:2] if left < right else ordered[1:] if right < left else ordered[1:2]
    return statistics.fmean(ordered)
