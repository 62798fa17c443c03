"""When does numba-fused's parallel kernel pay for its fork-join? Serial against 2 chunks.

Run as ``NUMBA_NUM_THREADS=2 python scripts/numba_chunks.py 5 1e3 1e4 3e4 1e5 1e6`` (sizes
N, d = 1). Per size: 40 trials alternating between the serial kernel and ``parallel`` with
two chunks, each trial the mean of enough calls for some 50 000 points; the best trial of
each is printed, since other load only ever adds time. ``impls.numba_fused.MIN_CHUNK`` is
chosen from this (see its module docstring for the numbers).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numba
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from impls.numba_fused import parallel, serial

TRIALS = 40


def main(sizes: list[int]) -> None:
    numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
    rng = np.random.default_rng(0)
    for n in sizes:
        x = rng.standard_normal((n, 1))
        x1, y, w = x.reshape(-1), rng.random(n), np.array([0.3])
        args = (x, x1, y, w, 0.1, True)
        kernels = {"serial": lambda a=args: serial(*a),
                   "parallel": lambda a=args: parallel(*a, 2)}
        reps = max(3, 50_000 // max(n, 50))
        best = dict.fromkeys(kernels, float("inf"))
        for kernel in kernels.values():
            kernel()  # compile
        for _ in range(TRIALS):
            for name, kernel in kernels.items():
                start = time.perf_counter()
                for _ in range(reps):
                    kernel()
                best[name] = min(best[name], (time.perf_counter() - start) / reps)
        print(f"N={n:>9}  serial {best['serial'] * 1e6:9.2f} µs  parallel(2) "
              f"{best['parallel'] * 1e6:9.2f} µs  parallel/serial "
              f"{best['parallel'] / best['serial']:.2f}", flush=True)


if __name__ == "__main__":
    main([int(float(a)) for a in sys.argv[1:]] or [5, 10**3, 10**4, 3 * 10**4, 10**5, 10**6])
