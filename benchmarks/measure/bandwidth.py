"""A STREAM-style probe of this machine's memory bandwidth, the ceiling for GB/s in reports.

The update rule reads x and y once per evaluation, so at large N it is bound by memory
bandwidth, not arithmetic. To say how close an implementation gets, a report needs this
machine's own figure, measured the same way the sweep measures: one thread, NumPy arrays far
larger than any cache, best of a few repeats (as McCalpin's STREAM reports the best time).

- ``copy``: ``a[:] = b``, counted as STREAM counts it: 2 × size bytes (read b, write a).
- ``sum``: ``b.sum()``, a pure read of size bytes; the closest kernel to the loss's reads,
  so ``read_gb_s`` (the figure reports divide by) is this one.

Run ``python -m benchmarks.measure.bandwidth`` to print the JSON the sweep stores.
"""

from __future__ import annotations

import json
import time
from typing import Any

DEFAULT_BYTES = 256 * 2**20  # both arrays together: each is beyond the L3 one core can use
DEFAULT_REPEATS = 5


def probe(size_bytes: int = DEFAULT_BYTES, repeats: int = DEFAULT_REPEATS) -> dict[str, Any]:
    """Best-of-``repeats`` copy and sum bandwidth in GB/s (1e9 bytes/s) on float64 arrays.

    ``size_bytes`` is the memory of the two arrays together; each holds half. Takes well
    under a second with the defaults, most of it the first touch of the pages.
    """
    import numpy as np

    if size_bytes < 2 * 8 or repeats < 1:
        raise ValueError("size_bytes must hold two float64 values and repeats must be ≥ 1")
    started = time.perf_counter()
    count = size_bytes // 2 // 8
    a = np.full(count, 0.0)  # both written once, so every page is mapped before timing
    b = np.full(count, 1.0)
    array_bytes = b.nbytes
    copy_best = sum_best = float("inf")
    total = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        a[:] = b
        copy_best = min(copy_best, time.perf_counter() - start)
        start = time.perf_counter()
        total += float(b.sum())
        sum_best = min(sum_best, time.perf_counter() - start)
    if total != repeats * count:  # the reduction really read every element
        raise RuntimeError("bandwidth probe: the sum reduction returned a wrong value")
    del a, b
    return {
        "copy_gb_s": 2 * array_bytes / copy_best / 1e9,
        "sum_gb_s": array_bytes / sum_best / 1e9,
        "read_gb_s": array_bytes / sum_best / 1e9,
        "array_bytes": array_bytes,
        "repeats": repeats,
        "threads": 1,
        "dtype": "float64",
        "method": "best of repeats; copy a[:] = b counts 2 × array bytes, sum counts 1 ×",
        "elapsed_s": round(time.perf_counter() - started, 3),
    }


if __name__ == "__main__":
    print(json.dumps(probe(), indent=1))
