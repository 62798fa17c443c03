"""Text of numbers, durations, sizes and operations, shared by tables, plots and the terminal.

Plain functions over floats and strings: no pandas, no rich, no matplotlib, so any layer that
prints a number (the sweep's progress, the anchors command, a figure's axis) can use them.
"""

from __future__ import annotations

import math
from typing import Any


def time_unit(seconds: float) -> tuple[str, float]:
    """One unit per table, as pytest-benchmark does: the one that suits the smallest value."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return unit, scale
    return "ns", 1e-9


def number(value: float) -> str:
    """Three significant digits without exponents: 7.92, 20.9, 535, 3,710."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def seconds(value: float) -> str:
    """A duration with its own unit, for tables whose values span many decades."""
    unit, scale = time_unit(value)
    return f"{number(value / scale)} {unit}"


def si(value: float) -> str:
    """A count with its own prefix, 3 significant digits: 812, 4.27 k, 79.2 M, 1.3 G."""
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g} {prefix}"
    return f"{value:.3g}"


def bytes_unit(value: float) -> tuple[str, float]:
    return ("GiB", 2.0**30) if value >= 2**30 else ("MiB", 2.0**20)


def size_text(problem: str, n: int) -> str:
    """five-point, N=1e5 for powers of ten, N=1500 otherwise (never a rounded N)."""
    if problem == "five-point":
        return "five-point"
    exponent = round(math.log10(n)) if n > 0 else 0
    return f"N=1e{exponent}" if 10**exponent == n and n >= 100 else f"N={n}"


def op_text(op: str, steps: int) -> str:
    """An operation as a column or title names it; training says how many steps it ran."""
    return f"train ({steps} steps)" if op == "train" else op


def per_text(op: str) -> str:
    """What one timed sample of ``op`` is."""
    return "training run" if op == "train" else "call"


def sci(value: Any, spec: str = ".1e") -> str:
    """A number in ``spec``, or an en dash where there is none (missing or not a number)."""
    if value is None or isinstance(value, bool):
        return "–"
    try:
        return format(value, spec)
    except (TypeError, ValueError):
        return "–"
