"""Whether a problem held in memory fits this machine: refused before anything is allocated.

Only in-memory problems are guarded: a ``LazyProblem`` (``impls.problem``) is never held, so
an implementation that takes one (dask-manual, ``lazy_data``) runs any N this machine has the
time for.
"""

from __future__ import annotations

import numpy as np

from impls import datafile
from impls.errors import ProblemError

LAZY_HINT = ("dask-manual generates the data chunk by chunk on its workers and can take it "
             "(--impl dask-manual)")


def estimate_bytes(n: int, d: int, dtype: str = "float64", copies: int = 3) -> int:
    """Peak bytes to hold a problem plus ``copies`` framework copies and n-length temporaries.

    Generation makes float64 draws before casting, and each implementation keeps its own copy
    of x and y plus about eight length-n float64 temporaries (z, f, residuals, their grads).
    """
    item = np.dtype(dtype).itemsize
    data = n * (d + 1) * item
    generation = n * (d + 1) * 8
    temporaries = 8 * n * 8
    return data * (1 + copies) + generation + temporaries


def check_fits(n: int, d: int, dtype: str, copies: int) -> None:
    """Refuse, before allocating, a problem this machine's free memory cannot hold."""
    need = estimate_bytes(n, d, dtype, copies=copies)
    have = datafile.available_bytes()
    if need > 0.8 * have:
        raise ProblemError(f"a problem of N={n}, d={d} ({dtype}) needs about "
                           f"{need / 2**30:.1f} GiB, more than the {have / 2**30:.1f} GiB "
                           f"available here; {LAZY_HINT}")
