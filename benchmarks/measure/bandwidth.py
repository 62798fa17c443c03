"""A STREAM-style probe of this machine's memory bandwidth, the ceiling for GB/s in reports.

The update rule reads x and y once per evaluation, so at large N it is bound by memory
bandwidth, not arithmetic. To say how close an implementation gets, a report needs this
machine's own figure, measured the way the sweep measures: one thread, arrays several times
the last-level cache, best of a few repeats (as McCalpin's STREAM reports the best time).

- ``dot``: ``a @ b`` of two distinct arrays, a pure read of both (BLAS ``ddot`` streams
  them at memory speed with vector loads); ``read_gb_s``, the figure reports divide by, is
  this one.
- ``copy``: ``a[:] = b``, counted as STREAM counts it: 2 × size bytes (read b, write a).
- ``sum``: ``b.sum()``, kept for comparison only: NumPy's pairwise summation is not
  memory-bound on every CPU (7.7 GB/s here against 16–23 GB/s for the dot).

Run ``python -m benchmarks.measure.bandwidth`` to print the JSON the sweep stores.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

MIN_BYTES = 256 * 2**20
MAX_BYTES = 2 * 2**30
LLC_TIMES = 3  # both arrays together, this many times the last-level cache
DEFAULT_REPEATS = 5


def last_level_cache() -> int | None:
    """Bytes of the largest cache Linux reports for CPU 0 (None elsewhere)."""
    sizes = []
    for entry in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*/size"):
        text = entry.read_text().strip()
        scale = {"K": 2**10, "M": 2**20, "G": 2**30}.get(text[-1:], 1)
        try:
            sizes.append(int(text.rstrip("KMG")) * scale)
        except ValueError:
            continue
    return max(sizes) if sizes else None


def default_bytes() -> int:
    llc = last_level_cache() or 0
    return max(MIN_BYTES, min(MAX_BYTES, LLC_TIMES * llc))


def _best(action: Any, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def probe(size_bytes: int | None = None, repeats: int = DEFAULT_REPEATS) -> dict[str, Any]:
    """Best-of-``repeats`` dot, copy and sum bandwidth in GB/s (1e9 bytes/s), one thread.

    ``size_bytes`` is the memory of the two float64 arrays together (default: three times
    the last-level cache, at least 256 MiB and at most 2 GiB); each holds half.
    """
    import numpy as np
    from threadpoolctl import threadpool_limits

    size_bytes = default_bytes() if size_bytes is None else size_bytes
    if size_bytes < 2 * 8 or repeats < 1:
        raise ValueError("size_bytes must hold two float64 values and repeats must be ≥ 1")
    started = time.perf_counter()
    count = size_bytes // 2 // 8
    a = np.full(count, 0.5)  # both written once, so every page is mapped before timing
    b = np.full(count, 2.0)
    array_bytes = b.nbytes
    with threadpool_limits(1):
        dot_best = _best(lambda: a @ b, repeats)
        if float(a @ b) != count:  # the dot really read every element of both
            raise RuntimeError("bandwidth probe: the dot product returned a wrong value")
        sum_best = _best(b.sum, repeats)
        copy_best = _best(lambda: np.copyto(a, b), repeats)
    dot = 2 * array_bytes / dot_best / 1e9
    return {
        "read_gb_s": dot,
        "dot_gb_s": dot,
        "copy_gb_s": 2 * array_bytes / copy_best / 1e9,
        "sum_gb_s": array_bytes / sum_best / 1e9,
        "array_bytes": array_bytes,
        "last_level_cache_bytes": last_level_cache(),
        "repeats": repeats,
        "threads": 1,
        "dtype": "float64",
        "method": "best of repeats, one thread; dot a @ b reads 2 × array bytes (the read "
                  "figure), copy a[:] = b counts 2 ×, sum counts 1 ×",
        "elapsed_s": round(time.perf_counter() - started, 3),
    }


if __name__ == "__main__":
    print(json.dumps(probe(), indent=1))
