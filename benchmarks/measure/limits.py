"""The machine's real limits for the update rule, and the floor they put under each row.

One evaluation reads x and y once and takes one ``exp`` per point, so no implementation
can beat ``max(bytes of x and y ÷ read bandwidth, N × exp cost)`` per evaluation: the
first bound rules at large N (memory-bound), the second where the data sit in cache. The
sweep probes both before any worker starts, stores them as ``limits`` in metadata.json and
writes each row's floor (× evaluations per call) in the ``floor_s`` column, so a report
can show every implementation as a multiple of its floor.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from benchmarks.measure import bandwidth
from benchmarks.store.config import Config

EXP_ELEMENTS = 4096  # 32 KiB of float64: in L1 or L2 on any CPU of the last decade
EXP_REPEATS = 200
DTYPES = ("float64", "float32")
# A correct call may beat its floor a little (a faster exp than NumPy's, data half in
# cache); one below this share of it is no measurement (docs/verification.md).
PLAUSIBLE_SHARE = 0.25


def exp_cost(dtype: str, elements: int = EXP_ELEMENTS, repeats: int = EXP_REPEATS) -> float:
    """Nanoseconds per element of NumPy's ``exp`` on an in-cache array, best of repeats."""
    import numpy as np

    x = np.linspace(-4.0, 4.0, elements, dtype=dtype)
    out = np.empty_like(x)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        np.exp(x, out=out)
        best = min(best, time.perf_counter() - start)
    if not np.allclose(out, np.exp(x.astype(np.float64)), rtol=1e-5):
        raise RuntimeError("exp probe: np.exp returned wrong values")
    return best / elements * 1e9


@dataclass(frozen=True)
class Limits:
    """Read bandwidth (GB/s, one thread) and the in-cache cost of one exp per dtype (ns)."""

    read_gb_s: float
    exp_ns: dict[str, float]

    def floor(self, points: int, bytes_read: int, dtype: str, calls: int = 1) -> float | None:
        """Seconds a call cannot beat: max(bytes ÷ bandwidth, points × exp cost) × calls."""
        if self.read_gb_s <= 0 or dtype not in self.exp_ns:
            return None
        memory = bytes_read / (self.read_gb_s * 1e9)
        arithmetic = points * self.exp_ns[dtype] * 1e-9
        return max(memory, arithmetic) * calls

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "floor": "max(bytes of x and y ÷ read_gb_s, N × exp_ns) "
                "× evaluations per call"}

    @classmethod
    def from_json(cls, data: Any) -> Limits | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(float(data["read_gb_s"]),
                       {k: float(v) for k, v in dict(data["exp_ns"]).items()})
        except (KeyError, TypeError, ValueError):
            return None


def probe(bandwidth: dict[str, Any]) -> Limits:
    """The exp costs on top of a bandwidth probe's read figure."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        costs = {dtype: exp_cost(dtype) for dtype in DTYPES}
    return Limits(float(bandwidth["read_gb_s"]), costs)


def probes() -> dict[str, Any]:
    """Bandwidth and exp cost for metadata.json, run before any worker starts so that
    nothing of ours runs beside them."""
    found: dict[str, Any] = {"bandwidth": bandwidth.probe()}
    found["limits"] = probe(found["bandwidth"]).to_json()
    return found


def floor_of(metadata: dict[str, Any]) -> Callable[[Config], float | None] | None:
    """Each configuration's floor in seconds (``floor_s``), from a run's stored limits."""
    found = Limits.from_json(metadata.get("limits"))
    if found is None:
        return None
    return lambda c: found.floor(c.n, c.bytes_read, c.dtype, c.calls)


def plausible_of(metadata: dict[str, Any]) -> Callable[[Config], float | None] | None:
    """The least time a correct call can take on this machine's CPU (below it a result is
    implausible): one exp per point, plus reading x and y only where they exceed the
    last-level cache (from cache they arrive faster than the probe's memory bandwidth),
    per thread of the configuration, × PLAUSIBLE_SHARE. None on a GPU, whose memory the
    probes do not measure."""
    found = Limits.from_json(metadata.get("limits"))
    if found is None:
        return None
    cache = (metadata.get("bandwidth") or {}).get("last_level_cache_bytes")

    def plausible(c: Config) -> float | None:
        if c.device != "cpu":
            return None
        in_memory = cache is not None and c.bytes_read > int(cache)
        floor = found.floor(c.n, c.bytes_read if in_memory else 0, c.dtype, c.calls)
        return None if floor is None else floor * PLAUSIBLE_SHARE / max(1, c.threads)

    return plausible
