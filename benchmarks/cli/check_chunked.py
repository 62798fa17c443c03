"""``check`` at a size memory cannot hold: chunk by chunk, for implementations that take a
``LazyProblem`` (``benchmarks.check.chunked``); ``--chunked`` asks for it at any size."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from benchmarks.check import schema
from benchmarks.cli.command import EXIT_FAILED, EXIT_OK
from benchmarks.cli.plan import in_memory
from benchmarks.errors import UsageError
from impls import registry
from impls.fits import check_fits
from impls.problem import ProblemError, lazy_synthetic


def wanted(n: int | None, d: int, dtype: str, names: list[str], copies: int,
           asked: bool) -> bool:
    """Whether to check chunk by chunk: asked, or a synthetic N that only implementations
    with ``lazy_data`` can take (others are refused by the memory guard, with its hint)."""
    if n is None:
        if asked:
            raise UsageError("--chunked checks a synthetic problem: give --n")
        return False
    held = in_memory(names)
    if asked and held:
        raise UsageError("--chunked checks implementations that generate their data "
                         "themselves (dask-manual): " + ", ".join(held) + " cannot")
    if asked:
        return True
    try:
        check_fits(n, d, dtype, copies)
    except ProblemError:
        return bool(names) and not held
    return False


def run_chunked(n: int, d: int, seed: int, dtype: str, device: str, names: list[str],
                json_path: Path | None) -> int:
    """The chunk-by-chunk check, printed, and written to ``json_path``."""
    from benchmarks.check.chunked import check_chunked  # imports numpy-manual: not at start

    problem = lazy_synthetic(n, d, seed, dtype)
    print(f"checking {', '.join(names)} chunk by chunk on N={n}, d={d} ({dtype}, seed "
          f"{seed}): every chunk against the same sums in one process", flush=True)

    def progress(text: str) -> None:
        print(f"  {text}", file=sys.stderr, flush=True)

    report = check_chunked(problem, names, lambda m: registry.get(m)(device=device),
                           progress)
    for entry in report["implementations"]:
        show(entry)
    if json_path is not None:
        json_path.write_text(schema.dumps(report))
        print(f"wrote {json_path}")
    print("all implementations pass" if report["passed"] else "FAILED")
    return EXIT_OK if report["passed"] else EXIT_FAILED


def show(entry: dict[str, Any]) -> None:
    print(f"{entry['name']}: {entry['status']}")
    for label, point in entry["points"].items():
        print(f"  at {label}: {point['chunks_bit_identical']} of {point['chunks']} chunks "
              f"bit-identical to one process, {point['failed_chunks']} outside their bound; "
              f"tree total within {max(point['tree_bound']):.3g} of the one-by-one sum: "
              f"{'yes' if point['tree_within_bound'] else 'NO'}")
    for why in entry["failures"][:5]:
        print(f"  {why}")
